/**
 * The `segment:` section of a pipeline file, validated when the segment stage runs (and by
 * `persona validate`). Every key has a default, so a pipeline without the section works.
 *
 * ```yaml
 * segment:
 *   rfm: { segments: default, ties: split }   # or a list of { name, r: [min, max], fm: [min, max] }
 *   clustering:
 *     features: [recency_days, frequency, …, share.category.*]
 *     scaling: zscore                          # robust | zscore
 *     log1p: auto                              # auto | true | false | { feature: auto|true|false }
 *     share_prior: 3                           # pseudo-orders shrinking shares to the population mix
 *     share_block_weight: 3                    # all share.<dimension>.* features weigh as 3 features
 *     k: { min: 2, max: 10 }
 *     sample_size: 5000
 *     seed: 42
 *   clv: { horizon_days: 365, discount_rate: 0.10, model: mbg_nbd }   # or bg_nbd
 *     check: { holdout_days: auto, max_relative_error: 0.5, min_auc: 0.6 }
 * ```
 */
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import { zodIssuesToProblems } from '../config/zod-problems.js';
import type { Pipeline } from '../config/load.js';
import { didYouMean } from '../util/did-you-mean.js';
import { attributeFeatureTypes } from '../features/attribute-features.js';
import { buildSegmentGrid, DEFAULT_RFM_SEGMENTS, RfmConfigError, type RfmSegmentRule } from './rfm.js';

/** Numeric columns of the features table that clustering may use. */
export const NUMERIC_FEATURE_COLUMNS = [
  'recency_days',
  'frequency',
  'purchase_days',
  'monetary',
  'gross_revenue',
  'returns_amount',
  'tenure_days',
  'avg_order_value',
  'avg_items_per_order',
  'top_category_share',
  'category_count',
  'category_entropy',
  'top_channel_share',
  'coupon_order_share',
  'avg_discount_depth',
  'return_rate',
  'cancel_rate',
  'events_30d',
  'events_90d',
  'days_since_last_event',
  'cart_adds_90d',
  'cart_adds_without_purchase_90d',
  'avg_interpurchase_days',
  'age',
  'tier_spend',
  'tier_orders',
  // derived by the segment stage from the features table (DERIVED_FEATURE_SQL)
  'days_since_first_order',
] as const;
export type NumericFeatureColumn = (typeof NUMERIC_FEATURE_COLUMNS)[number];

/**
 * Columns the segment stage derives from other columns of `features` (SQL over one row).
 * days_since_first_order: days from the first purchase to as_of — how new a customer is (the
 * CLV summary's T, in days). tenure_days counts from the first contact of any kind, which for
 * an account opened long before its first purchase says little about the buying relationship.
 */
export const DERIVED_FEATURE_SQL: Readonly<Partial<Record<NumericFeatureColumn, string>>> = {
  days_since_first_order: 'julianday(substr(as_of, 1, 10)) - julianday(substr(first_order_at, 1, 10))',
};

export const SHARE_DIMENSIONS = ['category', 'channel'] as const;
export type ShareDimension = (typeof SHARE_DIMENSIONS)[number];

/**
 * A clustering feature: a numeric column of `features`, `share.<dimension>.<value>` (the share of
 * that value in feature_shares, 0 when the customer has no row for it) or `share.<dimension>.*`
 * (one feature per value of the dimension present in feature_shares, in code-unit order).
 */
export type FeatureSpec =
  | { readonly kind: 'column'; readonly name: string; readonly column: NumericFeatureColumn }
  /** attr.<name>: a number, year, boolean (0/1) or date (days before as_of) attribute feature. */
  | { readonly kind: 'attribute'; readonly name: string; readonly attribute: string }
  /** attr.<name>.*: a category attribute, one 0/1 feature per value (a block like share.x.*). */
  | { readonly kind: 'attribute_values'; readonly name: string; readonly attribute: string }
  /** attr.*: every number, year and date attribute feature of the data. */
  | { readonly kind: 'attributes'; readonly name: string }
  | { readonly kind: 'share'; readonly name: string; readonly dimension: ShareDimension; readonly value: string }
  | { readonly kind: 'shares'; readonly name: string; readonly dimension: ShareDimension };

