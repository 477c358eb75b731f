/**
 * Organisations as customers through the CLI: a directory of shops, clinics and branches of
 * chains in three systems (fixtures/organizations.ts), linked on the organisation's name, address,
 * postcode and local phone numbers, and scored against its truth.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';
import { ORGANIZATIONS_PIPELINE, writeOrganizations } from '../fixtures/organizations.js';
import { pairwiseFromLabels } from '../src/clean/identity/evaluate.js';

describe('organisations as customers', () => {
  it('links one organisation across systems on its name and address, and keeps the branches of a chain apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'persona-orgs-'));
    writeOrganizations(dir, { organizations: 300, seed: 5 });
    writeFileSync(join(dir, 'p.yml'), ORGANIZATIONS_PIPELINE);
    const run = persona(['run', join(dir, 'p.yml'), '--to', 'clean']);
    expect(run.status, run.stderr).toBe(0);

    const truth = new Map(
      readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map((c) => [`${c[0]}:${c[1]}`, c[2]!]),
    );
    const db = new Database(join(dir, 'out.db'), { readonly: true });
    const map = db.prepare('SELECT source, source_id, customer_id FROM identity_map ORDER BY source, source_id').all() as { source: string; source_id: string; customer_id: string }[];
    const score = pairwiseFromLabels(map.map((r) => ({ cluster: r.customer_id, entity: truth.get(`${r.source}:${r.source_id}`)!, source: r.source })));
    // Exact address matching (the same street line and postcode once folded) reaches F1 0.79 here.
    expect(score.precision).toBeGreaterThanOrEqual(0.99);
    expect(score.recall).toBeGreaterThanOrEqual(0.93);

    // The organisation's name is compared as such, never parsed as a person's.
    const details = JSON.parse((db.prepare(`SELECT details FROM stage_runs WHERE stage = 'clean' AND status = 'success'`).get() as { details: string }).details);
    expect(details.identity.comparisons).toBe('contacts');
    const golden = db.prepare(`SELECT display_name, given_name, family_name FROM customers WHERE display_name LIKE '%Bakery%' ORDER BY customer_id LIMIT 1`).get() as Record<string, string | null>;
    db.close();
    expect(golden.given_name).toBeNull();
    expect(golden.family_name).toBeNull();
  });
});
