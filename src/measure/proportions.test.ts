import { describe, expect, it } from 'vitest';
import { newcombeDifference, twoProportionPValue, wilsonInterval } from './proportions.js';

const Z = 1.959963985;

describe('Wilson score interval', () => {
  it('matches Newcombe (1998a) for 81/263 and stays inside [0, 1] at 0 events', () => {
    const w = wilsonInterval(81, 263, Z);
    expect(w.low).toBeCloseTo(0.2553, 4);
    expect(w.high).toBeCloseTo(0.3662, 4);
    const zero = wilsonInterval(0, 20, Z);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.1611, 4);
  });
});

describe("Newcombe's hybrid score interval for a difference (method 10)", () => {
  // The worked examples of Newcombe (1998b), Statistics in Medicine 17:873–890, Table II.
  const cases: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
  ];
  it.each(cases)('%i/%i − %i/%i → [%f, %f]', (x1, n1, x0, n0, low, high) => {
    const d = newcombeDifference(x1, n1, x0, n0, Z);
    expect(d.low).toBeCloseTo(low, 4);
    expect(d.high).toBeCloseTo(high, 4);
  });
});

describe('two-proportion z-test', () => {
  it('equals the χ² test without continuity correction', () => {
    // 56/70 vs 48/80: z = 0.2 / √(0.6933·0.3067·(1/70 + 1/80)) = 2.6502, χ² = 7.0234 → p = 0.00805
    expect(twoProportionPValue(56, 70, 48, 80)).toBeCloseTo(0.00805, 5);
    expect(twoProportionPValue(0, 10, 0, 10)).toBe(1);
  });
});
