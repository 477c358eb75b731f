import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawColumns } from '../../collect/raw-tables.js';
import { migrate } from '../../store/migrations.js';
import { COLLECT_SCHEMA } from '../../collect/schema.js';
import { CLEAN_SCHEMA } from '../schema.js';
import { FxError } from '../../normalize/money.js';
import { cleanEvents } from './clean-events.js';
import { cleanOrders, computeOrderRules } from './clean-orders.js';
import { excludeSkuRules } from './exclude-skus.js';

type Db = Database.Database;

interface RawLine {
  line: number;
  order_id?: string;
  line_no?: number | null;
  customer_source?: string | null;
  customer_ref?: string | null;
  sku?: string | null;
  quantity?: number;
  unit_price?: number | null;
  line_amount?: number | null;
  currency?: string | null;
  ordered_at?: string;
  discount?: number | null;
  status?: string | null;
}

function insertOrders(db: Db, lines: RawLine[], source = 'orders'): void {
  const columns = rawColumns('orders');
  const insert = db.prepare(
    `INSERT INTO raw_orders (source, line, ${columns.join(', ')}) VALUES (?, ?, ${columns.map(() => '?').join(', ')})`,
  );
  for (const l of lines) {
    const row: Record<string, unknown> = {
      customer_source: 'shop',
      order_id: `SO${l.line}`,
      line_no: 1,
      customer_ref: 'S1',
      sku: 'A',
      quantity: 1,
      unit_price: 10,
      currency: 'CNY',
      ordered_at: '2024-01-02T10:00:00Z',
      status: 'completed',
      ...l,
    };
    insert.run(source, l.line, ...columns.map((c) => row[c] ?? null));
  }
}

function insertFx(db: Db, rates: [string, string, number][], source = 'fx'): void {
  const insert = db.prepare('INSERT INTO raw_fx_rates (source, line, currency, date, rate) VALUES (?, ?, ?, ?, ?)');
  rates.forEach(([currency, date, rate], i) => insert.run(source, i + 2, currency, date, rate));
}

function insertIdentities(db: Db, rows: [string, string, string][]): void {
  const insert = db.prepare('INSERT INTO identity_map (source, source_id, customer_id) VALUES (?, ?, ?)');
  for (const r of rows) insert.run(...r);
}

interface OrderRow {
  line: number;
  customer_id: string | null;
  status: string;
  quantity: number;
  unit_price: number;
  currency: string;
  fx_rate: number | null;
  amount: number | null;
  discount: number | null;
  order_date: string;
  is_return: number;
  is_outlier: number;
  counts_for_revenue: number;
}

const ordersByLine = (db: Db): Map<number, OrderRow> =>
  new Map(
    (db.prepare('SELECT * FROM orders ORDER BY source, line').all() as OrderRow[]).map((r) => [r.line, r]),
  );
const issues = (db: Db): [string, number, string, string][] =>
  (db.prepare(`SELECT source, line, code, detail FROM data_issues WHERE stage = 'clean' ORDER BY source, line, code`).all() as {
    source: string;
    line: number;
    code: string;
    detail: string;
  }[]).map((r) => [r.source, r.line, r.code, r.detail]);

