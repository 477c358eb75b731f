/**
 * Choose the number of clusters k from the data, then cluster every point.
 *
 * Procedure (all deterministic, no Math.random, no clock):
 *
 * 1. Sample. Every point gets a 32-bit hash of (seed, key) where key is its
 *    id (`options.ids`) or else its row index; points are ordered by
 *    (hash, id, index) and the first `sampleSize` (default 10,000) form the
 *    sample. With ids the sample — and its order — does not depend on the
 *    input row order. k-means is fitted on the sample only: ml-kmeans'
 *    k-means++ initialisation and Lloyd iterations work on number[][] and
 *    would take far too long on 100,000+ points for 9 values of k × 3 seeds.
 * 2. For each k in [kMin, kMax] (default 2..10; kMax is capped at the number
 *    of distinct points in the sample), run ml-kmeans (k-means++ init,
 *    `maxIterations`, `tolerance`) once per seed (default 3 runs with seeds
 *    seed, seed+1, seed+2). Each run's labels are recomputed as the nearest
 *    final centroid.
 *    - stability = mean adjusted Rand index over all pairs of runs (1 = the
 *      runs agree perfectly); `minPairwiseAri` is reported too;
 *    - the run with the lowest inertia (sum of squared distances on the
 *      sample; ties → earliest seed) is the model for that k;
 *    - silhouette = mean silhouette (Euclidean) of that model on the first
 *      `silhouetteSampleSize` (default 3,000) points of the sample
 *      (silhouette is O(n²); the pairwise distances are computed once and
 *      shared by all k, 36 MB for 3,000 points, recomputed per k above
 *      5M pairs). A point alone in its cluster scores 0; if fewer than two
 *      clusters are present the silhouette is 0.
 * 3. Rule: among k with stability ≥ `stabilityThreshold` (default 0.8), pick
 *    the highest silhouette; ties → smaller k. If no k is stable enough,
 *    fall back to the most stable k (ties → higher silhouette → smaller k);
 *    `rule` in the result says which branch applied.
 * 4. Assign every point (not just the sample) to the nearest centroid of the
 *    chosen model (ties → lower label). Centroids are the sample-fitted
 *    ones, so each point's label is exactly its nearest reported centroid.
 * 5. Relabel deterministically: clusters ordered by full-data size
 *    descending, then centroid coordinates ascending (lexicographic, scaled
 *    space); label 0 is the largest cluster.
 *
 * The input is expected to be already scaled (see scaling.ts); pass the
 * fitted scaler as `options.scaler` to also get centroids in original units.
 */
import { kmeans } from 'ml-kmeans';

import { adjustedRandIndex } from './ari.js';
import { assertFinite, toDenseMatrix, toRows, type DenseMatrix, type MatrixInput } from './matrix.js';
import { inverseTransformRow, type FittedScaler } from './scaling.js';

export interface KSelectionOptions {
  /** Smallest k tried. Default 2. */
  readonly kMin?: number;
  /** Largest k tried. Default 10. */
  readonly kMax?: number;
  /** Points used to fit k-means. Default 10,000. */
  readonly sampleSize?: number;
  /** Points (first of the sample) used for the silhouette. Default 3,000. */
  readonly silhouetteSampleSize?: number;
  /** Base seed (integer) for sampling and k-means++. Default 42. */
  readonly seed?: number;
  /** k-means runs per k (seeds seed … seed+runs−1). Default 3, min 1. */
  readonly runs?: number;
  /** Minimum stability (mean pairwise ARI) for a k to be eligible. Default 0.8. */
  readonly stabilityThreshold?: number;
  /** Lloyd iterations cap per run. Default 100. */
  readonly maxIterations?: number;
  /** ml-kmeans convergence tolerance (squared centroid shift). Default 1e-6. */
  readonly tolerance?: number;
  /** Optional stable ids, one per row: makes sampling independent of row order. */
  readonly ids?: ArrayLike<string | number>;
  /** Fitted scaler of the input, to report centroids in original units. */
  readonly scaler?: FittedScaler;
  /** Called after each k is scored (e.g. for progress or timing). */
  readonly onProgress?: (score: KScore) => void;
}

export interface KScore {
  readonly k: number;
  /** Mean silhouette of the best run on the silhouette sub-sample. */
  readonly silhouette: number;
  /** Mean pairwise ARI between the runs (1 when runs = 1). */
  readonly stability: number;
  /** Minimum pairwise ARI between the runs. */
  readonly minPairwiseAri: number;
  /** Inertia (sum of squared distances) of the best run on the sample. */
  readonly inertia: number;
  /** Seed of the best (lowest inertia) run. */
  readonly bestSeed: number;
  /** Lloyd iterations per run, in seed order. */
  readonly iterations: readonly number[];
  /** Whether each run converged before maxIterations, in seed order. */
  readonly converged: readonly boolean[];
}

