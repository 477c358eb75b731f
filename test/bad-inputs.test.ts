/**
 * The bad-input corpus (test/bad-inputs/cases.ts) through the real binary. Besides each case's
 * pinned outcome, every case must: exit 0, 1 or 2; print no stack trace; leave a database that
 * passes PRAGMA integrity_check; leave no output of a stage that did not succeed; and account for
 * every row read (loaded or rejected).
 */
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, type CliResult } from './helpers/cli.js';
import { makeCaseDir } from './bad-inputs/base.js';
import { CASES } from './bad-inputs/cases.js';
import { observe } from './bad-inputs/observe.js';

/** No case may take longer: a run that spins (an endless retry) is killed and fails its case. */
const CASE_TIMEOUT_MS = 60_000;

function run(args: string[], uid?: number): CliResult {
  const result = spawnSync(process.execPath, [BIN, '--log-format', 'json', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: CASE_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  const timedOut = result.error !== undefined && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return { status: timedOut ? -1 : (result.status ?? -1), stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (timedOut ? `\n(killed after ${CASE_TIMEOUT_MS} ms)` : '') };
}

/** Opens the folder and its files to everyone so a run as another user can write its database. */
function openToEveryone(dir: string): void {
  // The test run's temporary folders are private (mkdtemp: 0700): let others pass through them.
  for (let up = dirname(dir); up.startsWith(tmpdir()) && up !== dirname(tmpdir()); up = dirname(up)) chmodSync(up, statSync(up).mode | 0o011);
  chmodSync(dir, 0o777);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).mode & 0o444) chmodSync(path, statSync(path).isDirectory() ? 0o777 : (statSync(path).mode & 0o777) | 0o022);
  }
}

function runTwice(args: string[]): Promise<[CliResult, CliResult]> {
  const start = (): Promise<CliResult> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, '--log-format', 'json', ...args], { cwd: REPO, timeout: CASE_TIMEOUT_MS, killSignal: 'SIGKILL' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
  return Promise.all([start(), start()]);
}

describe('bad inputs', () => {
  it('has at least 50 cases with unique names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const badCase of CASES) {
    it(`${badCase.kind}: ${badCase.name}`, async () => {
      const c = makeCaseDir();
      const built = badCase.build(c, (args) => void run(args)) ?? {};
      const args = ['run', c.pipeline, ...(built.args ?? [])];
      let result: CliResult;
      if (built.concurrent) {
        const [a, b] = await runTwice(args);
        // One run wins the database; the other must say so. Judge the loser (or the first when both won).
        result = a.status !== 0 ? a : b;
      } else if (built.uid !== undefined && process.getuid?.() === 0) {
        openToEveryone(c.dir);
        result = run(args, built.uid);
      } else {
        result = run(args);
      }
      const dbArg = built.args?.indexOf('--db') ?? -1;
      const o = observe(result, dbArg >= 0 ? built.args![dbArg + 1]! : c.db);
      expect([0, 1, 2], o.output).toContain(o.exit);
      expect(o.stackTrace, `a stack trace leaked:\n${o.output}`).toBe(false);
      // A database the case itself damaged cannot pass; every other one must.
      if (o.integrity !== null && !badCase.damagesDatabase) expect(o.integrity).toBe('ok');
      expect(o.partialOutput, 'a stage that did not succeed left output').toEqual([]);
      for (const [source, lost] of Object.entries(o.unaccounted)) expect(lost, `${source}: rows neither loaded nor rejected`).toBe(0);
      badCase.check(o, c);
    });
  }
});
