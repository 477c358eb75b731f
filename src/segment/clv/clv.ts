/**
 * Customer lifetime value from BG/NBD (how many purchases) × Gamma-Gamma (how much each), as
 * the discrete-step sum of lifetimes' customer_lifetime_value (Fader, Hardie & Lee 2005 "RFM and
 * CLV" discount in continuous time instead; with monthly steps the two barely differ):
 *   CLV = E[Z | x, zbar] · Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) · (1 + d)^(−t_k / weeksPerYear)
 * with t_k = min(k · step, horizon), E[Y(t)] the conditional expected purchases of bg-nbd.ts
 * (eq. 10) and purchases in step k discounted to its end. Multiplying the two expectations
 * relies on the Gamma-Gamma assumption that spend is independent of the purchase process.
 *
 * Units: t_x, T, horizonWeeks and stepWeeks must be in the time unit the BG/NBD model was
 * fitted in, taken to be weeks (as in CDNOW); weeksPerYear converts them to years for the
 * annual discount rate. A model fitted in days works too if every time here is in days and
 * weeksPerYear is set to 365.25. The result is in the currency of zbar (revenue, not margin:
 * multiply by a margin yourself).
 */
import { conditionalExpectedPurchases, type BgNbdParams } from './bg-nbd.js';
import { conditionalExpectedAverageSpend, type GammaGammaParams } from './gamma-gamma.js';

export interface ClvInput {
  bgnbd: BgNbdParams;
  gg: GammaGammaParams;
  /** Repeat purchases, recency and age in calibration (see RfmSummary). */
  x: number;
  t_x: number;
  T: number;
  /** Mean value of the repeat purchases; ignored when x = 0. */
  zbar: number;
  horizonWeeks: number;
  /** Discounting granularity (default 4.348 weeks ≈ one month; the last step may be partial). */
  stepWeeks?: number;
  /** Annual discount rate, e.g. 0.1 for 10 % a year. */
  discountRatePerYear: number;
  /** Default 365.25 / 7. */
  weeksPerYear?: number;
}

export interface ClvResult {
  /** Discounted expected revenue over the horizon. */
  clv: number;
  /** Undiscounted expected purchases over the horizon, E[Y(horizon)]. */
  expectedPurchases: number;
  /** E[Z | x, zbar] from the Gamma-Gamma model. */
  expectedAverageSpend: number;
}

export const WEEKS_PER_YEAR = 365.25 / 7;
export const WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12;

export function customerLifetimeValue(input: ClvInput): ClvResult {
  const { bgnbd, gg, x, t_x, T, zbar, horizonWeeks, discountRatePerYear } = input;
  const stepWeeks = input.stepWeeks ?? WEEKS_PER_MONTH;
  const weeksPerYear = input.weeksPerYear ?? WEEKS_PER_YEAR;
  if (!(horizonWeeks >= 0 && Number.isFinite(horizonWeeks))) {
    throw new RangeError(`horizonWeeks must be finite and >= 0, got ${horizonWeeks}`);
  }
  if (!(stepWeeks > 0)) throw new RangeError(`stepWeeks must be > 0, got ${stepWeeks}`);
  if (!(discountRatePerYear > -1)) throw new RangeError(`discountRatePerYear must be > -1, got ${discountRatePerYear}`);
  const expectedAverageSpend = conditionalExpectedAverageSpend(gg, x, zbar);
  const { discounted, total } = discountedExpectedPurchases(bgnbd, x, t_x, T, horizonWeeks, discountRatePerYear, stepWeeks, weeksPerYear);
  return { clv: expectedAverageSpend * discounted, expectedPurchases: total, expectedAverageSpend };
}

/**
 * Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) · (1 + d)^(−t_k / weeksPerYear): the expected purchases over
 * the horizon, each step discounted to its end (`discounted`), and undiscounted (`total`).
 */
export function discountedExpectedPurchases(
  bgnbd: BgNbdParams,
  x: number,
  t_x: number,
  T: number,
  horizonWeeks: number,
  discountRatePerYear: number,
  stepWeeks = WEEKS_PER_MONTH,
  weeksPerYear = WEEKS_PER_YEAR,
): { discounted: number; total: number } {
  const steps = Math.ceil(horizonWeeks / stepWeeks - 1e-9);
  let discounted = 0;
  let previous = 0;
  for (let k = 1; k <= steps; k++) {
    const t = Math.min(k * stepWeeks, horizonWeeks);
    const cumulative = conditionalExpectedPurchases(bgnbd, t, x, t_x, T);
    discounted += (cumulative - previous) * Math.pow(1 + discountRatePerYear, -t / weeksPerYear);
    previous = cumulative;
  }
  return { discounted, total: previous };
}
