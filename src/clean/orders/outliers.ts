/**
 * Outlier thresholds for order lines. Pure: the SQL in clean-orders.ts computes the inputs
 * (a histogram of |quantity|, medians of unit prices) and applies these thresholds.
 *
 * Rules (README.md in this folder, rule 4):
 * - Quantity, per orders source: a line is an outlier when |quantity| > limit, with
 *     limit = max(quantityFloor, Q3 + iqrMultiplier × (Q3 − Q1))
 *   where Q1 and Q3 are the quartiles of |quantity| over all the source's lines (after exact
 *   duplicates are removed), linearly interpolated (numpy's default, type 7). The floor keeps a
 *   source where nearly every line has quantity 1 from calling a quantity of 5 an outlier; the
 *   wide 10 × IQR fence only catches keying errors (retail: 9999; Online Retail: 80995).
 * - Unit price, per orders source and sku with at least priceMinSkuLines priced lines: a line
 *   is an outlier when its unit price in the base currency is more than priceRatio × the median
 *   of the sku, or less than the median / priceRatio. Lines without a positive price or an fx
 *   rate take no part (they have their own issues).
 * Defaults: floor 50, 10 × IQR, 20 ×, 5 lines.
 */

export interface OutlierOptions {
  /** A quantity limit is never below this (default 50). */
  readonly quantityFloor?: number;
  /** k in Q3 + k × IQR (default 10). */
  readonly iqrMultiplier?: number;
  /** A unit price more than this many times above or below its sku's median is an outlier (default 20). */
  readonly priceRatio?: number;
  /** The price rule applies to skus with at least this many priced lines (default 5). */
  readonly priceMinSkuLines?: number;
}

export type ResolvedOutlierOptions = Required<OutlierOptions>;

export const DEFAULT_OUTLIER_OPTIONS: ResolvedOutlierOptions = Object.freeze({
  quantityFloor: 50,
  iqrMultiplier: 10,
  priceRatio: 20,
  priceMinSkuLines: 5,
});

/** Fills in defaults; throws RangeError on a value that would make the rule meaningless. */
export function resolveOutlierOptions(options: OutlierOptions = {}): ResolvedOutlierOptions {
  const resolved = { ...DEFAULT_OUTLIER_OPTIONS, ...stripUndefined(options) };
  const check = (name: keyof OutlierOptions, ok: boolean, expected: string): void => {
    if (!ok) throw new RangeError(`outlier option ${name} = ${String(resolved[name])}: expected ${expected}`);
  };
  check('quantityFloor', Number.isFinite(resolved.quantityFloor) && resolved.quantityFloor >= 0, 'a number ≥ 0');
  check('iqrMultiplier', Number.isFinite(resolved.iqrMultiplier) && resolved.iqrMultiplier >= 0, 'a number ≥ 0');
  check('priceRatio', Number.isFinite(resolved.priceRatio) && resolved.priceRatio > 1, 'a number > 1');
  check('priceMinSkuLines', Number.isInteger(resolved.priceMinSkuLines) && resolved.priceMinSkuLines >= 1, 'an integer ≥ 1');
  return Object.freeze(resolved);
}

function stripUndefined(o: OutlierOptions): OutlierOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as OutlierOptions;
}

export interface HistogramBucket {
  readonly value: number;
  readonly count: number;
}

export interface Quartiles {
  readonly n: number;
  readonly q1: number;
  readonly q3: number;
}

/**
 * Q1 and Q3 (linear interpolation between order statistics, numpy's default) of the values
 * described by `buckets`, which must be in ascending order of value and hold `total` values in
 * all. Streams: memory does not depend on the number of buckets. Null when total is 0.
 */
export function quartilesFromHistogram(buckets: Iterable<HistogramBucket>, total: number): Quartiles | null {
  if (total <= 0) return null;
  const h1 = (total - 1) * 0.25;
  const h3 = (total - 1) * 0.75;
  // The order statistics (0-based ranks) the two quartiles interpolate between; they can
  // interleave (n = 2: 0, 1, 0, 1), so they are read in ascending order.
  const ranks = [Math.floor(h1), Math.min(Math.floor(h1) + 1, total - 1), Math.floor(h3), Math.min(Math.floor(h3) + 1, total - 1)];
  const wanted = [...new Set(ranks)].sort((a, b) => a - b);
  const valueAt = new Map<number, number>();
  let seen = 0;
  let previous = -Infinity;
  for (const { value, count } of buckets) {
    if (value < previous) throw new RangeError('quartilesFromHistogram: buckets must be in ascending order');
    previous = value;
    seen += count;
    for (let next = wanted[valueAt.size]; next !== undefined && next < seen; next = wanted[valueAt.size]) valueAt.set(next, value);
    if (valueAt.size === wanted.length) break;
  }
  if (valueAt.size < wanted.length) throw new RangeError(`quartilesFromHistogram: the buckets hold ${seen} values, expected ${total}`);
  const [a1, b1, a3, b3] = ranks.map((r) => valueAt.get(r) as number) as [number, number, number, number];
  return { n: total, q1: a1 + (h1 - Math.floor(h1)) * (b1 - a1), q3: a3 + (h3 - Math.floor(h3)) * (b3 - a3) };
}

/** |quantity| above this is an outlier: max(floor, Q3 + k × IQR). */
export function quantityLimit(quartiles: Quartiles, options: ResolvedOutlierOptions = DEFAULT_OUTLIER_OPTIONS): number {
  return Math.max(options.quantityFloor, quartiles.q3 + options.iqrMultiplier * (quartiles.q3 - quartiles.q1));
}

export function isQuantityOutlier(quantity: number, limit: number): boolean {
  return Math.abs(quantity) > limit;
}

/**
 * 'high' when unitPrice > ratio × median, 'low' when unitPrice < median / ratio, else null.
 * Both prices in the base currency; the median of a sku with enough priced lines.
 */
export function priceOutlier(unitPrice: number, median: number, ratio: number = DEFAULT_OUTLIER_OPTIONS.priceRatio): 'high' | 'low' | null {
  if (unitPrice > ratio * median) return 'high';
  if (unitPrice < median / ratio) return 'low';
  return null;
}

