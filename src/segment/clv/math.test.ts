import { gammaln as ssGammaln } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  digamma,
  digammaRatio,
  gammaln,
  gammalnRatio,
  gammaSign,
  inverseOnePlusExp,
  logAddExp,
  sinPi,
} from './math.js';

describe('gammaln', () => {
  it('matches exact values on both sides of 0.5 and on the negative axis', () => {
    expect(gammaln(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(gammaln(1)).toBeCloseTo(0, 14);
    expect(gammaln(5)).toBeCloseTo(Math.log(24), 14);
    expect(gammaln(0.1)).toBeCloseTo(2.252712651734206, 13); // ln Γ(0.1)
    expect(gammaln(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13); // Γ(−½) = −2√π
    expect(gammaSign(-0.5)).toBe(-1);
    expect(gammaSign(-1.5)).toBe(1);
    expect(gammaln(-2)).toBe(Infinity);
    expect(gammaSign(-2)).toBe(0);
  });

  it('agrees with simple-statistics and Stirling for large arguments', () => {
    for (const x of [2.4, 17.3, 500, 1e6]) {
      expect(Math.abs(gammaln(x) - ssGammaln(x)) / Math.abs(ssGammaln(x))).toBeLessThan(1e-12);
    }
    const x = 1e10;
    expect(gammaln(x) / ((x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI))).toBeCloseTo(1, 14);
  });
});

describe('gammalnRatio', () => {
  it('equals the gammaln difference for moderate arguments, and d·ln y for huge ones', () => {
    for (const [y, d] of [[0.3, 4], [7.5, 0.25], [999, 3], [1001, 3], [5e4, 17.5]] as const) {
      expect(gammalnRatio(y, d)).toBeCloseTo(gammaln(y + d) - gammaln(y), 7);
    }
    expect(gammalnRatio(1e300, 3) / (3 * Math.log(1e300))).toBeCloseTo(1, 14);
    expect(gammalnRatio(4, 0)).toBe(0);
  });
});

describe('digamma', () => {
  it('matches mpmath on both sides of the recurrence threshold and on the negative axis', () => {
    const reference: [number, number][] = [
      [0.1, -10.423754940411076],
      [0.5, -1.9635100260214235],
      [1, -0.57721566490153286],
      [2.5, 0.70315664064524319],
      [9.99, 2.2507003728312011],
      [10, 2.2517525890667211],
      [123.4, 4.8113737751162774],
      [1e6, 13.815510057964191],
      [-0.5, 0.03648997397857652],
      [-2.3, 3.3173231575618227],
    ];
    for (const [x, expected] of reference) expect(digamma(x)).toBeCloseTo(expected, 12);
    expect(digamma(0)).toBeNaN();
  });

  it('digammaRatio is the difference for moderate y and ≈ d/y for huge y', () => {
    expect(digammaRatio(1500.5, 2.25)).toBeCloseTo(digamma(1502.75) - digamma(1500.5), 12);
    expect(digammaRatio(3.5, 2)).toBeCloseTo(1 / 3.5 + 1 / 4.5, 14); // ψ(y+1) = ψ(y) + 1/y
    expect(digammaRatio(1e300, 3) / 3e-300).toBeCloseTo(1, 12);
  });
});

describe('small helpers', () => {
  it('sinPi is exact at integers and half-integers', () => {
    expect(sinPi(3)).toBe(0);
    expect(Math.abs(sinPi(-7))).toBe(0);
    expect(sinPi(2.5)).toBe(1);
    expect(sinPi(1e-3 - 1)).toBeCloseTo(-Math.sin(Math.PI * 1e-3), 17);
  });

  it('logAddExp and inverseOnePlusExp never overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(inverseOnePlusExp(1000)).toBe(0);
    expect(inverseOnePlusExp(-1000)).toBe(1);
    expect(inverseOnePlusExp(0)).toBe(0.5);
  });
});
