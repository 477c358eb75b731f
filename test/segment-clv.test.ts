/**
 * The segment stage through the real binary on order files shaped like real ones that broke
 * it: nobody ever came back (it crashed on a NOT NULL column), and a restaurant's orders (few
 * repeat visits, ~500 CNY bills, ten weeks: MBG/NBD ran to absurd parameters and published
 * negative CLV with exit 0 and no word).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

/** Orders-only pipeline over `lines` (order_id, customer, day, amount), as_of the given day. */
function ordersPipeline(lines: readonly (readonly [string, string, string, number])[], asOf: string): { pipeline: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'persona-clv-'));
  const csv = ['order_id,sku,quantity,unit_price,ordered_at,customer_id', ...lines.map(([order, customer, day, amount]) => `${order},DISH,1,${amount},${day} 19:30:00,${customer}`)].join('\n');
  writeFileSync(join(dir, 'orders.csv'), `${csv}\n`);
  const yaml = `name: restaurant
as_of: ${asOf}
database: restaurant.db
base_currency: CNY
sources:
  - name: orders
    kind: orders
    path: orders.csv
    currency: CNY
    timezone: UTC
    customer_source: orders
    columns:
      order_id: order_id
      sku: sku
      quantity: quantity
      unit_price: unit_price
      ordered_at: { column: ordered_at, formats: ["YYYY-MM-DD HH:mm:ss"] }
      customer_ref: customer_id
`;
  writeFileSync(join(dir, 'pipeline.yml'), yaml);
  return { pipeline: join(dir, 'pipeline.yml'), db: join(dir, 'restaurant.db') };
}

function restaurant(seed: number, repeats: boolean): [string, string, string, number][] {
  let s = seed;
  const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const day = (d: number): string => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
  const out: [string, string, string, number][] = [];
  for (let i = 0; i < 800; i++) {
    const first = Math.floor(rand() * 75);
    const visits = repeats && rand() < 0.07 ? 2 + Math.floor(rand() * 3) : 1;
    const days = new Set([first]);
    for (let k = 1; k < visits; k++) days.add(Math.min(74, first + 1 + Math.floor(rand() * 20)));
    for (const d of [...days].sort((a, b) => a - b)) out.push([`T${out.length + 1}`, `G${i}`, day(d), Math.round(200 + 600 * rand() * rand() + 300 * rand())]);
  }
  return out;
}

function segmentRun(db: string): { status: string; notes: string[] } {
  const handle = new Database(db, { readonly: true });
  try {
    const row = handle.prepare(`SELECT status, details FROM stage_runs WHERE stage = 'segment' ORDER BY run_id DESC LIMIT 1`).get() as { status: string; details: string };
    return { status: row.status, notes: (JSON.parse(row.details) as { notes?: string[] }).notes ?? [] };
  } finally {
    handle.close();
  }
}

describe('segment on a restaurant', () => {
  it('without any repeat visit: exit 0, CLV skipped with a note, forecasts NULL', () => {
    const { pipeline, db } = ordersPipeline(restaurant(4, false), '2024-03-15');
    const result = persona(['run', pipeline]);
    expect(result.stderr).not.toMatch(/NOT NULL constraint|at .*\.js:\d+/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/segment\s+success\*/);
    expect(result.stdout).toMatch(/\d+\. segment: CLV skipped: no customer bought on two different days by 2024-03-15/);
    expect(segmentRun(db).notes).toContainEqual(expect.stringMatching(/^CLV skipped: no customer bought on two different days/));
    const handle = new Database(db, { readonly: true });
    expect(handle.prepare('SELECT count(*) AS n, count(p_alive) AS forecasts, max(x) AS x FROM clv').get()).toEqual({ n: 800, forecasts: 0, x: 0 });
    handle.close();
  });

  it('with a few regulars: no negative or non-finite forecast, and a note says the model was replaced', () => {
    const { pipeline, db } = ordersPipeline(restaurant(19, true), '2024-03-15');
    const result = persona(['run', pipeline]);
    expect(result.status).toBe(0);
    const { status, notes } = segmentRun(db);
    expect(status).toBe('success');
    expect(notes).toContainEqual(expect.stringMatching(/^CLV: mbg_nbd not used \(the fit ran to the edge of the parameter space/));
    const handle = new Database(db, { readonly: true });
    const bad = handle.prepare(
      `SELECT count(*) FROM clv WHERE p_alive IS NULL OR p_alive < 0 OR p_alive > 1 OR expected_purchases_90d < 0
          OR expected_purchases_365d < expected_purchases_90d OR clv IS NULL OR clv < 0 OR expected_avg_spend NOT BETWEEN 100 AND 2000`,
    ).pluck().get();
    expect(bad).toBe(0);
    expect(handle.prepare(`SELECT value FROM clv_model WHERE model = 'empirical' AND parameter = 'used'`).pluck().get()).toBe(1);
    expect(handle.prepare(`SELECT value FROM clv_model WHERE model = 'mbg_nbd' AND parameter = 'used'`).pluck().get()).toBe(0);
    handle.close();
  });
});
