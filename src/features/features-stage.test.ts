/**
 * The features stage end to end on a small in-memory database: every feature of a few
 * hand-made customers, point-in-time correctness (nothing after as_of counts, a later as_of sees
 * more), tags and determinism.
 */
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../config/load.js';
import { silentProgress } from '../pipeline/progress.js';
import { inWriteTransaction, type Db } from '../store/database.js';
import { migrate } from '../store/migrations.js';
import { COLLECT_SCHEMA } from '../collect/schema.js';
import { CLEAN_SCHEMA } from '../clean/schema.js';
import { FEATURES_SCHEMA } from './schema.js';
import { entropyBits } from './entropy.js';
import { featuresStage } from './features-stage.js';

const FEATURES = {
  tiers: {
    window_days: 365,
    levels: [
      { name: 'bronze', min_spend: 0, min_orders: 1 },
      { name: 'silver', min_spend: 2000, min_orders: 3 },
    ],
  },
  tags: [
    { name: 'big', when: 'monetary >= 2000', weight: 1 },
    { name: 'gadgets', when: 'share.category.electronics >= 0.5 and lifecycle_stage in (\'active\', \'new\')', weight: 0.6 },
    { name: 'typo', when: 'share.category.electronix > 0', weight: 0.1 },
  ],
};

function pipeline(asOf: string): Pipeline {
  return { file: '/virtual/test.yml', config: { features: FEATURES }, asOf, databasePath: ':memory:', sources: [] } as unknown as Pipeline;
}

interface Line {
  customer: string | null;
  order: string;
  at: string;
  status?: 'completed' | 'cancelled' | 'returned';
  category?: string | null;
  channel?: string | null;
  quantity?: number;
  amount: number;
  coupon?: string;
  discount?: number;
  outlier?: boolean;
}

let lineNo = 0;
function insertOrder(db: Db, l: Line): void {
  const status = l.status ?? 'completed';
  const isReturn = status === 'returned' ? 1 : 0;
  const quantity = l.quantity ?? (isReturn ? -1 : 1);
  const counts = status !== 'cancelled' && !l.outlier ? 1 : 0;
  db.prepare(
    `INSERT INTO orders (source, line, customer_id, customer_source, customer_ref, order_id, line_no, sku, product_name, category, channel,
                         coupon_code, status, quantity, unit_price, currency, fx_rate, amount, discount, ordered_at, order_date,
                         is_return, is_outlier, counts_for_revenue)
     VALUES ('orders', ?, ?, 'shop', ?, ?, 1, 'SKU', NULL, ?, ?, ?, ?, ?, ?, 'CNY', 1, ?, ?, ?, substr(?, 1, 10), ?, ?, ?)`,
  ).run(
    ++lineNo,
    l.customer,
    l.customer,
    l.order,
    l.category === undefined ? 'home' : l.category,
    l.channel === undefined ? 'web' : l.channel,
    l.coupon ?? null,
    status,
    quantity,
    l.amount / quantity,
    l.amount,
    l.discount ?? null,
    l.at,
    l.at,
    isReturn,
    l.outlier ? 1 : 0,
    counts,
  );
}

function insertEvent(db: Db, customer: string, at: string, type: string): void {
  db.prepare(`INSERT INTO events (source, line, customer_id, occurred_at, event_type, sku, device) VALUES ('events', ?, ?, ?, ?, 'SKU', 'ios')`).run(++lineNo, customer, at, type);
}

function insertCustomer(db: Db, id: string, created: string | null, birth: string | null = null, extra: Partial<Record<'gender' | 'city' | 'country', string>> = {}): void {
  db.prepare(
    `INSERT INTO customers (customer_id, birth_date, gender, city, country, consent_email, consent_sms, consent_push, created_at, record_count, sources)
     VALUES (?, ?, ?, ?, ?, 1, 0, NULL, ?, 1, 'crm')`,
  ).run(id, birth, extra.gender ?? null, extra.city ?? null, extra.country ?? null, created);
}

