/**
 * The SQL of the features stage: customers, orders, events → features, feature_shares.
 *
 * Runs inside the stage's open write transaction (never begins or commits). Point-in-time: every
 * query reads only rows strictly before the cutoff (the end of the as_of day, UTC), so a run for a
 * past as_of reproduces what was knowable then. Set-based: one scan of orders grouped by
 * customer × category × channel (ft_cc: money, units; the shares come from it in key order), one
 * pass over the covering index orders_by_customer (order counts, purchase days), one scan of
 * coupon lines, one pass over the covering index events_by_customer, then one INSERT … SELECT
 * per output table. Temp tables have the prefix ft_. The pure rules (age, lifecycle, tier,
 * entropy, top value) are registered as deterministic SQL functions (prefix features_) so the
 * SQL calls the same tested code. No clock; nothing depends on the order rows come in (ties are broken by
 * value, sums are over groups read in key order).
 *
 * Definitions of every column: docs/features.md.
 */
import type { Db } from '../store/database.js';
import { ageAt, ageBand } from './age.js';
import { FEATURE_COLUMN_NAMES } from './columns.js';
import { cutoffOf, windowStart } from './dates.js';
import { entropyBits } from './entropy.js';
import type { ResolvedFeaturesConfig } from './features-config.js';
import { expectedGapDays, lifecycleStage, median, type PurchaseRhythm } from './lifecycle.js';
import { FEATURE_TABLES, FEATURES_DDL } from './schema.js';
import { chooseTier } from './tiers.js';
import { beatsTop, type TopValue } from './top-share.js';

export interface ComputeFeaturesOptions {
  readonly asOf: string;
  readonly features: ResolvedFeaturesConfig;
  /** Called after each step (for progress). */
  readonly onStep?: (step: string) => void;
}

export interface FeaturesStats {
  readonly asOf: string;
  /** Exclusive upper bound of every timestamp read. */
  readonly cutoff: string;
  /** Rows of customers. */
  readonly customersIn: number;
  /** Customers whose first trace (created_at, first order, first event) is after as_of. */
  readonly customersNotYetKnown: number;
  readonly orderLinesRead: number;
  readonly eventsRead: number;
  readonly features: number;
  readonly shares: number;
  /** Median over customers with ≥ 2 purchase days of their mean inter-purchase gap (days). */
  readonly populationGapDays: number;
  /** Customers with ≥ 2 purchase days (the population the median gap comes from). */
  readonly populationGapCustomers: number;
  readonly lifecycle: Record<string, number>;
  readonly tiers: Record<string, number>;
  readonly timingsMs: Record<string, number>;
}

const TEMP_TABLES = ['ft_cc', 'ft_buy', 'ft_coupon', 'ft_money', 'ft_mixstat', 'ft_evt'] as const;

/**
 * Creates the tables when migration 4 of this database ran before they existed (its DDL used to
 * be a stub), and re-creates them when their columns differ from FEATURE_COLUMNS. The tables are
 * entirely rewritten by every run, so nothing is lost.
 */
export function ensureFeaturesSchema(db: Db): void {
  db.exec(FEATURES_DDL);
  const columns = (db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all('features') as string[]).join(',');
  const shareColumns = (db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all('feature_shares') as string[]).join(',');
  if (columns !== FEATURE_COLUMN_NAMES.join(',') || shareColumns !== 'customer_id,dimension,value,share,amount') {
    for (const table of FEATURE_TABLES) db.exec(`DROP TABLE IF EXISTS main.${table}`);
    db.exec(FEATURES_DDL);
  }
}

function dropTempTables(db: Db): void {
  for (const t of TEMP_TABLES) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}

