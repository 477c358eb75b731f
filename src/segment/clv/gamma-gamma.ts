/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using
 * iso-value curves for customer base analysis", J. Marketing Research 42(4); specified in
 * Fader & Hardie's note "The Gamma-Gamma model of monetary value", 2013).
 * Each transaction value is Gamma(p, ν); ν varies across customers as Gamma(q, γ). Only
 * repeat buyers (x >= 1) carry spend information, and the model assumes spend is independent
 * of the purchase process — check that before trusting CLV built on it.
 */
import { gammaln, gammalnRatio } from './math.js';

export {
  fitGammaGamma,
  gammaGammaTotalLogLikelihood,
  gammaGammaTotalLogLikelihoodGradient,
  prepareSpend,
} from './gamma-gamma-fit.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Customers the fit used (x >= 1 and zbar > 0). */
  customers: number;
}

/** x: repeat transactions in calibration; zbar: their mean value (the first purchase excluded). */
export interface SpendSummary {
  x: number;
  zbar: number;
}

/**
 * log f(zbar | x; p, q, γ): the density of the mean of x Gamma(p, ν) values with ν integrated
 * over Gamma(q, γ) (the 2013 note's marginal distribution, written as a density of zbar rather
 * than of the sum x·zbar, hence the extra x^(px) factor; same form as lifetimes' GammaGammaFitter):
 *   lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln zbar + px ln x − (px+q) ln(γ + x zbar).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    gammalnRatio(px, q) - gammaln(q) + q * Math.log(gamma) +
    (px - 1) * Math.log(zbar) + px * Math.log(x) - (px + q) * Math.log(gamma + x * zbar)
  );
}

/**
 * E[Z | x, zbar], the posterior mean of p/ν (FHL 2005 "RFM and CLV"; Fader & Hardie 2013 note):
 *   p(γ + x·zbar) / (px + q − 1)
 * = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · zbar,
 * a credibility-weighted blend of the population mean pγ/(q−1) and the customer's own mean.
 * For x = 0 it is the population mean, which is only finite for q > 1 (NaN otherwise).
 */
export function conditionalExpectedAverageSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) return NaN;
  return (p * (gamma + x * (x > 0 ? zbar : 0))) / denominator;
}
