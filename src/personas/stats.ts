/** Small statistics for profiles: pure functions over plain arrays. */

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function variance(values: readonly number[], m: number): number {
  if (values.length < 2) return 0;
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s / (values.length - 1);
}

/** Linear-interpolation quantile (type 7) of sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (h - lo);
}

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * Standardised difference (Cohen's d with the pooled standard deviation) of the group against
 * the rest; 0 when both are constant.
 */
export function cohensD(inMean: number, inVar: number, nIn: number, restMean: number, restVar: number, nRest: number): number {
  const dof = nIn + nRest - 2;
  const pooled = dof > 0 ? Math.sqrt(((nIn - 1) * inVar + (nRest - 1) * restVar) / dof) : 0;
  if (pooled === 0) return inMean === restMean ? 0 : Math.sign(inMean - restMean) * 10;
  return (inMean - restMean) / pooled;
}

/** Cohen's h: the effect size of two proportions, on the same scale as d. */
export function cohensH(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
}

/** Two-proportion z statistic (pooled); 0 when the pooled proportion is 0 or 1. */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 0;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return se === 0 ? 0 : (x1 / n1 - x2 / n2) / se;
}

/** Rounds for storage so reports do not depend on the last bits of floating-point sums. */
export function round(value: number | null, digits = 6): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