/** The pure rules as deterministic SQL functions of this connection. */
function registerFunctions(db: Db, options: ComputeFeaturesOptions, populationGap: () => number): void {
  const { lifecycle, tierLevels } = options.features;
  db.function('features_age', { deterministic: true }, (birth: unknown, asOf: unknown) => ageAt(typeof birth === 'string' ? birth : null, String(asOf)));
  db.function('features_age_band', { deterministic: true }, (age: unknown) => ageBand(typeof age === 'number' || typeof age === 'bigint' ? Number(age) : null));
  db.function('features_tier', { deterministic: true }, (spend: unknown, orders: unknown) => chooseTier(tierLevels, Number(spend ?? 0), Number(orders ?? 0)));
  const rhythm = (days: unknown, recency: unknown, sinceFirst: unknown, gap: unknown): PurchaseRhythm => ({
    purchaseDays: Number(days ?? 0),
    recencyDays: recency === null ? null : Number(recency),
    daysSinceFirstPurchase: sinceFirst === null ? null : Number(sinceFirst),
    meanGapDays: gap === null ? null : Number(gap),
  });
  db.function('features_lifecycle', { deterministic: true }, (days: unknown, recency: unknown, sinceFirst: unknown, gap: unknown) =>
    lifecycleStage(rhythm(days, recency, sinceFirst, gap), populationGap(), lifecycle),
  );
  db.function('features_expected_gap', { deterministic: true }, (days: unknown, gap: unknown) => expectedGapDays(rhythm(days, null, null, gap), populationGap(), lifecycle));
  type TopState = { top: TopValue | null };
  const topAggregate = {
    start: (): TopState => ({ top: null }),
    step: (state: TopState, value: unknown, share: unknown): void => {
      if (beatsTop(String(value), Number(share), state.top)) state.top = { value: String(value), share: Number(share) };
    },
    result: (state: TopState) => state.top?.value ?? null,
  };
  // The typings allow one argument per step; SQLite passes both.
  db.aggregate('features_top_value', topAggregate as unknown as Parameters<Db['aggregate']>[1]);
  db.aggregate('features_entropy', {
    start: () => [] as number[],
    step: (weights: number[], w: unknown) => {
      weights.push(Number(w));
    },
    result: (weights: number[]) => entropyBits(weights),
  });
}