function seed(db: Db): void {
  // C1: a regular customer with a coupon order, a return, an outlier line, a cancelled order,
  // and orders exactly at and after the cutoff of 2025-06-30.
  insertCustomer(db, 'C1', '2024-01-10T08:00:00Z', '1990-07-01', { gender: 'female', city: 'Shanghai', country: 'CN' });
  insertOrder(db, { customer: 'C1', order: 'O1', at: '2025-01-05T10:00:00Z', category: 'apparel', quantity: 2, amount: 200, coupon: 'SAVE20' });
  insertOrder(db, { customer: 'C1', order: 'O1', at: '2025-01-05T10:00:00Z', category: 'shoes', amount: 400 });
  insertOrder(db, { customer: 'C1', order: 'O2', at: '2025-03-05T10:00:00Z', category: 'apparel', channel: 'app', amount: 100 });
  insertOrder(db, { customer: 'C1', order: 'RT1', at: '2025-03-10T00:00:00Z', status: 'returned', category: 'apparel', amount: -100 });
  insertOrder(db, { customer: 'C1', order: 'O3', at: '2025-06-01T12:00:00Z', category: 'electronics', amount: 2000 });
  insertOrder(db, { customer: 'C1', order: 'O3', at: '2025-06-01T12:00:00Z', category: 'apparel', quantity: 9999, amount: 999_900, outlier: true });
  insertOrder(db, { customer: 'C1', order: 'O4', at: '2025-06-20T09:00:00Z', status: 'cancelled', amount: 300 });
  insertOrder(db, { customer: 'C1', order: 'O5', at: '2025-07-01T00:00:00Z', category: 'books', amount: 5000 });
  insertOrder(db, { customer: 'C1', order: 'O6', at: '2025-08-01T00:00:00Z', category: 'books', amount: 7000 });
  insertEvent(db, 'C1', '2025-03-01T00:00:00Z', 'page_view'); // older than 90 days
  insertEvent(db, 'C1', '2025-05-30T10:00:00Z', 'add_to_cart'); // O3 follows within 7 days
  insertEvent(db, 'C1', '2025-06-25T10:00:00Z', 'add_to_cart'); // nothing follows before the cutoff
  insertEvent(db, 'C1', '2025-06-29T00:00:00Z', 'page_view');
  insertEvent(db, 'C1', '2025-07-02T00:00:00Z', 'add_to_cart'); // after as_of

  // C2: no created_at; buys every 10 days, the last one at the last second of the as_of day.
  insertCustomer(db, 'C2', null);
  for (const [order, at] of [['P1', '2025-06-10T08:00:00Z'], ['P2', '2025-06-20T08:00:00Z'], ['P3', '2025-06-30T23:59:59Z']] as const) {
    insertOrder(db, { customer: 'C2', order, at, category: 'grocery', channel: 'store', amount: 100, discount: 25 });
  }
  // C3: first purchase two weeks before as_of.
  insertCustomer(db, 'C3', '2025-06-15T00:00:00Z', '1950-01-01');
  insertOrder(db, { customer: 'C3', order: 'N1', at: '2025-06-16T00:00:00Z', category: null, channel: null, amount: 50 });
  // C4: signed up after as_of: not knowable on 2025-06-30.
  insertCustomer(db, 'C4', '2025-08-01T00:00:00Z');
  insertOrder(db, { customer: 'C4', order: 'L1', at: '2025-08-02T00:00:00Z', amount: 10 });
  // C5: registered long ago, never bought.
  insertCustomer(db, 'C5', '2020-01-01T00:00:00Z');
  // C6: no timestamp at all: kept (we cannot tell when it appeared).
  insertCustomer(db, 'C6', null);
  // C7: no created_at, first trace after as_of.
  insertCustomer(db, 'C7', null);
  insertEvent(db, 'C7', '2025-07-15T00:00:00Z', 'page_view');
  // C8: one purchase three years before as_of.
  insertCustomer(db, 'C8', '2022-05-01T00:00:00Z');
  insertOrder(db, { customer: 'C8', order: 'X1', at: '2022-06-01T00:00:00Z', amount: 80 });
  // An anonymous line: never a customer's.
  insertOrder(db, { customer: null, order: 'A1', at: '2025-06-01T00:00:00Z', amount: 999 });
}

