import { describe, expect, it } from 'vitest';
import { gammaln } from './math.js';
import {
  paretoNbdConditionalExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
} from './pareto-nbd.js';

const P: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

/** Composite Simpson on [lo, hi] with n (even) panels. */
function simpson(f: (u: number) => number, lo: number, hi: number, n = 20_000): number {
  const h = (hi - lo) / n;
  let sum = f(lo) + f(hi);
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (sum * h) / 3;
}

/** The likelihood straight from its definition: alive throughout, or died in (t_x, T]. */
function likelihoodByQuadrature({ r, alpha, s, beta }: ParetoNbdParams, x: number, tx: number, T: number): number {
  const head = Math.exp(gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta));
  const alive = Math.pow(alpha + T, -(r + x)) * Math.pow(beta + T, -s);
  const died = s * simpson((u) => Math.pow(alpha + u, -(r + x)) * Math.pow(beta + u, -(s + 1)), tx, T);
  return head * (alive + died);
}

describe('paretoNbdLogLikelihood', () => {
  it.each([
    ['α > β', P, 3, 12, 30],
    ['α < β', { r: 0.8, alpha: 3, s: 1.4, beta: 20 }, 5, 7.5, 40],
    ['x = 0', P, 0, 0, 25],
    ['t_x = T', P, 2, 30, 30],
  ] as const)('matches quadrature of its definition (%s)', (_, params, x, tx, T) => {
    expect(paretoNbdLogLikelihood(params, x, tx, T)).toBeCloseTo(Math.log(likelihoodByQuadrature(params, x, tx, T)), 8);
  });
});

describe('paretoNbdConditionalExpectedPurchases', () => {
  it('is P(alive) · (r+x)/(α+T) · ∫_0^t ((β+T)/(β+T+u))^s du', () => {
    const [t, x, tx, T] = [39, 2, 30.43, 38.86];
    const integral = simpson((u) => Math.pow((P.beta + T) / (P.beta + T + u), P.s), 0, t);
    const expected = (paretoNbdProbabilityAlive(P, x, tx, T) * (P.r + x) * integral) / (P.alpha + T);
    expect(paretoNbdConditionalExpectedPurchases(P, t, x, tx, T)).toBeCloseTo(expected, 9);
  });

  it('is continuous through s = 1 and 0 at t = 0', () => {
    const at = (s: number): number => paretoNbdConditionalExpectedPurchases({ ...P, s }, 52, 3, 20, 30);
    expect(Math.abs(at(1) - (at(1 - 1e-7) + at(1 + 1e-7)) / 2)).toBeLessThan(1e-9);
    expect(paretoNbdConditionalExpectedPurchases(P, 0, 3, 20, 30)).toBe(0);
  });

  it('P(alive) is 1 for a brand-new customer and falls with silence', () => {
    expect(paretoNbdProbabilityAlive(P, 0, 0, 0)).toBe(1);
    expect(paretoNbdProbabilityAlive(P, 4, 29, 30)).toBeGreaterThan(paretoNbdProbabilityAlive(P, 4, 5, 30));
    expect(paretoNbdProbabilityAlive(P, 0, 0, 10)).toBeGreaterThan(paretoNbdProbabilityAlive(P, 0, 0, 100));
  });
});
