/**
 * What a run tells a person, through the real binary on the demo: the run summary's field-issue
 * and data-issue columns and its notes, the same in `status`, a terminal log of a few lines per
 * stage, and `explain customer`'s features, tags, RFM segment, cluster and CLV.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { persona, REPO } from './helpers/cli.js';

/** The demo with one tag naming a category no customer has (a typo): the features stage notes it. */
function demoWithTypoTag(): { pipeline: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'persona-report-'));
  cpSync(join(REPO, 'fixtures/demo'), join(dir, 'data'), { recursive: true });
  const yaml = readFileSync(join(REPO, 'pipelines/demo.yml'), 'utf8')
    .replaceAll('../fixtures/demo/', 'data/')
    .replace('../out/demo.db', 'demo.db')
    .replace('share.category.electronics >= 0.6', 'share.category.electronix >= 0.6');
  expect(yaml).toContain('electronix');
  const pipeline = join(dir, 'demo.yml');
  writeFileSync(pipeline, yaml);
  return { pipeline, db: join(dir, 'demo.db') };
}

function count(db: string, sql: string): number {
  const handle = new Database(db, { readonly: true });
  try {
    return handle.prepare(sql).pluck().get() as number;
  } finally {
    handle.close();
  }
}

/** The cells of a summary or status row, split on runs of two or more spaces. */
function row(stdout: string, stage: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${stage} `));
  expect(line, `a row for ${stage}`).toBeDefined();
  return line!.trim().split(/\s{2,}/);
}

describe('what a run says happened', () => {
  let pipeline: string;
  let db: string;
  let run: ReturnType<typeof persona>;

  beforeAll(() => {
    ({ pipeline, db } = demoWithTypoTag());
    // The terminal format, as a person at a terminal sees it (the last --log-format wins).
    run = persona(['--log-format', 'pretty', 'run', pipeline]);
  });

  it('shows field issues and data issues per stage, with the counts of the tables', () => {
    expect(run.status).toBe(0);
    const header = run.stdout.split('\n').find((l) => l.startsWith('stage '))!;
    expect(header.split(/\s{2,}/)).toEqual(['stage', 'status', 'rows in', 'rows out', 'rejects', 'field issues', 'data issues', 'time', 'note']);
    const fieldIssues = count(db, 'SELECT COUNT(*) FROM field_issues');
    const dataIssues = count(db, `SELECT COUNT(*) FROM data_issues WHERE stage = 'clean'`);
    expect(fieldIssues).toBeGreaterThan(0);
    expect(dataIssues).toBeGreaterThan(0);
    expect(row(run.stdout, 'collect')).toEqual(['collect', 'success', expect.any(String), expect.any(String), '3', fieldIssues.toLocaleString('en-US'), expect.stringMatching(/ms|s$/)]);
    expect(row(run.stdout, 'clean')[1]).toBe('success');
    expect(row(run.stdout, 'clean')).toContain(dataIssues.toLocaleString('en-US'));
  });

  it("marks a stage with notes and lists every note in full under the table", () => {
    const features = row(run.stdout, 'features');
    expect(features[1]).toBe('success*');
    expect(features.at(-1)).toBe('note 1');
    expect(run.stdout).toMatch(/\n\* notes:\n {2}1\. features: features\.tags\[3\]\.when \(gadget_fan\): no customer has any category "electronix", .* did you mean "electronics"\?\n/);
    const details = JSON.parse(
      (() => {
        const handle = new Database(db, { readonly: true });
        try {
          return handle.prepare(`SELECT details FROM stage_runs WHERE stage = 'features'`).pluck().get() as string;
        } finally {
          handle.close();
        }
      })(),
    ) as { notes: string[] };
    expect(details.notes).toHaveLength(1);
  });

  it('logs a few readable lines per stage on a terminal, the note among them, and no field dumps', () => {
    const lines = run.stderr.trimEnd().split('\n');
    // One line per log call: started, a line or two per step, done; collect one per source.
    expect(lines.length).toBeLessThanOrEqual(30);
    for (const line of lines) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] (INFO|WARN): \S/);
    expect(lines).toContainEqual(expect.stringMatching(/^\[.*\] INFO: clean: done in .*: 9,008 rows in, 8,728 out, \d+ rejects, \d+ data issues$/));
    expect(lines).toContainEqual(expect.stringMatching(/WARN: features: features\.tags\[3\]\.when \(gadget_fan\): no customer has any category "electronix"/));
  });

  it('status shows the same columns and notes (table and --json)', () => {
    const status = persona(['status', pipeline]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/field issues\s+data issues/);
    expect(row(status.stdout, 'features')[2]).toBe('success*');
    expect(status.stdout).toContain('1. features: features.tags[3].when (gadget_fan)');
    const json = JSON.parse(persona(['status', pipeline, '--json']).stdout) as { stages: { stage: string; field_issues: number | null; data_issues: number | null; notes: string[] }[] };
    const by = Object.fromEntries(json.stages.map((s) => [s.stage, s]));
    expect(by['collect']!.field_issues).toBe(count(db, 'SELECT COUNT(*) FROM field_issues'));
    expect(by['clean']!.data_issues).toBe(count(db, `SELECT COUNT(*) FROM data_issues WHERE stage = 'clean'`));
    expect(by['features']!.notes).toHaveLength(1);
    expect(by['segment']!.notes).toEqual([]);
  });

  it("explain customer shows the customer's features, tags, RFM segment, cluster and CLV", () => {
    const handle = new Database(db, { readonly: true });
    const customer = handle
      .prepare(`SELECT s.customer_id FROM segments s JOIN customer_tags t USING (customer_id) JOIN clv c USING (customer_id) WHERE s.segment_id IS NOT NULL ORDER BY s.customer_id LIMIT 1`)
      .pluck()
      .get() as string;
    const expected = handle.prepare(`SELECT r.segment, s.segment_id, c.p_alive, f.frequency FROM rfm r JOIN segments s USING (customer_id) JOIN clv c USING (customer_id) JOIN features f USING (customer_id) WHERE customer_id = ?`).get(customer) as {
      segment: string;
      segment_id: number;
      p_alive: number;
      frequency: number;
    };
    const tag = handle.prepare('SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag LIMIT 1').pluck().get(customer) as string;
    handle.close();

    const text = persona(['explain', 'customer', customer, '--db', db]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/\nfeatures \(as of 2025-12-31, run 1\):\n/);
    expect(text.stdout).toMatch(new RegExp(`\\n  frequency +${expected.frequency}\\n`));
    expect(text.stdout).toMatch(new RegExp(`\\n  tags: .*${tag} \\(weight `));
    expect(text.stdout).toContain(`RFM segment: ${expected.segment} (R `);
    expect(text.stdout).toMatch(new RegExp(`\\n  cluster: ${expected.segment_id}, \\d+ customers`));
    expect(text.stdout).toMatch(/\n {2}CLV: expected purchases [\d.]+ in 90 days, [\d.]+ in 365 days; P\(alive\) [\d.]+; expected average spend [\d,.]+; CLV [\d,.]+\n/);

    const json = JSON.parse(persona(['explain', 'customer', customer, '--db', db, '--json']).stdout) as {
      features: { run_id: number; values: Record<string, unknown>; tags: { tag: string }[] };
      segment: { rfm: { segment: string }; cluster: { segment_id: number }; clv: { p_alive: number } };
    };
    expect(json.features.run_id).toBe(1);
    expect(json.features.values['frequency']).toBe(expected.frequency);
    expect(json.features.tags.map((t) => t.tag)).toContain(tag);
    expect(json.segment.rfm.segment).toBe(expected.segment);
    expect(json.segment.cluster.segment_id).toBe(expected.segment_id);
    expect(json.segment.clv.p_alive).toBe(expected.p_alive);
  });
});

describe('explain customer before features and segment have run', () => {
  it('says each stage has not run, in text and in --json', () => {
    const { pipeline, db } = demoWithTypoTag();
    expect(persona(['run', pipeline, '--to', 'clean']).status).toBe(0);
    const text = persona(['explain', 'customer', 'C00000001', '--db', db]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('features:\n  the features stage has not run on this database');
    expect(text.stdout).toContain('segment:\n  the segment stage has not run on this database');
    const json = JSON.parse(persona(['explain', 'customer', 'C00000001', '--db', db, '--json']).stdout) as { features: { run_id: null; note: string; values: null }; segment: { run_id: null; rfm: null } };
    expect(json.features).toMatchObject({ run_id: null, values: null, note: expect.stringContaining('has not run') });
    expect(json.segment).toMatchObject({ run_id: null, rfm: null });
  });
});
