/**
 * The segment stage on in-memory databases: a small synthetic shop (determinism, buyers vs
 * non-buyers, what counts as a purchase day) and CDNOW loaded as the clean stage writes it
 * (the published BG/NBD fit and holdout forecast, through the stage's own SQL).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.js';
import { COLLECT_SCHEMA } from '../collect/schema.js';
import { CLEAN_SCHEMA } from '../clean/schema.js';
import { FEATURES_SCHEMA } from '../features/schema.js';
import { SEGMENT_SCHEMA } from './schema.js';
import { auc } from './clv/auc.js';
import { conditionalExpectedPurchases } from './clv/bg-nbd.js';
import { parseSegmentConfig } from './segment-config.js';
import { runSegment, segmentStage } from './segment-stage.js';
import { PURCHASE_DAYS_SQL, readPurchaseDays, writeClv } from './segment-store.js';
import type { Pipeline } from '../config/load.js';

function memoryDb(): Db {
  return openDatabase(':memory:', { schema: [COLLECT_SCHEMA, CLEAN_SCHEMA, FEATURES_SCHEMA, SEGMENT_SCHEMA] });
}

/** Inserts a features row, filling NOT NULL columns the test does not care about with 0 / ''. */
function insertFeatures(db: Db, row: Record<string, string | number | null>): void {
  const columns = db.prepare('SELECT name, type, "notnull" AS nn FROM pragma_table_info(?)').all('features') as { name: string; type: string; nn: number }[];
  const values = columns.map((c) => (c.name in row ? row[c.name] : c.nn ? (c.type === 'TEXT' ? '' : 0) : null));
  db.prepare(`INSERT INTO features (${columns.map((c) => c.name).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...values);
}

interface OrderLine {
  customer: string;
  date: string;
  amount: number;
  status?: 'completed' | 'cancelled' | 'returned';
  quantity?: number;
  counts?: 0 | 1;
}

let lineNo = 0;
function insertOrders(db: Db, lines: readonly OrderLine[]): void {
  const stmt = db.prepare(
    `INSERT INTO orders (source, line, customer_id, order_id, status, quantity, unit_price, currency, amount, ordered_at, order_date, is_return, is_outlier, counts_for_revenue)
     VALUES ('orders', ?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, 0, ?)`,
  );
  for (const l of lines) {
    lineNo++;
    const status = l.status ?? 'completed';
    const quantity = l.quantity ?? (status === 'returned' ? -1 : 1);
    stmt.run(lineNo, l.customer, `O${lineNo}`, status, quantity, Math.abs(l.amount), l.amount, `${l.date}T10:00:00Z`, l.date, status === 'returned' ? 1 : 0, l.counts ?? (status === 'cancelled' ? 0 : 1));
  }
}

/** 240 buyers in three behaviours plus 5 customers who never bought; deterministic. */
function syntheticShop(db: Db): void {
  let s = 7;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const day = (offset: number): string => new Date(Date.UTC(2025, 11, 31) - offset * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < 240; i++) {
    const id = `C${String(i).padStart(4, '0')}`;
    const group = i % 3; // 0: frequent big spenders, 1: coupon users, 2: lapsed one-timers
    const orders = group === 0 ? 10 + Math.floor(rand() * 6) : group === 1 ? 4 + Math.floor(rand() * 3) : 1 + Math.floor(rand() * 2);
    const last = group === 2 ? 300 + Math.floor(rand() * 200) : Math.floor(rand() * 40);
    const lines: OrderLine[] = [];
    for (let k = 0; k < orders; k++) lines.push({ customer: id, date: day(last + k * (group === 2 ? 40 : 20)), amount: Math.round((group === 0 ? 400 : 60) * (0.7 + 0.6 * rand()) * 100) / 100 });
    insertOrders(db, lines);
    const monetary = lines.reduce((sum, l) => sum + l.amount, 0);
    insertFeatures(db, {
      customer_id: id,
      as_of: '2025-12-31',
      first_order_at: `${lines.at(-1)!.date}T10:00:00Z`,
      recency_days: last,
      frequency: orders,
      purchase_days: orders,
      monetary,
      avg_order_value: monetary / orders,
      coupon_order_share: group === 1 ? 0.8 + 0.2 * rand() : 0.1 * rand(),
      return_rate: 0,
      events_90d: group === 2 ? 0 : Math.floor(rand() * 8),
      tenure_days: 900,
    });
    db.prepare(`INSERT INTO feature_shares (customer_id, dimension, value, share, amount) VALUES (?, 'category', ?, 1, ?)`).run(id, group === 0 ? 'electronics' : 'home', monetary);
  }
  for (let i = 0; i < 5; i++) insertFeatures(db, { customer_id: `N${i}`, as_of: '2025-12-31', frequency: 0, purchase_days: 0, monetary: 0, events_90d: 1, tenure_days: 100 });
  // One more customer: a cancelled order and a return are not purchases; a purchase after
  // as_of is not seen; a same-day return nets out of the day's value.
  insertOrders(db, [
    { customer: 'C0000', date: '2026-01-05', amount: 999 },
    { customer: 'C0001', date: '2025-12-30', amount: 50, status: 'cancelled' },
    { customer: 'C0001', date: '2025-12-29', amount: -20, status: 'returned' },
    { customer: 'C0002', date: '2025-12-28', amount: 9999, counts: 0 }, // an outlier line: a purchase worth nothing
    { customer: 'C0002', date: '2025-12-27', amount: 0, quantity: 0, counts: 0 }, // zero quantity: no purchase
  ]);
}

function dump(db: Db): Record<string, unknown[]> {
  const tables: Record<string, string> = {
    rfm: 'customer_id',
    segments: 'customer_id',
    segment_model: 'k',
    segment_features: 'position',
    segment_clusters: 'segment_id',
    segment_centroids: 'segment_id, position',
    clv: 'customer_id',
    clv_model: 'model, parameter',
  };
  return Object.fromEntries(Object.entries(tables).map(([t, order]) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY ${order}`).raw().all()]));
}

