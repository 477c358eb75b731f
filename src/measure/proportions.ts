/**
 * Intervals for conversion rates. Conversions are rare (Hillstrom: 0.6 % in the control arm), and
 * there the Wald interval p ± z·√(p(1−p)/n) is known to undercover badly and can leave [0, 1]
 * (Brown, Cai & DasGupta 2001; Newcombe 1998). The Wilson score interval for one rate, and
 * Newcombe's hybrid score interval (his method 10) for a difference of two independent rates,
 * keep close to the nominal 95 % down to small counts and zero events, without a continuity
 * correction (which overcovers) and in closed form. The p-value is the pooled two-proportion
 * z-test (Pearson's χ² without continuity correction), the test that belongs with score intervals.
 */
import { normalCdf } from './distributions.js';

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Wilson score interval for `successes` out of `n` (n > 0), at critical value z. */
export function wilsonInterval(successes: number, n: number, z: number): Interval {
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Newcombe's hybrid score interval for p1 − p0 (method 10 of Newcombe 1998). */
export function newcombeDifference(x1: number, n1: number, x0: number, n0: number, z: number): Interval {
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const w1 = wilsonInterval(x1, n1, z);
  const w0 = wilsonInterval(x0, n0, z);
  const below = Math.sqrt((p1 - w1.low) ** 2 + (w0.high - p0) ** 2);
  const above = Math.sqrt((w1.high - p1) ** 2 + (p0 - w0.low) ** 2);
  return { low: p1 - p0 - below, high: p1 - p0 + above };
}

/** Two-sided p-value of the pooled two-proportion z-test; 1 when nobody or everybody converted. */
export function twoProportionPValue(x1: number, n1: number, x0: number, n0: number): number {
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  if (se === 0) return 1;
  const z = (x1 / n1 - x0 / n0) / se;
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}