export type SelectionRule = 'max-silhouette-among-stable' | 'fallback-most-stable';

export interface KSelectionResult {
  /** Chosen k. */
  readonly k: number;
  readonly rule: SelectionRule;
  /** One entry per k tried, ascending k. */
  readonly scores: readonly KScore[];
  /** Centroids (relabelled order) in the scaled space. */
  readonly centroids: number[][];
  /** Centroids in original units (scaler.inverseTransform), or null without a scaler. */
  readonly centroidsOriginal: number[][] | null;
  /** Cluster label 0..k−1 of every input row. */
  readonly assignments: Int32Array;
  /** Points per cluster over all rows, by label (non-increasing). */
  readonly clusterSizes: number[];
  /** Sum of squared distances of all rows to their centroid. */
  readonly inertia: number;
  readonly sampleSize: number;
  readonly silhouetteSampleSize: number;
  /** k range actually tried (kMax may be capped by the distinct points). */
  readonly kRange: readonly [number, number];
  readonly seeds: readonly number[];
}

export const KSELECT_DEFAULTS = Object.freeze({
  kMin: 2,
  kMax: 10,
  sampleSize: 10_000,
  silhouetteSampleSize: 3_000,
  seed: 42,
  runs: 3,
  stabilityThreshold: 0.8,
  maxIterations: 100,
  tolerance: 1e-6,
});

/** Above this many pairs the silhouette recomputes distances per k instead of caching them. */
const MAX_CONDENSED_DISTANCES = 5_000_000;

// ---------------------------------------------------------------- hashing

/** murmur3 finaliser: a bijection on uint32 with good avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ fmix32(seed >>> 0)) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * Deterministic sample of row indices, ordered by (hash(seed, key), key, index).
 * Returns min(size, n) indices.
 */
export function deterministicSample(
  n: number,
  size: number,
  seed: number,
  ids?: ArrayLike<string | number>,
): Uint32Array {
  if (ids && ids.length !== n) throw new Error(`deterministicSample: ${ids.length} ids for ${n} rows`);
  const hashes = new Uint32Array(n);
  const keys: string[] | null = ids ? new Array<string>(n) : null;
  const seedMix = fmix32((seed >>> 0) ^ 0x9e3779b9);
  for (let i = 0; i < n; i++) {
    if (keys) {
      const key = String(ids![i]);
      keys[i] = key;
      hashes[i] = hashString(key, seed);
    } else {
      hashes[i] = fmix32((i ^ seedMix) >>> 0);
    }
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const ha = hashes[a] as number;
    const hb = hashes[b] as number;
    if (ha !== hb) return ha < hb ? -1 : 1;
    if (keys) {
      const ka = keys[a] as string;
      const kb = keys[b] as string;
      if (ka !== kb) return ka < kb ? -1 : 1;
    }
    return a - b;
  });
  return order.slice(0, Math.min(size, n));
}

// ---------------------------------------------------------------- geometry

/**
 * Nearest-centroid assignment over a flat row-major buffer (squared
 * Euclidean, ties → lower centroid index). Returns labels and inertia.
 */
export function assignNearest(
  m: DenseMatrix,
  centroids: Float64Array,
  k: number,
  out: Int32Array = new Int32Array(m.rows),
): { labels: Int32Array; inertia: number } {
  const { rows, cols, data } = m;
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const cb = c * cols;
      let d = 0;
      for (let j = 0; j < cols; j++) {
        const t = (data[base + j] as number) - (centroids[cb + j] as number);
        d += t * t;
      }
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    out[i] = best;
    inertia += bestD;
  }
  return { labels: out, inertia };
}

/**
 * Condensed pairwise Euclidean distances (row-major upper triangle, i < j):
 * n(n−1)/2 doubles. Used to share the O(n² · d) work of the silhouette
 * between all values of k.
 */
export function condensedDistances(m: DenseMatrix): Float64Array {
  const { rows: n, cols, data } = m;
  const out = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const bi = i * cols;
    for (let j = i + 1; j < n; j++) {
      const bj = j * cols;
      let d = 0;
      for (let t = 0; t < cols; t++) {
        const x = (data[bi + t] as number) - (data[bj + t] as number);
        d += x * x;
      }
      out[p++] = Math.sqrt(d);
    }
  }
  return out;
}

/**
 * Mean silhouette (Euclidean) of the labelled points. O(n² · d) time,
 * O(n · k) memory; pass `distances` (condensedDistances(m)) to skip the
 * distance computation — the result is bit-identical either way.
 * Singletons score 0; < 2 non-empty clusters → 0.
 */
