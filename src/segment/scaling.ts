/**
 * Feature transforms for clustering: optional log1p, then centring/scaling.
 *
 *   forward:  y = ((log1p ? log1p(x) : x) − center) / scale
 *   inverse:  x = log1p ? expm1(y · scale + center) : y · scale + center
 *
 * `fitScaler` returns every fitted parameter (per feature: log1p flag,
 * skewness, center, scale and where the scale came from), so results computed
 * in the scaled space (k-means centroids) can be reported in original units
 * with `inverseTransform`. The parameters are plain JSON-serialisable data.
 *
 * log1p decision, per feature:
 *   - `log1p: 'auto'` (default): log1p iff the feature is non-negative
 *     (min ≥ 0) and its skewness (population moment coefficient
 *     g1 = m3 / m2^1.5) exceeds `skewThreshold` (default 1, i.e. "highly
 *     skewed" by the usual rule of thumb). Spend / counts / tenure-like
 *     features are typically right-skewed and get logged.
 *   - `log1p: true | false`: all features / none.
 *   - `log1p: { featureName: true|false|'auto', ... }` per feature (needs
 *     `featureNames`); unspecified features use 'auto'.
 *   Forcing log1p on a feature with negative values is an error.
 *
 * Scaling method:
 *   - 'robust' (default): center = median, scale = IQR (Q3 − Q1, linear
 *     interpolation quantiles, numpy's default). If IQR = 0 (e.g. a feature
 *     that is 0 for > 75 % of customers) the scale falls back to the standard
 *     deviation, and to 1 if that is 0 too (constant feature → all zeros).
 *   - 'zscore': center = mean, scale = population standard deviation,
 *     falling back to 1 when it is 0.
 *   - 'none': center 0, scale 1 (log1p only).
 * Statistics are computed after the log1p step.
 *
 * Caveat (robust): on a strongly bimodal feature whose minority mode holds
 * close to 25 % of the rows, Q1 and Q3 can both fall inside the majority
 * mode, so the IQR is small and that feature's between-mode gap is inflated
 * relative to other features (k-means then over-weights it). z-scaling does
 * not have this failure mode; choose per data set.
 */
import { assertFinite, toDenseMatrix, type DenseMatrix, type MatrixInput } from './matrix.js';

export type ScalingMethod = 'robust' | 'zscore' | 'none';
export type Log1pSetting = 'auto' | boolean;

export interface ScalingOptions {
  /** Default 'robust'. */
  readonly method?: ScalingMethod;
  /** Default 'auto'. Per-feature object requires featureNames. */
  readonly log1p?: Log1pSetting | Readonly<Record<string, Log1pSetting>>;
  /** Skewness above which 'auto' applies log1p. Default 1. */
  readonly skewThreshold?: number;
  /** Names of the columns (for reporting and per-feature config). Default f0, f1, … */
  readonly featureNames?: readonly string[];
}

export interface FeatureTransform {
  readonly name: string;
  readonly log1p: boolean;
  /** Skewness of the raw feature (before log1p); 0 for a constant feature. */
  readonly skewness: number;
  readonly center: number;
  readonly scale: number;
  /** Where `scale` came from ('iqr' | 'std' | 'unit'). */
  readonly scaleSource: 'iqr' | 'std' | 'unit';
}

export interface FittedScaler {
  readonly method: ScalingMethod;
  readonly skewThreshold: number;
  readonly features: readonly FeatureTransform[];
}

export const DEFAULT_SKEW_THRESHOLD = 1;

/** Population skewness g1 = m3 / m2^1.5 (two-pass); 0 when the variance is 0 or n < 2. */
export function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
  }
  m2 /= n;
  m3 /= n;
  // Relative guard: rounding noise on a (near-)constant feature is not skew.
  if (m2 <= 1e-24 * Math.max(1, mean * mean)) return 0;
  return m3 / Math.pow(m2, 1.5);
}

