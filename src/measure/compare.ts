/**
 * One metric of one arm against the control: the arm values, the absolute and relative uplift
 * with their intervals, the p-value, the incremental total over the arm, and, with a covariate,
 * the CUPED-adjusted estimate beside the plain one with the share of interval width it saves.
 */
import { normalQuantile } from './distributions.js';
import { cupedAdjust } from './cuped.js';
import { mean, variance, type Moments } from './moments.js';
import { newcombeDifference, twoProportionPValue } from './proportions.js';
import { relativeUplift, welchDifference, type ArmSummary } from './welch.js';

/** Groups smaller than this are reported as suppressed, with counts but no estimates. */
export const MIN_GROUP_SIZE = 10;

/** `rate`: every value is 0 or 1 (converted, visited, clicked); `mean`: any number (revenue). */
export type MetricKind = 'rate' | 'mean';

export type Method = 'newcombe' | 'welch' | 'cuped-welch';

export interface Estimate {
  readonly method: Method;
  readonly valueArm: number;
  readonly valueControl: number;
  readonly uplift: number;
  readonly upliftLow: number;
  readonly upliftHigh: number;
  /** Relative uplift (arm / control − 1); null when a value is not positive. */
  readonly relative: number | null;
  readonly relativeLow: number | null;
  readonly relativeHigh: number | null;
  readonly pValue: number;
  /** uplift × arm size: conversions (or revenue) the arm gained over what it would have had. */
  readonly incremental: number;
  readonly incrementalLow: number;
  readonly incrementalHigh: number;
}

export interface AdjustedEstimate extends Estimate {
  readonly theta: number;
  /** 1 − adjusted width / unadjusted width of the same (Welch) interval: the share CUPED saves. */
  readonly widthSaved: number;
}

export interface Comparison {
  readonly nArm: number;
  readonly nControl: number;
  /** A group under MIN_GROUP_SIZE: no estimates. */
  readonly suppressed: boolean;
  readonly plain: Estimate | null;
  readonly adjusted: AdjustedEstimate | null;
}

export interface CompareOptions {
  readonly kind: MetricKind;
  readonly confidence?: number;
  /** Whether the moments carry a covariate (x) to adjust with. */
  readonly covariate?: boolean;
  readonly minGroupSize?: number;
}

const summary = (m: Moments): ArmSummary => ({ n: m.n, mean: mean(m), variance: variance(m) });

export function compareArms(arm: Moments, control: Moments, options: CompareOptions): Comparison {
  const confidence = options.confidence ?? 0.95;
  const minSize = options.minGroupSize ?? MIN_GROUP_SIZE;
  const base = { nArm: arm.n, nControl: control.n };
  if (arm.n < minSize || control.n < minSize) return { ...base, suppressed: true, plain: null, adjusted: null };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const a = summary(arm);
  const c = summary(control);
  const welch = welchDifference(a, c, confidence);
  const scale = arm.n;
  const finish = (method: Method, sa: ArmSummary, sc: ArmSummary, uplift: number, low: number, high: number, pValue: number): Estimate => {
    const relative = relativeUplift(sa, sc, z);
    return {
      method,
      valueArm: sa.mean,
      valueControl: sc.mean,
      uplift,
      upliftLow: low,
      upliftHigh: high,
      relative: relative?.estimate ?? null,
      relativeLow: relative?.low ?? null,
      relativeHigh: relative?.high ?? null,
      pValue,
      incremental: uplift * scale,
      incrementalLow: low * scale,
      incrementalHigh: high * scale,
    };
  };
  let plain: Estimate;
  if (options.kind === 'rate') {
    const interval = newcombeDifference(arm.sumY, arm.n, control.sumY, control.n, z);
    plain = finish('newcombe', a, c, a.mean - c.mean, interval.low, interval.high, twoProportionPValue(arm.sumY, arm.n, control.sumY, control.n));
  } else {
    plain = finish('welch', a, c, welch.difference, welch.low, welch.high, welch.pValue);
  }
  let adjusted: AdjustedEstimate | null = null;
  if (options.covariate) {
    const cuped = cupedAdjust(arm, control);
    const d = welchDifference(cuped.arm, cuped.control, confidence);
    const plainWidth = welch.high - welch.low;
    adjusted = {
      ...finish('cuped-welch', cuped.arm, cuped.control, d.difference, d.low, d.high, d.pValue),
      theta: cuped.theta,
      widthSaved: plainWidth > 0 ? 1 - (d.high - d.low) / plainWidth : 0,
    };
  }
  return { ...base, suppressed: false, plain, adjusted };
}
