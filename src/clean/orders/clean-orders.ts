/**
 * Clean of order lines: raw_orders (+ raw_fx_rates, identity_map) → orders, data_issues.
 *
 * Runs inside the clean stage's open write transaction (it never begins or commits one) after
 * identity_map is filled. Set-based: every pass over the lines is one INSERT … SELECT or one
 * aggregate query; JavaScript only sees small distinct sets (status word × quantity sign,
 * currency × order date, the |quantity| histogram) and applies the pure rules of status.ts,
 * outliers.ts and FxTable to them. Scratch tables live in the temp schema (prefix `co_`) and are
 * dropped before returning. Deterministic: no clock, every result depends only on the tables.
 *
 * The rules, numbered as in README.md:
 * 1. Exact duplicate lines (same source and the same value in every column of raw_orders, only
 *    the physical line differs) are a double load: the first line is kept, the others are not
 *    written to `orders` and each gets a data issue 'duplicate_line' ("same as line N").
 * 2. status, is_return and the status part of counts_for_revenue come from classifyLine
 *    (status.ts); issues 'unknown_status', 'returned_positive_quantity', 'zero_quantity'.
 * 3. Money. unit_price is raw unit_price, or else line_amount / |quantity| (a return's
 *    line_amount counts as money going back whatever its sign); a line with neither, or with
 *    only a line_amount and quantity 0, has no price: it is not written to `orders` (whose
 *    unit_price is NOT NULL) and gets 'missing_price'. fx_rate = the rate of the line's
 *    currency on the UTC order date, or the latest earlier date (FxTable; base currency = 1).
 *    amount = quantity × unit_price × fx_rate (or the signed line_amount × fx_rate) and
 *    discount = raw discount × fx_rate, in the base currency. No rate on or before the date →
 *    fx_rate, amount and discount NULL, out of revenue, issue 'no_fx_rate'. unit_price < 0, or
 *    unit_price = 0 on a line that is not a return, is out of revenue with 'non_positive_price'.
 * 4. Outliers (outliers.ts): quantity and unit-price rules; is_outlier = 1, out of revenue,
 *    issues 'outlier_quantity' / 'outlier_price' with the value and the threshold.
 * 5. customer_id = identity_map(customer_source, customer_ref); a ref that is not there →
 *    NULL with issue 'unknown_customer_ref'; no ref → anonymous (NULL, no issue).
 * counts_for_revenue = 1 unless cancelled, zero quantity, a returned line with a positive
 * quantity, no fx rate, a non-positive price or an outlier. amount is filled for every line
 * that has a rate: revenue is SUM(amount) WHERE counts_for_revenue = 1 (returns are negative).
 *
 * The sku medians use SQLite's median() aggregate (SQLITE_ENABLE_PERCENTILE, compiled into the
 * SQLite that better-sqlite3 bundles); it holds one sku's prices at a time.
 */
import type { Db } from '../../store/database.js';
import { FxError, FxTable, type FxRateRow } from '../normalize/money.js';
import { distinctSourcesSql, withIndexesRebuilt } from './sql-helpers.js';
import {
  quantityLimit,
  quartilesFromHistogram,
  resolveOutlierOptions,
  type HistogramBucket,
  type OutlierOptions,
  type ResolvedOutlierOptions,
} from './outliers.js';
import { classifyLine, type StatusIssueCode } from './status.js';

export interface CleanOrdersOptions {
  /** ISO 4217 code of the pipeline's base_currency: amounts are converted into it. */
  readonly baseCurrency: string;
  readonly outlier?: OutlierOptions;
  /**
   * Remove lines identical in every column to an earlier line (a double load). Default true. Turn
   * it off for sources whose lines carry no order or line id, where two equal purchases on one day
   * are real (CDNOW).
   */
  readonly dropExactDuplicates?: boolean;
  /** Called after each step with its name, e.g. to log or time the steps. */
  readonly onStep?: (step: string) => void;
}

/** The quantity limit of one orders source (rule 4). */
export interface QuantityLimitStats {
  readonly source: string;
  /** Lines the quartiles were computed over (the lines written to orders). */
  readonly lines: number;
  readonly q1: number;
  readonly q3: number;
  readonly limit: number;
}

export interface RevenueTotals {
  /** SUM(amount) of the lines that count for revenue and are not returns. */
  readonly gross: number;
  /** SUM(amount) of the returns that count for revenue (negative or 0). */
  readonly returns: number;
  /** gross + returns. */
  readonly net: number;
}

