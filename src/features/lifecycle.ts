/**
 * Lifecycle stage of a customer relative to their OWN purchase rhythm. Pure.
 *
 * Inputs are whole days on the as_of calendar: purchase days = distinct UTC days with a completed
 * order; recency = as_of − last purchase day; age of the relationship = as_of − first purchase
 * day; mean gap = (last − first purchase day) / (purchase days − 1).
 *
 * Expected gap g (days):
 * - purchase days ≥ own_rhythm_min_purchase_days (3): the customer's own mean gap;
 * - fewer: a blend shrunk towards the population median gap M, weighted by the number of gaps
 *   observed: g = (n_gaps × own + prior_weight × M) / (n_gaps + prior_weight), n_gaps = days − 1
 *   (so one purchase day gives g = M).
 * g is never below 1 day.
 *
 * Stage, first rule that applies:
 * 1. prospect  — no purchase day;
 * 2. new       — first purchase within the last new_factor × M days and at most
 *                new_max_purchase_days purchase days;
 * 3. active    — recency ≤ active_factor × g;
 * 4. at_risk   — recency ≤ at_risk_factor × g;
 * 5. lapsed    — recency ≤ lapsed_factor × g;
 * 6. churned   — otherwise.
 */

export const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'at_risk', 'lapsed', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export interface LifecycleRule {
  readonly activeFactor: number;
  readonly atRiskFactor: number;
  readonly lapsedFactor: number;
  readonly newFactor: number;
  readonly newMaxPurchaseDays: number;
  readonly ownRhythmMinPurchaseDays: number;
  readonly priorWeight: number;
}

export const DEFAULT_LIFECYCLE_RULE: LifecycleRule = {
  activeFactor: 1.5,
  atRiskFactor: 3,
  lapsedFactor: 6,
  newFactor: 2,
  newMaxPurchaseDays: 2,
  ownRhythmMinPurchaseDays: 3,
  priorWeight: 2,
};

export interface PurchaseRhythm {
  /** Distinct days with a completed order (0 = never bought). */
  readonly purchaseDays: number;
  /** as_of − last purchase day; null without purchase. */
  readonly recencyDays: number | null;
  /** as_of − first purchase day; null without purchase. */
  readonly daysSinceFirstPurchase: number | null;
  /** Mean days between consecutive purchase days; null with fewer than 2 purchase days. */
  readonly meanGapDays: number | null;
}

/** The gap the customer's rhythm leads us to expect, in days; null without purchase. */
export function expectedGapDays(rhythm: PurchaseRhythm, populationGapDays: number, rule: LifecycleRule): number | null {
  if (rhythm.purchaseDays <= 0) return null;
  const gaps = rhythm.purchaseDays - 1;
  const own = rhythm.meanGapDays;
  let gap: number;
  if (gaps > 0 && own !== null && rhythm.purchaseDays >= rule.ownRhythmMinPurchaseDays) gap = own;
  else if (gaps > 0 && own !== null) gap = (gaps * own + rule.priorWeight * populationGapDays) / (gaps + rule.priorWeight);
  else gap = populationGapDays;
  return Math.max(1, gap);
}

export function lifecycleStage(rhythm: PurchaseRhythm, populationGapDays: number, rule: LifecycleRule): LifecycleStage {
  if (rhythm.purchaseDays <= 0 || rhythm.recencyDays === null) return 'prospect';
  if (
    rhythm.daysSinceFirstPurchase !== null &&
    rhythm.daysSinceFirstPurchase <= rule.newFactor * populationGapDays &&
    rhythm.purchaseDays <= rule.newMaxPurchaseDays
  ) {
    return 'new';
  }
  const gap = expectedGapDays(rhythm, populationGapDays, rule)!;
  const r = rhythm.recencyDays;
  if (r <= rule.activeFactor * gap) return 'active';
  if (r <= rule.atRiskFactor * gap) return 'at_risk';
  if (r <= rule.lapsedFactor * gap) return 'lapsed';
  return 'churned';
}

/** Median of the values (any order); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
