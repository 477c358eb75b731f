/**
 * Signs that a fitted CLV model must not be published, each as a sentence a person can act
 * on (null when the check passes). Pure.
 *
 * Why these: a buy-till-you-die fit can reach the edge of its parameter space when the data
 * cannot identify it (few repeat purchases, a short history): r and α run off to millions
 * (a homogeneous purchase rate), where eq. (10)'s 2F1 loses every digit and expectations come
 * out negative; or a → 0 (nobody ever drops out), where P(alive) is close to 1 for everyone
 * and no longer ranks lapsed customers below active ones.
 */
import type { BgNbdFit } from './bg-nbd.js';
import type { GammaGammaFit } from './gamma-gamma.js';

/** Parameters outside [1/LIMIT, LIMIT] are at the edge of the space, not an estimate. */
export const PARAMETER_LIMIT = 1e4;
/** P(alive) ranks when the middle 80 % of customers spread over at least this much. */
export const MIN_P_ALIVE_SPREAD = 0.05;
/** Gamma-Gamma's population mean spend must lie within this factor of the observed mean. */
export const SPEND_MEAN_FACTOR = 3;

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4))));

/** Numerical failure or absurd parameters of a purchase-model fit. */
export function purchaseFitProblem(fit: BgNbdFit): string | null {
  const params = { r: fit.r, α: fit.alpha, a: fit.a, b: fit.b };
  const shown = Object.entries(params).map(([k, v]) => `${k} = ${fmt(v)}`).join(', ');
  if (!Object.values(params).every((v) => Number.isFinite(v) && v > 0) || !Number.isFinite(fit.logLikelihood)) {
    return `the fit failed numerically (${shown}, log-likelihood ${fit.logLikelihood})`;
  }
  const absurd = Object.entries(params).filter(([, v]) => v > PARAMETER_LIMIT || v < 1 / PARAMETER_LIMIT);
  if (absurd.length > 0) return `the fit ran to the edge of the parameter space (${shown}): the data cannot identify the model`;
  return null;
}

/**
 * Non-finite or impossible forecasts anywhere: P(alive) outside [0, 1], negative or non-finite
 * expected purchases or CLV, or fewer purchases expected in 365 days than in 90.
 */
export function forecastProblem(rows: readonly { customerId: string; p_alive: number | null; expected_purchases_90d: number | null; expected_purchases_365d: number | null; clv: number | null }[]): string | null {
  let bad = 0;
  let example = '';
  for (const r of rows) {
    const values = [r.expected_purchases_90d, r.expected_purchases_365d, r.clv];
    const ok =
      r.p_alive !== null && Number.isFinite(r.p_alive) && r.p_alive >= 0 && r.p_alive <= 1 &&
      values.every((v) => v === null || (Number.isFinite(v) && v >= 0)) &&
      (r.expected_purchases_90d === null || r.expected_purchases_365d === null || r.expected_purchases_90d <= r.expected_purchases_365d * (1 + 1e-9) + 1e-12);
    if (!ok) {
      if (bad === 0) example = `customer ${r.customerId}: p_alive ${r.p_alive}, expected_purchases_90d ${r.expected_purchases_90d}, expected_purchases_365d ${r.expected_purchases_365d}, clv ${r.clv}`;
      bad++;
    }
  }
  return bad === 0 ? null : `${bad} customers got an impossible forecast (e.g. ${example})`;
}

/** P(alive) that puts (nearly) everyone at the same value cannot rank anyone. */
export function pAliveSpreadProblem(pAlive: readonly number[]): string | null {
  if (pAlive.length < 2) return null;
  const sorted = Float64Array.from(pAlive).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const low = at(0.1);
  const high = at(0.9);
  if (high - low >= MIN_P_ALIVE_SPREAD) return null;
  return `P(alive) does not rank: 80 % of customers lie between ${low.toFixed(3)} and ${high.toFixed(3)}`;
}

/** A Gamma-Gamma fit that did not converge, has no finite mean, or misses the observed mean spend. */
export function spendFitProblem(gg: GammaGammaFit, observedMeanZbar: number): string | null {
  const shown = `p = ${fmt(gg.p)}, q = ${fmt(gg.q)}, γ = ${fmt(gg.gamma)}`;
  if (![gg.p, gg.q, gg.gamma, gg.logLikelihood].every(Number.isFinite)) return `Gamma-Gamma failed numerically (${shown})`;
  if (!(gg.q > 1)) return `Gamma-Gamma has q = ${fmt(gg.q)} ≤ 1: the population mean spend is infinite`;
  if (!gg.converged) return `Gamma-Gamma did not converge (${shown})`;
  const mean = (gg.p * gg.gamma) / (gg.q - 1);
  if (!(mean <= observedMeanZbar * SPEND_MEAN_FACTOR && mean >= observedMeanZbar / SPEND_MEAN_FACTOR)) {
    return `Gamma-Gamma's population mean spend ${fmt(mean)} is far from the observed ${fmt(observedMeanZbar)} (${shown})`;
  }
  return null;
}
