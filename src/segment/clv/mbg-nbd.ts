/**
 * MBG/NBD, the modified BG/NBD of Batislam, Denizel & Filiztekin (2007, International Journal
 * of Research in Marketing 24(3)): the BG/NBD story (Poisson purchases at rate λ ~ Gamma(r, α),
 * dropout with probability p ~ Beta(a, b)) except that a customer may also drop out right after
 * the *first* purchase, at time 0. In BG/NBD a customer who bought once is alive with
 * probability 1 for ever (P(alive | x = 0) = 1, however long ago that purchase was); here
 *
 *   P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))      (t_x = 0 when x = 0)
 *
 * falls with the time since the last purchase for one-time buyers too, which is what ranking
 * customers by P(alive) (who has lapsed?) needs. Same expressions as lifetimes'
 * ModifiedBetaGeoFitter.
 *
 *   ln L = A1 + A2 + A3 + ln(1 + e^A4), with
 *   A1 = lnΓ(r+x) − lnΓ(r) + r ln α,   A2 = lnΓ(a+b) + lnΓ(b+x+1) − lnΓ(b) − lnΓ(a+b+x+1),
 *   A3 = −(r+x) ln(α+T),              A4 = ln a − ln(b+x) + (r+x)(ln(α+T) − ln(α+t_x)).
 *
 *   E[Y(t) | x, t_x, T] = (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)]
 *                         · P(alive),   z = t/(α+T+t),
 * which is BG/NBD's "expected if alive" factor (eq. 10) at b + 1, so bg-nbd.ts's numerically
 * stable evaluation is reused: for x > 0 the whole expression equals BG/NBD's at (a, b + 1).
 * Times in the summary's unit (weeks).
 */
import { conditionalExpectedPurchases, type BgNbdParams } from './bg-nbd.js';
import { digammaRatio, gammalnRatio, inverseOnePlusExp } from './math.js';
import { minimizePositive, type MinimizeOptions } from './optimize.js';
import { aggregateRfm, validateRfm, type AggregatedRfm, type RfmSummary } from './summary.js';

export type MbgNbdParams = BgNbdParams;

export interface MbgNbdFit extends MbgNbdParams {
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  customers: number;
}

/** log L(r, α, a, b | x, t_x, T) of one customer. */
export function mbgNbdLogLikelihood(params: MbgNbdParams, x: number, t_x: number, T: number): number {
  validateRfm({ x, t_x, T });
  const { r, alpha, a, b } = params;
  const tx = x === 0 ? 0 : t_x;
  const A1 = gammalnRatio(r, x) + r * Math.log(alpha);
  const A2 = gammalnRatio(b, x + 1) - gammalnRatio(a + b, x + 1);
  const A3 = -(r + x) * Math.log(alpha + T);
  const A4 = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return A1 + A2 + A3 + softplus(A4);
}

function softplus(v: number): number {
  return v > 36 ? v : Math.log1p(Math.exp(v));
}

/** Σ weight · log L over aggregated rows; logs are taken once per distinct x, t_x and T. */
export function mbgNbdTotalLogLikelihood(params: MbgNbdParams, data: AggregatedRfm): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return NaN;
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  const head = data.distinctX.map((x) => gammalnRatio(r, x) + r * logAlpha + gammalnRatio(b, x + 1) - gammalnRatio(a + b, x + 1));
  const drop = data.distinctX.map((x) => logA - Math.log(b + x));
  const logT = data.distinctT.map((T) => Math.log(alpha + T));
  const logTx = data.distinctTx.map((tx) => Math.log(alpha + tx));
  const { weight, xIndex, TIndex, txIndex, x } = data;
  let total = 0;
  for (let i = 0; i < data.rows; i++) {
    const xi = xIndex[i]!;
    const rx = r + x[i]!;
    const lT = logT[TIndex[i]!]!;
    total += weight[i]! * (head[xi]! - rx * lT + softplus(drop[xi]! + rx * (lT - logTx[txIndex[i]!]!)));
  }
  return total;
}

/**
 * The same total and its gradient in (r, α, a, b). With σ = e^v/(1+e^v) for the softplus
 * argument v = A4 and Ψ(y, d) = ψ(y+d) − ψ(y):
 *   ∂/∂r = ln α + Ψ(r, x) − L_T + σ (L_T − L_tx)
 *   ∂/∂α = r/α − (r+x)/(α+T) + σ (r+x) (1/(α+T) − 1/(α+t_x))
 *   ∂/∂a = −Ψ(a+b, x+1) + σ/a
 *   ∂/∂b = Ψ(b, x+1) − Ψ(a+b, x+1) − σ/(b+x)
 * (BG/NBD's, bg-nbd-fit.ts, with x+1 in the Beta terms and the drop-out term for x = 0 too).
 */