async function runStage(db: Db, asOf: string) {
  return inWriteTransaction(db, () =>
    featuresStage.run({ db, pipeline: pipeline(asOf), runId: 1, logger: pino({ level: 'silent' }), progress: silentProgress, inputHashes: {} }),
  );
}

type Row = Record<string, unknown>;
function features(db: Db): Map<string, Row> {
  return new Map((db.prepare('SELECT * FROM features ORDER BY customer_id').all() as Row[]).map((r) => [r.customer_id as string, r]));
}

describe('features stage', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db, [COLLECT_SCHEMA, CLEAN_SCHEMA, FEATURES_SCHEMA]);
    seed(db);
  });

  it('computes every feature as of as_of', async () => {
    const outcome = await runStage(db, '2025-06-30');
    const rows = features(db);
    expect([...rows.keys()]).toEqual(['C1', 'C2', 'C3', 'C5', 'C6', 'C8']);
    expect(outcome).toMatchObject({ rowsIn: 8, rowsOut: 6, rejects: 0 });

    const c1 = rows.get('C1')!;
    expect(c1).toMatchObject({
      as_of: '2025-06-30',
      first_contact_at: '2024-01-10T08:00:00Z',
      first_order_at: '2025-01-05T10:00:00Z',
      last_order_at: '2025-06-01T12:00:00Z',
      tenure_days: 537,
      recency_days: 29,
      frequency: 3,
      purchase_days: 3,
      cancelled_orders: 1,
      monetary: 2600,
      gross_revenue: 2700,
      returns_amount: -100,
      avg_order_value: 866.67,
      units_purchased: 5,
      units_returned: 1,
      return_rate: 0.2,
      cancel_rate: 0.25,
      top_category: 'electronics',
      category_count: 3,
      top_channel: 'web',
      channel_count: 2,
      avg_discount_depth: null,
      events_30d: 2,
      events_90d: 3,
      last_event_at: '2025-06-29T00:00:00Z',
      days_since_last_event: 1,
      cart_adds_90d: 2,
      cart_adds_without_purchase_90d: 1,
      avg_interpurchase_days: 73.5,
      expected_gap_days: 73.5,
      lifecycle_stage: 'active',
      age: 34,
      age_band: '25-34',
      gender: 'female',
      city: 'Shanghai',
      country: 'CN',
      consent_email: 1,
      consent_sms: 0,
      consent_push: null,
      tier: 'silver',
      tier_spend: 2600,
      tier_orders: 3,
    });
    expect(c1.avg_items_per_order).toBeCloseTo(5 / 3, 12);
    expect(c1.coupon_order_share).toBeCloseTo(1 / 3, 12);
    expect(c1.top_category_share).toBeCloseTo(2000 / 2600, 12);
    expect(c1.category_entropy).toBeCloseTo(entropyBits([200, 400, 2000])!, 12);
    expect(c1.top_channel_share).toBeCloseTo(2500 / 2600, 12);

    const c2 = rows.get('C2')!;
    expect(c2).toMatchObject({ first_contact_at: '2025-06-10T08:00:00Z', tenure_days: 20, recency_days: 0, frequency: 3, purchase_days: 3, monetary: 300, avg_interpurchase_days: 10, lifecycle_stage: 'active', age: null, age_band: null, top_channel: 'store', top_channel_share: 1, category_entropy: 0, tier: 'bronze', events_90d: 0, days_since_last_event: null });
    expect(c2.avg_discount_depth).toBeCloseTo(0.2, 12);

    // Population median gap = median(73.5, 10) = 41.75: C3's first purchase 14 days ago is new.
    expect(rows.get('C3')).toMatchObject({ lifecycle_stage: 'new', expected_gap_days: 41.75, age: 75, age_band: '65+', top_category: 'unknown', top_channel: 'unknown', tier: 'bronze', tenure_days: 15 });
    expect(rows.get('C5')).toMatchObject({ lifecycle_stage: 'prospect', frequency: 0, monetary: 0, recency_days: null, avg_order_value: null, coupon_order_share: null, cancel_rate: null, top_category: null, category_count: 0, tier: null, tier_spend: 0, tier_orders: 0, tenure_days: 2007 });
    expect(rows.get('C6')).toMatchObject({ lifecycle_stage: 'prospect', tenure_days: null, first_contact_at: null });
    expect(rows.get('C8')).toMatchObject({ lifecycle_stage: 'churned', recency_days: 1125, tier: null, tier_orders: 0 });

    expect(db.prepare(`SELECT dimension, value, share, amount FROM feature_shares WHERE customer_id = 'C1' ORDER BY dimension, value`).all()).toEqual([
      { dimension: 'category', value: 'apparel', share: 200 / 2600, amount: 200 },
      { dimension: 'category', value: 'electronics', share: 2000 / 2600, amount: 2000 },
      { dimension: 'category', value: 'shoes', share: 400 / 2600, amount: 400 },
      { dimension: 'channel', value: 'app', share: 100 / 2600, amount: 100 },
      { dimension: 'channel', value: 'web', share: 2500 / 2600, amount: 2500 },
    ]);

    expect(db.prepare('SELECT customer_id, tag, weight FROM customer_tags ORDER BY tag, customer_id').all()).toEqual([
      { customer_id: 'C1', tag: 'big', weight: 1 },
      { customer_id: 'C1', tag: 'gadgets', weight: 0.6 },
    ]);
    const details = outcome.details as { tags: Record<string, number>; tagWarnings: string[]; customersNotYetKnown: number; orderLinesRead: number };
    expect(details.tags).toEqual({ big: 1, gadgets: 1, typo: 0 });
    expect(details.tagWarnings).toEqual([
      'features.tags[2].when (typo): no customer has any category "electronix", so share.category.electronix is 0 for everyone — did you mean "electronics"?',
    ]);
    expect(details.customersNotYetKnown).toBe(2);
    expect(details.orderLinesRead).toBe(12);
  });

  it('sees what was knowable on a later as_of, and nothing more', async () => {
    await runStage(db, '2025-06-30');
    await runStage(db, '2025-08-31');
    const rows = features(db);
    expect([...rows.keys()]).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8']);
    expect(rows.get('C1')).toMatchObject({ as_of: '2025-08-31', frequency: 5, monetary: 14_600, last_order_at: '2025-08-01T00:00:00Z', top_category: 'books', cart_adds_90d: 2 });
    expect(rows.get('C4')).toMatchObject({ frequency: 1, first_contact_at: '2025-08-01T00:00:00Z' });
    expect(rows.get('C7')).toMatchObject({ frequency: 0, events_90d: 1, lifecycle_stage: 'prospect' });
  });

  it('gives the same tables on every run', async () => {
    const dump = () =>
      JSON.stringify([
        db.prepare('SELECT * FROM features ORDER BY customer_id').all(),
        db.prepare('SELECT * FROM feature_shares ORDER BY customer_id, dimension, value').all(),
        db.prepare('SELECT * FROM customer_tags ORDER BY customer_id, tag').all(),
      ]);
    await runStage(db, '2025-06-30');
    const first = dump();
    await runStage(db, '2025-06-30');
    expect(dump()).toBe(first);
  });

  it('creates its tables on a database whose migration 4 predates them', async () => {
    db.exec('DROP TABLE features; DROP TABLE feature_shares; DROP TABLE customer_tags');
    db.exec('CREATE TABLE features (customer_id TEXT PRIMARY KEY, old_column TEXT)');
    await runStage(db, '2025-06-30');
    expect(features(db).size).toBe(6);
  });

  it('fingerprints the validated section and as_of', async () => {
    const inputs = await featuresStage.inputs(pipeline('2025-06-30'));
    expect(inputs.usesAsOf).toBe(true);
    expect(inputs.config).toMatchObject({ features: { tiers: { window_days: 365 }, lifecycle: { active_factor: 1.5 } } });
  });
});