/** One line for every rule; line numbers are the physical lines of an imaginary file. */
const LINES: RawLine[] = [
  { line: 2, order_id: 'SO1', line_no: 1, quantity: 2, unit_price: 10, ordered_at: '2024-01-02T23:30:00Z' },
  { line: 3, order_id: 'SO1', line_no: 2, quantity: 1, unit_price: 5, currency: 'usd', discount: 2 },
  { line: 4, order_id: 'SO1', line_no: 2, quantity: 1, unit_price: 5, currency: 'usd', discount: 2 }, // loaded twice
  { line: 5, order_id: 'SO1', line_no: 3, quantity: 1, unit_price: 5, currency: 'usd', discount: 3 }, // differs in discount only
  { line: 6, order_id: 'SO2', customer_ref: 'S2', status: 'Cancelled' },
  { line: 7, order_id: 'RT1', quantity: -1, status: 'returned' },
  { line: 8, order_id: 'C9', quantity: -2, status: null, customer_ref: null, customer_source: null }, // Online Retail credit, anonymous
  { line: 9, order_id: 'SO3', quantity: 9999 },
  { line: 10, order_id: 'SO4', currency: 'EUR', ordered_at: '2024-01-04T12:00:00Z' }, // first EUR rate is 01-05
  { line: 11, order_id: 'SO5', customer_ref: 'S404' },
  { line: 12, order_id: 'SO6', unit_price: 0 },
  { line: 13, order_id: 'A7', sku: 'B', unit_price: -11062.06 }, // "Adjust bad debt"
  { line: 14, order_id: 'SO8', status: 'on hold' },
  { line: 15, order_id: 'SO9', status: 'returned', quantity: 1 },
  { line: 16, order_id: 'SO10', quantity: 0 },
  { line: 17, order_id: 'SO11', customer_source: 'loyalty', customer_ref: 'L1', unit_price: null, line_amount: 30, quantity: 3 },
  { line: 18, order_id: 'RT11', customer_source: 'loyalty', customer_ref: 'L1', unit_price: null, line_amount: 30, quantity: -3, status: 'returned' },
  { line: 19, order_id: 'SO12', unit_price: null, line_amount: null },
  // sku P: 7 priced lines, median 11 CNY; 300 is above 20 × 11 and 0.5 below 11 / 20
  ...[10, 10, 11, 12, 12, 300, 0.5].map((p, i): RawLine => ({ line: 20 + i, order_id: `SP${i}`, sku: 'P', unit_price: p })),
  // sku Q: 4 lines only, the rule does not apply
  ...[10, 10, 10, 5000].map((p, i): RawLine => ({ line: 30 + i, order_id: `SQ${i}`, sku: 'Q', unit_price: p })),
];

