/**
 * clean never fails silently (docs/clean.md, "Nothing silent"): each condition through the real
 * binary, with its message, and that nothing is lost (the raw rows stay, each unusable value has
 * a data_issues row with its reason).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

interface Setup {
  readonly dir: string;
  readonly db: string;
  readonly pipeline: string;
}

/** A folder with the given CSV files and a customers-only pipeline over them. */
function setup(files: Record<string, string>, sources: string, clean = ''): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'persona-silent-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const pipeline = join(dir, 'p.yml');
  writeFileSync(pipeline, `as_of: 2025-12-31\ndatabase: out.db\nbase_currency: GBP\nsources:\n${sources}${clean}`);
  return { dir, db: join(dir, 'out.db'), pipeline };
}

function cleanDetails(db: string): { notes?: string[]; identity: { candidatePairs: number; phones: Record<string, { given: number; invalid: number; region: string | null }> } } {
  const sqlite = new Database(db, { readonly: true });
  const row = sqlite.prepare(`SELECT details FROM stage_runs WHERE stage = 'clean' AND status = 'success' ORDER BY run_id DESC LIMIT 1`).get() as { details: string };
  sqlite.close();
  return JSON.parse(row.details);
}

function query<T>(db: string, sql: string): T[] {
  const sqlite = new Database(db, { readonly: true });
  const rows = sqlite.prepare(sql).all() as T[];
  sqlite.close();
  return rows;
}

const csv = (header: string, rows: string[]) => [header, ...rows].join('\n') + '\n';

