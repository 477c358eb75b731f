/**
 * Crash safety on real data: SIGKILL in the middle of collect, run again, and the tables equal
 * those of an uninterrupted run. Also: a second run on a busy database fails cleanly (exit 1).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona, personaAsync, SHARED_DATA } from './helpers/cli.js';
import { tableHashes } from './helpers/table-hash.js';

const RETAIL_20K = 'pipelines/retail-20k.yml';
const haveData = existsSync(join(SHARED_DATA, 'retail-20k/orders.csv.gz'));

/** Resolves when a log line matching `pattern` appears on the child's stderr. */
function waitForLog(child: ReturnType<typeof personaAsync>, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => pattern.test(l));
      if (line) resolve(line);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before logging ${pattern}: ${buffered.slice(-2000)}`)));
  });
}

function exitOf(child: ReturnType<typeof personaAsync>): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe.skipIf(!haveData)('crash safety on retail-20k', () => {
  it('resumes after SIGKILL in the middle of collect with tables identical to an uninterrupted run', async () => {
    const reference = join(mkdtempSync(join(tmpdir(), 'persona-ref-')), 'ref.db');
    expect(persona(['run', RETAIL_20K, '--db', reference, '--only', 'collect']).status).toBe(0);

    const db = join(mkdtempSync(join(tmpdir(), 'persona-kill-')), 'killed.db');
    const child = personaAsync(['run', RETAIL_20K, '--db', db, '--only', 'collect']);
    const exited = exitOf(child);
    // The shop source is done and the big files are being read: kill in the middle of collect.
    await waitForLog(child, /collect shop:/);
    child.kill('SIGKILL');
    expect(await exited).toBeNull();

    // Nothing of the killed collect is visible: its transaction never committed.
    const peek = new Database(db, { readonly: true });
    expect((peek.prepare('SELECT COUNT(*) AS n FROM raw_customers').get() as { n: number }).n).toBe(0);
    expect((peek.prepare("SELECT status FROM stage_runs WHERE stage = 'collect'").get() as { status: string }).status).toBe('running');
    peek.close();

    const resumed = persona(['run', RETAIL_20K, '--db', db, '--only', 'collect']);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain('an earlier run was interrupted');
    expect(tableHashes(db)).toEqual(tableHashes(reference));

    const ledger = new Database(db, { readonly: true });
    const statuses = ledger.prepare("SELECT status FROM stage_runs WHERE stage = 'collect' ORDER BY run_id").all() as { status: string }[];
    ledger.close();
    expect(statuses.map((s) => s.status)).toEqual(['failed', 'success']);
  });

  it('refuses a second concurrent run on the same database with exit 1 and leaves the first intact', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'persona-lock-')), 'busy.db');
    const first = personaAsync(['run', RETAIL_20K, '--db', db, '--only', 'collect']);
    const firstExit = exitOf(first);
    await waitForLog(first, /collect: started/);
    const second = persona(['run', RETAIL_20K, '--db', db, '--only', 'collect']);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('another persona run');
    expect(await firstExit).toBe(0);
    expect(persona(['status', '--db', db]).stdout).toMatch(/collect .*success/);
  });
});
