/**
 * Maximum-likelihood fitting of BG/NBD (Fader, Hardie & Lee 2005, eq. 6) over aggregated
 * (x, t_x, T) rows, with an analytic gradient so that BFGS needs a few dozen evaluations
 * instead of Nelder–Mead's few hundred. Re-exported from bg-nbd.ts; kept apart because this
 * file is about speed, the other about the model.
 */
import type { BgNbdFit, BgNbdParams } from './bg-nbd.js';
import { digammaRatio, gammalnRatio } from './math.js';
import { minimizePositive, type MinimizeOptions } from './optimize.js';
import { aggregateRfm, type AggregatedRfm, type RfmSummary } from './summary.js';

/**
 * Per row, with H(x) = r ln α + lnΓ(r+x)/Γ(r) + lnΓ(b+x)/Γ(b) − lnΓ(a+b+x)/Γ(a+b) (= A1 + A2),
 * D(x) = ln a − ln(b+x−1), L_T = ln(α+T), L_tx = ln(α+t_x), and since T >= t_x,
 *   ln L = H − (r+x) L_T + softplus(v),   v = D + (r+x)(L_T − L_tx)        (x > 0)
 *   ln L = H − r L_T                                                        (x = 0)
 * which is eq. (6) = A1 + A2 + ln(e^A3 + e^A4) rearranged so that each row costs one exp and one
 * log. Everything depending on x, t_x or T alone is computed once per distinct value; lnΓ
 * differences go through gammalnRatio, which stays accurate at the absurd parameters an
 * optimiser may probe on its way.
 */
export function bgNbdTotalLogLikelihood(params: BgNbdParams, data: AggregatedRfm): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return NaN;
  const { head, drop } = perX(params, data);
  const logT = data.distinctT.map((T) => Math.log(alpha + T));
  const logTx = data.distinctTx.map((tx) => Math.log(alpha + tx));
  const { weight, xIndex, TIndex, txIndex, x } = data;
  let total = 0;
  for (let i = 0; i < data.rows; i++) {
    const xi = xIndex[i]!;
    const rx = r + x[i]!;
    const lT = logT[TIndex[i]!]!;
    let ll = head[xi]! - rx * lT;
    const d = drop[xi]!;
    if (d !== -Infinity) {
      const v = d + rx * (lT - logTx[txIndex[i]!]!);
      // softplus; log(1 + e) rather than log1p: its absolute error, what a sum needs, is the same.
      ll += v > 36 ? v : Math.log(1 + Math.exp(v));
    }
    total += weight[i]! * ll;
  }
  return total;
}

/**
 * The same total and its gradient in (r, α, a, b). With σ = softplus'(v) = e^v/(1+e^v) and
 * Ψ(y, x) = ψ(y+x) − ψ(y):
 *   ∂/∂r = ln α + Ψ(r,x) − L_T + σ (L_T − L_tx)
 *   ∂/∂α = r/α − (r+x)/(α+T) + σ (r+x) (1/(α+T) − 1/(α+t_x))
 *   ∂/∂a = −Ψ(a+b,x) + σ/a
 *   ∂/∂b = Ψ(b,x) − Ψ(a+b,x) − σ/(b+x−1)
 */