describe('runSegment on a synthetic shop', () => {
  const config = parseSegmentConfig({ clustering: { k: { min: 2, max: 5 }, sample_size: 1000, silhouette_sample_size: 500 } });

  it('writes identical tables when run twice on the same data', () => {
    const db = memoryDb();
    syntheticShop(db);
    const first = runSegment(db, config, '2025-12-31');
    const tables = dump(db);
    const second = runSegment(db, config, '2025-12-31');
    expect(dump(db)).toEqual(tables);
    expect({ ...second, timingsMs: {} }).toEqual({ ...first, timingsMs: {} });
    const other = memoryDb();
    syntheticShop(other);
    runSegment(other, config, '2025-12-31');
    expect(dump(other)).toEqual(tables);
  });

  it('scores and clusters buyers; non-buyers get "No purchase", no cluster and no clv row', () => {
    const db = memoryDb();
    syntheticShop(db);
    const summary = runSegment(db, config, '2025-12-31');
    expect(summary.customers).toBe(245);
    expect(summary.rfm.scored).toBe(240);
    expect(summary.rfm.segments['No purchase']).toBe(5);
    expect(db.prepare(`SELECT segment, r, f, m, fm, rfm_code, recency_days FROM rfm WHERE customer_id = 'N0'`).get()).toEqual({ segment: 'No purchase', r: null, f: null, m: null, fm: null, rfm_code: null, recency_days: null });
    expect(db.prepare(`SELECT count(*) FROM segments WHERE segment_id IS NULL`).pluck().get()).toBe(5);
    expect(db.prepare(`SELECT count(*) FROM clv`).pluck().get()).toBe(240);

    if ('skipped' in summary.clustering) throw new Error(summary.clustering.skipped);
    expect(summary.clustering.k).toBe(3);
    expect(summary.clustering.features).toContain('share.category.electronics');
    const model = db.prepare('SELECT k, chosen, rule FROM segment_model ORDER BY k').all() as { k: number; chosen: number; rule: string | null }[];
    expect(model.map((m) => m.k)).toEqual([2, 3, 4, 5]);
    expect(model.filter((m) => m.chosen).map((m) => m.k)).toEqual([3]);
    // three clusters = the three behaviours
    const purity = db
      .prepare(`SELECT count(DISTINCT segment_id) FROM segments WHERE segment_id IS NOT NULL GROUP BY (CAST(substr(customer_id, 2) AS INTEGER) % 3)`)
      .pluck()
      .all();
    expect(purity).toEqual([1, 1, 1]);
    const centroids = db.prepare('SELECT count(*) AS n, count(DISTINCT feature) AS features FROM segment_centroids').get() as { n: number; features: number };
    expect(centroids.n).toBe(3 * centroids.features);
    expect(db.prepare('SELECT sum(customers) FROM segment_clusters').pluck().get()).toBe(240);
    expect(db.prepare(`SELECT parameter FROM clv_model WHERE model = 'mbg_nbd' ORDER BY parameter`).pluck().all()).toEqual(expect.arrayContaining(['a', 'alpha', 'b', 'converged', 'customers', 'iterations', 'log_likelihood', 'r', 'used', 'holdout_relative_error', 'holdout_auc_purchases', 'holdout_auc_p_alive', 'holdout_passed']));
    // Three clockwork behaviours: one purchase rate per group, which MBG/NBD's Gamma mixing
    // meets with r, α → ∞; the stage says so and publishes the empirical estimate instead.
    expect(summary.clv.purchases).toBe('empirical');
    expect(summary.notes.join('\n')).toMatch(/CLV: mbg_nbd not used \(the fit ran to the edge of the parameter space/);
    expect(db.prepare(`SELECT value FROM clv_model WHERE model = 'mbg_nbd' AND parameter = 'customers'`).pluck().get()).toBe(240);
  });

  it('counts purchase days as the CLV summary needs: completed, not after as_of, per day', () => {
    const db = memoryDb();
    syntheticShop(db);
    runSegment(db, config, '2025-12-31');
    const c0 = db.prepare(`SELECT x, t_cal FROM clv WHERE customer_id = 'C0000'`).get() as { x: number; t_cal: number };
    const orders0 = db.prepare(`SELECT count(*) FROM orders WHERE customer_id = 'C0000' AND order_date <= '2025-12-31'`).pluck().get() as number;
    expect(c0.x).toBe(orders0 - 1); // the 2026 purchase is not seen
    const days1 = readPurchaseDays(db, '2025-12-31').filter((d) => d.customerId === 'C0001');
    expect(days1.map((d) => d.day)).not.toContain('2025-12-30'); // cancelled
    expect(days1.map((d) => d.day)).not.toContain('2025-12-29'); // a return alone
    expect(readPurchaseDays(db, '2026-01-31', '2025-12-31').map((d) => d.customerId)).toEqual(['C0000']);
    const days2 = readPurchaseDays(db, '2025-12-31').filter((d) => d.customerId === 'C0002');
    expect(days2.find((d) => d.day === '2025-12-28')?.value).toBe(0);
    expect(days2.map((d) => d.day)).not.toContain('2025-12-27');
  });

  it('reads exactly what the one-query definition PURCHASE_DAYS_SQL says', () => {
    const db = memoryDb();
    syntheticShop(db);
    for (const [until, after] of [['2025-12-31', null], ['2026-02-01', '2025-12-28'], ['2025-06-30', null]] as const) {
      const reference = (db.prepare(PURCHASE_DAYS_SQL).all({ until, after }) as { customer_id: string; order_date: string; value: number }[]).map((r) => ({ customerId: r.customer_id, day: r.order_date, value: r.value }));
      const days = readPurchaseDays(db, until, after ?? undefined);
      expect(days.map((d) => [d.customerId, d.day])).toEqual(reference.map((d) => [d.customerId, d.day]));
      days.forEach((d, i) => expect(d.value).toBeCloseTo(reference[i]!.value, 9));
    }
  });

  it('skips clustering with a reason when there are too few buyers', () => {
    const db = memoryDb();
    insertFeatures(db, { customer_id: 'A', as_of: '2025-12-31', recency_days: 3, frequency: 1, purchase_days: 1, monetary: 10 });
    const summary = runSegment(db, config, '2025-12-31');
    expect(summary.clustering).toEqual({ clustered: 0, skipped: '1 customers with purchases: fewer than k.min = 2' });
    expect(summary.notes).toEqual(['clustering skipped: 1 customers with purchases: fewer than k.min = 2', 'CLV skipped: no customer has a purchase day on or before 2025-12-31']);
    expect(db.prepare('SELECT segment_id FROM segments').pluck().all()).toEqual([null]);
    expect(summary.clv.customers).toBe(0);
  });
});

describe('segmentStage', () => {
  it('depends on as_of and on the segment section with its defaults', async () => {
    const pipeline = { file: 'p.yml', config: { segment: { clv: { model: 'bg_nbd' } } }, asOf: '2025-12-31' } as unknown as Pipeline;
    const inputs = await segmentStage.inputs(pipeline);
    expect(inputs.usesAsOf).toBe(true);
    expect(inputs.config).toMatchObject({ segment: { clv: { model: 'bg_nbd', horizon_days: 365 }, clustering: { seed: 42 } } });
  });
});

describe('runSegment on CDNOW as the clean stage writes it', () => {
  // Every elog row is an order line (amount = sales, USD); clean keeps zero-sales lines out of
  // revenue (non_positive_price) but they are still purchases.
  const db = memoryDb();
  const rows = readFileSync(new URL('../../../shared/data/cdnow/cdnowElog_BTYD.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  insertOrders(
    db,
    rows.map((line) => {
      const [, sampleId, date, cds, sales] = line.split(',') as [string, string, string, string, string];
      return { customer: sampleId, date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, amount: Number(sales), quantity: Number(cds), counts: Number(sales) > 0 ? 1 : 0 };
    }),
  );
  const summary = runSegment(db, parseSegmentConfig({ clv: { model: 'bg_nbd' } }), '1997-09-30');
  const param = (name: string): number => db.prepare(`SELECT value FROM clv_model WHERE model = 'bg_nbd' AND parameter = ?`).pluck().get(name) as number;
  const within = (value: number, target: number): void => expect(Math.abs(value - target) / target).toBeLessThanOrEqual(0.005);

  it('reads the purchase days PURCHASE_DAYS_SQL defines', () => {
    const reference = db.prepare(PURCHASE_DAYS_SQL).raw().all({ until: '1998-06-30', after: null }) as [string, string, number][];
    const days = readPurchaseDays(db, '1998-06-30');
    expect(days.map((d) => [d.customerId, d.day])).toEqual(reference.map(([c, d]) => [c, d]));
    days.forEach((d, i) => expect(d.value).toBeCloseTo(reference[i]![2], 9));
  });

  it('fits the published BG/NBD: r 0.2426, α 4.4135, a 0.7929, b 2.4258, LL −9582.4', () => {
    expect(summary.clv.customers).toBe(2357);
    within(param('r'), 0.2426);
    within(param('alpha'), 4.4135);
    within(param('a'), 0.7929);
    within(param('b'), 2.4258);
    expect(Math.abs(param('log_likelihood') - -9582.4)).toBeLessThanOrEqual(0.1);
    expect(param('customers')).toBe(2357);
    expect(db.prepare(`SELECT value FROM clv_model WHERE model = 'gamma_gamma' AND parameter = 'customers'`).pluck().get()).toBe(946);
  });

  it('forecasts the 39-week holdout from the clv table (1,653 expected vs 1,882 actual, AUC 0.77)', () => {
    const params = { r: param('r'), alpha: param('alpha'), a: param('a'), b: param('b') };
    const clv = db.prepare('SELECT customer_id, x, t_x, t_cal FROM clv ORDER BY customer_id').all() as { customer_id: string; x: number; t_x: number; t_cal: number }[];
    const holdout = new Map<string, number>();
    for (const d of readPurchaseDays(db, '1998-06-30', '1997-09-30')) holdout.set(d.customerId, (holdout.get(d.customerId) ?? 0) + 1);
    const expected = clv.map((c) => conditionalExpectedPurchases(params, 39, c.x, c.t_x, c.t_cal));
    const actual = clv.map((c) => holdout.get(c.customer_id) ?? 0);
    expect(actual.reduce((a, b) => a + b, 0)).toBe(1882);
    expect(Math.abs(expected.reduce((a, b) => a + b, 0) - 1653.4)).toBeLessThan(0.5);
    expect(auc(expected, actual.map((n) => n > 0))).toBeCloseTo(0.7725, 3);
  });
});

describe('the clv table refuses impossible forecasts', () => {
  const row = { customerId: 'A', x: 1, t_x: 1, t_cal: 2, zbar: 10, p_alive: 0.5, expected_purchases_90d: 0.2, expected_purchases_365d: 0.6, expected_avg_spend: 10, clv: 5 };

  it('by the write guard (NaN would be stored as NULL), naming the column and customer', () => {
    const db = memoryDb();
    runSegment(db, parseSegmentConfig({}), '2025-12-31');
    expect(() => writeClv(db, [{ ...row, clv: NaN }], [])).toThrow('clv: refusing to write clv = NaN for customer A');
    expect(() => writeClv(db, [{ ...row, expected_purchases_90d: -10_245_030 }], [])).toThrow(/expected_purchases_90d = -10245030/);
    expect(() => writeClv(db, [{ ...row, p_alive: 1.5 }], [])).toThrow(/p_alive = 1.5/);
    writeClv(db, [{ ...row, p_alive: null, expected_purchases_90d: null, expected_purchases_365d: null, expected_avg_spend: null, clv: null }], []);
    expect(db.prepare('SELECT count(*) FROM clv').pluck().get()).toBe(1);
  });

  it('by CHECK constraints on the table itself', () => {
    const db = memoryDb();
    runSegment(db, parseSegmentConfig({}), '2025-12-31');
    const insert = db.prepare(`INSERT INTO clv (customer_id, x, t_x, t_cal, zbar, p_alive, expected_purchases_90d, expected_purchases_365d, expected_avg_spend, clv) VALUES (?, 1, 1, 2, 10, ?, ?, 1, 10, ?)`);
    expect(() => insert.run('B', 0.5, -1, 5)).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('C', 0.5, 1, -4_800_000)).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('D', 0.5, Infinity, 5)).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('E', 2, 1, 5)).toThrow(/CHECK constraint failed/);
    insert.run('F', 0.5, 1, 5);
  });
});
