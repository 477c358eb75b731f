/**
 * The clustering part of the segment stage, pure: feature rows → matrix → log1p + scaling →
 * k chosen by silhouette among stable k → every customer's cluster and distance. No database.
 *
 * Who is clustered is the caller's choice (the stage clusters buyers only, see docs/segment.md).
 * Missing values (NULL in the features table) are imputed with the column's median over the
 * clustered customers, before scaling; the count per feature is reported.
 */
import { selectK, type KScore, type SelectionRule } from './kmeans-select.js';
import type { DenseMatrix } from './matrix.js';
import { fitScaler, quantileSorted, transform, type FittedScaler, type Log1pSetting, type ScalingMethod } from './scaling.js';
import type { FeatureSpec, NumericFeatureColumn, ShareDimension } from './segment-config.js';

/** One customer's inputs: numeric feature columns (null = missing) and shares per dimension. */
export interface FeatureRow {
  readonly customerId: string;
  readonly values: Readonly<Partial<Record<NumericFeatureColumn, number | null>>>;
  readonly shares: Readonly<Partial<Record<ShareDimension, Readonly<Record<string, number>>>>>;
  /** Attribute features by resolved name (attr.income, attr.education.PhD); null = missing. */
  readonly attributes?: Readonly<Record<string, number | null>>;
}

/** A concrete clustering feature after `share.<dimension>.*` has been expanded. */
export type ResolvedFeature =
  | { readonly name: string; readonly from: string; readonly kind: 'column'; readonly column: NumericFeatureColumn }
  | { readonly name: string; readonly from: string; readonly kind: 'share'; readonly dimension: ShareDimension; readonly value: string }
  /** An attribute feature; `value` is set for the 0/1 feature of one value of a category. */
  | { readonly name: string; readonly from: string; readonly kind: 'attribute'; readonly attribute: string; readonly value?: string };

/** Attribute features present in the data: name (without attr.) → type and, for categories, the values. */
export type AttributeFeatureCatalog = ReadonlyMap<string, { readonly type: string; readonly values: readonly string[] }>;

/** Types attr.* expands to: the numeric ones (a date is its days before as_of). */
const NUMERIC_ATTRIBUTE_TYPES = new Set(['number', 'year', 'date']);

/**
 * Expands the configured specs: `share.<dimension>.*` becomes one feature per value of that
 * dimension found in `shareValues` (code-unit order). `from` is the configured name.
 */
export function resolveFeatures(
  specs: readonly FeatureSpec[],
  shareValues: Readonly<Partial<Record<ShareDimension, readonly string[]>>>,
  attributes: AttributeFeatureCatalog = new Map(),
): ResolvedFeature[] {
  const out: ResolvedFeature[] = [];
  const seen = new Set<string>();
  const push = (f: ResolvedFeature): void => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    out.push(f);
  };
  for (const spec of specs) {
    if (spec.kind === 'column') push({ name: spec.name, from: spec.name, kind: 'column', column: spec.column });
    else if (spec.kind === 'share') push({ name: spec.name, from: spec.name, kind: 'share', dimension: spec.dimension, value: spec.value });
    else if (spec.kind === 'attribute') {
      if (attributes.has(spec.attribute)) push({ name: spec.name, from: spec.name, kind: 'attribute', attribute: spec.attribute });
    } else if (spec.kind === 'attribute_values') {
      for (const value of sortedCodeUnits(attributes.get(spec.attribute)?.values ?? [])) push({ name: `attr.${spec.attribute}.${value}`, from: spec.name, kind: 'attribute', attribute: spec.attribute, value });
    } else if (spec.kind === 'attributes') {
      for (const name of sortedCodeUnits([...attributes.keys()])) {
        if (NUMERIC_ATTRIBUTE_TYPES.has(attributes.get(name)!.type)) push({ name: `attr.${name}`, from: `attr.${name}`, kind: 'attribute', attribute: name });
      }
    } else {
      const values = [...(shareValues[spec.dimension] ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const value of values) push({ name: `share.${spec.dimension}.${value}`, from: spec.name, kind: 'share', dimension: spec.dimension, value });
    }
  }
  return out;
}