describe('clean says what it could not use', () => {
  it('gives every phone without an area code a data issue and warns that most phones of the source fail under its default_region', () => {
    // A directory of sites: local numbers written without their area code.
    const rows = Array.from({ length: 30 }, (_, i) => `S${i},${10 + (i % 15)} High Street,AB${i % 15} 1CD,${7946000 + i}`);
    const s = setup(
      { 'sites.csv': csv('id,address,zip,phone', rows) },
      `  - name: sites\n    kind: customers\n    path: sites.csv\n    default_region: US\n    columns: { source_id: id, address_line1: address, postcode: zip, phone: phone }\n`,
    );
    const run = persona(['run', s.pipeline, '--to', 'clean']);
    expect(run.status, run.stderr).toBe(0);
    const issues = query<{ code: string; detail: string }>(s.db, `SELECT code, detail FROM data_issues WHERE stage = 'clean' AND source = 'sites' ORDER BY line`);
    expect(issues).toHaveLength(30);
    expect(issues[0]).toEqual({ code: 'invalid_phone', detail: expect.stringContaining('"7946000" is not a possible number in its default_region US') });
    const details = cleanDetails(s.db);
    expect(details.notes).toContainEqual(expect.stringContaining('source sites: 30 of 30 phones are not valid under default_region US'));
    expect(details.identity.phones['sites']).toEqual({ given: 30, invalid: 30, region: 'US', regionFrom: 'default_region' });
    // The address still links the two records of each site.
    expect(details.identity.candidatePairs).toBeGreaterThan(0);
    expect(run.stderr).toContain('not valid under default_region US'); // logged at warn level
    // Nothing is lost: the raw values stay as written.
    expect(query<{ n: number }>(s.db, `SELECT COUNT(*) AS n FROM raw_customers WHERE phone IS NOT NULL`)[0]!.n).toBe(30);
  });

  it('warns when identity compares no pair, and fails when told to, keeping the raw rows', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `C${i},${7946000 + i}`);
    const files = { 'c.csv': csv('id,phone', rows) };
    const source = `  - name: crm\n    kind: customers\n    path: c.csv\n    default_region: US\n    columns: { source_id: id, phone: phone }\n`;
    const warn = setup(files, source);
    const ok = persona(['run', warn.pipeline, '--to', 'clean']);
    expect(ok.status, ok.stderr).toBe(0);
    const notes = cleanDetails(warn.db).notes ?? [];
    expect(notes[0]).toMatch(/^identity compared no pair of the 12 customer records .*12 phones of crm; see data_issues/);
    expect(ok.stdout).toContain('identity compared no pair'); // the run summary's note column

    const fail = setup(files, source, 'clean:\n  identity: { on_nothing_linked: fail }\n');
    const failed = persona(['run', fail.pipeline, '--to', 'clean']);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('identity compared no pair of the 12 customer records');
    expect(failed.stderr).toContain('clean.identity.on_nothing_linked: fail');
    expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(query<{ n: number }>(fail.db, 'SELECT COUNT(*) AS n FROM raw_customers')[0]!.n).toBe(12);
    expect(query<{ n: number }>(fail.db, 'SELECT COUNT(*) AS n FROM customers')[0]!.n).toBe(0);
  });

  it('does not read bare Chinese mobiles as North American numbers without a region', () => {
    const app = Array.from({ length: 10 }, (_, i) => `A${i},Wei Wang ${i},1812712${String(1000 + i)}`);
    const s = setup({ 'app.csv': csv('id,name,mobile', app) }, `  - name: app\n    kind: customers\n    path: app.csv\n    columns: { source_id: id, full_name: name, phone: mobile }\n`);
    const run = persona(['run', s.pipeline, '--to', 'clean']);
    expect(run.status, run.stderr).toBe(0);
    const issues = query<{ source: string; code: string; detail: string }>(s.db, `SELECT source, code, detail FROM data_issues WHERE stage = 'clean' ORDER BY source, line`);
    expect(issues).toHaveLength(10);
    expect(issues.every((i) => i.source === 'app' && i.code === 'ambiguous_phone')).toBe(true);
    expect(issues[0]!.detail).toContain('"18127121000" has no country code and the source has no default_region');
    expect(cleanDetails(s.db).notes).toContainEqual(expect.stringContaining('source app: 10 of 10 phones have no country code and the source has no default_region'));
    expect(query<{ n: number }>(s.db, `SELECT COUNT(*) AS n FROM customers WHERE phone IS NOT NULL`)[0]!.n).toBe(0);
  });

  it('reads bare numbers in the region the sources write with a country code, and says so', () => {
    const app = Array.from({ length: 10 }, (_, i) => `A${i},Wei Wang ${i},1812712${String(1000 + i)}`);
    // The shop writes most numbers with +86: its bare numbers are Chinese too, and so are the app's.
    const shop = Array.from({ length: 10 }, (_, i) => `S${i},Wei Wang ${i},${i < 6 ? '+86 ' : ''}1812712${String(1000 + i)}`);
    const s = setup(
      { 'app.csv': csv('id,name,mobile', app), 'shop.csv': csv('id,name,mobile', shop) },
      `  - name: app\n    kind: customers\n    path: app.csv\n    columns: { source_id: id, full_name: name, phone: mobile }\n` +
        `  - name: shop\n    kind: customers\n    path: shop.csv\n    columns: { source_id: id, full_name: name, phone: mobile }\n`,
    );
    const run = persona(['run', s.pipeline, '--to', 'clean']);
    expect(run.status, run.stderr).toBe(0);
    expect(query(s.db, `SELECT * FROM data_issues WHERE stage = 'clean'`)).toEqual([]);
    const notes = cleanDetails(s.db).notes ?? [];
    expect(notes).toContainEqual(expect.stringContaining('source shop: phones without a country code are read in CN, the region of 6 of the 6 numbers it writes with one'));
    expect(notes).toContainEqual(expect.stringContaining('source app: phones without a country code are read in CN, the region of 6 of the 6 numbers the customer sources write with one'));
    const phones = query<{ phone: string }>(s.db, `SELECT DISTINCT phone FROM customers WHERE phone IS NOT NULL ORDER BY phone`).map((r) => r.phone);
    expect(phones).toHaveLength(10);
    expect(phones.every((p) => p.startsWith('+86181'))).toBe(true);
  });

  it('warns about a mapped column whose values mostly failed to parse', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `C${i},Ann Lee ${i},${String(i + 1).padStart(2, '0')}/03/2024`);
    const s = setup({ 'c.csv': csv('id,name,created', rows) }, `  - name: crm\n    kind: customers\n    path: c.csv\n    columns: { source_id: id, full_name: name, created_at: created }\n`);
    const run = persona(['run', s.pipeline, '--to', 'clean']);
    expect(run.status, run.stderr).toBe(0);
    const notes = cleanDetails(s.db).notes ?? [];
    expect(notes).toContainEqual(expect.stringMatching(/^source crm: 10 of 10 values of created_at \(column "created"\) did not parse \(invalid_timestamp\)/));
    expect(query<{ n: number }>(s.db, `SELECT COUNT(*) AS n FROM field_issues WHERE field = 'created_at'`)[0]!.n).toBe(10);
  });
});
