/**
 * SQLite I/O of the segment stage: reads features, feature_shares and orders; replaces the
 * segment tables. No modelling here (that is rfm.ts, clustering.ts and clv-scores.ts).
 * Every read has a total ORDER BY, so the pure steps always see the same input order.
 */
import type { Db } from '../store/database.js';
import type { FeatureRow, ClusteringResult } from './clustering.js';
import type { PurchaseDay } from './clv/customer-summary.js';
import type { ClvModelRow, ClvRow } from './clv-scores.js';
import type { RfmScore } from './rfm.js';
import { SEGMENT_DDL, SEGMENT_TABLES } from './schema.js';
import { DERIVED_FEATURE_SQL, NUMERIC_FEATURE_COLUMNS, SHARE_DIMENSIONS, type NumericFeatureColumn, type ShareDimension } from './segment-config.js';

/** The RFM inputs every row carries, plus the clustering columns asked for. */
export interface CustomerFeatures extends FeatureRow {
  readonly recencyDays: number | null;
  readonly frequency: number;
  readonly monetary: number;
}

/**
 * Reads `features` (the RFM columns and `columns`) and, for `dimensions`, `feature_shares`.
 * Ordered by customer_id.
 */
export function readFeatures(db: Db, columns: readonly NumericFeatureColumn[], dimensions: readonly ShareDimension[]): CustomerFeatures[] {
  for (const c of columns) if (!(NUMERIC_FEATURE_COLUMNS as readonly string[]).includes(c)) throw new Error(`readFeatures: unknown column ${c}`);
  for (const d of dimensions) if (!(SHARE_DIMENSIONS as readonly string[]).includes(d)) throw new Error(`readFeatures: unknown dimension ${d}`);
  const wanted = [...new Set(columns)];
  const select = ['customer_id', 'recency_days AS __recency', 'frequency AS __frequency', 'monetary AS __monetary', ...wanted.map((c) => (DERIVED_FEATURE_SQL[c] ? `${DERIVED_FEATURE_SQL[c]} AS ${c}` : c))].join(', ');
  const raw = db.prepare(`SELECT ${select} FROM features ORDER BY customer_id`).all() as Record<string, unknown>[];
  const shares = new Map<string, Partial<Record<ShareDimension, Record<string, number>>>>();
  if (dimensions.length > 0) {
    const stmt = db.prepare(
      `SELECT customer_id, dimension, value, share FROM feature_shares
        WHERE dimension IN (${dimensions.map(() => '?').join(', ')}) AND value IS NOT NULL
        ORDER BY customer_id, dimension, value`,
    );
    for (const row of stmt.iterate(...dimensions) as Iterable<{ customer_id: string; dimension: ShareDimension; value: string; share: number | null }>) {
      let byDim = shares.get(row.customer_id);
      if (!byDim) shares.set(row.customer_id, (byDim = {}));
      const m = (byDim[row.dimension] ??= {});
      m[String(row.value)] = row.share ?? 0;
    }
  }
  return raw.map((r) => {
    const values: Partial<Record<NumericFeatureColumn, number | null>> = {};
    for (const c of wanted) values[c] = toNumber(r[c]);
    const frequency = toNumber(r['__frequency']) ?? 0;
    return {
      customerId: String(r['customer_id']),
      recencyDays: toNumber(r['__recency']),
      frequency,
      monetary: toNumber(r['__monetary']) ?? 0,
      values,
      shares: shares.get(String(r['customer_id'])) ?? {},
    };
  });
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Purchase days on or before `until` (and after `after`, when given), ordered by customer and
 * day. A purchase day is a day with at least one completed, non-return line with a positive
 * quantity (cancelled orders and returns are not purchases). Its value is the sum of the day's
 * revenue lines (counts_for_revenue = 1: same-day returns subtract; cancelled, outlier and
 * unpriced lines add nothing), in the base currency. The day is order_date, the UTC date of
 * ordered_at.
 *
 * PURCHASE_DAYS_SQL says exactly that, but grouping 400k lines by (customer, day) through the
 * table costs a sort of every line. This reads the same numbers in two cheap passes:
 * 1. per (customer, ordered_at), the total amount of all lines and the number of completed
 *    lines, from columns that clean's index orders_by_customer(customer_id, ordered_at,
 *    order_id, amount, status) covers: SQLite streams them in customer and time order from the
 *    index, and consecutive timestamps of one UTC day are merged here;
 * 2. the few lines that do not count for revenue or are completed but not purchases (a return,
 *    or quantity ≤ 0), from one scan of the table: their amounts and counts per (customer, day).
 * value = total − excluded amount; purchase day ⇔ completed − non-purchases > 0. The segment
 * stage's tests check the result against PURCHASE_DAYS_SQL.
 */