export function meanSilhouette(
  m: DenseMatrix,
  labels: ArrayLike<number>,
  k: number,
  distances?: Float64Array,
): number {
  const { rows: n, cols, data } = m;
  if (labels.length !== n) throw new Error('meanSilhouette: labels length mismatch');
  if (distances && distances.length !== (n * (n - 1)) / 2) throw new Error('meanSilhouette: distances size mismatch');
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[labels[i] as number]! += 1;
  let nonEmpty = 0;
  for (let c = 0; c < k; c++) if ((counts[c] as number) > 0) nonEmpty++;
  if (nonEmpty < 2) return 0;

  // sums[i * k + c] = Σ distance from i to the members of cluster c
  const sums = new Float64Array(n * k);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const bi = i * cols;
    const li = labels[i] as number;
    const rowI = i * k;
    for (let j = i + 1; j < n; j++) {
      let d: number;
      if (distances) d = distances[p++] as number;
      else {
        const bj = j * cols;
        d = 0;
        for (let t = 0; t < cols; t++) {
          const x = (data[bi + t] as number) - (data[bj + t] as number);
          d += x * x;
        }
        d = Math.sqrt(d);
      }
      sums[rowI + (labels[j] as number)]! += d;
      sums[j * k + li]! += d;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i] as number;
    const own = counts[li] as number;
    if (own <= 1) continue; // s(i) = 0
    const a = (sums[i * k + li] as number) / (own - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      const cnt = counts[c] as number;
      if (c === li || cnt === 0) continue;
      const v = (sums[i * k + c] as number) / cnt;
      if (v < b) b = v;
    }
    const den = Math.max(a, b);
    if (den > 0) total += (b - a) / den;
  }
  return total / n;
}

function gather(m: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const { cols, data } = m;
  const out = new Float64Array(indices.length * cols);
  for (let t = 0; t < indices.length; t++) {
    const src = (indices[t] as number) * cols;
    out.set(data.subarray(src, src + cols), t * cols);
  }
  return { rows: indices.length, cols, data: out };
}

function countDistinctRows(m: DenseMatrix, cap: number): number {
  const seen = new Set<string>();
  const { rows, cols, data } = m;
  for (let i = 0; i < rows && seen.size < cap; i++) {
    seen.add(Array.prototype.join.call(data.subarray(i * cols, (i + 1) * cols), ','));
  }
  return seen.size;
}

// ---------------------------------------------------------------- selection

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`selectK: ${name} must be an integer ≥ ${min}, got ${v}`);
}