function sortedCodeUnits(values: readonly string[]): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * One customer's attribute inputs by resolved feature name: numbers as they are (a date as its
 * days before as_of, a boolean 0/1); a category as 1 for its value and 0 for the others (0 for
 * all when the customer has none). Missing numbers stay null (imputed with the median).
 */
export function attributeInputs(features: readonly ResolvedFeature[], values: ReadonlyMap<string, number | string> | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const f of features) {
    if (f.kind !== 'attribute') continue;
    const v = values?.get(f.attribute);
    if (f.value !== undefined) out[f.name] = v !== undefined && String(v) === f.value ? 1 : 0;
    else out[f.name] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}

export interface FeatureMatrix {
  readonly matrix: DenseMatrix;
  /** Per feature: the share of rows holding its most common value (after imputation, before shrinking). */
  readonly modalShare: readonly number[];
  /** Missing values replaced by the column median, per feature (same order as the features). */
  readonly imputed: readonly number[];
  /** The median used, per feature (0 when every value was missing). */
  readonly imputedWith: readonly number[];
}

/**
 * Rows × features; a share a customer has no row for is 0; null / non-finite → column median.
 *
 * Shares are shrunk towards the population's mean share by `sharePrior` pseudo-orders:
 *   share' = (n · share + m · mean share) / (n + m),   n = the customer's frequency (orders).
 * A customer with one order has shares of exactly 0 or 1, which is weak evidence of what they
 * like but, unshrunk, sits at a corner of the share simplex far from everyone: k-means then
 * spends clusters on "one-time buyers of toys", "one-time buyers of books", …. With m = 0 the
 * shares are used as they are.
 */
export function buildFeatureMatrix(rows: readonly FeatureRow[], features: readonly ResolvedFeature[], sharePrior = 0, weights?: ArrayLike<number>): FeatureMatrix {
  const n = rows.length;
  const cols = features.length;
  const data = new Float64Array(n * cols);
  const imputed: number[] = [];
  const imputedWith: number[] = [];
  const missing: number[] = [];
  const modalShare: number[] = [];
  features.forEach((f, j) => {
    missing.length = 0;
    const present: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = rows[i] as FeatureRow;
      let v: number | null | undefined;
      if (f.kind === 'column') v = row.values[f.column];
      else if (f.kind === 'attribute') v = row.attributes?.[f.name];
      else v = row.shares[f.dimension]?.[f.value] ?? 0;
      if (v === null || v === undefined || !Number.isFinite(v)) missing.push(i);
      else {
        data[i * cols + j] = v;
        present.push(v);
      }
    }
    let median = 0;
    if (missing.length > 0 && present.length > 0) median = quantileSorted(Float64Array.from(present).sort(), 0.5);
    for (const i of missing) data[i * cols + j] = median;
    modalShare.push(mostCommonShare(data, cols, j, n));
    if (f.kind === 'share' && sharePrior > 0) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += data[i * cols + j] as number;
      mean /= n;
      for (let i = 0; i < n; i++) {
        const w = Math.max(0, weights ? (weights[i] as number) : 0);
        data[i * cols + j] = (w * (data[i * cols + j] as number) + sharePrior * mean) / (w + sharePrior);
      }
    }
    imputed.push(missing.length);
    imputedWith.push(missing.length > 0 ? median : 0);
  });
  return { matrix: { rows: n, cols, data }, modalShare, imputed, imputedWith };
}

/** Share of the n rows whose column j holds its most common value (1 for an empty matrix). */
function mostCommonShare(data: Float64Array, cols: number, j: number, n: number): number {
  if (n === 0) return 1;
  const counts = new Map<number, number>();
  let best = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i * cols + j] as number;
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > best) best = c;
  }
  return best / n;
}