export function readPurchaseDays(db: Db, until: string, after?: string): PurchaseDay[] {
  const params = { until, after: after ?? null };
  const fixes = new Map<string, { excluded: number; notPurchases: number }>();
  const exceptions = db
    .prepare(
      `SELECT customer_id, order_date, CASE WHEN counts_for_revenue = 0 THEN amount END,
              status = 'completed' AND NOT (is_return = 0 AND quantity > 0)
         FROM orders
        WHERE +customer_id IS NOT NULL AND order_date <= @until AND (@after IS NULL OR order_date > @after)
          AND (counts_for_revenue = 0 OR (status = 'completed' AND NOT (is_return = 0 AND quantity > 0)))`,
    )
    .raw()
    .iterate(params) as Iterable<[string, string, number | null, number]>;
  for (const [customerId, day, excluded, notPurchase] of exceptions) {
    const key = `${customerId}\u0000${day}`;
    let fix = fixes.get(key);
    if (!fix) fixes.set(key, (fix = { excluded: 0, notPurchases: 0 }));
    fix.excluded += excluded ?? 0;
    fix.notPurchases += notPurchase;
  }

  const rows = db
    .prepare(
      `SELECT customer_id, ordered_at, total(amount), sum(status = 'completed')
         FROM orders
        WHERE customer_id IS NOT NULL AND substr(ordered_at, 1, 10) <= @until AND (@after IS NULL OR substr(ordered_at, 1, 10) > @after)
        GROUP BY customer_id, ordered_at
        ORDER BY customer_id, ordered_at`,
    )
    .raw()
    .iterate(params) as Iterable<[string, string, number, number]>;
  const out: PurchaseDay[] = [];
  let customer: string | null = null;
  let day = '';
  let total = 0;
  let completed = 0;
  const flush = (): void => {
    if (customer === null) return;
    const fix = fixes.get(`${customer}\u0000${day}`);
    if (completed - (fix?.notPurchases ?? 0) > 0) out.push({ customerId: customer, day, value: total - (fix?.excluded ?? 0) });
  };
  for (const [customerId, orderedAt, amount, completedLines] of rows) {
    const d = orderedAt.slice(0, 10);
    if (customerId !== customer || d !== day) {
      flush();
      customer = customerId;
      day = d;
      total = 0;
      completed = 0;
    }
    total += amount;
    completed += completedLines;
  }
  flush();
  return out;
}

/** The definition readPurchaseDays implements, as one query (slower: kept for the tests). */
export const PURCHASE_DAYS_SQL = `
  SELECT customer_id, order_date, total(CASE WHEN counts_for_revenue = 1 THEN amount END) AS value
    FROM orders
   WHERE customer_id IS NOT NULL AND order_date <= @until AND (@after IS NULL OR order_date > @after)
   GROUP BY customer_id, order_date
  HAVING max(status = 'completed' AND is_return = 0 AND quantity > 0) = 1
   ORDER BY customer_id, order_date`;

/**
 * Drops and re-creates the stage's tables: they hold nothing but this stage's last output, and
 * re-creating them also brings databases made before migration 5 had its final DDL (or by an
 * older persona) to the current columns.
 */
export function resetSegmentTables(db: Db): void {
  for (const t of SEGMENT_TABLES) db.exec(`DROP TABLE IF EXISTS ${t}`);
  db.exec(SEGMENT_DDL);
}