/** Quantile of sorted values, linear interpolation between order statistics (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantileSorted: empty input');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export function fitScaler(input: MatrixInput, options: ScalingOptions = {}): FittedScaler {
  const m = toDenseMatrix(input);
  assertFinite(m, 'fitScaler');
  const { rows, cols, data } = m;
  if (rows === 0) throw new Error('fitScaler: no rows');
  const method = options.method ?? 'robust';
  if (method !== 'robust' && method !== 'zscore' && method !== 'none') {
    throw new Error(`fitScaler: unknown method "${String(method)}"`);
  }
  const skewThreshold = options.skewThreshold ?? DEFAULT_SKEW_THRESHOLD;
  const names = options.featureNames ? [...options.featureNames] : Array.from({ length: cols }, (_, j) => `f${j}`);
  if (names.length !== cols) {
    throw new Error(`fitScaler: ${names.length} feature names for ${cols} columns`);
  }
  const log1pOpt = options.log1p ?? 'auto';
  if (typeof log1pOpt === 'object') {
    for (const key of Object.keys(log1pOpt)) {
      if (!names.includes(key)) throw new Error(`fitScaler: log1p config names unknown feature "${key}"`);
    }
  }

  const features: FeatureTransform[] = [];
  const col = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    const name = names[j] as string;
    let min = Infinity;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j] as number;
      col[i] = v;
      if (v < min) min = v;
    }
    const skew = skewness(col);
    const setting: Log1pSetting = typeof log1pOpt === 'object' ? (log1pOpt[name] ?? 'auto') : log1pOpt;
    let useLog: boolean;
    if (setting === 'auto') useLog = min >= 0 && skew > skewThreshold;
    else if (setting === true) {
      if (min < 0) throw new Error(`fitScaler: log1p requested for feature "${name}" but it has negative values (min ${min})`);
      useLog = true;
    } else useLog = false;
    if (useLog) for (let i = 0; i < rows; i++) col[i] = Math.log1p(col[i] as number);

    let center = 0;
    let scale = 1;
    let scaleSource: FeatureTransform['scaleSource'] = 'unit';
    if (method === 'robust') {
      const sorted = col.slice().sort();
      center = quantileSorted(sorted, 0.5);
      const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
      if (iqr > 0) {
        scale = iqr;
        scaleSource = 'iqr';
      } else {
        const sd = popStd(col);
        if (sd > 0) {
          scale = sd;
          scaleSource = 'std';
        }
      }
    } else if (method === 'zscore') {
      let mean = 0;
      for (let i = 0; i < rows; i++) mean += col[i] as number;
      center = mean / rows;
      const sd = popStd(col);
      if (sd > 0) {
        scale = sd;
        scaleSource = 'std';
      }
    }
    features.push({ name, log1p: useLog, skewness: skew, center, scale, scaleSource });
  }
  return { method, skewThreshold, features };
}

function popStd(col: Float64Array): number {
  const n = col.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += col[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (col[i] as number) - mean;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / n);
  // Treat pure rounding noise around a constant as zero spread.
  return sd <= 1e-12 * Math.max(1, Math.abs(mean)) ? 0 : sd;
}

function checkCols(fitted: FittedScaler, m: DenseMatrix, what: string): void {
  if (m.cols !== fitted.features.length) {
    throw new Error(`${what}: matrix has ${m.cols} columns, scaler was fitted on ${fitted.features.length}`);
  }
}

/** Applies a fitted scaler; returns a new matrix. */
export function transform(fitted: FittedScaler, input: MatrixInput): DenseMatrix {
  const m = toDenseMatrix(input);
  checkCols(fitted, m, 'transform');
  assertFinite(m, 'transform');
  const { rows, cols, data } = m;
  const out = new Float64Array(data.length);
  for (let j = 0; j < cols; j++) {
    const f = fitted.features[j] as FeatureTransform;
    for (let i = 0; i < rows; i++) {
      const p = i * cols + j;
      let v = data[p] as number;
      if (f.log1p) {
        if (v < 0) throw new Error(`transform: feature "${f.name}" is log1p-transformed but row ${i} has negative value ${v}`);
        v = Math.log1p(v);
      }
      out[p] = (v - f.center) / f.scale;
    }
  }
  return { rows, cols, data: out };
}

/** Maps scaled values back to original units; returns a new matrix. */
export function inverseTransform(fitted: FittedScaler, input: MatrixInput): DenseMatrix {
  const m = toDenseMatrix(input);
  checkCols(fitted, m, 'inverseTransform');
  const { rows, cols, data } = m;
  const out = new Float64Array(data.length);
  for (let j = 0; j < cols; j++) {
    const f = fitted.features[j] as FeatureTransform;
    for (let i = 0; i < rows; i++) {
      const p = i * cols + j;
      const v = (data[p] as number) * f.scale + f.center;
      out[p] = f.log1p ? Math.expm1(v) : v;
    }
  }
  return { rows, cols, data: out };
}

/** Convenience: inverse-transforms one row (e.g. a centroid) to a plain array. */
export function inverseTransformRow(fitted: FittedScaler, row: ArrayLike<number>): number[] {
  const out = inverseTransform(fitted, { rows: 1, cols: row.length, data: Float64Array.from(row) });
  return Array.from(out.data);
}

/** fitScaler + transform. */
export function fitTransform(input: MatrixInput, options: ScalingOptions = {}): { scaler: FittedScaler; scaled: DenseMatrix } {
  const m = toDenseMatrix(input);
  const scaler = fitScaler(m, options);
  return { scaler, scaled: transform(scaler, m) };
}
