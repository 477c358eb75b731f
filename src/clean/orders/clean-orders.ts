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
 * The rule tables that need only the raw tables (rules 1–4) are computed in order-rules.ts; this
 * file writes the lines with them and flags what they find.
 *
 * The sku medians use SQLite's median() aggregate (SQLITE_ENABLE_PERCENTILE, compiled into the
 * SQLite that better-sqlite3 bundles); it holds one sku's prices at a time.
 */
import type { Db } from '../../store/database.js';
import { distinctSourcesSql, withIndexesRebuilt } from './sql-helpers.js';
import { resolveOutlierOptions, type OutlierOptions, type ResolvedOutlierOptions } from './outliers.js';
import type { StatusIssueCode } from './status.js';
import { computeOrderRules, loadOrderRules, type OrderRules, type QuantityLimitStats } from './order-rules.js';
import { createTempTables, dropTempTables, rawOrdersSql, type RawOrdersSql } from './order-sql.js';
import type { ExcludeSkuRule } from './exclude-skus.js';

export { computeOrderRules, type DuplicateLines, type OrderRules, type QuantityLimitStats } from './order-rules.js';

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
  /** The exclude_skus of the orders sources (pipelineExcludeSkuRules): lines not written to orders. */
  readonly excludeSkus?: readonly ExcludeSkuRule[];
  /** Called after each step with its name, e.g. to log or time the steps. */
  readonly onStep?: (step: string) => void;
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
  /** Lines not written because exclude_skus names their SKU (rule 1b): not merchandise. */
  readonly excludedSkus: number;
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
  'excluded_sku',
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

/**
 * Replaces `orders` and the data_issues of the order sources (codes ORDER_ISSUE_CODES, stage
 * 'clean'), and returns what it did. Throws FxError when raw_fx_rates itself is inconsistent
 * (two rates for one currency and day, a non-positive rate, a base-currency rate other than 1).
 * `rules` are computeOrderRules' result for the same raw tables, if already at hand.
 */
export function cleanOrders(db: Db, options: CleanOrdersOptions, rules: OrderRules = computeOrderRules(db, options)): OrdersCleanStats {
  const base = options.baseCurrency.trim().toUpperCase();
  const outlier = resolveOutlierOptions(options.outlier);
  const raw = rawOrdersSql(db, rules.excludeRules.length > 0);
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
    if (rules.excluded.length > 0) add('excluded_sku', step('excluded_skus', () => insertExcludedIssues(db)));
    if (rules.unpriced) add('missing_price', step('missing_price', () => insertMissingPriceIssues(db, raw)));
    step('insert', () => withIndexesRebuilt(db, 'orders', () => insertOrders(db, base, raw)));
    if (rules.classIssues.length > 0) for (const [code, n] of step('status_issues', () => insertStatusIssues(db, raw))) add(code, n);
    for (const [code, n] of step('line_issues', () => insertLineIssues(db))) add(code, n);
    add('outlier_price', step('price_outliers', () => flagPriceOutliers(db, base, outlier)));

    const totals = step('totals', () => orderTotals(db));
    const count = (code: OrderIssueCode): number => issues.get(code) ?? 0;
    return {
      linesIn: totals.lines + count('duplicate_line') + count('excluded_sku') + count('missing_price'),
      linesOut: totals.lines,
      duplicatesRemoved: count('duplicate_line'),
      missingPrice: count('missing_price'),
      excludedSkus: count('excluded_sku'),
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

function clearPreviousOutput(db: Db): void {
  db.exec('DELETE FROM orders');
  db.prepare(
    `DELETE FROM data_issues
      WHERE stage = 'clean' AND code IN (${ORDER_ISSUE_CODES.map((c) => `'${c}'`).join(', ')})
        AND source IN (${distinctSourcesSql('raw_orders')})`,
  ).run();
}

/** Rule 1's issues: one per removed line. */
function insertDuplicateIssues(db: Db): number {
  return db.prepare(
    `INSERT INTO data_issues (stage, source, line, code, detail)
     SELECT 'clean', source, line, 'duplicate_line', 'same as line ' || first_line FROM temp.co_dup`,
  ).run().changes;
}

/** Rule 1b's issues: one per line exclude_skus takes out, with the SKU and the reason. */
function insertExcludedIssues(db: Db): number {
  return db.prepare(
    `INSERT INTO data_issues (stage, source, line, code, detail)
     SELECT 'clean', e.source, e.line, 'excluded_sku',
            printf('sku %s is excluded (%s%s): line not written to orders, not counted as revenue',
                   json_quote(r.sku), x.reason, CASE WHEN x.pattern IS NULL THEN '' ELSE ', pattern ' || json_quote(x.pattern) END)
       FROM temp.co_excl e
      CROSS JOIN raw_orders r ON r.source = e.source AND r.line = e.line
       JOIN temp.co_excl_rule x ON x.rule_id = e.rule_id`,
  ).run().changes;
}

/** Rule 3: lines without a usable price are not written to orders; one issue each. */
function insertMissingPriceIssues(db: Db, raw: RawOrdersSql): number {
  return db.prepare(
    `INSERT INTO data_issues (stage, source, line, code, detail)
     SELECT 'clean', r.source, r.line, 'missing_price',
            CASE WHEN r.quantity = 0 AND ${raw.lineTotal} IS NOT NULL
                 THEN 'line_amount with quantity 0 gives no unit price: line not written to orders'
                 ELSE 'no unit_price and no line_amount: line not written to orders' END
       FROM raw_orders r WHERE ${raw.unitPrice} IS NULL AND ${raw.kept}`,
  ).run().changes;
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
               FROM raw_orders r WHERE ${raw.kept}) x
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