export interface OrdersCleanStats {
  /** Rows of raw_orders. */
  readonly linesIn: number;
  /** Rows written to orders (linesIn − duplicatesRemoved − missingPrice). */
  readonly linesOut: number;
  readonly duplicatesRemoved: number;
  /** Lines not written because they have no usable price (rule 3). */
  readonly missingPrice: number;
  readonly completed: number;
  readonly cancelled: number;
  /** Lines with status 'returned' (is_return = 1). */
  readonly returns: number;
  /** Lines with is_outlier = 1 (a line can be both a quantity and a price outlier). */
  readonly outliers: number;
  readonly outlierQuantity: number;
  readonly outlierPrice: number;
  readonly nonPositivePrice: number;
  readonly zeroQuantity: number;
  readonly unknownStatus: number;
  readonly returnedPositiveQuantity: number;
  readonly unknownCustomerRefs: number;
  /** Lines without a customer_ref. */
  readonly anonymous: number;
  readonly noFxRate: number;
  readonly countsForRevenue: number;
  /** In the base currency, rounded to cents. */
  readonly revenue: RevenueTotals;
  readonly quantityLimits: readonly QuantityLimitStats[];
  /** data_issues rows written. */
  readonly dataIssues: number;
}

/** Every data_issues code cleanOrders writes (stage 'clean', source = the orders source). */
export const ORDER_ISSUE_CODES = [
  'duplicate_line',
  'missing_price',
  'unknown_status',
  'returned_positive_quantity',
  'zero_quantity',
  'no_fx_rate',
  'non_positive_price',
  'outlier_quantity',
  'outlier_price',
  'unknown_customer_ref',
] as const;
export type OrderIssueCode = (typeof ORDER_ISSUE_CODES)[number];

const TEMP_TABLES = ['co_candidate', 'co_dup', 'co_class', 'co_class_issue', 'co_fx', 'co_qty', 'co_flag', 'co_price_out'] as const;

/**
 * Rows of the small tables the per-line rules join to, computed from raw_orders and raw_fx_rates
 * alone (never from orders, identity_map or anything the clean stage writes). So they can be
 * computed on another connection, in a worker thread, while identity resolution runs
 * (orders-rules-worker.ts), and then loaded into this connection's temp tables.
 */
export interface OrderRules {
  /** co_dup: source, line, first_line (rule 1). */
  readonly duplicates: readonly (readonly [string, number, number])[];
  /** co_class: status_key, sign, status, is_return, counts_for_revenue (rule 2). */
  readonly classes: readonly (readonly [string, number, string, number, number])[];
  /** co_class_issue: status_key, sign, code, detail. */
  readonly classIssues: readonly (readonly [string, number, string, string])[];
  /** co_fx: currency, order_date, rate (null: none), problem (rule 3). */
  readonly fx: readonly (readonly [string, string, number | null, string | null])[];
  /** co_qty: source, limit_value, limit_text (rule 4, quantity). */
  readonly quantity: readonly (readonly [string, number, string])[];
  /** co_price_out: source, line, unit_base, median, lines, sku (rule 4, price). */
  readonly priceOutliers: readonly (readonly [string, number, number, number, number, string])[];
  readonly quantityLimits: readonly QuantityLimitStats[];
  /** Some line has no usable price (rule 3). */
  readonly unpriced: boolean;
}

/** Computes the rule tables on `db` (read-only is enough: it writes temp tables only). */
export function computeOrderRules(db: Db, options: CleanOrdersOptions): OrderRules {
  const base = options.baseCurrency.trim().toUpperCase();
  const outlier = resolveOutlierOptions(options.outlier);
  const raw = rawOrdersSql(db);
  dropTempTables(db);
  try {
    createTempTables(db);
    if (options.dropExactDuplicates ?? true) findDuplicates(db, raw);
    const { unpriced } = classifyDistinct(db, base, raw);
    const quantityLimits = computeQuantityLimits(db, outlier, raw);
    findPriceOutliers(db, base, outlier, raw);
    const rows = <T>(sql: string): T[] => db.prepare(sql).raw().all() as T[];
    return {
      duplicates: rows('SELECT source, line, first_line FROM temp.co_dup ORDER BY source, line'),
      classes: rows('SELECT status_key, sign, status, is_return, counts_for_revenue FROM temp.co_class ORDER BY status_key, sign'),
      classIssues: rows('SELECT status_key, sign, code, detail FROM temp.co_class_issue ORDER BY status_key, sign, code'),
      fx: rows('SELECT currency, order_date, rate, problem FROM temp.co_fx ORDER BY currency, order_date'),
      quantity: rows('SELECT source, limit_value, limit_text FROM temp.co_qty ORDER BY source'),
      priceOutliers: rows('SELECT source, line, unit_base, median, lines, sku FROM temp.co_price_out ORDER BY source, line'),
      quantityLimits,
      unpriced,
    };
  } finally {
    dropTempTables(db);
  }
}

