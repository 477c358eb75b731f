import { describe, expect, it } from 'vitest';
import { cohensD, cohensH, mean, quantileSorted, twoProportionZ, variance } from './stats.js';

describe('persona statistics', () => {
  it('computes mean, variance and interpolated quantiles', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4], 2.5)).toBeCloseTo(1.6667, 4);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10], 0.9)).toBe(10);
    expect(quantileSorted([], 0.5)).toBeNull();
  });
  it('gives Cohen d and h their textbook values', () => {
    expect(cohensD(1, 1, 50, 0, 1, 50)).toBeCloseTo(1, 6);
    expect(cohensH(0.5, 0.5)).toBe(0);
    expect(cohensH(0.8, 0.2)).toBeCloseTo(1.287, 3);
  });
  it('z statistic of two proportions', () => {
    expect(twoProportionZ(60, 100, 40, 100)).toBeCloseTo(2.828, 3);
    expect(twoProportionZ(0, 10, 0, 10)).toBe(0);
  });
});
