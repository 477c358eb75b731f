/**
 * Welch's interval for a difference of two means (unequal variances, Satterthwaite degrees of
 * freedom). Used for revenue per head, which is mostly zero and right-skewed: by the central limit
 * theorem the arm means are close to normal once an arm holds a few hundred buyers, and Welch
 * needs only the arms' counts, means and variances (one streaming pass, no resampling). Its
 * coverage on zero-inflated log-normal revenue is checked by simulation in welch.test.ts; for
 * small arms the t quantile widens the interval, and groups under the minimum size are suppressed.
 */
import { studentTQuantile, studentTTwoSided } from './distributions.js';
import type { Interval } from './proportions.js';

export interface ArmSummary {
  readonly n: number;
  readonly mean: number;
  /** Sample variance (n − 1 denominator). */
  readonly variance: number;
}

export interface DifferenceEstimate extends Interval {
  readonly difference: number;
  readonly standardError: number;
  readonly df: number;
  readonly pValue: number;
}

export function welchDifference(arm: ArmSummary, control: ArmSummary, confidence: number): DifferenceEstimate {
  const a = arm.variance / arm.n;
  const c = control.variance / control.n;
  const se = Math.sqrt(a + c);
  const difference = arm.mean - control.mean;
  // Satterthwaite; with both variances 0 the difference is exact (df is irrelevant).
  const df = se === 0 ? Infinity : (a + c) ** 2 / ((arm.n > 1 ? (a * a) / (arm.n - 1) : 0) + (control.n > 1 ? (c * c) / (control.n - 1) : 0));
  const t = studentTQuantile(1 - (1 - confidence) / 2, df);
  const pValue = se === 0 ? (difference === 0 ? 1 : 0) : studentTTwoSided(difference / se, df);
  return { difference, standardError: se, df, pValue, low: difference - t * se, high: difference + t * se };
}

/**
 * Relative uplift mean₁/mean₀ − 1 with a delta-method interval on the log of the ratio (Katz's
 * log risk-ratio interval when the outcome is a rate): the ratio is skewed, its log is close to
 * symmetric, so the interval is asymmetric around the estimate and never below −100 %.
 * Undefined (null) when either mean is not positive.
 */
export function relativeUplift(arm: ArmSummary, control: ArmSummary, z: number): { estimate: number; low: number; high: number } | null {
  if (!(arm.mean > 0 && control.mean > 0)) return null;
  const logRatio = Math.log(arm.mean / control.mean);
  const se = Math.sqrt(arm.variance / (arm.n * arm.mean ** 2) + control.variance / (control.n * control.mean ** 2));
  return { estimate: Math.exp(logRatio) - 1, low: Math.exp(logRatio - z * se) - 1, high: Math.exp(logRatio + z * se) - 1 };
}