/**
 * Replaces `orders` and the data_issues of the order sources (codes ORDER_ISSUE_CODES, stage
 * 'clean'), and returns what it did. Throws FxError when raw_fx_rates itself is inconsistent
 * (two rates for one currency and day, a non-positive rate, a base-currency rate other than 1).
 * `rules` are computeOrderRules' result for the same raw tables, if already at hand.
 */
export function cleanOrders(db: Db, options: CleanOrdersOptions, rules: OrderRules = computeOrderRules(db, options)): OrdersCleanStats {
  const base = options.baseCurrency.trim().toUpperCase();
  const outlier = resolveOutlierOptions(options.outlier);
  const raw = rawOrdersSql(db);
  const onStep = options.onStep ?? ((): void => {});
  const step = <T>(name: string, work: () => T): T => {
    const result = work();
    onStep(name);
    return result;
  };
  dropTempTables(db);
  try {
    step('clear', () => {
      clearPreviousOutput(db);
      createTempTables(db);
      loadOrderRules(db, rules);
    });
    const issues = new Map<OrderIssueCode, number>(ORDER_ISSUE_CODES.map((c) => [c, 0]));
    const add = (code: OrderIssueCode, n: number): void => void issues.set(code, (issues.get(code) ?? 0) + n);

    add('duplicate_line', step('duplicates', () => insertDuplicateIssues(db)));
    if (rules.unpriced) add('missing_price', step('missing_price', () => insertMissingPriceIssues(db, raw)));
    step('insert', () => withIndexesRebuilt(db, 'orders', () => insertOrders(db, base, raw)));
    if (rules.classIssues.length > 0) for (const [code, n] of step('status_issues', () => insertStatusIssues(db, raw))) add(code, n);
    for (const [code, n] of step('line_issues', () => insertLineIssues(db))) add(code, n);
    add('outlier_price', step('price_outliers', () => flagPriceOutliers(db, base, outlier)));

    const totals = step('totals', () => orderTotals(db));
    const count = (code: OrderIssueCode): number => issues.get(code) ?? 0;
    return {
      linesIn: totals.lines + count('duplicate_line') + count('missing_price'),
      linesOut: totals.lines,
      duplicatesRemoved: count('duplicate_line'),
      missingPrice: count('missing_price'),
      completed: totals.completed,
      cancelled: totals.cancelled,
      returns: totals.returns,
      outliers: totals.outliers,
      outlierQuantity: count('outlier_quantity'),
      outlierPrice: count('outlier_price'),
      nonPositivePrice: count('non_positive_price'),
      zeroQuantity: count('zero_quantity'),
      unknownStatus: count('unknown_status'),
      returnedPositiveQuantity: count('returned_positive_quantity'),
      unknownCustomerRefs: count('unknown_customer_ref'),
      anonymous: totals.anonymous,
      noFxRate: count('no_fx_rate'),
      countsForRevenue: totals.counted,
      revenue: { gross: cents(totals.gross), returns: cents(totals.returned), net: cents(totals.gross + totals.returned) },
      quantityLimits: [...rules.quantityLimits],
      dataIssues: [...issues.values()].reduce((a, b) => a + b, 0),
    };
  } finally {
    dropTempTables(db);
  }
}

/** Fills this connection's rule temp tables with computeOrderRules' rows. */
function loadOrderRules(db: Db, rules: OrderRules): void {
  const load = (table: string, width: number, rows: readonly (readonly unknown[])[]): void => {
    const insert = db.prepare(`INSERT INTO temp.${table} VALUES (${new Array<string>(width).fill('?').join(', ')})`);
    for (const row of rows) insert.run(...row);
  };
  load('co_dup', 3, rules.duplicates);
  load('co_class', 5, rules.classes);
  load('co_class_issue', 4, rules.classIssues);
  load('co_fx', 4, rules.fx);
  load('co_qty', 3, rules.quantity);
  load('co_price_out', 6, rules.priceOutliers);
}

