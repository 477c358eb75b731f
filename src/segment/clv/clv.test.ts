import { describe, expect, it } from 'vitest';
import { conditionalExpectedPurchases } from './bg-nbd.js';
import { customerLifetimeValue, WEEKS_PER_YEAR, type ClvInput } from './clv.js';
import { conditionalExpectedAverageSpend } from './gamma-gamma.js';

const base: ClvInput = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gg: { p: 6.25, q: 3.74, gamma: 15.44 },
  x: 2,
  t_x: 30.43,
  T: 38.86,
  zbar: 22.35,
  horizonWeeks: 39,
  stepWeeks: 1,
  discountRatePerYear: 0,
};

describe('customerLifetimeValue', () => {
  it('without discounting is E[Z] × E[Y(horizon)], whatever the step', () => {
    const spend = conditionalExpectedAverageSpend(base.gg, 2, 22.35);
    const purchases = conditionalExpectedPurchases(base.bgnbd, 39, 2, 30.43, 38.86);
    for (const stepWeeks of [1, 4.348, 39, 100]) {
      const result = customerLifetimeValue({ ...base, stepWeeks });
      expect(result.clv).toBeCloseTo(spend * purchases, 10);
      expect(result.expectedPurchases).toBeCloseTo(purchases, 12);
      expect(result.expectedAverageSpend).toBeCloseTo(spend, 12);
    }
  });

  it('discounts each step to its end: one step of a year at 10 % is exactly 1/1.1', () => {
    const undiscounted = customerLifetimeValue({ ...base, horizonWeeks: WEEKS_PER_YEAR, stepWeeks: WEEKS_PER_YEAR });
    const discounted = customerLifetimeValue({
      ...base,
      horizonWeeks: WEEKS_PER_YEAR,
      stepWeeks: WEEKS_PER_YEAR,
      discountRatePerYear: 0.1,
    });
    expect(discounted.clv).toBeCloseTo(undiscounted.clv / 1.1, 10);
    const monthly = customerLifetimeValue({ ...base, horizonWeeks: WEEKS_PER_YEAR, discountRatePerYear: 0.1 });
    expect(monthly.clv).toBeGreaterThan(discounted.clv);
    expect(monthly.clv).toBeLessThan(undiscounted.clv);
  });

  it('grows with the horizon, is 0 at horizon 0, and values x = 0 customers at the population mean spend', () => {
    const newcomer = { ...base, x: 0, t_x: 0, T: 4, zbar: 0, discountRatePerYear: 0.1 };
    expect(customerLifetimeValue({ ...newcomer, horizonWeeks: 0 }).clv).toBe(0);
    const short = customerLifetimeValue({ ...newcomer, horizonWeeks: 26 });
    const long = customerLifetimeValue({ ...newcomer, horizonWeeks: 260 });
    expect(long.clv).toBeGreaterThan(short.clv);
    expect(short.expectedAverageSpend).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
  });

  it('rejects nonsense inputs', () => {
    expect(() => customerLifetimeValue({ ...base, horizonWeeks: -1 })).toThrow(RangeError);
    expect(() => customerLifetimeValue({ ...base, stepWeeks: 0 })).toThrow(RangeError);
    expect(() => customerLifetimeValue({ ...base, discountRatePerYear: -1 })).toThrow(RangeError);
  });
});