export function bgNbdTotalLogLikelihoodGradient(
  params: BgNbdParams,
  data: AggregatedRfm,
): { value: number; gradient: [number, number, number, number] } {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return { value: NaN, gradient: [NaN, NaN, NaN, NaN] };
  const { head, drop } = perX(params, data);
  const nx = data.distinctX.length;
  const psiR = new Float64Array(nx);
  const psiB = new Float64Array(nx);
  const psiAB = new Float64Array(nx);
  const invBx1 = new Float64Array(nx);
  for (let k = 0; k < nx; k++) {
    const xv = data.distinctX[k]!;
    psiR[k] = digammaRatio(r, xv);
    psiB[k] = digammaRatio(b, xv);
    psiAB[k] = digammaRatio(a + b, xv);
    invBx1[k] = xv > 0 ? 1 / (b + xv - 1) : 0;
  }
  const logT = data.distinctT.map((T) => Math.log(alpha + T));
  const invT = data.distinctT.map((T) => 1 / (alpha + T));
  const logTx = data.distinctTx.map((tx) => Math.log(alpha + tx));
  const invTx = data.distinctTx.map((tx) => 1 / (alpha + tx));
  const { weight, xIndex, TIndex, txIndex, x } = data;
  const logAlpha = Math.log(alpha);
  let total = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  for (let i = 0; i < data.rows; i++) {
    const w = weight[i]!;
    const xi = xIndex[i]!;
    const rx = r + x[i]!;
    const ti = TIndex[i]!;
    const lT = logT[ti]!;
    let ll = head[xi]! - rx * lT;
    let dr = logAlpha + psiR[xi]! - lT;
    let dAlpha = r / alpha - rx * invT[ti]!;
    let da = -psiAB[xi]!;
    let db = psiB[xi]! - psiAB[xi]!;
    const d = drop[xi]!;
    if (d !== -Infinity) {
      const txi = txIndex[i]!;
      const gap = lT - logTx[txi]!;
      const v = d + rx * gap;
      let sigma: number;
      if (v > 36) {
        ll += v;
        sigma = 1;
      } else {
        const e = Math.exp(v);
        ll += Math.log(1 + e);
        sigma = e / (1 + e);
      }
      dr += sigma * gap;
      dAlpha += sigma * rx * (invT[ti]! - invTx[txi]!);
      da += sigma / a;
      db -= sigma * invBx1[xi]!;
    }
    total += w * ll;
    gr += w * dr;
    gAlpha += w * dAlpha;
    ga += w * da;
    gb += w * db;
  }
  return { value: total, gradient: [gr, gAlpha, ga, gb] };
}

/** H(x) and D(x) of the comment above, per distinct x. */
function perX(params: BgNbdParams, data: AggregatedRfm): { head: Float64Array; drop: Float64Array } {
  const { r, alpha, a, b } = params;
  const nx = data.distinctX.length;
  const head = new Float64Array(nx);
  const drop = new Float64Array(nx);
  const logAlphaR = r * Math.log(alpha);
  for (let k = 0; k < nx; k++) {
    const x = data.distinctX[k]!;
    head[k] = logAlphaR + gammalnRatio(r, x) + gammalnRatio(b, x) - gammalnRatio(a + b, x);
    drop[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
  }
  return { head, drop };
}

const toParams = ([r, alpha, a, b]: readonly number[]): BgNbdParams => ({ r: r!, alpha: alpha!, a: a!, b: b! });

/**
 * Maximum-likelihood fit over log-parameters (see optimize.ts). Starts from r = 1, a = b = 1 and
 * α = 1 / (mean of x/T), the Gamma mean rate matching the observed one, so the start is sensible
 * whatever the time unit.
 */
export function fitBgNbd(summary: readonly RfmSummary[], options: MinimizeOptions = {}): BgNbdFit {
  if (summary.length === 0) throw new RangeError('fitBgNbd needs at least one customer');
  const data = aggregateRfm(summary);
  let rate = 0;
  for (const c of summary) rate += c.T > 0 ? c.x / c.T : 0;
  rate /= summary.length;
  const start = [1, rate > 0 ? 1 / rate : 1, 1, 1];
  const result = minimizePositive((p) => -bgNbdTotalLogLikelihood(toParams(p), data), start, {
    valueAndGradient: (p) => {
      const { value, gradient } = bgNbdTotalLogLikelihoodGradient(toParams(p), data);
      return { value: -value, gradient: gradient.map((g) => -g) };
    },
    ...options,
  });
  const { r, alpha, a, b } = toParams(result.x);
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