interface OrderTotals {
  lines: number;
  completed: number;
  cancelled: number;
  returns: number;
  outliers: number;
  anonymous: number;
  counted: number;
  gross: number;
  returned: number;
}

function orderTotals(db: Db): OrderTotals {
  return db
    .prepare(
      `SELECT count(*) AS lines,
              coalesce(sum(status = 'completed'), 0) AS completed,
              coalesce(sum(status = 'cancelled'), 0) AS cancelled,
              coalesce(sum(is_return), 0) AS returns,
              coalesce(sum(is_outlier), 0) AS outliers,
              coalesce(sum(customer_ref IS NULL), 0) AS anonymous,
              coalesce(sum(counts_for_revenue), 0) AS counted,
              total(CASE WHEN counts_for_revenue = 1 AND is_return = 0 THEN amount END) AS gross,
              total(CASE WHEN counts_for_revenue = 1 AND is_return = 1 THEN amount END) AS returned
         FROM orders`,
    )
    .get() as OrderTotals;
}

function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A number as people write it: 9999, 12.5, 0.3333. */
function fmt(x: number): string {
  return String(Math.round(x * 10_000) / 10_000);
}

/** SQL fragments over `raw_orders r`, built from the columns the table actually has. */
interface RawOrdersSql {
  /** Every column but (source, line): what two lines must share to be exact duplicates. */
  readonly columns: readonly string[];
  /** The unit price of rule 3 (NULL when the line has none). */
  readonly unitPrice: string;
  /** quantity × unit price in the line currency, or the signed line_amount. */
  readonly lineTotal: string;
  /** The line is not a duplicate. */
  readonly notDuplicate: string;
  readonly statusKey: string;
  readonly sign: string;
}