/**
 * A feature whose most common value holds this share of the clustered customers or more is
 * dropped: a constant one carries nothing, and a near-constant one, once z-scored, puts its
 * few other customers so far out that k-means spends a cluster on them (e.g.
 * share.category.unknown when only a few lines lack a category).
 */
export const NEAR_CONSTANT_SHARE = 0.99;

/** Keeps the matrix columns in `keep` (ascending indexes). */
function selectColumns(m: FeatureMatrix, keep: readonly number[]): FeatureMatrix {
  const { rows, cols, data } = m.matrix;
  const out = new Float64Array(rows * keep.length);
  for (let i = 0; i < rows; i++) keep.forEach((j, k) => (out[i * keep.length + k] = data[i * cols + j] as number));
  const pick = <T>(values: readonly T[]): T[] => keep.map((j) => values[j] as T);
  return { matrix: { rows, cols: keep.length, data: out }, modalShare: pick(m.modalShare), imputed: pick(m.imputed), imputedWith: pick(m.imputedWith) };
}

export interface ClusteringOptions {
  readonly scaling: ScalingMethod;
  /** Pseudo-orders of the population mix added to every customer's shares (0 = none). */
  readonly sharePrior: number;
  /** Total weight of the features expanded from one share.<dimension>.* (0 = 1 each). */
  readonly shareBlockWeight?: number;
  /** 'auto' | true | false, or per configured feature name (a `share.x.*` key covers its expansion). */
  readonly log1p: Log1pSetting | Readonly<Record<string, Log1pSetting>>;
  readonly kMin: number;
  readonly kMax: number;
  readonly sampleSize: number;
  readonly silhouetteSampleSize: number;
  readonly seed: number;
  readonly runs: number;
  readonly stabilityThreshold: number;
}

export interface ClusteringResult {
  /** The features clustered on (the configured ones minus `dropped`). */
  readonly features: readonly ResolvedFeature[];
  /** Constant or near-constant features left out, with the share of their most common value. */
  readonly dropped: readonly { readonly name: string; readonly modalShare: number }[];
  /** The scaler applied: each feature's scale already divided by its weight. */
  readonly scaler: FittedScaler;
  /** Weight of each feature in the distance (featureWeights). */
  readonly weights: readonly number[];
  readonly imputed: readonly number[];
  readonly k: number;
  readonly rule: SelectionRule;
  readonly scores: readonly KScore[];
  /** Per cluster (segment_id = index): centroid in scaled and in original units. */
  readonly centroids: readonly (readonly number[])[];
  readonly centroidsOriginal: readonly (readonly number[])[];
  readonly clusterSizes: readonly number[];
  /** Per input row: cluster (0 = largest) and Euclidean distance to its centroid (scaled space). */
  readonly assignments: Int32Array;
  readonly distances: Float64Array;
  readonly sampleSize: number;
  readonly silhouetteSampleSize: number;
}

/** Number of distinct rows, counting no further than `cap`. */
function distinctRows(m: DenseMatrix, cap: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < m.rows && seen.size < cap; i++) seen.add(Array.prototype.join.call(m.data.subarray(i * m.cols, (i + 1) * m.cols), ','));
  return seen.size;
}

/**
 * Clusters the rows, or returns a reason string when that is impossible (fewer distinct
 * customers than k.min, or no features).
 */