const SHARE_PATTERN = /^share\.([a-z_]+)\.(.+)$/;

const ATTRIBUTE_PATTERN = /^attr\.([a-z][a-z0-9_.]*?)(\.\*)?$/;

/** Parses one feature name, or returns a problem message. */
export function parseFeatureName(name: string): FeatureSpec | string {
  if (name === 'attr.*') return { kind: 'attributes', name };
  const attribute = ATTRIBUTE_PATTERN.exec(name);
  if (attribute) {
    const attributeName = attribute[1] as string;
    return attribute[2] ? { kind: 'attribute_values', name, attribute: attributeName } : { kind: 'attribute', name, attribute: attributeName };
  }
  if ((NUMERIC_FEATURE_COLUMNS as readonly string[]).includes(name)) {
    return { kind: 'column', name, column: name as NumericFeatureColumn };
  }
  const share = SHARE_PATTERN.exec(name);
  if (share) {
    const dimension = share[1] as string;
    const value = share[2] as string;
    if (!(SHARE_DIMENSIONS as readonly string[]).includes(dimension)) {
      return `"${name}": the share dimension must be ${SHARE_DIMENSIONS.join(' or ')}, not "${dimension}"`;
    }
    if (value === '*') return { kind: 'shares', name, dimension: dimension as ShareDimension };
    return { kind: 'share', name, dimension: dimension as ShareDimension, value };
  }
  return `"${name}" is not a numeric column of the features table nor share.<category|channel>.<value>`;
}

/**
 * Default clustering features: the behaviour a marketer segments on — how recent, how often,
 * how much and how big a basket; how price-driven (coupons) and how return-prone; how engaged
 * right now (web/app events in 90 days); how new the buying relationship is; and what they buy
 * (the share of spend per category, as one block: see share_block_weight). Chosen for
 * separating behaviours, not for one data set; docs/segment.md has the measurements.
 */
/**
 * Clustering features of a data set where nobody has a purchase (customers only, such as a
 * marketing export with aggregate spends): every number, year and date attribute.
 */
export const DEFAULT_FEATURES_WITHOUT_ORDERS: readonly string[] = Object.freeze(['attr.*']);

export const DEFAULT_CLUSTER_FEATURES: readonly string[] = Object.freeze([
  'recency_days',
  'frequency',
  'monetary',
  'avg_order_value',
  'coupon_order_share',
  'return_rate',
  'events_90d',
  'days_since_first_order',
  'share.category.*',
]);

const log1pSetting = z.union([z.literal('auto'), z.boolean()]);
const scoreRange = z.tuple([z.number().int().min(1).max(5), z.number().int().min(1).max(5)]);
const rfmRule = z.strictObject({ name: z.string().min(1), r: scoreRange, fm: scoreRange });

