/**
 * The rules of the orders clean that depend on raw_orders and raw_fx_rates alone: exact double
 * loads (rule 1), status classes and exchange rates of the distinct (status, sign) and
 * (currency, day) pairs (rules 2, 3), and the quantity and price limits (rule 4). They are
 * computed in temp tables of any connection, read out as OrderRules (small, but for double
 * loads), and loaded into the writing connection's temp tables; see clean-orders.ts for the
 * rules themselves and README.md beside this file.
 */
import type { Db } from '../../store/database.js';
import { BatchInsert } from '../../store/batch-insert.js';
import { FxError, FxTable, type FxRateRow } from '../../normalize/money.js';
import { quantityLimit, quartilesFromHistogram, resolveOutlierOptions, type HistogramBucket, type ResolvedOutlierOptions } from './outliers.js';
import { classifyLine } from './status.js';
import { createTempTables, dropTempTables, fmt, rawOrdersSql, type RawOrdersSql } from './order-sql.js';
import type { CleanOrdersOptions } from './clean-orders.js';
import type { ExcludeSkuRule } from './exclude-skus.js';

/** The quantity limit of one orders source (rule 4). */
export interface QuantityLimitStats {
  readonly source: string;
  /** Lines the quartiles were computed over (the lines written to orders). */
  readonly lines: number;
  readonly q1: number;
  readonly q3: number;
  readonly limit: number;
}

/**
 * Rows of the small tables the per-line rules join to, computed from raw_orders and raw_fx_rates
 * alone (never from orders, identity_map or anything the clean stage writes). So they can be
 * computed on another connection, in a worker thread, while identity resolution runs
 * (order-rules-worker.ts), and then loaded into this connection's temp tables.
 */
