/**
 * customer_source by the reference's own pattern: order lines keyed by the ids of two systems,
 * with no column saying which (loyalty ids "M-…", shop ids all digits).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

const PIPELINE = (patterns: string) => `as_of: 2025-12-31
database: out.db
base_currency: GBP
sources:
  - name: shop
    kind: customers
    path: shop.csv
    columns: { source_id: id, email: email }
  - name: loyalty
    kind: customers
    path: loyalty.csv
    columns: { source_id: member, email: email }
  - name: orders
    kind: orders
    path: orders.csv
    customer_source:
      patterns:
${patterns}
    columns: { order_id: order, customer_ref: customer, quantity: qty, unit_price: price, ordered_at: at }
`;

function setup(patterns: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'persona-patterns-'));
  writeFileSync(join(dir, 'shop.csv'), 'id,email\n1001,ann@example.com\n1002,bob@example.com\n');
  writeFileSync(join(dir, 'loyalty.csv'), 'member,email\nM-7,ann@example.com\nM-8,cy@example.com\n');
  writeFileSync(
    join(dir, 'orders.csv'),
    'order,customer,qty,price,at\nO1,1001,1,10,2025-01-01\nO2,M-7,1,20,2025-01-02\nO3,M-8,2,5,2025-01-03\nO4,,1,3,2025-01-04\nO5,X-9,1,1,2025-01-05\n',
  );
  writeFileSync(join(dir, 'p.yml'), PIPELINE(patterns));
  return dir;
}

describe('customer_source by pattern', () => {
  it('gives each reference the source whose pattern it matches, and rejects one that matches none', () => {
    const dir = setup('        - { match: "^M-", source: loyalty }\n        - { match: "^[0-9]+$", source: shop }');
    const run = persona(['run', join(dir, 'p.yml'), '--to', 'clean']);
    expect(run.status, run.stderr).toBe(0);
    const db = new Database(join(dir, 'out.db'), { readonly: true });
    const raw = db.prepare('SELECT order_id, customer_source, customer_ref FROM raw_orders ORDER BY order_id').all();
    expect(raw).toEqual([
      { order_id: 'O1', customer_source: 'shop', customer_ref: '1001' },
      { order_id: 'O2', customer_source: 'loyalty', customer_ref: 'M-7' },
      { order_id: 'O3', customer_source: 'loyalty', customer_ref: 'M-8' },
      { order_id: 'O4', customer_source: null, customer_ref: null },
    ]);
    const reject = db.prepare(`SELECT line, code, message FROM rejects WHERE source = 'orders'`).get() as { line: number; code: string; message: string };
    expect(reject).toMatchObject({ line: 6, code: 'unknown_customer_source' });
    expect(reject.message).toContain('"X-9" matches none of customer_source.patterns (^M-, ^[0-9]+$)');
    // Each order is keyed to the customer of the record its reference names.
    const owner = db.prepare(`SELECT o.order_id, o.customer_id = m.customer_id AS same FROM orders o JOIN identity_map m ON m.source = o.customer_source AND m.source_id = o.customer_ref ORDER BY o.order_id`).all();
    db.close();
    expect(owner).toEqual([
      { order_id: 'O1', same: 1 },
      { order_id: 'O2', same: 1 },
      { order_id: 'O3', same: 1 },
    ]);
  });

  it('names a pattern that is not a regular expression and a source that does not exist', () => {
    const dir = setup('        - { match: "^M-(", source: loyalty }\n        - { match: "^[0-9]+$", source: shoop }');
    const result = persona(['validate', join(dir, 'p.yml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('sources[2].customer_source.patterns[0].match: "^M-(" is not a regular expression');
    expect(result.stderr).toContain('sources[2].customer_source.patterns[1].source: "shoop" is not the name of a customers source');
    expect(result.stderr).toContain('did you mean "shop"?');
  });
});