export function mbgNbdTotalLogLikelihoodGradient(
  params: MbgNbdParams,
  data: AggregatedRfm,
): { value: number; gradient: [number, number, number, number] } {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return { value: NaN, gradient: [NaN, NaN, NaN, NaN] };
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  const nx = data.distinctX.length;
  const head = new Float64Array(nx);
  const drop = new Float64Array(nx);
  const psiR = new Float64Array(nx);
  const psiB = new Float64Array(nx);
  const psiAB = new Float64Array(nx);
  const invBx = new Float64Array(nx);
  for (let k = 0; k < nx; k++) {
    const x = data.distinctX[k]!;
    head[k] = gammalnRatio(r, x) + r * logAlpha + gammalnRatio(b, x + 1) - gammalnRatio(a + b, x + 1);
    drop[k] = logA - Math.log(b + x);
    psiR[k] = digammaRatio(r, x);
    psiB[k] = digammaRatio(b, x + 1);
    psiAB[k] = digammaRatio(a + b, x + 1);
    invBx[k] = 1 / (b + x);
  }
  const logT = data.distinctT.map((T) => Math.log(alpha + T));
  const invT = data.distinctT.map((T) => 1 / (alpha + T));
  const logTx = data.distinctTx.map((tx) => Math.log(alpha + tx));
  const invTx = data.distinctTx.map((tx) => 1 / (alpha + tx));
  const { weight, xIndex, TIndex, txIndex, x } = data;
  let total = 0;
  let gr = 0;
  let ga = 0;
  let gA = 0;
  let gb = 0;
  for (let i = 0; i < data.rows; i++) {
    const xi = xIndex[i]!;
    const ti = TIndex[i]!;
    const si = txIndex[i]!;
    const w = weight[i]!;
    const rx = r + x[i]!;
    const lT = logT[ti]!;
    const gap = lT - logTx[si]!;
    const v = drop[xi]! + rx * gap;
    const sigma = 1 - inverseOnePlusExp(v); // e^v / (1 + e^v)
    total += w * (head[xi]! - rx * lT + softplus(v));
    gr += w * (logAlpha + psiR[xi]! - lT + sigma * gap);
    ga += w * (r / alpha - rx * invT[ti]! + sigma * rx * (invT[ti]! - invTx[si]!));
    gA += w * (-psiAB[xi]! + sigma / a);
    gb += w * (psiB[xi]! - psiAB[xi]! - sigma * invBx[xi]!);
  }
  return { value: total, gradient: [gr, ga, gA, gb] };
}

/**
 * Maximum likelihood over log-parameters with the analytic gradient (BFGS first, the
 * Nelder–Mead route of optimize.ts as the fallback). Starts like fitBgNbd: r = a = b = 1,
 * α = 1 / mean(x / T).
 */
export function fitMbgNbd(summary: readonly RfmSummary[], options: MinimizeOptions = {}): MbgNbdFit {
  if (summary.length === 0) throw new RangeError('fitMbgNbd needs at least one customer');
  const data = aggregateRfm(summary);
  let rate = 0;
  for (const c of summary) rate += c.T > 0 ? c.x / c.T : 0;
  rate /= summary.length;
  const result = minimizePositive(
    ([r, alpha, a, b]) => -mbgNbdTotalLogLikelihood({ r: r!, alpha: alpha!, a: a!, b: b! }, data),
    [1, rate > 0 ? 1 / rate : 1, 1, 1],
    {
      valueAndGradient: ([r, alpha, a, b]) => {
        const { value, gradient } = mbgNbdTotalLogLikelihoodGradient({ r: r!, alpha: alpha!, a: a!, b: b! }, data);
        return { value: -value, gradient: gradient.map((g) => -g) };
      },
      ...options,
    },
  );
  const [r, alpha, a, b] = result.x as [number, number, number, number];
  return {
    r,
    alpha,
    a,
    b,
    logLikelihood: -result.value,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    customers: summary.length,
  };
}

/** P(alive | x, t_x, T), through the log of the odds (a clean 0 for long-silent heavy buyers). */
export function mbgNbdProbabilityAlive(params: MbgNbdParams, x: number, t_x: number, T: number): number {
  validateRfm({ x, t_x, T });
  const { r, alpha, a, b } = params;
  const tx = x === 0 ? 0 : t_x;
  const logOdds = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return inverseOnePlusExp(logOdds);
}

/** BG/NBD parameters whose eq. (10) "expected if alive" factor equals MBG/NBD's: b + 1. */
export function mbgAsBgNbd(params: MbgNbdParams): BgNbdParams {
  return { r: params.r, alpha: params.alpha, a: params.a, b: params.b + 1 };
}

/**
 * E[Y(t) | x, t_x, T]: purchases expected in (T, T + t]. For x > 0 this is BG/NBD's at (a, b+1)
 * exactly (same P(alive) too); for x = 0 BG/NBD's P(alive) is 1, so its value is the "expected
 * if alive" factor, multiplied here by MBG/NBD's P(alive).
 */
export function mbgNbdConditionalExpectedPurchases(params: MbgNbdParams, t: number, x: number, t_x: number, T: number): number {
  const shifted = conditionalExpectedPurchases(mbgAsBgNbd(params), t, x, t_x, T);
  return x === 0 ? shifted * mbgNbdProbabilityAlive(params, 0, 0, T) : shifted;
}
