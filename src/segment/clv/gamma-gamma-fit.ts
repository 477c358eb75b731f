/**
 * Maximum-likelihood fitting of the Gamma-Gamma spend model (see gamma-gamma.ts) with an
 * analytic gradient. Re-exported from gamma-gamma.ts.
 */
import type { GammaGammaFit, GammaGammaParams, SpendSummary } from './gamma-gamma.js';
import { digamma, digammaRatio, gammaln, gammalnRatio } from './math.js';
import { minimizePositive, type MinimizeOptions } from './optimize.js';

/** Repeat buyers' columns, with logs taken once and x indexed by its distinct values. */
export interface SpendData {
  n: number;
  x: Float64Array;
  logX: Float64Array;
  zbar: Float64Array;
  logZbar: Float64Array;
  xIndex: Int32Array;
  distinctX: Float64Array;
}

/** Keeps the repeat buyers (x >= 1, zbar > 0): the others carry no spend information. */
export function prepareSpend(summary: readonly SpendSummary[]): SpendData {
  const buyers = summary.filter((c) => c.x >= 1 && c.zbar > 0);
  const n = buyers.length;
  const data: SpendData = {
    n,
    x: new Float64Array(n),
    logX: new Float64Array(n),
    zbar: new Float64Array(n),
    logZbar: new Float64Array(n),
    xIndex: new Int32Array(n),
    distinctX: new Float64Array(0),
  };
  const indexOf = new Map<number, number>();
  buyers.forEach((c, i) => {
    if (!Number.isInteger(c.x) || !Number.isFinite(c.zbar)) {
      throw new RangeError(`customer ${i}: need integer x and finite zbar, got x=${c.x}, zbar=${c.zbar}`);
    }
    let k = indexOf.get(c.x);
    if (k === undefined) indexOf.set(c.x, (k = indexOf.size));
    data.xIndex[i] = k;
    data.x[i] = c.x;
    data.logX[i] = Math.log(c.x);
    data.zbar[i] = c.zbar;
    data.logZbar[i] = Math.log(c.zbar);
  });
  data.distinctX = Float64Array.from(indexOf.keys());
  return data;
}

/** Σ gammaGammaLogLikelihood over the prepared buyers; lnΓ(px+q) − lnΓ(px) once per distinct x. */
export function gammaGammaTotalLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return NaN;
  const lnRatio = data.distinctX.map((x) => gammalnRatio(p * x, q)); // stable for huge p
  let total = data.n * (q * Math.log(gamma) - gammaln(q));
  for (let i = 0; i < data.n; i++) {
    const x = data.x[i]!;
    const px = p * x;
    const S = Math.log(gamma + x * data.zbar[i]!);
    total += lnRatio[data.xIndex[i]!]! + (px - 1) * data.logZbar[i]! + px * data.logX[i]! - (px + q) * S;
  }
  return total;
}

/**
 * The total and its gradient in (p, q, γ). With S = ln(γ + x·zbar):
 *   ∂/∂p = x (ψ(px+q) − ψ(px) + ln zbar + ln x − S)
 *   ∂/∂q = ψ(px+q) − ψ(q) + ln γ − S
 *   ∂/∂γ = q/γ − (px+q)/(γ + x·zbar)
 */
export function gammaGammaTotalLogLikelihoodGradient(
  params: GammaGammaParams,
  data: SpendData,
): { value: number; gradient: [number, number, number] } {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return { value: NaN, gradient: [NaN, NaN, NaN] };
  const psiQ = digamma(q);
  const lnRatio = data.distinctX.map((x) => gammalnRatio(p * x, q));
  const psiP = data.distinctX.map((x) => digammaRatio(p * x, q)); // ψ(px+q) − ψ(px)
  const psiQx = data.distinctX.map((x) => digamma(p * x + q) - psiQ); // ψ(px+q) − ψ(q)
  const logGamma = Math.log(gamma);
  let total = data.n * (q * logGamma - gammaln(q));
  let gp = 0;
  let gq = data.n * logGamma;
  let gGamma = (data.n * q) / gamma;
  for (let i = 0; i < data.n; i++) {
    const x = data.x[i]!;
    const k = data.xIndex[i]!;
    const px = p * x;
    const spend = gamma + x * data.zbar[i]!;
    const S = Math.log(spend);
    total += lnRatio[k]! + (px - 1) * data.logZbar[i]! + px * data.logX[i]! - (px + q) * S;
    gp += x * (psiP[k]! + data.logZbar[i]! + data.logX[i]! - S);
    gq += psiQx[k]! - S;
    gGamma -= (px + q) / spend;
  }
  return { value: total, gradient: [gp, gq, gGamma] };
}

const toParams = ([p, q, gamma]: readonly number[]): GammaGammaParams => ({ p: p!, q: q!, gamma: gamma! });

/**
 * Maximum likelihood on the repeat buyers, over log-parameters (see optimize.ts). Starts at
 * p = 1, q = 2, γ = mean zbar, where the population mean spend pγ/(q−1) equals the sample's.
 */
export function fitGammaGamma(summary: readonly SpendSummary[], options: MinimizeOptions = {}): GammaGammaFit {
  const data = prepareSpend(summary);
  if (data.n < 2) throw new RangeError('fitGammaGamma needs at least two repeat buyers');
  const meanSpend = data.zbar.reduce((s, z) => s + z, 0) / data.n;
  const result = minimizePositive((v) => -gammaGammaTotalLogLikelihood(toParams(v), data), [1, 2, meanSpend], {
    valueAndGradient: (v) => {
      const { value, gradient } = gammaGammaTotalLogLikelihoodGradient(toParams(v), data);
      return { value: -value, gradient: gradient.map((g) => -g) };
    },
    ...options,
  });
  const { p, q, gamma } = toParams(result.x);
  return {
    p,
    q,
    gamma,
    logLikelihood: -result.value,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    customers: data.n,
  };
}