export interface OrderRules {
  /**
   * co_dup (rule 1), column by column: a source loaded twice makes millions of rows, which cross
   * threads as typed arrays far cheaper than as row arrays.
   */
  readonly duplicates: DuplicateLines;
  /** co_excl_rule: rule_id, source, sku, pattern, reason (the exclude_skus of the orders sources). */
  readonly excludeRules: readonly (readonly [number, string, string | null, string | null, string])[];
  /** co_excl: source, line, rule_id of every kept line that exclude_skus takes out (few: postage, fees). */
  readonly excluded: readonly (readonly [string, number, number])[];
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

/** Lines removed as double loads: line[i] of sources[source[i]] repeats its first_line[i]. */
export interface DuplicateLines {
  readonly sources: readonly string[];
  readonly source: Uint16Array;
  readonly line: Float64Array;
  readonly firstLine: Float64Array;
}

function readDuplicates(db: Db): DuplicateLines {
  const count = db.prepare('SELECT count(*) FROM temp.co_dup').pluck().get() as number;
  const out = { sources: [] as string[], source: new Uint16Array(count), line: new Float64Array(count), firstLine: new Float64Array(count) };
  const index = new Map<string, number>();
  let i = 0;
  for (const [source, line, first] of db.prepare('SELECT source, line, first_line FROM temp.co_dup ORDER BY source, line').raw().iterate() as IterableIterator<[string, number, number]>) {
    let s = index.get(source);
    if (s === undefined) {
      s = out.sources.length;
      index.set(source, s);
      out.sources.push(source);
    }
    out.source[i] = s;
    out.line[i] = line;
    out.firstLine[i] = first;
    i++;
  }
  return out;
}

/** Computes the rule tables on `db` (read-only is enough: it writes temp tables only). */
export function computeOrderRules(db: Db, options: CleanOrdersOptions): OrderRules {
  const base = options.baseCurrency.trim().toUpperCase();
  const outlier = resolveOutlierOptions(options.outlier);
  const excludeRules = options.excludeSkus ?? [];
  const raw = rawOrdersSql(db, excludeRules.length > 0);
  dropTempTables(db);
  try {
    createTempTables(db);
    if (options.dropExactDuplicates ?? true) findDuplicates(db, raw);
    if (excludeRules.length > 0) findExcluded(db, excludeRules, raw);
    const { unpriced } = classifyDistinct(db, base, raw);
    const quantityLimits = computeQuantityLimits(db, outlier, raw);
    findPriceOutliers(db, base, outlier, raw);
    const rows = <T>(sql: string): T[] => db.prepare(sql).raw().all() as T[];
    return {
      duplicates: readDuplicates(db),
      excludeRules: rows('SELECT rule_id, source, sku, pattern, reason FROM temp.co_excl_rule ORDER BY rule_id'),
      excluded: rows('SELECT source, line, rule_id FROM temp.co_excl ORDER BY source, line'),
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

/** Fills this connection's rule temp tables (createTempTables) with computeOrderRules' rows. */
export function loadOrderRules(db: Db, rules: OrderRules): void {
  const load = (table: string, columns: readonly string[], rows: readonly (readonly (string | number | null)[])[]): void => {
    const insert = new BatchInsert(db, `temp.${table}`, columns);
    for (const row of rows) insert.add(...row);
    insert.flush();
  };
  // Double loads can be millions of lines: straight from the typed arrays, no row arrays.
  const duplicates = new BatchInsert(db, 'temp.co_dup', ['source', 'line', 'first_line']);
  const d = rules.duplicates;
  for (let i = 0; i < d.line.length; i++) duplicates.add(d.sources[d.source[i]!]!, d.line[i]!, d.firstLine[i]!);
  duplicates.flush();
  load('co_excl_rule', ['rule_id', 'source', 'sku', 'pattern', 'reason'], rules.excludeRules);
  load('co_excl', ['source', 'line', 'rule_id'], rules.excluded);
  load('co_class', ['status_key', 'sign', 'status', 'is_return', 'counts_for_revenue'], rules.classes);
  load('co_class_issue', ['status_key', 'sign', 'code', 'detail'], rules.classIssues);
  load('co_fx', ['currency', 'order_date', 'rate', 'problem'], rules.fx);
  load('co_qty', ['source', 'limit_value', 'limit_text'], rules.quantity);
  load('co_price_out', ['source', 'line', 'unit_base', 'median', 'lines', 'sku'], rules.priceOutliers);
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

/**
 * Rule 1b, exclude_skus: the lines (not double loads) of an orders source whose SKU is one of its
 * excluded SKUs or matches one of its patterns (GLOB: case-sensitive, the whole SKU), each with
 * the first rule that matches. Only the sources with rules are read, by primary key.
 */
function findExcluded(db: Db, rules: readonly ExcludeSkuRule[], raw: RawOrdersSql): void {
  const insertRule = db.prepare('INSERT INTO temp.co_excl_rule (rule_id, source, sku, pattern, reason) VALUES (?, ?, ?, ?, ?)');
  rules.forEach((rule, i) => insertRule.run(i + 1, rule.source, rule.sku, rule.pattern, rule.reason));
  db.exec(`
    INSERT INTO temp.co_excl (source, line, rule_id)
    SELECT source, line, rule_id FROM (
      SELECT r.source, r.line,
             (SELECT min(x.rule_id) FROM temp.co_excl_rule x
               WHERE x.source = r.source AND (x.sku = r.sku OR r.sku GLOB x.pattern)) AS rule_id
        FROM raw_orders r
       WHERE r.source IN (SELECT source FROM temp.co_excl_rule) AND r.sku IS NOT NULL AND ${raw.notDuplicate}
    ) WHERE rule_id IS NOT NULL
  `);
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

/**
 * Rule 4, quantity: the limit of each source from the histogram of |quantity| of its kept lines.
 * One sorted pass; JavaScript holds one source's buckets (its distinct |quantity| values) at a time.
 */
function computeQuantityLimits(db: Db, options: ResolvedOutlierOptions, raw: RawOrdersSql): QuantityLimitStats[] {
  const histogram = db.prepare(
    `SELECT r.source, abs(r.quantity) AS value, count(*) AS count FROM raw_orders r
      WHERE ${raw.kept} AND ${raw.unitPrice} IS NOT NULL
      GROUP BY r.source, abs(r.quantity) ORDER BY r.source, value`,
  );
  const limits: QuantityLimitStats[] = [];
  const rows: [string, number, string][] = [];
  const finish = (source: string, buckets: HistogramBucket[]): void => {
    const n = buckets.reduce((sum, b) => sum + b.count, 0);
    const quartiles = quartilesFromHistogram(buckets, n);
    if (quartiles === null) return;
    const limit = quantityLimit(quartiles, options);
    const iqr = quartiles.q3 - quartiles.q1;
    rows.push([
      source,
      limit,
      `limit ${fmt(limit)} = max(floor ${fmt(options.quantityFloor)}, Q3 ${fmt(quartiles.q3)} + ${fmt(options.iqrMultiplier)} × IQR ${fmt(iqr)}) of |quantity| over ${n} lines`,
    ]);
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
  // Written once the cursor is closed: better-sqlite3 refuses a write while one is open (one row per source).
  const insert = db.prepare('INSERT INTO temp.co_qty VALUES (?, ?, ?)');
  for (const row of rows) insert.run(...row);
  return limits;
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
                 FROM raw_orders r WHERE r.sku IS NOT NULL AND ${raw.kept}) x
        CROSS JOIN temp.co_fx f ON f.currency = x.currency AND f.order_date = x.order_date
        WHERE x.unit_price > 0 AND f.rate IS NOT NULL
       WINDOW same_sku AS (PARTITION BY x.source, x.sku)
     ) WHERE lines >= @min AND (unit_base > @ratio * median OR unit_base < median / @ratio)`,
  ).run({ base, min: options.priceMinSkuLines, ratio: options.priceRatio });
}
