import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE_RULE as rule, expectedGapDays, lifecycleStage, median, type PurchaseRhythm } from './lifecycle.js';

/** Population median gap M = 40 days in every case below. */
const M = 40;

function rhythm(purchaseDays: number, recencyDays: number | null, daysSinceFirstPurchase: number | null, meanGapDays: number | null): PurchaseRhythm {
  return { purchaseDays, recencyDays, daysSinceFirstPurchase, meanGapDays };
}

describe('expectedGapDays', () => {
  it.each([
    ['no purchase', rhythm(0, null, null, null), null],
    ['one purchase day: the population gap', rhythm(1, 10, 10, null), 40],
    ['two purchase days: shrunk towards M with weight 2', rhythm(2, 5, 105, 100), (1 * 100 + 2 * 40) / 3],
    ['three purchase days: the own mean', rhythm(3, 5, 25, 10), 10],
    ['many purchase days: the own mean', rhythm(20, 1, 380, 20), 20],
    ['never below one day', rhythm(3, 0, 0, 0), 1],
  ] as const)('%s', (_label, r, gap) => {
    const value = expectedGapDays(r, M, rule);
    if (gap === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(gap, 12);
  });
});

describe('lifecycleStage (M = 40, factors 1.5 / 3 / 6, new within 2 × M = 80 days)', () => {
  it.each([
    // label, purchase days, recency, days since first purchase, mean gap, stage
    ['never bought', 0, null, null, null, 'prospect'],
    ['first purchase 10 days ago', 1, 10, 10, null, 'new'],
    ['first purchase exactly 80 days ago', 1, 80, 80, null, 'new'],
    ['two purchase days, first 60 days ago', 2, 5, 60, 55, 'new'],
    ['three purchase days is never new', 3, 5, 30, 12.5, 'active'],
    ['one purchase 81 days ago: gap M, 81 ≤ 3 × 40', 1, 81, 81, null, 'at_risk'],
    ['two purchase days, first 90 days ago: g = (40 + 2 × 40) / 3 = 40, 50 ≤ 60', 2, 50, 90, 40, 'active'],
    ['weekly buyer, 10 days quiet: 10 ≤ 1.5 × 7', 30, 10, 300, 7, 'active'],
    ['weekly buyer, 11 days quiet: 11 ≤ 3 × 7', 30, 11, 300, 7, 'at_risk'],
    ['weekly buyer, 42 days quiet: 42 ≤ 6 × 7', 30, 42, 300, 7, 'lapsed'],
    ['weekly buyer, 43 days quiet', 30, 43, 300, 7, 'churned'],
    ['yearly buyer, 300 days quiet is still active', 4, 300, 1400, 365, 'active'],
    ['two purchases 200 days apart, 250 quiet: g = (200 + 80) / 3 ≈ 93.3 → ≤ 3g', 2, 250, 450, 200, 'at_risk'],
    ['one purchase 3 years ago', 1, 1100, 1100, null, 'churned'],
  ] as const)('%s → %s', (_label, days, recency, sinceFirst, gap, stage) => {
    expect(lifecycleStage(rhythm(days, recency, sinceFirst, gap), M, rule)).toBe(stage);
  });

  it('follows configured factors', () => {
    const strict = { ...rule, activeFactor: 1, atRiskFactor: 2, lapsedFactor: 3, newMaxPurchaseDays: 0 };
    expect(lifecycleStage(rhythm(10, 11, 200, 10), M, strict)).toBe('at_risk');
    expect(lifecycleStage(rhythm(10, 31, 200, 10), M, strict)).toBe('churned');
    expect(lifecycleStage(rhythm(1, 5, 5, null), M, strict)).toBe('active');
  });
});

describe('median', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ] as const)('%j → %s', (values, m) => {
    expect(median(values)).toBe(m);
  });
});