export function writeRfm(db: Db, customers: readonly CustomerFeatures[], scores: readonly RfmScore[]): void {
  const stmt = db.prepare(
    `INSERT INTO rfm (customer_id, recency_days, frequency, monetary, r, f, m, fm, rfm_code, segment)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  customers.forEach((c, i) => {
    const s = scores[i] as RfmScore;
    stmt.run(c.customerId, c.frequency > 0 ? c.recencyDays : null, c.frequency, c.monetary, s.r, s.f, s.m, s.fm, s.rfm, s.segment);
  });
}

/** `clustered` are the rows passed to clustering, aligned with the result; everyone else gets NULL. */
export function writeSegments(db: Db, customers: readonly CustomerFeatures[], clustered: readonly CustomerFeatures[], result: ClusteringResult | null): void {
  const stmt = db.prepare('INSERT INTO segments (customer_id, segment_id, distance) VALUES (?, ?, ?)');
  const byId = new Map<string, number>();
  if (result) clustered.forEach((c, i) => byId.set(c.customerId, i));
  for (const c of customers) {
    const i = byId.get(c.customerId);
    if (i === undefined || !result) stmt.run(c.customerId, null, null);
    else stmt.run(c.customerId, result.assignments[i] as number, result.distances[i] as number);
  }
  if (!result) return;

  const model = db.prepare(
    `INSERT INTO segment_model (k, silhouette, stability, min_pairwise_ari, inertia, best_seed, iterations, chosen, rule)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const s of result.scores) {
    const chosen = s.k === result.k;
    model.run(s.k, s.silhouette, s.stability, s.minPairwiseAri, s.inertia, s.bestSeed, s.iterations.join('/'), chosen ? 1 : 0, chosen ? result.rule : null);
  }
  const feature = db.prepare(
    `INSERT INTO segment_features (position, feature, method, log1p, skewness, center, scale, scale_source, weight, imputed)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  result.scaler.features.forEach((f, j) => {
    const weight = result.weights[j] as number;
    // scale as fitted (IQR / standard deviation); the weight is reported apart
    feature.run(j, f.name, result.scaler.method, f.log1p ? 1 : 0, f.skewness, f.center, f.scale * weight, f.scaleSource, weight, result.imputed[j] as number);
  });

  const sums = new Float64Array(result.k);
  for (let i = 0; i < result.assignments.length; i++) sums[result.assignments[i] as number]! += result.distances[i] as number;
  const total = result.assignments.length;
  const cluster = db.prepare('INSERT INTO segment_clusters (segment_id, customers, share, mean_distance) VALUES (?, ?, ?, ?)');
  result.clusterSizes.forEach((size, c) => cluster.run(c, size, size / total, size > 0 ? (sums[c] as number) / size : 0));
  const centroid = db.prepare('INSERT INTO segment_centroids (segment_id, position, feature, value_scaled, value_original) VALUES (?, ?, ?, ?, ?)');
  result.centroids.forEach((c, id) => {
    const original = result.centroidsOriginal[id] as readonly number[];
    result.features.forEach((f, j) => centroid.run(id, j, f.name, c[j] as number, original[j] as number));
  });
}

/**
 * The last guard before a forecast is written (the table's CHECKs are the other): a value is
 * NULL, or finite and non-negative (P(alive) at most 1). NaN would be bound as NULL, which the
 * CHECKs cannot see, so it is caught here. computeClv never hands over such a row; this keeps
 * a future bug from publishing one.
 */
export function assertPublishable(r: ClvRow): void {
  const values = { p_alive: r.p_alive, expected_purchases_90d: r.expected_purchases_90d, expected_purchases_365d: r.expected_purchases_365d, expected_avg_spend: r.expected_avg_spend, clv: r.clv };
  for (const [column, v] of Object.entries(values)) {
    if (v !== null && !(Number.isFinite(v) && v >= 0 && (column !== 'p_alive' || v <= 1))) {
      throw new Error(`clv: refusing to write ${column} = ${v} for customer ${r.customerId}`);
    }
  }
}

export function writeClv(db: Db, rows: readonly ClvRow[], model: readonly ClvModelRow[]): void {
  const stmt = db.prepare(
    `INSERT INTO clv (customer_id, x, t_x, t_cal, zbar, p_alive, expected_purchases_90d, expected_purchases_365d, expected_avg_spend, clv)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of rows) {
    assertPublishable(r);
    stmt.run(r.customerId, r.x, r.t_x, r.t_cal, r.zbar, r.p_alive, r.expected_purchases_90d, r.expected_purchases_365d, r.expected_avg_spend, r.clv);
  }
  const m = db.prepare('INSERT INTO clv_model (model, parameter, value) VALUES (?, ?, ?)');
  for (const row of model) m.run(row.model, row.parameter, row.value);
}

/** Attribute features of every customer, for clustering (feature_attributes, the features stage). */
export interface AttributeFeatureData {
  /** Name (without attr.) → type and, for categories, the values in code-unit order. */
  readonly catalog: Map<string, { type: string; values: string[] }>;
  /** customer_id → name → value (a date as its days before as_of). */
  readonly byCustomer: Map<string, Map<string, number | string>>;
}

export const NO_ATTRIBUTE_FEATURES: AttributeFeatureData = { catalog: new Map(), byCustomer: new Map() };

export function hasAttributeFeatures(db: Db): boolean {
  return db.prepare('SELECT EXISTS (SELECT 1 FROM feature_attributes)').pluck().get() === 1;
}

export function readAttributeFeatures(db: Db, asOf: string): AttributeFeatureData {
  const catalog = new Map<string, { type: string; values: string[] }>();
  const byCustomer = new Map<string, Map<string, number | string>>();
  const rows = db
    .prepare(
      `SELECT customer_id, name, kind,
              CASE kind WHEN 'date' THEN julianday(@asOf) - julianday(substr(value, 1, 10)) ELSE value END AS value
         FROM feature_attributes WHERE value IS NOT NULL ORDER BY customer_id, name`,
    )
    .raw()
    .iterate({ asOf }) as Iterable<[string, string, string, number | string | null]>;
  const values = new Map<string, Set<string>>();
  for (const [customerId, name, kind, value] of rows) {
    if (value === null) continue;
    if (!catalog.has(name)) catalog.set(name, { type: kind, values: [] });
    if (kind === 'category') {
      let seen = values.get(name);
      if (!seen) values.set(name, (seen = new Set()));
      seen.add(String(value));
    }
    let mine = byCustomer.get(customerId);
    if (!mine) byCustomer.set(customerId, (mine = new Map()));
    mine.set(name, kind === 'category' ? String(value) : Number(value));
  }
  for (const [name, seen] of values) catalog.get(name)!.values = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { catalog, byCustomer };
}
