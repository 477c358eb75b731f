/**
 * The CLV model's check on its own data: cut the history at `as_of − H`, fit on what came
 * before, forecast the last H days, and compare with the purchase days that were made.
 * Pure: no database, no clock.
 *
 * Only customers who had bought by the cut are in the check's cohort (the models forecast
 * known customers; someone whose first purchase falls inside the holdout is a new customer).
 */
import { auc } from './auc.js';
import { dayNumber, summarizePurchaseDays, type CustomerSummary, type PurchaseDay } from './customer-summary.js';

/** The holdout used when `holdout_days: auto`: 90 days, or a third of a shorter history. */
export const AUTO_HOLDOUT_MAX_DAYS = 90;
/** Below this a holdout says too little to check anything. */
export const MIN_HOLDOUT_DAYS = 7;
/** Customers the cohort needs at the cut for the check to mean something. */
export const MIN_CHECK_CUSTOMERS = 20;

export interface HoldoutSplit {
  readonly days: number;
  /** `as_of − H` (YYYY-MM-DD): the end of the calibration period. */
  readonly cutoff: string;
  /** Summaries as of the cutoff (the cohort), in input order. */
  readonly calibration: readonly CustomerSummary[];
  /** Purchase days each cohort customer made in (cutoff, as_of], aligned with `calibration`. */
  readonly actual: readonly number[];
}

/**
 * H in days: the configured number, or for `auto` min(90, a third of the history from the first
 * purchase day to as_of), so that the calibration period is at least twice as long as the
 * holdout. Returns a reason instead when the history is too short for a holdout of 7 days or
 * more.
 */
export function resolveHoldoutDays(setting: number | 'auto', days: readonly PurchaseDay[], asOf: string): number | string {
  const end = dayNumber(asOf);
  let first = Infinity;
  for (const d of days) {
    const n = dayNumber(d.day);
    if (n <= end && n < first) first = n;
  }
  const history = Number.isFinite(first) ? end - first : 0;
  const H = setting === 'auto' ? Math.min(AUTO_HOLDOUT_MAX_DAYS, Math.floor(history / 3)) : setting;
  if (H < MIN_HOLDOUT_DAYS) return `the purchase history is ${history} days long: too short for a holdout of ${MIN_HOLDOUT_DAYS} days or more`;
  if (H >= history) return `the purchase history is ${history} days long: no calibration period is left before as_of − ${H} days`;
  return H;
}

/** The cohort at `as_of − H` and what each of its customers bought in the last H days. */
export function splitHoldout(days: readonly PurchaseDay[], asOf: string, holdoutDays: number): HoldoutSplit {
  const cutoffDay = dayNumber(asOf) - holdoutDays;
  const cutoff = new Date(cutoffDay * 86_400_000).toISOString().slice(0, 10);
  const calibration = summarizePurchaseDays(days, cutoff);
  const end = dayNumber(asOf);
  const bought = new Map<string, Set<number>>();
  for (const d of days) {
    const n = dayNumber(d.day);
    if (n <= cutoffDay || n > end) continue;
    let set = bought.get(d.customerId);
    if (!set) bought.set(d.customerId, (set = new Set()));
    set.add(n);
  }
  return { days: holdoutDays, cutoff, calibration, actual: calibration.map((c) => bought.get(c.customerId)?.size ?? 0) };
}

export interface HoldoutMetrics {
  readonly customers: number;
  readonly actualPurchases: number;
  readonly expectedPurchases: number;
  /** (expected − actual) / actual of the cohort's total; NaN when nobody bought. */
  readonly relativeError: number;
  /** Mean absolute error per customer, in purchase days. */
  readonly mae: number;
  /** AUC of the expected purchases for "bought again in the holdout"; NaN when one class is empty. */
  readonly aucPurchases: number;
  /** AUC of P(alive) for the same; NaN when one class is empty. */
  readonly aucPAlive: number;
}

/** Forecast against outcome over the cohort (arrays aligned with the split's calibration). */
export function holdoutMetrics(expected: readonly number[], pAlive: readonly number[], actual: readonly number[]): HoldoutMetrics {
  let a = 0;
  let e = 0;
  let absolute = 0;
  for (let i = 0; i < actual.length; i++) {
    a += actual[i]!;
    e += expected[i]!;
    absolute += Math.abs(expected[i]! - actual[i]!);
  }
  const boughtAgain = actual.map((n) => n > 0);
  return {
    customers: actual.length,
    actualPurchases: a,
    expectedPurchases: e,
    relativeError: a > 0 ? (e - a) / a : NaN,
    mae: actual.length > 0 ? absolute / actual.length : NaN,
    aucPurchases: actual.length > 0 ? auc(expected, boughtAgain) : NaN,
    aucPAlive: actual.length > 0 ? auc(pAlive, boughtAgain) : NaN,
  };
}