export function computeFeatures(db: Db, options: ComputeFeaturesOptions): FeaturesStats {
  const { asOf, features } = options;
  const cfg = features.config;
  const cutoff = cutoffOf(asOf);
  const params = {
    asOf,
    cutoff,
    w30: windowStart(asOf, 30),
    w90: windowStart(asOf, 90),
    tierStart: windowStart(asOf, cfg.tiers.window_days),
    cartDays: `+${cfg.events.cart_purchase_window_days} days`,
  };
  const cartTypes = [...new Set(cfg.events.cart_event_types.map((t) => t.toLowerCase()))].sort();
  const cartIn = cartTypes.map(() => '?').join(', ');

  const timingsMs: Record<string, number> = {};
  let lapStart = performance.now();
  let cpuStart = process.cpuUsage();
  const lap = (name: string): void => {
    const now = performance.now();
    timingsMs[name] = Math.round(now - lapStart);
    const c = process.cpuUsage(cpuStart);
    timingsMs[`${name}_cpu`] = Math.round((c.user + c.system) / 1000);
    lapStart = now;
    cpuStart = process.cpuUsage();
    options.onStep?.(name);
  };

  let populationGapDays = cfg.lifecycle.default_gap_days;
  registerFunctions(db, options, () => populationGapDays);
  dropTempTables(db);
  ensureFeaturesSchema(db);
  try {
    for (const table of FEATURE_TABLES) db.exec(`DELETE FROM main.${table}`);
    lap('clear');

    // 1. Order lines per customer × category × channel (× source): money, units and discounts.
    //    The one sorted pass over all lines. The unary + on customer_id and ordered_at keeps
    //    SQLite from walking orders_by_customer with a look-up per line (3× slower than one
    //    sequential scan of the table and a sort); customer_id first in the sort key makes the
    //    sort's comparisons cheap.
    db.exec(`
      CREATE TEMP TABLE ft_cc (
        customer_id TEXT NOT NULL, category TEXT NOT NULL, channel TEXT NOT NULL, source TEXT NOT NULL,
        lines INTEGER NOT NULL, gross REAL NOT NULL, returned REAL NOT NULL, tier_spend REAL NOT NULL,
        items REAL NOT NULL, units_bought REAL NOT NULL, units_returned REAL NOT NULL,
        discount REAL NOT NULL, discount_base REAL NOT NULL,
        PRIMARY KEY (customer_id, category, channel, source)
      ) WITHOUT ROWID`);
    db.prepare(
      `INSERT INTO temp.ft_cc
       SELECT +customer_id AS cid,
              coalesce(nullif(trim(category), ''), 'unknown') AS category,
              coalesce(nullif(trim(channel), ''), 'unknown') AS channel,
              source,
              count(*),
              total(CASE WHEN counts_for_revenue = 1 AND is_return = 0 THEN amount END),
              total(CASE WHEN counts_for_revenue = 1 AND is_return = 1 THEN amount END),
              total(CASE WHEN counts_for_revenue = 1 AND ordered_at >= @tierStart THEN amount END),
              total(CASE WHEN status = 'completed' AND is_outlier = 0 THEN quantity END),
              total(CASE WHEN quantity > 0 AND status <> 'cancelled' AND is_outlier = 0 THEN quantity END),
              total(CASE WHEN is_return = 1 AND is_outlier = 0 THEN abs(quantity) END),
              total(CASE WHEN status = 'completed' AND counts_for_revenue = 1 THEN discount END),
              total(CASE WHEN status = 'completed' AND counts_for_revenue = 1 AND discount IS NOT NULL THEN amount + discount END)
         FROM main.orders
        WHERE +customer_id IS NOT NULL AND +ordered_at < @cutoff
        GROUP BY cid, category, channel, source`,
    ).run(params);
    lap('lines');

    // 2. Orders per customer, from the covering index orders_by_customer alone (customer_id,
    //    ordered_at, order_id, status): read in customer order, so no sort. An order is an
    //    order_id of the customer: a purchase when it has a completed line, cancelled when it
    //    has cancelled lines and no completed one (placed − purchases).
    db.exec(`
      CREATE TEMP TABLE ft_buy (
        customer_id TEXT NOT NULL PRIMARY KEY, first_any_order_at TEXT NOT NULL, first_order_at TEXT, last_order_at TEXT,
        frequency INTEGER NOT NULL, purchase_days INTEGER NOT NULL, placed_orders INTEGER NOT NULL, tier_orders INTEGER NOT NULL
      ) WITHOUT ROWID`);
    db.prepare(
      `INSERT INTO temp.ft_buy
       SELECT customer_id,
              min(ordered_at),
              min(CASE WHEN status = 'completed' THEN ordered_at END),
              max(CASE WHEN status = 'completed' THEN ordered_at END),
              count(DISTINCT CASE WHEN status = 'completed' THEN order_id END),
              count(DISTINCT CASE WHEN status = 'completed' THEN substr(ordered_at, 1, 10) END),
              count(DISTINCT CASE WHEN status IN ('completed', 'cancelled') THEN order_id END),
              count(DISTINCT CASE WHEN status = 'completed' AND ordered_at >= @tierStart THEN order_id END)
         FROM main.orders
        WHERE customer_id IS NOT NULL AND ordered_at < @cutoff
        GROUP BY customer_id`,
    ).run(params);
    lap('orders');

    // 3. Completed orders with a coupon on a completed line: one scan of the table (the unary +
    //    again keeps SQLite off orders_by_customer), a sort of those lines only.
    db.exec(`
      CREATE TEMP TABLE ft_coupon (customer_id TEXT NOT NULL PRIMARY KEY, coupon_orders INTEGER NOT NULL) WITHOUT ROWID`);
    db.prepare(
      `INSERT INTO temp.ft_coupon
       SELECT +customer_id AS cid, count(DISTINCT order_id)
         FROM main.orders
        WHERE +customer_id IS NOT NULL AND +ordered_at < @cutoff AND +status = 'completed' AND coalesce(trim(coupon_code), '') <> ''
        GROUP BY cid`,
    ).run(params);
    lap('coupons');

    const gaps = db
      .prepare(
        `SELECT (julianday(substr(last_order_at, 1, 10)) - julianday(substr(first_order_at, 1, 10))) / (purchase_days - 1) AS gap
           FROM temp.ft_buy WHERE purchase_days >= 2 ORDER BY gap`,
      )
      .pluck()
      .all() as number[];
    populationGapDays = median(gaps) ?? cfg.lifecycle.default_gap_days;
    lap('population_gap');

    // 4. Money per customer (key order of ft_cc: no sort), then the shares of net spend per
    //    category and per channel: values with a positive net only, each over the sum of the
    //    customer's positive nets of that dimension.
    db.exec(`
      CREATE TEMP TABLE ft_money (
        customer_id TEXT NOT NULL PRIMARY KEY, lines INTEGER NOT NULL, gross REAL NOT NULL, returned REAL NOT NULL,
        tier_spend REAL NOT NULL, items REAL NOT NULL, units_bought REAL NOT NULL, units_returned REAL NOT NULL, discount_depth REAL
      ) WITHOUT ROWID;
      INSERT INTO temp.ft_money
      SELECT customer_id, total(lines), total(gross), total(returned), total(tier_spend), total(items), total(units_bought), total(units_returned),
             CASE WHEN total(discount_base) > 0 THEN total(discount) / total(discount_base) END
        FROM temp.ft_cc
       GROUP BY customer_id;
    `);
    for (const dimension of ['category', 'channel'] as const) {
      db.prepare(
        `INSERT INTO main.feature_shares (customer_id, dimension, value, share, amount)
         SELECT customer_id, ?, value, net / sum(net) OVER (PARTITION BY customer_id), round(net, 2)
           FROM (SELECT customer_id, ${dimension} AS value, total(gross + returned) AS net FROM temp.ft_cc GROUP BY customer_id, ${dimension})
          WHERE net > 0`,
      ).run(dimension);
    }
    lap('shares');
    // Top value (ties: first in sort order), count and entropy per customer and dimension, in
    // one pass over feature_shares in key order.
    db.exec(`
      CREATE TEMP TABLE ft_mixstat (
        customer_id TEXT NOT NULL, dimension TEXT NOT NULL, top_value TEXT, top_share REAL, n INTEGER NOT NULL, entropy REAL,
        PRIMARY KEY (customer_id, dimension)
      ) WITHOUT ROWID;
      INSERT INTO temp.ft_mixstat
      SELECT customer_id, dimension, features_top_value(value, share), max(share), count(*), features_entropy(share)
        FROM main.feature_shares
       GROUP BY customer_id, dimension;
    `);
    lap('mix');

    // 5. Events per customer, from the covering index events_by_customer. A cart add is "without
    //    purchase" when no completed line of the customer is ordered in [event, event + N days)
    //    before the cutoff (a look-up in orders_by_customer).
    db.exec(`
      CREATE TEMP TABLE ft_evt (
        customer_id TEXT NOT NULL PRIMARY KEY, events INTEGER NOT NULL, last_event_at TEXT NOT NULL, events_30d INTEGER NOT NULL,
        events_90d INTEGER NOT NULL, cart_adds_90d INTEGER NOT NULL, cart_adds_without_purchase_90d INTEGER NOT NULL
      ) WITHOUT ROWID`);
    db.prepare(
      `INSERT INTO temp.ft_evt
       SELECT e.customer_id,
              count(*),
              max(e.occurred_at),
              sum(e.occurred_at >= @w30),
              sum(e.occurred_at >= @w90),
              sum(e.occurred_at >= @w90 AND lower(e.event_type) IN (${cartIn})),
              sum(CASE WHEN e.occurred_at >= @w90 AND lower(e.event_type) IN (${cartIn}) THEN
                    NOT EXISTS (SELECT 1 FROM main.orders p
                                 WHERE p.customer_id = e.customer_id AND p.status = 'completed'
                                   AND p.ordered_at >= e.occurred_at
                                   AND p.ordered_at < min(strftime('%Y-%m-%dT%H:%M:%SZ', e.occurred_at, @cartDays), @cutoff))
                  ELSE 0 END)
         FROM main.events e
        WHERE e.customer_id IS NOT NULL AND e.occurred_at < @cutoff
        GROUP BY e.customer_id`,
    ).run(...cartTypes, ...cartTypes, params);
    lap('events');

    // 6. One row per customer known by the cutoff.
    db.prepare(
      `INSERT INTO main.features (${FEATURE_COLUMN_NAMES.join(', ')})
       SELECT customer_id, @asOf,
              first_contact_at, first_order_at, last_order_at,
              CAST(julianday(@asOf) - julianday(substr(first_contact_at, 1, 10)) AS INTEGER),
              recency_days, frequency, purchase_days, cancelled_orders,
              round(gross + returned, 2), round(gross, 2), round(returned, 2),
              CASE WHEN frequency > 0 THEN round((gross + returned) / frequency, 2) END,
              CASE WHEN frequency > 0 THEN items / frequency END,
              units_bought, units_returned,
              CASE WHEN units_bought > 0 THEN units_returned / units_bought END,
              CASE WHEN frequency + cancelled_orders > 0 THEN CAST(cancelled_orders AS REAL) / (frequency + cancelled_orders) END,
              top_category, top_category_share, category_count, category_entropy,
              top_channel, top_channel_share, channel_count,
              CASE WHEN frequency > 0 THEN CAST(coupon_orders AS REAL) / frequency END,
              discount_depth,
              events_30d, events_90d, last_event_at,
              CAST(julianday(@asOf) - julianday(substr(last_event_at, 1, 10)) AS INTEGER),
              cart_adds_90d, cart_adds_without_purchase_90d,
              mean_gap,
              features_expected_gap(purchase_days, mean_gap),
              features_lifecycle(purchase_days, recency_days, days_since_first_purchase, mean_gap),
              age, features_age_band(age), gender, city, country, consent_email, consent_sms, consent_push,
              features_tier(tier_spend, tier_orders), tier_spend, tier_orders
         FROM (
           SELECT c.customer_id, c.gender, c.city, c.country, c.consent_email, c.consent_sms, c.consent_push,
                  coalesce(features_age(c.birth_date, @asOf),
                           features_age(CASE WHEN c.birth_year IS NOT NULL THEN printf('%04d-07-01', c.birth_year) END, @asOf)) AS age,
                  CASE WHEN created IS NULL THEN b.first_any_order_at
                       WHEN b.first_any_order_at IS NULL OR created <= b.first_any_order_at THEN created
                       ELSE b.first_any_order_at END AS first_contact_at,
                  b.first_order_at, b.last_order_at,
                  CAST(julianday(@asOf) - julianday(substr(b.last_order_at, 1, 10)) AS INTEGER) AS recency_days,
                  CAST(julianday(@asOf) - julianday(substr(b.first_order_at, 1, 10)) AS INTEGER) AS days_since_first_purchase,
                  CASE WHEN b.purchase_days >= 2
                       THEN (julianday(substr(b.last_order_at, 1, 10)) - julianday(substr(b.first_order_at, 1, 10))) / (b.purchase_days - 1) END AS mean_gap,
                  coalesce(b.frequency, 0) AS frequency, coalesce(b.purchase_days, 0) AS purchase_days,
                  coalesce(b.placed_orders - b.frequency, 0) AS cancelled_orders,
                  coalesce(m.gross, 0) AS gross, coalesce(m.returned, 0) AS returned, coalesce(m.items, 0) AS items,
                  coalesce(m.units_bought, 0) AS units_bought, coalesce(m.units_returned, 0) AS units_returned,
                  coalesce(k.coupon_orders, 0) AS coupon_orders, m.discount_depth,
                  round(coalesce(m.tier_spend, 0), 2) AS tier_spend, coalesce(b.tier_orders, 0) AS tier_orders,
                  mc.top_value AS top_category, mc.top_share AS top_category_share, coalesce(mc.n, 0) AS category_count, mc.entropy AS category_entropy,
                  mh.top_value AS top_channel, mh.top_share AS top_channel_share, coalesce(mh.n, 0) AS channel_count,
                  coalesce(v.events_30d, 0) AS events_30d, coalesce(v.events_90d, 0) AS events_90d, v.last_event_at,
                  coalesce(v.cart_adds_90d, 0) AS cart_adds_90d, coalesce(v.cart_adds_without_purchase_90d, 0) AS cart_adds_without_purchase_90d
             FROM (SELECT *, CASE WHEN created_at < @cutoff THEN created_at END AS created FROM main.customers) c
             LEFT JOIN temp.ft_buy b ON b.customer_id = c.customer_id
             LEFT JOIN temp.ft_money m ON m.customer_id = c.customer_id
             LEFT JOIN temp.ft_coupon k ON k.customer_id = c.customer_id
             LEFT JOIN temp.ft_evt v ON v.customer_id = c.customer_id
             LEFT JOIN temp.ft_mixstat mc ON mc.customer_id = c.customer_id AND mc.dimension = 'category'
             LEFT JOIN temp.ft_mixstat mh ON mh.customer_id = c.customer_id AND mh.dimension = 'channel'
            WHERE c.created IS NOT NULL OR b.customer_id IS NOT NULL OR v.customer_id IS NOT NULL
               OR (c.created_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM main.orders o WHERE o.customer_id = c.customer_id)
                   AND NOT EXISTS (SELECT 1 FROM main.events e WHERE e.customer_id = c.customer_id))
         )
        ORDER BY customer_id`,
    ).run(params);
    lap('features');

    // Shares of customers who are not (yet) in features cannot exist (they have no order before
    // the cutoff), but keep the tables consistent whatever the data.
    db.exec('DELETE FROM main.feature_shares WHERE customer_id NOT IN (SELECT customer_id FROM main.features)');

    const count = (sql: string, ...args: unknown[]): number => (db.prepare(sql).pluck().get(...args) as number | null) ?? 0;
    const customersIn = count('SELECT count(*) FROM main.customers');
    const featuresRows = count('SELECT count(*) FROM main.features');
    const tally = (column: 'lifecycle_stage' | 'tier'): Record<string, number> =>
      Object.fromEntries(
        (db.prepare(`SELECT coalesce(${column}, '(none)') AS k, count(*) AS n FROM main.features GROUP BY 1 ORDER BY 1`).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]),
      );
    const stats: FeaturesStats = {
      asOf,
      cutoff,
      customersIn,
      customersNotYetKnown: customersIn - featuresRows,
      orderLinesRead: count('SELECT total(lines) FROM temp.ft_money'),
      eventsRead: count('SELECT total(events) FROM temp.ft_evt'),
      features: featuresRows,
      shares: count('SELECT count(*) FROM main.feature_shares'),
      populationGapDays,
      populationGapCustomers: gaps.length,
      lifecycle: tally('lifecycle_stage'),
      tiers: tally('tier'),
      timingsMs,
    };
    lap('stats');
    return stats;
  } finally {
    dropTempTables(db);
  }
}