export const segmentSchema = z.strictObject({
  rfm: z
    .strictObject({
      /** `default` = the 11 named segments of rfm.ts, or an R × FM grid covering all 25 cells. */
      segments: z.union([z.literal('default'), z.array(rfmRule).min(1)]).default('default'),
      /** Quintile tie handling (rfm.ts): split ties by customer id, or share a score. */
      ties: z.enum(['split', 'shared']).default('split'),
    })
    .prefault({}),
  clustering: z
    .strictObject({
      features: z.array(z.string().min(1)).min(1).default([...DEFAULT_CLUSTER_FEATURES]),
      /** The features used instead when no customer has a purchase (attributes only). */
      features_without_orders: z.array(z.string().min(1)).min(1).default([...DEFAULT_FEATURES_WITHOUT_ORDERS]),
      scaling: z.enum(['robust', 'zscore']).default('zscore'),
      log1p: z.union([log1pSetting, z.record(z.string(), log1pSetting)]).default('auto'),
      /** Shares are shrunk towards the population mix by this many pseudo-orders (0 = raw shares). */
      share_prior: z.number().min(0).default(3),
      /** The features of one share.<dimension>.* weigh as much as this many features together (0 = each one as one feature). */
      share_block_weight: z.number().min(0).default(3),
      k: z
        .strictObject({ min: z.number().int().min(2).default(2), max: z.number().int().min(2).default(10) })
        .prefault({})
        .refine((k) => k.min <= k.max, { message: 'k.min must not be greater than k.max' }),
      /** Customers k-means is fitted on (a deterministic hash sample); everyone is assigned. */
      sample_size: z.number().int().min(100).default(5_000),
      /** Customers the silhouette is computed on (first of the sample; O(n²)). */
      silhouette_sample_size: z.number().int().min(10).default(3_000),
      seed: z.number().int().min(0).default(42),
      /** k-means runs per k (seeds seed … seed + runs − 1); their agreement is the stability. */
      runs: z.number().int().min(1).max(10).default(3),
      /** A k is eligible when its stability (mean pairwise ARI of the runs) reaches this. */
      stability_threshold: z.number().min(0).max(1).default(0.8),
    })
    .prefault({}),
  clv: z
    .strictObject({
      /** CLV horizon. */
      horizon_days: z.number().positive().max(36_500).default(365),
      /** Annual discount rate of future revenue. */
      discount_rate: z.number().min(0).lt(1).default(0.1),
      /** Purchase model: MBG/NBD (one-time buyers can lapse too) or the original BG/NBD. */
      model: z.enum(['mbg_nbd', 'bg_nbd']).default('mbg_nbd'),
      /** The model's check on the last holdout_days of its own data, and when it fails (docs/segment.md). */
      check: z
        .strictObject({
          holdout_days: z.union([z.literal('auto'), z.number().int().min(7)]).default('auto'),
          max_relative_error: z.number().positive().default(0.5),
          min_auc: z.number().min(0).max(1).default(0.6),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type SegmentConfigInput = z.input<typeof segmentSchema>;
type ParsedSegmentConfig = z.infer<typeof segmentSchema>;

export interface SegmentConfig extends Omit<ParsedSegmentConfig, 'rfm' | 'clustering'> {
  readonly rfm: ParsedSegmentConfig['rfm'] & { readonly rules: readonly RfmSegmentRule[] };
  readonly clustering: ParsedSegmentConfig['clustering'] & { readonly specs: readonly FeatureSpec[]; readonly specsWithoutOrders: readonly FeatureSpec[] };
}

/** An attribute feature a pipeline declares: name (without attr.) → type (attributeFeatureTypes). */
export type AttributeCatalog = ReadonlyMap<string, 'number' | 'category' | 'boolean' | 'date' | 'year'>;

/** Whether a spec reads attributes only (then every customer can be clustered, buyer or not). */
export function isAttributeSpec(spec: FeatureSpec): boolean {
  return spec.kind === 'attribute' || spec.kind === 'attribute_values' || spec.kind === 'attributes';
}

function attributeSpecProblem(spec: FeatureSpec, attributes: AttributeCatalog | undefined): { message: string; fix: string } | undefined {
  if (attributes === undefined || (spec.kind !== 'attribute' && spec.kind !== 'attribute_values')) return undefined;
  const type = attributes.get(spec.attribute);
  const known = [...attributes.keys()];
  if (type === undefined) {
    const guess = didYouMean(spec.attribute, known);
    return {
      message: `"${spec.name}": no source declares the attribute "${spec.attribute}"`,
      fix: guess ? `did you mean "attr.${guess}${spec.kind === 'attribute_values' ? '.*' : ''}"?` : known.length > 0 ? `attributes: ${known.join(', ')}` : "declare it under a source's attributes (docs/pipeline.md)",
    };
  }
  if (spec.kind === 'attribute' && type === 'category') return { message: `"${spec.name}" is a category: k-means needs numbers`, fix: `write "attr.${spec.attribute}.*" (one 0/1 feature per value)` };
  if (spec.kind === 'attribute_values' && type !== 'category') return { message: `"${spec.name}": ${spec.attribute} is a ${type}, not a category`, fix: `write "attr.${spec.attribute}"` };
  return undefined;
}

/** Validates `segment:` and returns it with defaults, the RFM rules and parsed feature specs. */
export function parseSegmentConfig(section: unknown, file = '(pipeline)', attributes?: AttributeCatalog): SegmentConfig {
  const parsed = segmentSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const problems = zodIssuesToProblems(parsed.error.issues, section).map((p) => ({ ...p, path: ['segment', ...p.path] }));
    throw new ConfigError(file, problems);
  }
  const config = parsed.data;
  const problems: ConfigProblem[] = [];

  const rules = config.rfm.segments === 'default' ? DEFAULT_RFM_SEGMENTS : config.rfm.segments;
  try {
    buildSegmentGrid(rules);
  } catch (error) {
    if (!(error instanceof RfmConfigError)) throw error;
    for (const message of error.problems) {
      problems.push({ path: ['segment', 'rfm', 'segments'], message, fix: 'every (R, FM) cell of the 5 × 5 grid must be covered by exactly one rule' });
    }
  }

  const specList = (key: 'features' | 'features_without_orders', seen: Set<string>): FeatureSpec[] => {
    const specs: FeatureSpec[] = [];
    config.clustering[key].forEach((name, i) => {
      const spec = parseFeatureName(name);
      const problem = typeof spec === 'string' ? undefined : attributeSpecProblem(spec, attributes);
      if (typeof spec === 'string') {
        problems.push({ path: ['segment', 'clustering', key, i], message: spec, fix: `use one of ${NUMERIC_FEATURE_COLUMNS.join(', ')}, share.category.<value>, share.channel.<value>, share.<dimension>.*, attr.<attribute>, attr.<category attribute>.* or attr.*` });
      } else if (problem) {
        problems.push({ path: ['segment', 'clustering', key, i], ...problem });
      } else if (seen.has(name)) {
        problems.push({ path: ['segment', 'clustering', key, i], message: `"${name}" is listed twice` });
      } else {
        seen.add(name);
        specs.push(spec);
      }
    });
    return specs;
  };
  const seen = new Set<string>();
  const specs = specList('features', seen);
  const seenWithoutOrders = new Set<string>();
  const specsWithoutOrders = specList('features_without_orders', seenWithoutOrders);
  for (const spec of specsWithoutOrders) {
    if (!isAttributeSpec(spec)) {
      problems.push({
        path: ['segment', 'clustering', 'features_without_orders'],
        message: `"${spec.name}" needs orders, and these features are used when nobody has one`,
        fix: 'list attributes only: attr.<attribute>, attr.<category attribute>.* or attr.*',
      });
    }
  }
  if (typeof config.clustering.log1p === 'object') {
    for (const key of Object.keys(config.clustering.log1p)) {
      const share = SHARE_PATTERN.exec(key);
      const expanded = share !== null && seen.has(`share.${share[1]}.*`);
      const listed = seen.has(key) || seenWithoutOrders.has(key) || (key.startsWith('attr.') && (seen.has('attr.*') || seenWithoutOrders.has('attr.*') || [...seen, ...seenWithoutOrders].some((n) => n.endsWith('.*') && key.startsWith(n.slice(0, -1)))));
      if (!listed && !expanded) {
        problems.push({ path: ['segment', 'clustering', 'log1p', key], message: `"${key}" is not one of the clustering features`, fix: 'name a feature listed in clustering.features' });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { ...config, rfm: { ...config.rfm, rules }, clustering: { ...config.clustering, specs, specsWithoutOrders } };
}

export function segmentConfigOf(pipeline: Pipeline): SegmentConfig {
  return parseSegmentConfig(pipeline.config.segment, pipeline.file, attributeFeatureTypes(pipeline.sources ?? []));
}
