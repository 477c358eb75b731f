/**
 * `persona measure --experiment` through the real binary: Hillstrom's randomised e-mail test
 * (64,000 people) measured against the per-arm figures of its SOURCE.md, campaign_results in the
 * database, byte-identical output on a second run, and the errors an analyst's file can raise.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persona, SHARED_DATA } from './helpers/cli.js';

const HILLSTROM = join(SHARED_DATA, 'hillstrom', 'hillstrom.csv.gz');
const ARGS = ['measure', '--experiment', HILLSTROM, '--group', 'segment', '--control', 'No E-Mail', '--outcome', 'visit,conversion', '--value', 'spend', '--covariate', 'history'];

/** Per arm visit / conversion / spend, from ../shared/data/hillstrom/SOURCE.md. */
const PUBLISHED: Record<string, Record<string, number>> = {
  'Mens E-Mail': { visit: 0.18276, conversion: 0.01253, spend: 1.42262 },
  'Womens E-Mail': { visit: 0.1514, conversion: 0.00884, spend: 1.0772 },
  'No E-Mail': { visit: 0.10617, conversion: 0.00573, spend: 0.65279 },
};

interface Row {
  arm: string;
  metric: string;
  adjusted: number;
  method: string;
  n_arm: number;
  n_control: number;
  value_arm: number;
  value_control: number;
  uplift: number;
  uplift_low: number;
  uplift_high: number;
  p_value: number;
  width_saved: number | null;
  segment: string;
}