function rawOrdersSql(db: Db): RawOrdersSql {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info('raw_orders') ORDER BY cid`).pluck().all() as string[]).filter(
    (c) => c !== 'source' && c !== 'line',
  );
  // A database collected before line_amount existed has no such column: read it as empty.
  const lineAmount = columns.includes('line_amount') ? 'r.line_amount' : 'NULL';
  const signedLineAmount = `(CASE WHEN r.quantity < 0 THEN -abs(${lineAmount}) ELSE ${lineAmount} END)`;
  return {
    columns,
    // q > 0: line_amount / q (a negative amount stays negative); q < 0: |line_amount| / |q|.
    unitPrice: `coalesce(r.unit_price, (CASE WHEN r.quantity < 0 THEN abs(${lineAmount}) ELSE ${lineAmount} END) / nullif(abs(r.quantity), 0))`,
    lineTotal: `(CASE WHEN r.unit_price IS NOT NULL THEN r.quantity * r.unit_price ELSE ${signedLineAmount} END)`,
    notDuplicate: 'NOT EXISTS (SELECT 1 FROM temp.co_dup d WHERE d.source = r.source AND d.line = r.line)',
    statusKey: "coalesce(r.status, '')",
    sign: '((r.quantity > 0) - (r.quantity < 0))',
  };
}

function dropTempTables(db: Db): void {
  for (const t of TEMP_TABLES) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}

function clearPreviousOutput(db: Db): void {
  db.exec('DELETE FROM orders');
  db.prepare(
    `DELETE FROM data_issues
      WHERE stage = 'clean' AND code IN (${ORDER_ISSUE_CODES.map((c) => `'${c}'`).join(', ')})
        AND source IN (${distinctSourcesSql('raw_orders')})`,
  ).run();
}

function createTempTables(db: Db): void {
  db.exec(`
    CREATE TEMP TABLE co_candidate (source TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (source, line)) WITHOUT ROWID;
    CREATE TEMP TABLE co_dup (source TEXT NOT NULL, line INTEGER NOT NULL, first_line INTEGER NOT NULL, PRIMARY KEY (source, line)) WITHOUT ROWID;
    CREATE TEMP TABLE co_class (
      status_key TEXT NOT NULL, sign INTEGER NOT NULL,
      status TEXT NOT NULL, is_return INTEGER NOT NULL, counts_for_revenue INTEGER NOT NULL,
      PRIMARY KEY (status_key, sign)) WITHOUT ROWID;
    CREATE TEMP TABLE co_class_issue (
      status_key TEXT NOT NULL, sign INTEGER NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL,
      PRIMARY KEY (status_key, sign, code)) WITHOUT ROWID;
    CREATE TEMP TABLE co_fx (currency TEXT NOT NULL, order_date TEXT NOT NULL, rate REAL, problem TEXT, PRIMARY KEY (currency, order_date)) WITHOUT ROWID;
    CREATE TEMP TABLE co_qty (source TEXT PRIMARY KEY, limit_value REAL NOT NULL, limit_text TEXT NOT NULL) WITHOUT ROWID;
    CREATE TEMP TABLE co_price_out (
      source TEXT NOT NULL, line INTEGER NOT NULL, unit_base REAL NOT NULL, median REAL NOT NULL, lines INTEGER NOT NULL, sku TEXT NOT NULL,
      PRIMARY KEY (source, line)) WITHOUT ROWID;
  `);
}

/**
 * Rule 1. Sorting every line on every column is slow; instead one GROUP BY on a few columns
 * (source, order_id, sku, quantity, unit_price) finds the candidate lines, and only those are
 * compared on every column. Exact duplicates share that key, so none is missed; the key is
 * narrow enough that candidates are few (retail-20k: exactly the 2 × 1,416 duplicate lines;
 * Online Retail, which has no line_no: 10,153 of 541,909).
 */
function findDuplicates(db: Db, raw: RawOrdersSql): void {
  db.exec(`
    INSERT INTO temp.co_candidate (source, line)
    SELECT g.source, j.value FROM (
      SELECT source, json_group_array(line) AS lines FROM raw_orders
       GROUP BY source, order_id, sku, quantity, unit_price HAVING count(*) > 1
    ) g, json_each(g.lines) j
  `);
  // order_id first: it separates most lines at the first comparison.
  const columns = ['source', 'order_id', ...raw.columns.filter((c) => c !== 'order_id')].map((c) => `r.${c}`);
  db.exec(`
    INSERT INTO temp.co_dup (source, line, first_line)
    SELECT source, line, first_line FROM (
      SELECT r.source, r.line, first_value(r.line) OVER same AS first_line, row_number() OVER same AS copy
        FROM temp.co_candidate c CROSS JOIN raw_orders r ON r.source = c.source AND r.line = c.line
      WINDOW same AS (PARTITION BY ${columns.join(', ')} ORDER BY r.line)
    ) WHERE copy > 1
  `);
}

/** Rule 1's issues: one per removed line. */
function insertDuplicateIssues(db: Db): number {
  return db.prepare(
    `INSERT INTO data_issues (stage, source, line, code, detail)
     SELECT 'clean', source, line, 'duplicate_line', 'same as line ' || first_line FROM temp.co_dup`,
  ).run().changes;
}

/**
 * Rules 2 and 3 on the distinct (status word, quantity sign) and (currency, order date) pairs:
 * classifyLine and FxTable run once per pair, never per line. Duplicates are not excluded here
 * (a few extra pairs cost nothing; skipping the check on every line does).
 */
function classifyDistinct(db: Db, base: string, raw: RawOrdersSql): { classIssues: boolean; unpriced: boolean } {
  const classes = new Set<string>();
  const days = new Set<string>();
  let unpriced = false;
  const distinct = db.prepare(
    `SELECT DISTINCT ${raw.statusKey} AS status_key, ${raw.sign} AS sign,
            coalesce(upper(trim(r.currency)), @base) AS currency, substr(r.ordered_at, 1, 10) AS order_date,
            ${raw.unitPrice} IS NULL AS unpriced
       FROM raw_orders r`,
  );
  type Row = { status_key: string; sign: number; currency: string; order_date: string; unpriced: number };
  for (const row of distinct.iterate({ base }) as IterableIterator<Row>) {
    classes.add(JSON.stringify([row.status_key, row.sign]));
    days.add(JSON.stringify([row.currency, row.order_date]));
    if (row.unpriced) unpriced = true;
  }

  const insertClass = db.prepare('INSERT INTO temp.co_class VALUES (?, ?, ?, ?, ?)');
  const insertClassIssue = db.prepare('INSERT INTO temp.co_class_issue VALUES (?, ?, ?, ?)');
  let classIssues = false;
  for (const key of [...classes].sort()) {
    const [statusKey, sign] = JSON.parse(key) as [string, number];
    const c = classifyLine(statusKey === '' ? null : statusKey, sign);
    insertClass.run(statusKey, sign, c.status, c.isReturn ? 1 : 0, c.countsForRevenue ? 1 : 0);
    for (const issue of c.issues) {
      insertClassIssue.run(statusKey, sign, issue.code, issue.detail);
      classIssues = true;
    }
  }

  const fx = new FxTable(db.prepare('SELECT currency, date, rate FROM raw_fx_rates ORDER BY currency, date').all() as FxRateRow[], { base });
  const insertFx = db.prepare('INSERT INTO temp.co_fx VALUES (?, ?, ?, ?)');
  for (const key of [...days].sort()) {
    const [currency, date] = JSON.parse(key) as [string, string];
    try {
      insertFx.run(currency, date, fx.rate(currency, date), null);
    } catch (error) {
      if (!(error instanceof FxError)) throw error;
      insertFx.run(currency, date, null, error.message.slice(error.code.length + 2));
    }
  }
  return { classIssues, unpriced };
}

/** Rule 3: lines without a usable price are not written to orders; one issue each. */
function insertMissingPriceIssues(db: Db, raw: RawOrdersSql): number {
  return db.prepare(
    `INSERT INTO data_issues (stage, source, line, code, detail)
     SELECT 'clean', r.source, r.line, 'missing_price',
            CASE WHEN r.quantity = 0 AND ${raw.lineTotal} IS NOT NULL
                 THEN 'line_amount with quantity 0 gives no unit price: line not written to orders'
                 ELSE 'no unit_price and no line_amount: line not written to orders' END
       FROM raw_orders r WHERE ${raw.unitPrice} IS NULL AND ${raw.notDuplicate}`,
  ).run().changes;
}

/**
 * Rule 4, quantity: the limit of each source from the histogram of |quantity| of its kept lines.
 * One sorted pass; JavaScript holds one source's buckets (its distinct |quantity| values) at a time.
 */
function computeQuantityLimits(db: Db, options: ResolvedOutlierOptions, raw: RawOrdersSql): QuantityLimitStats[] {
  const histogram = db.prepare(
    `SELECT r.source, abs(r.quantity) AS value, count(*) AS count FROM raw_orders r
      WHERE ${raw.notDuplicate} AND ${raw.unitPrice} IS NOT NULL
      GROUP BY r.source, abs(r.quantity) ORDER BY r.source, value`,
  );
  const insert = db.prepare('INSERT INTO temp.co_qty VALUES (?, ?, ?)');
  const limits: QuantityLimitStats[] = [];
  const finish = (source: string, buckets: HistogramBucket[]): void => {
    const n = buckets.reduce((sum, b) => sum + b.count, 0);
    const quartiles = quartilesFromHistogram(buckets, n);
    if (quartiles === null) return;
    const limit = quantityLimit(quartiles, options);
    const iqr = quartiles.q3 - quartiles.q1;
    insert.run(
      source,
      limit,
      `limit ${fmt(limit)} = max(floor ${fmt(options.quantityFloor)}, Q3 ${fmt(quartiles.q3)} + ${fmt(options.iqrMultiplier)} × IQR ${fmt(iqr)}) of |quantity| over ${n} lines`,
    );
    limits.push({ source, lines: n, q1: quartiles.q1, q3: quartiles.q3, limit });
  };
  let source: string | null = null;
  let buckets: HistogramBucket[] = [];
  for (const row of histogram.iterate() as IterableIterator<{ source: string; value: number; count: number }>) {
    if (row.source !== source) {
      if (source !== null) finish(source, buckets);
      source = row.source;
      buckets = [];
    }
    buckets.push({ value: row.value, count: row.count });
  }
  if (source !== null) finish(source, buckets);
  return limits;
}

/** unit_price < 0 anywhere, or 0 on a line that is not a return (rule 3). */
function nonPositivePriceSql(price: string, isReturn: string): string {
  return `(${price} < 0 OR (${price} = 0 AND ${isReturn} = 0))`;
}

/** |quantity| above the source's limit (rule 4); a NULL limit (no lines) is never exceeded. */
function quantityOutlierSql(quantity: string, limit: string): string {
  return `coalesce(abs(${quantity}) > ${limit}, 0)`;
}

/** Rules 2–5 in one INSERT … SELECT over the kept lines, in raw_orders' key order. */
function insertOrders(db: Db, base: string, raw: RawOrdersSql): void {
  // CROSS JOIN pins raw_orders as the outer loop: one scan, point lookups into the small tables.
  db.prepare(
    `INSERT INTO orders (source, line, customer_id, customer_source, customer_ref, order_id, line_no, sku, product_name,
                         category, channel, coupon_code, status, quantity, unit_price, currency, fx_rate, amount, discount,
                         ordered_at, order_date, is_return, is_outlier, counts_for_revenue)
     SELECT x.source, x.line, m.customer_id, x.customer_source, x.customer_ref, x.order_id, x.line_no, x.sku, x.product_name,
            x.category, x.channel, x.coupon_code, c.status, x.quantity, x.unit_price, x.currency, f.rate,
            x.line_total * f.rate, x.discount * f.rate,
            x.ordered_at, x.order_date, c.is_return, ${quantityOutlierSql('x.quantity', 'q.limit_value')},
            (c.counts_for_revenue = 1 AND f.rate IS NOT NULL
              AND NOT ${nonPositivePriceSql('x.unit_price', 'c.is_return')}
              AND NOT ${quantityOutlierSql('x.quantity', 'q.limit_value')})
       FROM (SELECT r.source, r.line, r.customer_source, r.customer_ref, r.order_id, r.line_no, r.sku, r.product_name,
                    r.category, r.channel, r.coupon_code, r.quantity, ${raw.unitPrice} AS unit_price, ${raw.lineTotal} AS line_total,
                    r.discount, r.ordered_at, coalesce(upper(trim(r.currency)), @base) AS currency,
                    substr(r.ordered_at, 1, 10) AS order_date, ${raw.statusKey} AS status_key, ${raw.sign} AS sign
               FROM raw_orders r WHERE ${raw.notDuplicate}) x
      CROSS JOIN temp.co_class c ON c.status_key = x.status_key AND c.sign = x.sign
       LEFT JOIN temp.co_fx f ON f.currency = x.currency AND f.order_date = x.order_date
       LEFT JOIN temp.co_qty q ON q.source = x.source
       LEFT JOIN identity_map m ON m.source = x.customer_source AND m.source_id = x.customer_ref
      WHERE x.unit_price IS NOT NULL`,
  ).run({ base });
}

/** Issues of rule 2, only run when some (status word, sign) pair has one. */
function insertStatusIssues(db: Db, raw: RawOrdersSql): Map<StatusIssueCode, number> {
  const counts = new Map<StatusIssueCode, number>();
  const codes = db.prepare('SELECT DISTINCT code FROM temp.co_class_issue ORDER BY code').pluck().all() as StatusIssueCode[];
  // Joined to orders so that only written lines (not duplicates, with a price) get them.
  const insert = db.prepare(
    `INSERT INTO data_issues (stage, source, line, code, detail)
     SELECT 'clean', r.source, r.line, i.code, i.detail
       FROM raw_orders r
      CROSS JOIN temp.co_class_issue i ON i.status_key = ${raw.statusKey} AND i.sign = ${raw.sign}
      WHERE i.code = ? AND EXISTS (SELECT 1 FROM orders o WHERE o.source = r.source AND o.line = r.line)`,
  );
  for (const code of codes) counts.set(code, insert.run(code).changes);
  return counts;
}

/** Issues of rules 3, 4 (quantity) and 5, from one scan of orders into the few flagged lines. */
function insertLineIssues(db: Db): Map<OrderIssueCode, number> {
  db.exec(`
    CREATE TEMP TABLE co_flag AS
    SELECT o.source, o.line, o.customer_source, o.customer_ref, o.customer_id, o.status, o.is_return, o.quantity,
           o.unit_price, o.currency, o.order_date, o.fx_rate, q.limit_value, q.limit_text
      FROM orders o LEFT JOIN temp.co_qty q ON q.source = o.source
     WHERE o.fx_rate IS NULL
        OR (o.customer_id IS NULL AND o.customer_ref IS NOT NULL)
        OR ${nonPositivePriceSql('o.unit_price', 'o.is_return')}
        OR ${quantityOutlierSql('o.quantity', 'q.limit_value')}
  `);
  const insert = (code: OrderIssueCode, where: string, detail: string, join = ''): number =>
    db
      .prepare(
        `INSERT INTO data_issues (stage, source, line, code, detail)
         SELECT 'clean', g.source, g.line, '${code}', ${detail} FROM temp.co_flag g ${join} WHERE ${where}`,
      )
      .run().changes;
  const counts = new Map<OrderIssueCode, number>();
  counts.set(
    'no_fx_rate',
    insert(
      'no_fx_rate',
      'g.fx_rate IS NULL',
      `coalesce(f.problem, 'no rate') || ': amount left empty, kept out of revenue'`,
      'LEFT JOIN temp.co_fx f ON f.currency = g.currency AND f.order_date = g.order_date',
    ),
  );
  counts.set(
    'non_positive_price',
    insert(
      'non_positive_price',
      nonPositivePriceSql('g.unit_price', 'g.is_return'),
      `printf('unit price %.15g %s on a %s line: kept out of revenue', g.unit_price, g.currency, g.status)`,
    ),
  );
  counts.set(
    'outlier_quantity',
    insert('outlier_quantity', quantityOutlierSql('g.quantity', 'g.limit_value'), `printf('quantity %.15g is beyond the %s', g.quantity, g.limit_text)`),
  );
  counts.set(
    'unknown_customer_ref',
    insert(
      'unknown_customer_ref',
      'g.customer_id IS NULL AND g.customer_ref IS NOT NULL',
      `printf('customer_ref %s is not a known record of %s (not in identity_map)', json_quote(g.customer_ref), coalesce(json_quote(g.customer_source), 'an unnamed customer source'))`,
    ),
  );
  return counts;
}

/**
 * Rule 4, price: the median unit price in the base currency per (source, sku) over the lines
 * that will be written to orders with a rate (not duplicates, priced, sku known, price > 0),
 * then the lines more than priceRatio × above or below it, into co_price_out. From raw_orders,
 * co_dup and co_fx alone, so it needs no customer: see OrderRules.
 */
function findPriceOutliers(db: Db, base: string, options: ResolvedOutlierOptions, raw: RawOrdersSql): void {
  // One sort by (source, sku); median() holds one sku's prices at a time.
  db.prepare(
    `INSERT INTO temp.co_price_out (source, line, unit_base, median, lines, sku)
     SELECT source, line, unit_base, median, lines, sku FROM (
       SELECT x.source, x.line, x.sku, x.unit_price * f.rate AS unit_base,
              median(x.unit_price * f.rate) OVER same_sku AS median, count(*) OVER same_sku AS lines
         FROM (SELECT r.source, r.line, r.sku, ${raw.unitPrice} AS unit_price,
                      coalesce(upper(trim(r.currency)), @base) AS currency, substr(r.ordered_at, 1, 10) AS order_date
                 FROM raw_orders r WHERE r.sku IS NOT NULL AND ${raw.notDuplicate}) x
        CROSS JOIN temp.co_fx f ON f.currency = x.currency AND f.order_date = x.order_date
        WHERE x.unit_price > 0 AND f.rate IS NOT NULL
       WINDOW same_sku AS (PARTITION BY x.source, x.sku)
     ) WHERE lines >= @min AND (unit_base > @ratio * median OR unit_base < median / @ratio)`,
  ).run({ base, min: options.priceMinSkuLines, ratio: options.priceRatio });
}

/**
 * Rule 4, price, on the written lines: sets is_outlier = 1 and counts_for_revenue = 0 on the
 * lines of co_price_out and writes their 'outlier_price' issues; returns how many.
 */
function flagPriceOutliers(db: Db, base: string, options: ResolvedOutlierOptions): number {
  // Row-value IN: a primary-key seek per flagged line (UPDATE … FROM would scan orders).
  db.exec(`
    UPDATE orders SET is_outlier = 1, counts_for_revenue = 0
     WHERE (source, line) IN (SELECT source, line FROM temp.co_price_out)
  `);
  return db
    .prepare(
      `INSERT INTO data_issues (stage, source, line, code, detail)
       SELECT 'clean', source, line, 'outlier_price',
              printf('unit price %.2f %s is %s the median %.2f %s of sku %s over %d lines (limit %.15g×)',
                     unit_base, @base,
                     CASE WHEN unit_base > median THEN printf('%.1f×', unit_base / median) ELSE printf('1/%.1f of', median / unit_base) END,
                     median, @base, json_quote(sku), lines, @ratio)
         FROM temp.co_price_out`,
    )
    .run({ base, ratio: options.priceRatio }).changes;
}