describe('cleanOrders and cleanEvents', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db, [COLLECT_SCHEMA, CLEAN_SCHEMA]);
    insertOrders(db, LINES);
    insertFx(db, [
      ['CNY', '2024-01-01', 1],
      ['USD', '2024-01-01', 7],
      ['USD', '2024-01-03', 7.2],
      ['EUR', '2024-01-05', 8],
    ]);
    insertIdentities(db, [
      ['shop', 'S1', 'C1'],
      ['loyalty', 'L1', 'C1'],
      ['shop', 'S2', 'C2'],
    ]);
  });
  afterEach(() => db.close());

  it('should write every kept line once, with status, money, outlier and customer', () => {
    const stats = cleanOrders(db, { baseCurrency: 'CNY' });
    const o = ordersByLine(db);
    expect([...o.keys()]).not.toContain(4); // duplicate
    expect([...o.keys()]).not.toContain(19); // no price
    const pick = (line: number) => {
      const r = o.get(line);
      return r && [r.customer_id, r.status, r.fx_rate, r.amount, r.is_return, r.is_outlier, r.counts_for_revenue];
    };
    expect(pick(2)).toEqual(['C1', 'completed', 1, 20, 0, 0, 1]);
    expect(o.get(2)?.order_date).toBe('2024-01-02'); // the UTC date of ordered_at
    expect(pick(3)).toEqual(['C1', 'completed', 7, 35, 0, 0, 1]); // USD 2024-01-02: the 01-01 rate
    expect(o.get(3)?.currency).toBe('USD');
    expect(o.get(3)?.discount).toBe(14);
    expect(o.get(5)?.discount).toBe(21); // not a duplicate: its discount differs
    expect(pick(6)).toEqual(['C2', 'cancelled', 1, 10, 0, 0, 0]);
    expect(pick(7)).toEqual(['C1', 'returned', 1, -10, 1, 0, 1]);
    expect(pick(8)).toEqual([null, 'returned', 1, -20, 1, 0, 1]);
    expect(pick(9)).toEqual(['C1', 'completed', 1, 99990, 0, 1, 0]);
    expect(pick(10)).toEqual(['C1', 'completed', null, null, 0, 0, 0]);
    expect(pick(11)).toEqual([null, 'completed', 1, 10, 0, 0, 1]);
    expect(pick(12)).toEqual(['C1', 'completed', 1, 0, 0, 0, 0]);
    expect(pick(13)).toEqual(['C1', 'completed', 1, -11062.06, 0, 0, 0]);
    expect(pick(14)).toEqual(['C1', 'completed', 1, 10, 0, 0, 1]);
    expect(pick(15)).toEqual(['C1', 'returned', 1, 10, 1, 0, 0]);
    expect(pick(16)).toEqual(['C1', 'completed', 1, 0, 0, 0, 0]);
    expect(pick(17)).toEqual(['C1', 'completed', 1, 30, 0, 0, 1]);
    expect(o.get(17)?.unit_price).toBe(10);
    expect(pick(18)).toEqual(['C1', 'returned', 1, -30, 1, 0, 1]);
    expect(o.get(18)?.unit_price).toBe(10);
    expect([20, 21, 22, 23, 24, 25, 26].map((l) => o.get(l)?.is_outlier)).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(o.get(25)?.counts_for_revenue).toBe(0);
    expect([30, 31, 32, 33].map((l) => o.get(l)?.is_outlier)).toEqual([0, 0, 0, 0]);

    expect(stats).toMatchObject({
      linesIn: LINES.length,
      linesOut: LINES.length - 2,
      duplicatesRemoved: 1,
      missingPrice: 1,
      cancelled: 1,
      returns: 4,
      outliers: 3,
      outlierQuantity: 1,
      outlierPrice: 2,
      nonPositivePrice: 2,
      zeroQuantity: 1,
      unknownStatus: 1,
      returnedPositiveQuantity: 1,
      unknownCustomerRefs: 1,
      anonymous: 1,
      noFxRate: 1,
      quantityLimits: [{ source: 'orders', lines: LINES.length - 2, q1: 1, q3: 1, limit: 50 }],
    });
    expect(stats.dataIssues).toBe(issues(db).length);
    const counted = db.prepare('SELECT total(amount) AS net, count(*) AS n FROM orders WHERE counts_for_revenue = 1').get() as { net: number; n: number };
    expect(stats.countsForRevenue).toBe(counted.n);
    expect(stats.revenue.net).toBeCloseTo(counted.net, 2);
    expect(stats.revenue.returns).toBe(-60);
    expect(stats.revenue.gross + stats.revenue.returns).toBeCloseTo(stats.revenue.net, 2);
  });

  it('should record one data issue per removed, excluded or unresolved line', () => {
    cleanOrders(db, { baseCurrency: 'CNY' });
    expect(issues(db)).toEqual([
      ['orders', 4, 'duplicate_line', 'same as line 3'],
      ['orders', 9, 'outlier_quantity', `quantity 9999 is beyond the limit 50 = max(floor 50, Q3 1 + 10 × IQR 0) of |quantity| over ${LINES.length - 2} lines`],
      ['orders', 10, 'no_fx_rate', 'no EUR rate on or before 2024-01-04; the first is on 2024-01-05: amount left empty, kept out of revenue'],
      ['orders', 11, 'unknown_customer_ref', 'customer_ref "S404" is not a known record of "shop" (not in identity_map)'],
      ['orders', 12, 'non_positive_price', 'unit price 0 CNY on a completed line: kept out of revenue'],
      ['orders', 13, 'non_positive_price', 'unit price -11062.06 CNY on a completed line: kept out of revenue'],
      ['orders', 14, 'unknown_status', 'status "on hold" is not a known status word: read as completed from the sign of the quantity'],
      ['orders', 15, 'returned_positive_quantity', 'status returned with a positive quantity: read as a sale returned in full, kept out of revenue'],
      ['orders', 16, 'zero_quantity', 'quantity 0: kept out of revenue'],
      ['orders', 19, 'missing_price', 'no unit_price and no line_amount: line not written to orders'],
      ['orders', 25, 'outlier_price', 'unit price 300.00 CNY is 27.3× the median 11.00 CNY of sku "P" over 7 lines (limit 20×)'],
      ['orders', 26, 'outlier_price', 'unit price 0.50 CNY is 1/22.0 of the median 11.00 CNY of sku "P" over 7 lines (limit 20×)'],
    ]);
  });

  it('should give the same tables when run again (idempotent, deterministic)', () => {
    const first = cleanOrders(db, { baseCurrency: 'CNY' });
    const snapshot = [db.prepare('SELECT * FROM orders ORDER BY source, line').all(), issues(db)];
    const second = cleanOrders(db, { baseCurrency: 'CNY' });
    expect(second).toEqual(first);
    expect([db.prepare('SELECT * FROM orders ORDER BY source, line').all(), issues(db)]).toEqual(snapshot);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_temp_master WHERE name LIKE 'co\\_%' ESCAPE '\\'`).get()).toEqual({ n: 0 });
  });

  it('should compute its rule tables from the raw tables alone, so another connection or thread can', () => {
    const rules = computeOrderRules(db, { baseCurrency: 'CNY' });
    expect(rules.duplicates.line.length + rules.priceOutliers.length).toBeGreaterThan(0);
    // What the clean stage writes before and around the rules changes nothing in them.
    cleanOrders(db, { baseCurrency: 'CNY' }, rules);
    db.exec(`DELETE FROM identity_map; INSERT INTO data_issues VALUES ('clean', 'orders', 99, 'duplicate_line', 'x')`);
    expect(computeOrderRules(db, { baseCurrency: 'CNY' })).toEqual(rules);
    // And the lines written with rules computed beforehand are those written without.
    const given = [cleanOrders(db, { baseCurrency: 'CNY' }, rules), db.prepare('SELECT * FROM orders ORDER BY source, line').all(), issues(db)];
    const own = [cleanOrders(db, { baseCurrency: 'CNY' }), db.prepare('SELECT * FROM orders ORDER BY source, line').all(), issues(db)];
    expect(given).toEqual(own);
  });

  it('should leave the data issues of other sources and codes alone', () => {
    db.prepare(`INSERT INTO data_issues VALUES ('clean', 'crm', 5, 'invalid_email', 'x'), ('collect', 'orders', 4, 'duplicate_line', 'y')`).run();
    cleanOrders(db, { baseCurrency: 'CNY' });
    cleanOrders(db, { baseCurrency: 'CNY' });
    expect(db.prepare(`SELECT count(*) AS n FROM data_issues WHERE source = 'crm' OR stage = 'collect'`).get()).toEqual({ n: 2 });
  });

  it('should leave out the lines of exclude_skus, one issue each with its reason, and nothing else of the lines', () => {
    const base = cleanOrders(db, { baseCurrency: 'CNY' });
    // SKU B (line 13), the P family by pattern (lines 20-26), and Q on another source: not here.
    const excludeSkus = excludeSkuRules('orders', [{ skus: ['B'], reason: 'bad debt adjustment' }, { pattern: 'P*', reason: 'postage' }]).concat(excludeSkuRules('other', ['Q']));
    const stats = cleanOrders(db, { baseCurrency: 'CNY', excludeSkus });
    expect(stats.excludedSkus).toBe(8);
    expect(stats.linesIn).toBe(base.linesIn);
    expect(stats.linesOut).toBe(base.linesOut - 8);
    const o = ordersByLine(db);
    for (const line of [13, 20, 21, 22, 23, 24, 25, 26]) expect(o.has(line)).toBe(false);
    expect(o.has(30)).toBe(true);
    const found = issues(db);
    expect(found.filter(([, , code]) => code === 'excluded_sku')).toEqual([
      ['orders', 13, 'excluded_sku', 'sku "B" is excluded (bad debt adjustment): line not written to orders, not counted as revenue'],
      ...[20, 21, 22, 23, 24, 25, 26].map((line) => ['orders', line, 'excluded_sku', 'sku "P" is excluded (postage, pattern "P*"): line not written to orders, not counted as revenue']),
    ]);
    // An excluded line has no other issue: not the price outliers of sku P, not line 13's price.
    expect(found.filter(([, line, code]) => code !== 'excluded_sku' && [13, 25, 26].includes(line))).toEqual([]);
    // The rules thread gives the same.
    const rules = computeOrderRules(db, { baseCurrency: 'CNY', excludeSkus });
    expect(cleanOrders(db, { baseCurrency: 'CNY', excludeSkus }, rules)).toEqual(stats);
  });

  it('should not exclude a duplicate twice, nor a line the pattern does not cover whole', () => {
    const excludeSkus = excludeSkuRules('orders', [{ pattern: 'A', reason: 'x' }]);
    const stats = cleanOrders(db, { baseCurrency: 'CNY', excludeSkus });
    // Line 4 duplicates line 3 (both sku A): a duplicate_line, not an excluded_sku.
    expect(issues(db).filter(([, line]) => line === 4).map(([, , code]) => code)).toEqual(['duplicate_line']);
    expect(stats.excludedSkus).toBe(LINES.filter((l) => (l.sku ?? 'A') === 'A').length - 1);
    expect(cleanOrders(db, { baseCurrency: 'CNY', excludeSkus: excludeSkuRules('orders', [{ pattern: 'P', reason: 'x' }]) }).excludedSkus).toBe(7);
    expect(cleanOrders(db, { baseCurrency: 'CNY', excludeSkus: excludeSkuRules('orders', ['p']) }).excludedSkus).toBe(0); // case-sensitive
  });

  it('should apply the outlier options', () => {
    const stats = cleanOrders(db, { baseCurrency: 'CNY', outlier: { quantityFloor: 10_000, priceRatio: 1000, priceMinSkuLines: 4 } });
    expect([stats.outlierQuantity, stats.outlierPrice]).toEqual([0, 0]);
    const sensitive = cleanOrders(db, { baseCurrency: 'CNY', outlier: { priceRatio: 5, priceMinSkuLines: 4 } });
    expect(sensitive.outlierPrice).toBe(3); // sku Q (median 10) now has enough lines: 5000 is flagged too
  });

  it('should convert into another base currency and fail on an inconsistent rate table', () => {
    db.prepare(`DELETE FROM raw_fx_rates`).run();
    insertFx(db, [['USD', '2024-01-01', 1], ['CNY', '2024-01-01', 0.14]]);
    const stats = cleanOrders(db, { baseCurrency: 'usd' });
    expect(ordersByLine(db).get(2)?.amount).toBeCloseTo(2.8, 10);
    expect(stats.noFxRate).toBe(1); // the EUR line
    insertFx(db, [['CNY', '2024-01-01', 0.15]], 'fx2');
    expect(() => cleanOrders(db, { baseCurrency: 'USD' })).toThrow(FxError);
  });

  it('should read a database collected before line_amount existed', () => {
    db.exec('DELETE FROM raw_orders; ALTER TABLE raw_orders DROP COLUMN line_amount');
    const columns = rawColumns('orders').filter((c) => c !== 'line_amount');
    db.prepare(`INSERT INTO raw_orders (source, line, ${columns.join(', ')}) VALUES ('orders', 2, ${columns.map(() => '?').join(', ')})`).run(
      ...columns.map((c) => ({ customer_source: 'shop', order_id: 'SO1', customer_ref: 'S1', quantity: 2, unit_price: 10, currency: 'CNY', ordered_at: '2024-01-02T10:00:00Z' })[c] ?? null),
    );
    expect(cleanOrders(db, { baseCurrency: 'CNY' })).toMatchObject({ linesIn: 1, linesOut: 1, revenue: { net: 20 } });
  });

  it('should key events by customer and flag unknown references', () => {
    const insert = db.prepare(
      `INSERT INTO raw_events (source, line, customer_source, occurred_at, customer_ref, event_type, sku, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run('events', 2, 'shop', '2024-01-02T10:00:00Z', 'S1', 'page_view', 'A', 'ios');
    insert.run('events', 3, 'loyalty', '2024-01-02T11:00:00Z', 'L1', 'add_to_cart', 'P', 'android');
    insert.run('events', 4, 'loyalty', '2024-01-03T11:00:00Z', 'L404', 'search', null, 'desktop');
    const stats = cleanEvents(db);
    expect(stats).toEqual({ linesIn: 3, linesOut: 3, resolved: 2, unknownCustomerRefs: 1, anonymous: 0 });
    expect(db.prepare('SELECT line, customer_id, event_type FROM events ORDER BY line').all()).toEqual([
      { line: 2, customer_id: 'C1', event_type: 'page_view' },
      { line: 3, customer_id: 'C1', event_type: 'add_to_cart' },
      { line: 4, customer_id: null, event_type: 'search' },
    ]);
    expect(issues(db)).toEqual([['events', 4, 'unknown_customer_ref', 'customer_ref "L404" is not a known record of "loyalty" (not in identity_map)']]);
    expect(cleanEvents(db)).toEqual(stats);
  });
});