describe('persona measure on Hillstrom', () => {
  const dir = mkdtempSync(join(tmpdir(), 'measure-'));
  const db = join(dir, 'results.db');
  const run = persona([...ARGS, '--json', '--db', db]);
  const out = JSON.parse(run.stdout) as { rows: number; arms: { arm: string; n: number }[]; results: Row[] };

  it('reads every row and finds the three arms', () => {
    expect(run.status).toBe(0);
    expect(out.rows).toBe(64_000);
    expect(out.arms).toEqual([
      { arm: 'Mens E-Mail', n: 21_307 },
      { arm: 'No E-Mail', n: 21_306 },
      { arm: 'Womens E-Mail', n: 21_387 },
    ]);
  });

  it("covers each e-mail arm's published difference over No E-Mail, plain and adjusted", () => {
    expect(out.results).toHaveLength(12); // 2 arms × 3 metrics × (plain, adjusted)
    for (const row of out.results) {
      const truth = PUBLISHED[row.arm]![row.metric]! - PUBLISHED['No E-Mail']![row.metric]!;
      expect(row.value_arm).toBeCloseTo(PUBLISHED[row.arm]![row.metric]!, row.adjusted ? 2 : 5);
      expect(row.uplift_low).toBeLessThan(truth);
      expect(row.uplift_high).toBeGreaterThan(truth);
      expect(row.p_value).toBeLessThan(0.01);
    }
  });

  it('pins the intervals and the width CUPED saves with history (docs/measure.md)', () => {
    const pick = (arm: string, metric: string, adjusted: number) => out.results.find((r) => r.arm === arm && r.metric === metric && r.adjusted === adjusted)!;
    const figures = (r: Row) => [r.uplift, r.uplift_low, r.uplift_high].map((v) => Number(v.toFixed(5)));
    expect(figures(pick('Mens E-Mail', 'visit', 0))).toEqual([0.07659, 0.06995, 0.08323]);
    expect(figures(pick('Mens E-Mail', 'conversion', 0))).toEqual([0.00681, 0.00501, 0.00864]);
    expect(figures(pick('Mens E-Mail', 'spend', 0))).toEqual([0.76983, 0.48514, 1.05451]);
    expect(figures(pick('Womens E-Mail', 'visit', 0))).toEqual([0.04523, 0.03889, 0.05157]);
    expect(figures(pick('Womens E-Mail', 'conversion', 0))).toEqual([0.00311, 0.0015, 0.00475]);
    expect(figures(pick('Womens E-Mail', 'spend', 0))).toEqual([0.42441, 0.16896, 0.67987]);
    expect(pick('Mens E-Mail', 'visit', 0).method).toBe('newcombe');
    expect(pick('Mens E-Mail', 'spend', 0).method).toBe('welch');
    expect(pick('Mens E-Mail', 'spend', 1).method).toBe('cuped-welch');
    // history explains almost nothing of a two-week outcome: the saving is real but tiny.
    expect(pick('Mens E-Mail', 'visit', 1).width_saved!).toBeCloseTo(0.0022, 4);
    expect(pick('Mens E-Mail', 'spend', 1).width_saved!).toBeCloseTo(0.0002, 4);
  });

  it('writes the same rows to campaign_results', () => {
    const conn = new Database(db, { readonly: true });
    try {
      const rows = conn.prepare("SELECT * FROM campaign_results WHERE campaign = 'hillstrom' ORDER BY arm, metric, adjusted").all() as Row[];
      expect(rows).toHaveLength(12);
      const spend = rows.find((r) => r.arm === 'Mens E-Mail' && r.metric === 'spend' && r.adjusted === 0)! as Row & { source: string; confidence: number; suppressed: number };
      expect(spend).toMatchObject({ source: 'experiment:hillstrom.csv.gz', confidence: 0.95, suppressed: 0, segment: '', n_arm: 21_307, n_control: 21_306 });
      expect(spend.uplift).toBe(out.results.find((r) => r.arm === 'Mens E-Mail' && r.metric === 'spend' && r.adjusted === 0)!.uplift);
    } finally {
      conn.close();
    }
  });

  it('prints the same table byte for byte on a second run, and replaces the rows it wrote', () => {
    const first = persona([...ARGS, '--db', db]);
    const second = persona([...ARGS, '--db', db]);
    expect(first.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toContain('Mens E-Mail    visit');
    const conn = new Database(db, { readonly: true });
    expect((conn.prepare('SELECT COUNT(*) AS n FROM campaign_results').get() as { n: number }).n).toBe(12);
    conn.close();
  });
});

describe('persona measure on a small A/B/n file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'measure-small-'));
  const file = join(dir, 'test.csv');
  const lines = ['person,arm,persona,converted,revenue,cost'];
  for (let i = 0; i < 300; i++) {
    const arm = ['holdout', 'a', 'b'][i % 3]!;
    const persona = i < 280 ? 'regular' : 'rare';
    const converted = (arm === 'holdout' ? i % 10 === 0 : i % 4 === 0) ? 1 : 0;
    lines.push(`P${i},${arm},${persona},${converted},${converted * 40},${arm === 'holdout' ? 0 : 0.2}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');

  it('measures per segment, suppresses groups under 10, and gives ROI and cost per conversion', () => {
    const run = persona(['measure', '--experiment', file, '--group', 'arm', '--control', 'holdout', '--outcome', 'converted', '--value', 'revenue', '--cost', 'cost', '--segment', 'persona', '--json']);
    expect(run.status).toBe(0);
    const results = (JSON.parse(run.stdout) as { results: (Row & { suppressed: number; roi: number | null; cost_per_incremental: number | null })[] }).results;
    const rare = results.filter((r) => r.segment === 'rare');
    expect(rare.length).toBeGreaterThan(0);
    expect(rare.every((r) => r.suppressed === 1 && r.uplift === null)).toBe(true);
    const revenue = results.find((r) => r.segment === '' && r.arm === 'a' && r.metric === 'revenue')!;
    expect(revenue.roi).toBeCloseTo((revenue.uplift * 100 - 0.2 * 100) / (0.2 * 100), 10);
    expect(results.find((r) => r.segment === '' && r.arm === 'a' && r.metric === 'converted')!.cost_per_incremental).toBeGreaterThan(0);
    const text = persona(['measure', '--experiment', file, '--group', 'arm', '--control', 'holdout', '--outcome', 'converted', '--segment', 'persona']);
    expect(text.stdout).toContain('suppressed: an arm or the control has fewer than 10 people');
  });

  it.each([
    ['a missing column', ['--outcome', 'convrted'], /no column "convrted" \(given by --outcome\); did you mean "converted"\?/],
    ['an unknown control value', ['--outcome', 'converted', '--control', 'hold-out'], /no row has "hold-out" in column arm \(given by --control\); did you mean "holdout"\?/],
    ['a non-numeric outcome', ['--outcome', 'persona'], /line 2, column persona: the value is "regular", not a number/],
    ['a missing file', ['--outcome', 'converted', '--experiment', join(dir, 'nope.csv')], /nope\.csv: no such file/],
  ])('stops with exit 2 and one line on %s', (_what, extra, message) => {
    const args = ['measure', '--experiment', file, '--group', 'arm', '--control', 'holdout', ...extra];
    const run = persona(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the line of an empty outcome', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'arm,converted\nholdout,1\na,\n');
    const run = persona(['measure', '--experiment', bad, '--group', 'arm', '--control', 'holdout', '--outcome', 'converted']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/line 3, column converted: the value is empty/);
  });
});
