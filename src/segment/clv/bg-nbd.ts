/**
 * BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way", Marketing Science 24(2):275-284; equation numbers below are that paper's).
 * While alive a customer buys at Poisson rate λ ~ Gamma(shape r, rate α); after each repeat
 * purchase they drop out with probability p ~ Beta(a, b). α is measured in the summary's time
 * unit (weeks for CDNOW), so t, t_x and T passed to every function here must be in the unit the
 * model was fitted in.
 */
import { hyp2f1 } from './hyp2f1.js';
import { gammalnRatio, inverseOnePlusExp, logAddExp } from './math.js';
import { validateRfm } from './summary.js';

export { bgNbdTotalLogLikelihood, bgNbdTotalLogLikelihoodGradient, fitBgNbd } from './bg-nbd-fit.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit extends BgNbdParams {
  /** Total log-likelihood of the calibration data at the fitted parameters (eq. 6 summed). */
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  customers: number;
}

/**
 * log L(r, α, a, b | x, t_x, T), eq. (6), in the A1..A4 split of Fader, Hardie & Lee's note
 * "Implementing the BG/NBD model for customer base analysis in Excel" (2005):
 *   ln L = A1 + A2 + ln(e^A3 + δ(x>0) e^A4), with
 *   A1 = lnΓ(r+x) − lnΓ(r) + r ln α,   A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
 *   A3 = −(r+x) ln(α+T),              A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
 * The log-sum keeps it finite for heavy buyers whose (α+T)^(r+x) overflows. For x = 0 the
 * dropout branch is impossible (nobody drops out before a repeat purchase): A4 = −∞.
 */
export function bgNbdLogLikelihood(params: BgNbdParams, x: number, t_x: number, T: number): number {
  validateRfm({ x, t_x, T });
  const { r, alpha, a, b } = params;
  const A1 = gammalnRatio(r, x) + r * Math.log(alpha);
  const A2 = gammalnRatio(b, x) - gammalnRatio(a + b, x);
  const A3 = -(r + x) * Math.log(alpha + T);
  const A4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + t_x) : -Infinity;
  return A1 + A2 + logAddExp(A3, A4);
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (Fader, Hardie &
 * Lee's note "Computing P(alive) using the BG/NBD model"). Evaluated through the log of the
 * odds so that long-silent heavy buyers give a clean 0 instead of Infinity/Infinity.
 */
export function probabilityAlive(params: BgNbdParams, x: number, t_x: number, T: number): number {
  validateRfm({ x, t_x, T });
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + t_x));
  return inverseOnePlusExp(logOdds);
}

/** Half-width of the window around a = 1 where eq. (10)'s 0/0 is resolved by symmetric averaging. */
const A_NEAR_ONE = 1e-7;
const A_STEP = 1e-5;

/**
 * E[Y(t) | x, t_x, T], the expected number of purchases in (T, T + t], eq. (10):
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive).
 * The bracket's power × 2F1 is rewritten with Euler's transformation (A&S 15.3.3) as
 *   (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z),  z = t/(α+T+t),
 * which stays O(1) for heavy buyers (the original 2F1 grows like (1−z)^−(r+x+1−a) and overflows).
 * At a = 1 both factors vanish; the limit is taken by averaging a = 1 ± 1e−5.
 */
export function conditionalExpectedPurchases(
  params: BgNbdParams,
  t: number,
  x: number,
  t_x: number,
  T: number,
): number {
  validateRfm({ x, t_x, T });
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`t must be finite and >= 0, got ${t}`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  if (Math.abs(a - 1) < A_NEAR_ONE) {
    const lo = conditionalExpectedPurchases({ ...params, a: 1 - A_STEP }, t, x, t_x, T);
    const hi = conditionalExpectedPurchases({ ...params, a: 1 + A_STEP }, t, x, t_x, T);
    return (lo + hi) / 2;
  }
  const oneMinusZ = (alpha + T) / (alpha + T + t);
  const z = t / (alpha + T + t);
  const powerTimes2F1 = Math.pow(oneMinusZ, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const expectedIfAlive = ((a + b + x - 1) / (a - 1)) * (1 - powerTimes2F1);
  return expectedIfAlive * probabilityAlive(params, x, t_x, T);
}

/**
 * E[X(t)] for a customer just acquired (eq. 9): eq. (10) with x = t_x = T = 0, where
 * P(alive) = 1 and the bracket reduces to 1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t)).
 */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(params, t, 0, 0, 0);
}
