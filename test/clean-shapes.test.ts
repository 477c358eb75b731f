/**
 * Real layouts that clean must take as they are, through the real binary: a customers file that
 * repeats a source_id on many rows (an employee id or a phone used as the key), and several
 * orders sources. Both with the orders rules on their worker thread and on the main thread
 * (PERSONA_CLEAN_WORKERS=0, the path the thread's fallback takes). Nothing may be lost: every
 * repeated line gets a data issue, every line of every orders source reaches `orders`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

interface Fixture {
  pipeline: string;
  db: string;
  /** Customer lines, and the distinct ids among them. */
  customerLines: number;
  distinctIds: number;
  /** Order lines per orders source. */
  orderLines: Record<string, number>;
}

/**
 * 8 customers, each on `repeats` lines keyed by its "employee id" (the last line wins), and
 * three orders sources (shop, store, app) whose lines point at those ids.
 */
function makeFixture(repeats: number): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'persona-shapes-'));
  const customers = ['emp_id,name,phone,city'];
  for (let i = 0; i < 8 * repeats; i++) {
    const id = `E${(i % 8) + 1}`;
    customers.push(`${id},Person ${(i % 8) + 1},1380000${String((i % 8) + 1).padStart(4, '0')},City ${i}`);
  }
  writeFileSync(join(dir, 'customers.csv'), customers.join('\n') + '\n');
  const orderLines: Record<string, number> = { shop: 12, store: 7, app: 5 };
  for (const [source, n] of Object.entries(orderLines)) {
    const lines = ['order_id,emp,sku,qty,price,ts'];
    for (let i = 0; i < n; i++) {
      lines.push(`${source}-${i},E${(i % 8) + 1},SKU${i % 3},${1 + (i % 4)},${10 + i},2025-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`);
    }
    writeFileSync(join(dir, `${source}.csv`), lines.join('\n') + '\n');
  }
  const orderSource = (name: string) => `
  - name: ${name}
    kind: orders
    path: ${name}.csv
    customer_source: staff
    columns: { order_id: order_id, customer_ref: emp, sku: sku, quantity: qty, unit_price: price, ordered_at: ts }`;
  const yaml = `name: shapes
as_of: 2025-12-31
database: shapes.db
base_currency: CNY
sources:
  - name: staff
    kind: customers
    path: customers.csv
    default_region: CN
    columns: { source_id: emp_id, full_name: name, phone: phone, city: city }
${Object.keys(orderLines).map(orderSource).join('\n')}
`;
  const pipeline = join(dir, 'shapes.yml');
  writeFileSync(pipeline, yaml);
  return { pipeline, db: join(dir, 'shapes.db'), customerLines: 8 * repeats, distinctIds: 8, orderLines };
}

function query<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe.each([
  ['on the rules thread', {}],
  ['on the main thread', { PERSONA_CLEAN_WORKERS: '0' }],
])('clean %s', (_name, env) => {
  it('takes three orders sources, losing nothing', () => {
    const f = makeFixture(1);
    const run = persona(['run', f.pipeline, '--to', 'clean'], { env });
    expect(run.stderr).not.toContain('busy executing a query');
    expect(run.status).toBe(0);
    const perSource = query<{ source: string; lines: number }>(f.db, `SELECT source, count(*) AS lines FROM orders WHERE customer_id IS NOT NULL GROUP BY source ORDER BY source`);
    expect(perSource).toEqual([
      { source: 'app', lines: 5 },
      { source: 'shop', lines: 12 },
      { source: 'store', lines: 7 },
    ]);
  });

  it('takes a repeated source_id and three orders sources, losing nothing', () => {
    const f = makeFixture(5);
    const run = persona(['run', f.pipeline, '--to', 'features'], { env });
    expect(run.stderr).not.toContain('busy executing a query');
    expect(run.status).toBe(0);

    // Each earlier line of a repeated id: one issue naming the line that is used.
    const duplicates = query<{ line: number; detail: string }>(f.db, `SELECT line, detail FROM data_issues WHERE code = 'duplicate_source_id' ORDER BY line`);
    expect(duplicates).toHaveLength(f.customerLines - f.distinctIds);
    expect(duplicates[0]).toEqual({ line: 2, detail: 'source_id E1 appears again on line 10; that line is used' });
    // The last line of each id is the record used: its city survives.
    const cities = query<{ city: string }>(f.db, `SELECT city FROM customers ORDER BY city`).map((r) => r.city);
    expect(cities).toEqual(Array.from({ length: 8 }, (_, i) => `City ${32 + i}`));

    // Every line of every orders source reached orders, each with its customer.
    const perSource = query<{ source: string; lines: number; unmatched: number }>(
      f.db,
      `SELECT source, count(*) AS lines, sum(customer_id IS NULL) AS unmatched FROM orders GROUP BY source ORDER BY source`,
    );
    expect(perSource).toEqual(
      Object.entries(f.orderLines)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([source, lines]) => ({ source, lines, unmatched: 0 })),
    );
    // One quantity limit per source, each computed over that source's lines.
    const details = query<{ details: string }>(f.db, `SELECT details FROM stage_runs WHERE stage = 'clean' AND status = 'success'`);
    const limits = (JSON.parse(details[0]!.details) as { orders: { quantityLimits: { source: string; lines: number }[] } }).orders.quantityLimits;
    expect(limits.map((l) => [l.source, l.lines])).toEqual([
      ['app', 5],
      ['shop', 12],
      ['store', 7],
    ]);
  });
});