export function selectK(input: MatrixInput, options: KSelectionOptions = {}): KSelectionResult {
  const o = { ...KSELECT_DEFAULTS, ...stripUndefined(options) };
  checkInt('kMin', o.kMin, 1);
  checkInt('kMax', o.kMax, o.kMin);
  checkInt('sampleSize', o.sampleSize, 1);
  checkInt('silhouetteSampleSize', o.silhouetteSampleSize, 2);
  checkInt('seed', o.seed, 0);
  checkInt('runs', o.runs, 1);
  checkInt('maxIterations', o.maxIterations, 1);
  if (!(o.stabilityThreshold <= 1)) throw new Error(`selectK: stabilityThreshold must be ≤ 1`);

  const m = toDenseMatrix(input);
  assertFinite(m, 'selectK');
  if (m.rows === 0 || m.cols === 0) throw new Error(`selectK: empty matrix (${m.rows}×${m.cols})`);
  if (o.scaler && o.scaler.features.length !== m.cols) {
    throw new Error(`selectK: scaler has ${o.scaler.features.length} features, data has ${m.cols} columns`);
  }

  const sampleIdx = deterministicSample(m.rows, o.sampleSize, o.seed, options.ids);
  const sample = gather(m, sampleIdx);
  const distinct = countDistinctRows(sample, o.kMax);
  const kMax = Math.min(o.kMax, distinct);
  if (kMax < o.kMin) {
    throw new Error(`selectK: need at least kMin=${o.kMin} distinct points in the sample, found ${distinct}`);
  }
  const silN = Math.min(o.silhouetteSampleSize, sample.rows);
  const silMatrix: DenseMatrix = { rows: silN, cols: sample.cols, data: sample.data.subarray(0, silN * sample.cols) };
  // Share the silhouette distances across k when they fit in ~40 MB (3,000 points: 36 MB).
  const silDistances = (silN * (silN - 1)) / 2 <= MAX_CONDENSED_DISTANCES ? condensedDistances(silMatrix) : undefined;
  const sampleRows = toRows(sample);
  const seeds = Array.from({ length: o.runs }, (_, r) => o.seed + r);

  const scores: KScore[] = [];
  const models = new Map<number, Float64Array>();
  for (let k = o.kMin; k <= kMax; k++) {
    const runLabels: Int32Array[] = [];
    const iterations: number[] = [];
    const converged: boolean[] = [];
    let best: { centroids: Float64Array; inertia: number; seed: number; labels: Int32Array } | null = null;
    for (const seed of seeds) {
      const res = kmeans(sampleRows, k, {
        initialization: 'kmeans++',
        seed,
        maxIterations: o.maxIterations,
        tolerance: o.tolerance,
      });
      const cents = new Float64Array(k * m.cols);
      res.centroids.forEach((c, ci) => cents.set(c, ci * m.cols));
      const { labels, inertia } = assignNearest(sample, cents, k);
      runLabels.push(labels);
      iterations.push(res.iterations);
      converged.push(res.converged);
      if (best === null || inertia < best.inertia) best = { centroids: cents, inertia, seed, labels };
    }
    if (best === null) throw new Error('unreachable: no k-means run');
    let sumAri = 0;
    let minAri = 1;
    let pairs = 0;
    for (let a = 0; a < runLabels.length; a++) {
      for (let b = a + 1; b < runLabels.length; b++) {
        const ari = adjustedRandIndex(runLabels[a] as Int32Array, runLabels[b] as Int32Array);
        sumAri += ari;
        if (ari < minAri) minAri = ari;
        pairs++;
      }
    }
    const silhouette = meanSilhouette(silMatrix, best.labels.subarray(0, silN), k, silDistances);
    const score: KScore = {
      k,
      silhouette,
      stability: pairs > 0 ? sumAri / pairs : 1,
      minPairwiseAri: pairs > 0 ? minAri : 1,
      inertia: best.inertia,
      bestSeed: best.seed,
      iterations,
      converged,
    };
    models.set(k, best.centroids);
    scores.push(score);
    options.onProgress?.(score);
  }

  const { k, rule } = chooseK(scores, o.stabilityThreshold);
  const raw = models.get(k) as Float64Array;

  // Full assignment, then deterministic relabelling.
  const { labels } = assignNearest(m, raw, k);
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) sizes[labels[i] as number]! += 1;
  const cols = m.cols;
  const perm = Array.from({ length: k }, (_, c) => c).sort((a, b) => {
    const d = (sizes[b] as number) - (sizes[a] as number);
    if (d !== 0) return d;
    for (let j = 0; j < cols; j++) {
      const x = (raw[a * cols + j] as number) - (raw[b * cols + j] as number);
      if (x !== 0) return x < 0 ? -1 : 1;
    }
    return a - b;
  });
  const newLabelOf = new Int32Array(k);
  perm.forEach((oldLabel, newLabel) => (newLabelOf[oldLabel] = newLabel));
  const centroids = perm.map((c) => Array.from(raw.subarray(c * cols, (c + 1) * cols)));
  const assignments = new Int32Array(labels.length);
  let inertia = 0;
  for (let i = 0; i < labels.length; i++) {
    const old = labels[i] as number;
    assignments[i] = newLabelOf[old] as number;
    let d = 0;
    for (let j = 0; j < cols; j++) {
      const t = (m.data[i * cols + j] as number) - (raw[old * cols + j] as number);
      d += t * t;
    }
    inertia += d;
  }
  const clusterSizes = perm.map((c) => sizes[c] as number);
  const centroidsOriginal = o.scaler ? centroids.map((c) => inverseTransformRow(o.scaler as FittedScaler, c)) : null;

  return {
    k,
    rule,
    scores,
    centroids,
    centroidsOriginal,
    assignments,
    clusterSizes,
    inertia,
    sampleSize: sample.rows,
    silhouetteSampleSize: silN,
    kRange: [o.kMin, kMax],
    seeds,
  };
}

/**
 * The selection rule (exported for testing): highest silhouette among k with
 * stability ≥ threshold, ties → smaller k; otherwise the most stable k
 * (ties → higher silhouette → smaller k). `scores` must be in ascending k.
 */
export function chooseK(scores: readonly KScore[], stabilityThreshold: number): { k: number; rule: SelectionRule } {
  let best: KScore | null = null;
  for (const s of scores) {
    if (s.stability >= stabilityThreshold && (best === null || s.silhouette > best.silhouette)) best = s;
  }
  if (best) return { k: best.k, rule: 'max-silhouette-among-stable' };
  for (const s of scores) {
    if (
      best === null ||
      s.stability > best.stability ||
      (s.stability === best.stability && s.silhouette > best.silhouette)
    ) {
      best = s;
    }
  }
  if (!best) throw new Error('chooseK: no scores');
  return { k: best.k, rule: 'fallback-most-stable' };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  return out;
}
