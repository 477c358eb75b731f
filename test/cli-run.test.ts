/**
 * The real binary on the bundled fixtures: exit codes, skipping up-to-date stages, --force,
 * --dry-run, status, determinism, and a changed source file re-running collect.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persona, REPO } from './helpers/cli.js';
import { tableHashes } from './helpers/table-hash.js';
import Database from 'better-sqlite3';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'persona-cli-'));
}

/** A copy of the demo fixtures and a pipeline file pointing at them, so a test may edit both. */
function demoCopy(): { dir: string; pipeline: string; db: string } {
  const dir = tempDir();
  cpSync(join(REPO, 'fixtures/demo'), join(dir, 'data'), { recursive: true });
  const yaml = readFileSync(join(REPO, 'pipelines/demo.yml'), 'utf8').replaceAll('../fixtures/demo/', 'data/').replace('../out/demo.db', 'demo.db');
  const pipeline = join(dir, 'demo.yml');
  writeFileSync(pipeline, yaml);
  return { dir, pipeline, db: join(dir, 'demo.db') };
}

describe('persona run', () => {
  it('runs the demo, then skips it as up to date, and --force runs it again with identical tables', () => {
    const { pipeline, db } = demoCopy();
    const first = persona(['run', pipeline]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`database: ${db}`);
    expect(first.stdout).toMatch(/collect\s+success/);
    const hashes = tableHashes(db);
    expect(hashes.raw_customers).toMatch(/^\d+:/);

    const second = persona(['run', pipeline]);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/collect\s+skipped_up_to_date/);

    const forced = persona(['run', pipeline, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/collect\s+success/);
    expect(tableHashes(db)).toEqual(hashes);
  });

  it('gives identical tables in two fresh databases (determinism)', () => {
    const a = join(tempDir(), 'a.db');
    const b = join(tempDir(), 'b.db');
    expect(persona(['run', 'pipelines/demo.yml', '--db', a]).status).toBe(0);
    expect(persona(['run', 'pipelines/demo.yml', '--db', b]).status).toBe(0);
    expect(tableHashes(a)).toEqual(tableHashes(b));
  });

  it('gives the same tables whether clean computes the orders rules in a worker thread or not', () => {
    const threaded = join(tempDir(), 'threaded.db');
    const single = join(tempDir(), 'single.db');
    expect(persona(['run', 'pipelines/demo.yml', '--db', threaded]).status).toBe(0);
    expect(persona(['run', 'pipelines/demo.yml', '--db', single], { env: { PERSONA_CLEAN_WORKERS: '0' } }).status).toBe(0);
    const ledger = (path: string): string => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare(`SELECT details FROM stage_runs WHERE stage = 'clean'`).pluck().get() as string;
      } finally {
        db.close();
      }
    };
    expect(JSON.parse(ledger(threaded)).orders.timingsMs).toHaveProperty('rules_thread');
    expect(JSON.parse(ledger(single)).orders.timingsMs).toHaveProperty('rules');
    expect(tableHashes(threaded)).toEqual(tableHashes(single));
  });

  it('re-runs collect when a source file changes, and status says so first', () => {
    const { pipeline, dir } = demoCopy();
    expect(persona(['run', pipeline]).status).toBe(0);
    expect(persona(['status', pipeline]).stdout).toMatch(/collect .*success.* yes/);
    appendFileSync(join(dir, 'data/fx_rates.csv'), 'USD,2026-01-01,7.1000\n');
    const status = persona(['status', pipeline, '--json']);
    const collect = (JSON.parse(status.stdout) as { stages: { stage: string; up_to_date: boolean }[] }).stages.find((s) => s.stage === 'collect');
    expect(collect?.up_to_date).toBe(false);
    const rerun = persona(['run', pipeline]);
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toMatch(/collect\s+success/);
  });

  it('--dry-run writes nothing', () => {
    const db = join(tempDir(), 'dry.db');
    const run = persona(['run', 'pipelines/demo.yml', '--db', db, '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/collect\s+would_run\s+never ran successfully/);
    expect(existsSync(db)).toBe(false);
  });

  it('exits 2 on an unknown stage, with a suggestion', () => {
    const run = persona(['run', 'pipelines/demo.yml', '--only', 'colect']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--only colect: no such stage — did you mean "collect"?');
  });

  it('exits 2 on a usage error and on a bad --as-of', () => {
    expect(persona(['run']).status).toBe(2);
    expect(persona(['frobnicate']).status).toBe(2);
    const bad = persona(['run', 'pipelines/demo.yml', '--as-of', '31/12/2025']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--as-of 31/12/2025: expected a date written YYYY-MM-DD');
  });

  it('records as_of from --as-of in the ledger', () => {
    const db = join(tempDir(), 'asof.db');
    expect(persona(['run', 'pipelines/demo.yml', '--db', db, '--as-of', '2025-06-30']).status).toBe(0);
    const status = JSON.parse(persona(['status', '--db', db, '--json']).stdout) as { stages: { stage: string; as_of: string }[] };
    expect(status.stages[0]?.as_of).toBe('2025-06-30');
  });
});

describe('persona validate', () => {
  it('accepts the demo pipeline and writes nothing', () => {
    const run = persona(['validate', 'pipelines/demo.yml']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('pipelines/demo.yml: ok');
  });

  it('exits 2 when a mapped column is not in the file header, naming the closest column', () => {
    const { pipeline } = demoCopy();
    writeFileSync(pipeline, readFileSync(pipeline, 'utf8').replace('email: Email', 'email: E-mail'));
    const run = persona(['validate', pipeline]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/sources\[0\]\.columns\.email: the column "E-mail" is not in the header of data\/crm_contacts\.csv/);
    expect(run.stderr).toContain('fix: did you mean "Email"?');
  });

  it('exits 2 when a source file is missing', () => {
    const { pipeline } = demoCopy();
    writeFileSync(pipeline, readFileSync(pipeline, 'utf8').replace('data/fx_rates.csv', 'data/nope.csv'));
    const run = persona(['validate', pipeline]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/sources\[5\]\.path: the file .*nope\.csv does not exist/);
  });
});