export function clusterCustomers(rows: readonly FeatureRow[], configured: readonly ResolvedFeature[], options: ClusteringOptions, orders?: ArrayLike<number>): ClusteringResult | string {
  let features = configured;
  if (features.length === 0) return 'no clustering features (every configured share dimension is empty)';
  const built = buildFeatureMatrix(rows, features, options.sharePrior, orders);
  if (distinctRows(built.matrix, options.kMin) < options.kMin) {
    return `${rows.length} customers with ${distinctRows(built.matrix, options.kMin)} distinct feature vectors: fewer than k.min = ${options.kMin}`;
  }
  const keep = features.map((_, j) => j).filter((j) => (built.modalShare[j] as number) < NEAR_CONSTANT_SHARE);
  const dropped = features.flatMap((f, j) => (keep.includes(j) ? [] : [{ name: f.name, modalShare: built.modalShare[j] as number }]));
  if (keep.length === 0) return `every clustering feature is constant or near-constant (${dropped.map((d) => d.name).join(', ')})`;
  const { matrix, imputed } = dropped.length > 0 ? selectColumns(built, keep) : built;
  features = keep.map((j) => features[j] as ResolvedFeature);
  const log1p = resolveLog1p(options.log1p, features);
  const fitted = fitScaler(matrix, { method: options.scaling, log1p, featureNames: features.map((f) => f.name) });
  const weights = featureWeights(features, options.shareBlockWeight ?? 0);
  // A weight w is folded into the scale (scale / w), so transform and inverseTransform stay exact.
  const scaler: FittedScaler = { ...fitted, features: fitted.features.map((f, j) => ({ ...f, scale: f.scale / (weights[j] as number) })) };
  const scaled = transform(scaler, matrix);
  const ids = rows.map((r) => r.customerId);
  const result = selectK(scaled, {
    kMin: options.kMin,
    kMax: options.kMax,
    sampleSize: options.sampleSize,
    silhouetteSampleSize: options.silhouetteSampleSize,
    seed: options.seed,
    runs: options.runs,
    stabilityThreshold: options.stabilityThreshold,
    ids,
    scaler,
  });
  const { cols, data } = scaled;
  const distances = new Float64Array(scaled.rows);
  for (let i = 0; i < scaled.rows; i++) {
    const c = result.centroids[result.assignments[i] as number] as number[];
    let d = 0;
    for (let j = 0; j < cols; j++) {
      const t = (data[i * cols + j] as number) - (c[j] as number);
      d += t * t;
    }
    distances[i] = Math.sqrt(d);
  }
  return {
    features,
    dropped,
    scaler,
    weights,
    imputed,
    k: result.k,
    rule: result.rule,
    scores: result.scores,
    centroids: result.centroids,
    centroidsOriginal: result.centroidsOriginal ?? [],
    clusterSizes: result.clusterSizes,
    assignments: result.assignments,
    distances,
    sampleSize: result.sampleSize,
    silhouetteSampleSize: result.silhouetteSampleSize,
  };
}

/**
 * Weight of each feature in the distance: 1, except the features expanded from one
 * `share.<dimension>.*`, which share a total weight: each gets sqrt(blockWeight / n) for n
 * values, so the block's scaled variance adds up to blockWeight features' worth (0 = no block
 * weighting: every share counts as a whole feature).
 */
export function featureWeights(features: readonly ResolvedFeature[], blockWeight: number): number[] {
  const blockSize = new Map<string, number>();
  // A block is the expansion of share.<dimension>.* or attr.<category>.*; attr.* expands to
  // whole features, each its own.
  const inBlock = (f: ResolvedFeature): boolean => f.from !== f.name && (f.kind !== 'attribute' || f.value !== undefined);
  for (const f of features) if (inBlock(f)) blockSize.set(f.from, (blockSize.get(f.from) ?? 0) + 1);
  return features.map((f) => {
    const n = inBlock(f) ? blockSize.get(f.from) : undefined;
    return n === undefined || blockWeight <= 0 ? 1 : Math.sqrt(blockWeight / n);
  });
}

/** Per-feature log1p settings keyed by resolved name; `share.x.*` keys apply to their expansion. */
function resolveLog1p(setting: ClusteringOptions['log1p'], features: readonly ResolvedFeature[]): Log1pSetting | Record<string, Log1pSetting> {
  if (typeof setting !== 'object') return setting;
  const out: Record<string, Log1pSetting> = {};
  for (const f of features) {
    const v = setting[f.name] ?? setting[f.from];
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}
