/**
 * The personas stage through the CLI on the bundled demo data: byte-identical cards and report
 * from the same inputs, `persona report` writes what the stage wrote, no personal data of the
 * input in any file, suppression of small groups, continuity of ids and names, `show personas`.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { persona } from './helpers/cli.js';

const PIPELINE = 'pipelines/demo.yml';

function files(folder: string): Map<string, string> {
  return new Map(readdirSync(folder).sort().map((f) => [f, readFileSync(join(folder, f), 'utf8')]));
}

describe('personas stage (demo)', () => {
  let first: string;
  let second: string;
  beforeAll(() => {
    first = mkdtempSync(join(tmpdir(), 'personas-a-'));
    second = mkdtempSync(join(tmpdir(), 'personas-b-'));
    for (const folder of [first, second]) {
      const run = persona(['run', PIPELINE, '--db', join(folder, 'demo.db')]);
      expect(run.status, run.stderr).toBe(0);
    }
  }, 120_000);

  it('writes byte-identical cards and report from the same inputs, and persona report writes the same', () => {
    const a = files(join(first, 'personas'));
    const b = files(join(second, 'personas'));
    expect([...a.keys()]).toContain('report.html');
    expect([...a.keys()].filter((f) => f.endsWith('.md')).length).toBeGreaterThanOrEqual(2);
    expect(b).toEqual(a);
    const out = join(first, 'again');
    const report = persona(['report', '--db', join(first, 'demo.db'), '--out', out]);
    expect(report.status, report.stderr).toBe(0);
    expect(files(out)).toEqual(a);
  });

  it('puts no e-mail, phone, name or birth date of the input in any card or the report', () => {
    const db = new Database(join(first, 'demo.db'), { readonly: true });
    const needles = new Set<string>();
    const add = (v: unknown): void => {
      if (typeof v === 'string' && v.trim().length >= 3) needles.add(v.trim());
    };
    for (const r of db.prepare('SELECT full_name, first_name, last_name, email, phone, birth_date FROM raw_customers').all() as Record<string, unknown>[]) {
      add(r['full_name']);
      add(r['email']);
      add(r['phone']);
      add(r['birth_date']);
      if (typeof r['first_name'] === 'string' && typeof r['last_name'] === 'string') add(`${r['first_name']} ${r['last_name']}`);
    }
    for (const r of db.prepare('SELECT display_name, name_original, email, phone, birth_date FROM customers').all() as Record<string, unknown>[]) for (const v of Object.values(r)) add(v);
    db.close();
    expect(needles.size).toBeGreaterThan(100);
    const phones = [...needles].map((n) => n.replace(/\D/g, '')).filter((d) => d.length >= 8);
    for (const [name, content] of files(join(first, 'personas'))) {
      const found = [...needles].filter((n) => content.includes(n));
      expect(found, name).toEqual([]);
      const digits = content.replace(/[^\d\n]/g, ' ');
      expect(phones.filter((p) => digits.includes(p)), name).toEqual([]);
      expect(content, name).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    }
  });

  it('shows no figure about fewer than min_group_size customers', () => {
    const db = new Database(join(first, 'demo.db'), { readonly: true });
    const small = db.prepare("SELECT persona_id FROM personas WHERE grouping = 'cluster' AND suppressed = 1").all() as { persona_id: string }[];
    expect(small.length).toBeGreaterThan(0); // the demo has one tiny cluster
    expect(db.prepare('SELECT COUNT(*) AS n FROM personas WHERE suppressed = 1 AND (customers <> 0 OR share IS NOT NULL OR revenue IS NOT NULL)').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM persona_traits WHERE suppressed = 0 AND members < 10').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM persona_mixes WHERE suppressed = 0 AND customers < 10').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM persona_reach WHERE suppressed = 0 AND customers < 10').get()).toEqual({ n: 0 });
    db.close();
    const card = readFileSync(join(first, 'personas', `${small[0]!.persona_id}.md`), 'utf8');
    expect(card).toContain('fewer than 10 customers: not shown');
  });

  it('keeps ids and names on the next run and logs what changed', () => {
    const run = persona(['run', PIPELINE, '--db', join(second, 'demo.db'), '--only', 'personas', '--force']);
    expect(run.status, run.stderr).toBe(0);
    const db = new Database(join(second, 'demo.db'), { readonly: true });
    const runs = db.prepare('SELECT run_id, kind, COUNT(*) AS n FROM persona_changes GROUP BY run_id, kind ORDER BY run_id, kind').all() as { run_id: number; kind: string; n: number }[];
    db.close();
    expect(runs.map((r) => r.kind)).toEqual(['new', 'kept']);
    expect(runs[0]!.n).toBe(runs[1]!.n);
    expect(files(join(second, 'personas'))).toEqual(files(join(first, 'personas')));
  });

  it('persona show personas lists names, sizes and traits', () => {
    const show = persona(['show', 'personas', '--db', join(first, 'demo.db')]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/P1\s+\S/);
    expect(show.stdout).toContain('top traits');
    expect(show.stdout).toContain('<10');
    const bad = persona(['show', 'segments', '--db', join(first, 'demo.db')]);
    expect(bad.status).toBe(2);
  });
});
