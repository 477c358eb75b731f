/**
 * Splink's fake_1000 through the CLI with pipelines/fake-1000.yml (default identity settings),
 * scored against its cluster column. Splink: F1 0.806 at match probability 0.5, 0.862 at its best
 * threshold; bench/identity-fake-1000.ts prints the sweep.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO, SHARED_DATA } from './helpers/cli.js';
import { readTruth, scoreFake1000 } from '../bench/identity-fake-1000.js';
import { runToClean } from '../bench/identity-febrl-cli.js';

const DATA = join(SHARED_DATA, 'splink-fake-1000', 'fake_1000.csv');

describe.skipIf(!existsSync(DATA))("Splink's fake_1000 through the CLI", () => {
  it('deduplicates it better than Splink at its best threshold, and guards no shared e-mail', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'persona-fake-1000-')), 'f.db');
    runToClean(join(REPO, 'pipelines', 'fake-1000.yml'), db, REPO);
    const s = scoreFake1000(db, readTruth(DATA));
    expect(s.truePairs).toBe(2031);
    expect(s.f1).toBeGreaterThanOrEqual(0.88); // measured 0.892
    expect(s.precision).toBeGreaterThanOrEqual(0.995);
    // The e-mails records share here are personal: the data says so, and guard (a) stays off.
    const sqlite = new Database(db, { readonly: true });
    const details = JSON.parse((sqlite.prepare(`SELECT details FROM stage_runs WHERE stage = 'clean' AND status = 'success'`).get() as { details: string }).details);
    sqlite.close();
    expect(details.identity.sharedContacts).toEqual([expect.objectContaining({ comparison: 'email', guarded: false })]);
  });
});
