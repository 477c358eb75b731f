/**
 * Every planted bad row of the demo fixtures and of the shared retail sets lands in rejects or
 * field_issues at its source and line, and no other row is rejected.
 */
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persona, REPO, SHARED_DATA } from './helpers/cli.js';
import { flaggedLines, readBadRows } from './helpers/truth.js';

const cases = [
  { name: 'demo', pipeline: 'pipelines/demo.yml', truth: join(REPO, 'fixtures/demo/truth/bad_rows.csv') },
  { name: 'retail-2k', pipeline: 'pipelines/retail-2k.yml', truth: join(SHARED_DATA, 'retail-2k/truth/bad_rows.csv') },
  { name: 'retail-20k', pipeline: 'pipelines/retail-20k.yml', truth: join(SHARED_DATA, 'retail-20k/truth/bad_rows.csv') },
];

describe.each(cases)('collect on $name', ({ pipeline, truth }) => {
  it.skipIf(!existsSync(truth))('flags exactly the planted bad rows', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'persona-')), 'p.db');
    const run = persona(['run', pipeline, '--db', db, '--only', 'collect']);
    expect(run.stderr).not.toContain('"level":50');
    expect(run.status).toBe(0);
    const planted = readBadRows(truth);
    const { rejected, issues } = flaggedLines(db);
    const plantedKeys = new Set(planted.map((b) => `${b.source}:${b.line}`));
    const missed = planted.filter((b) => !rejected.has(`${b.source}:${b.line}`) && !issues.has(`${b.source}:${b.line}`));
    expect(missed).toEqual([]);
    const extraRejects = [...rejected].filter((k) => !plantedKeys.has(k));
    const extraIssues = [...issues].filter((k) => !plantedKeys.has(k));
    expect(extraRejects).toEqual([]);
    expect(extraIssues).toEqual([]);
  });
});
