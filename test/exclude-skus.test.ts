/**
 * exclude_skus through the real binary: non-merchandise lines of an orders source (postage, a
 * fee, a manual adjustment, gift vouchers by pattern) leave orders and revenue, each with a data
 * issue and its reason, the count reaches the ledger, and changing the list re-runs clean only.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

const EXCLUDE = `    exclude_skus:
      - { skus: [POST, DOT], reason: postage }
      - { sku: AMAZONFEE, reason: marketplace fee }
      - M
      - { pattern: "gift_*", reason: gift voucher }
`;

/** Orders of two customers: goods (A1, B2), postage, a fee, a manual line, vouchers, "Mx" (not M). */
function fixture(): { dir: string; pipeline: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'persona-exclude-'));
  const lines = [
    'invoice,cust,sku,qty,price,ts',
    'I1,K1,A1,2,10,2025-01-02T10:00:00Z',
    'I1,K1,POST,1,18,2025-01-02T10:00:00Z',
    'I2,K2,B2,1,30,2025-01-03T10:00:00Z',
    'I2,K2,DOT,1,5.5,2025-01-03T10:00:00Z',
    'I3,K1,AMAZONFEE,-1,900,2025-01-04T10:00:00Z', // a credit: would take 900 off revenue
    'I4,K2,M,1,250,2025-01-05T10:00:00Z', // an order made only of a manual line
    'I5,K1,gift_0001_20,1,20,2025-01-06T10:00:00Z',
    'I5,K1,Mx,1,7,2025-01-06T10:00:00Z', // not "M": kept
    'I6,K2,egift_1,1,9,2025-01-07T10:00:00Z', // the pattern must match the whole SKU: kept
  ];
  writeFileSync(join(dir, 'orders.csv'), lines.join('\n') + '\n');
  const pipeline = join(dir, 'shop.yml');
  writeFileSync(
    pipeline,
    `name: exclude
as_of: 2025-12-31
database: shop.db
base_currency: GBP
sources:
  - name: shop
    kind: orders
    path: orders.csv
    customer_source: shop
    columns: { order_id: invoice, customer_ref: cust, sku: sku, quantity: qty, unit_price: price, ordered_at: ts }
${EXCLUDE}`,
  );
  return { dir, pipeline, db: join(dir, 'shop.db') };
}

function query<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('exclude_skus', () => {
  it('leaves the listed lines out of orders and revenue, one issue each with its reason', () => {
    const f = fixture();
    const run = persona(['run', f.pipeline, '--to', 'features']);
    expect(run.status, run.stderr).toBe(0);

    const kept = query<{ line: number; sku: string }>(f.db, 'SELECT line, sku FROM orders ORDER BY line');
    expect(kept).toEqual([
      { line: 2, sku: 'A1' },
      { line: 4, sku: 'B2' },
      { line: 9, sku: 'Mx' },
      { line: 10, sku: 'egift_1' },
    ]);
    expect(query<{ line: number; detail: string }>(f.db, `SELECT line, detail FROM data_issues WHERE code = 'excluded_sku' ORDER BY line`)).toEqual([
      { line: 3, detail: 'sku "POST" is excluded (postage): line not written to orders, not counted as revenue' },
      { line: 5, detail: 'sku "DOT" is excluded (postage): line not written to orders, not counted as revenue' },
      { line: 6, detail: 'sku "AMAZONFEE" is excluded (marketplace fee): line not written to orders, not counted as revenue' },
      { line: 7, detail: 'sku "M" is excluded (not merchandise): line not written to orders, not counted as revenue' },
      { line: 8, detail: 'sku "gift_0001_20" is excluded (gift voucher, pattern "gift_*"): line not written to orders, not counted as revenue' },
    ]);
    // Revenue and order counts of the goods alone: 2 × 10 + 7 for K1 in 2 orders (I1, I5), 30 + 9 for K2 in 2 orders (I2, I6; I4 had only M).
    const features = query<{ customer_id: string; monetary: number; frequency: number }>(
      f.db,
      `SELECT m.source_id AS customer_id, f.monetary, f.frequency FROM features f JOIN identity_map m ON m.customer_id = f.customer_id ORDER BY m.source_id`,
    );
    expect(features).toEqual([
      { customer_id: 'K1', monetary: 27, frequency: 2 },
      { customer_id: 'K2', monetary: 39, frequency: 2 },
    ]);
    const details = JSON.parse(query<{ details: string }>(f.db, `SELECT details FROM stage_runs WHERE stage = 'clean' AND status = 'success'`)[0]!.details) as {
      orders: { linesIn: number; linesOut: number; excludedSkus: number };
    };
    expect(details.orders).toMatchObject({ linesIn: 9, linesOut: 4, excludedSkus: 5 });
  });

  it('re-runs clean, not collect, when the list changes', () => {
    const f = fixture();
    expect(persona(['run', f.pipeline, '--to', 'clean']).status).toBe(0);
    writeFileSync(f.pipeline, readFileSync(f.pipeline, 'utf8').replace('      - M\n', ''));
    const again = persona(['run', f.pipeline, '--to', 'clean']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/collect\s+skipped_up_to_date/);
    expect(again.stdout).toMatch(/clean\s+success/);
    expect(query<{ n: number }>(f.db, `SELECT count(*) AS n FROM data_issues WHERE code = 'excluded_sku'`)[0]!.n).toBe(4);
  });

  it('is refused where it cannot apply, naming the entry', () => {
    const f = fixture();
    writeFileSync(f.pipeline, readFileSync(f.pipeline, 'utf8').replace('      - M\n', '      - { sku: M, pattern: "M*" }\n').replace('sku: sku, ', ''));
    const run = persona(['validate', f.pipeline]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('sources[0].exclude_skus: exclude_skus needs the sku field, which this source does not map');
    expect(run.stderr).toContain('sources[0].exclude_skus[2]: the entry has sku and pattern: one of them per entry');
  });
});
