/**
 * MBG/NBD: the likelihood and expectations against their closed forms, the relation to BG/NBD
 * they are built on, and the CDNOW fit against BTYDplus / lifetimes (r 0.525, α 6.183,
 * a 0.891, b 1.614; lifetimes' test_params_out_is_close_to_BTYDplus, 3 decimals).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conditionalExpectedPurchases, probabilityAlive } from './bg-nbd.js';
import { gaussSeries } from './hyp2f1.js';
import { gammaln } from './math.js';
import {
  fitMbgNbd,
  mbgNbdConditionalExpectedPurchases,
  mbgNbdLogLikelihood,
  mbgNbdProbabilityAlive,
  mbgNbdTotalLogLikelihood,
  mbgNbdTotalLogLikelihoodGradient,
  type MbgNbdParams,
} from './mbg-nbd.js';
import { aggregateRfm } from './summary.js';

const P: MbgNbdParams = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

/** The likelihood written out as two Beta-function terms (Batislam et al. 2007, eq. 3). */
function directLikelihood({ r, alpha, a, b }: MbgNbdParams, x: number, t_x: number, T: number): number {
  const lnB = (p: number, q: number): number => gammaln(p) + gammaln(q) - gammaln(p + q);
  const head = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const alive = lnB(a, b + x + 1) - lnB(a, b) - (r + x) * Math.log(alpha + T);
  const dropped = lnB(a + 1, b + x) - lnB(a, b) - (r + x) * Math.log(alpha + t_x);
  return head + Math.log(Math.exp(alive) + Math.exp(dropped));
}

/** E[Y(t)] in lifetimes' untransformed form, with a plain Gauss series for 2F1. */
function directExpected({ r, alpha, a, b }: MbgNbdParams, t: number, x: number, t_x: number, T: number): number {
  const z = t / (alpha + T + t);
  const bracket = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * gaussSeries(r + x, b + x + 1, a + b + x, z);
  const pAlive = 1 / (1 + (a / (b + x)) * Math.pow((alpha + T) / (alpha + t_x), r + x));
  return ((a + b + x) / (a - 1)) * bracket * pAlive;
}

describe('MBG/NBD expressions', () => {
  it('log-likelihood equals the two-term Beta form, also for x = 0 (drop-out at the first purchase)', () => {
    for (const [x, t_x, T] of [[0, 0, 30], [1, 5, 30], [2, 30.43, 38.86], [12, 20, 39]] as const) {
      expect(mbgNbdLogLikelihood(P, x, t_x, T)).toBeCloseTo(directLikelihood(P, x, t_x, T), 10);
    }
  });

  it('the aggregated total is the sum over customers', () => {
    const rows = [{ x: 0, t_x: 0, T: 30 }, { x: 0, t_x: 0, T: 30 }, { x: 3, t_x: 10, T: 30 }, { x: 1, t_x: 2, T: 12 }];
    const sum = rows.reduce((s, c) => s + mbgNbdLogLikelihood(P, c.x, c.t_x, c.T), 0);
    expect(mbgNbdTotalLogLikelihood(P, aggregateRfm(rows))).toBeCloseTo(sum, 9);
  });

  it('the analytic gradient matches central differences', () => {
    const data = aggregateRfm([{ x: 0, t_x: 0, T: 30 }, { x: 3, t_x: 10, T: 30 }, { x: 1, t_x: 2, T: 12 }, { x: 7, t_x: 25, T: 26 }]);
    const { value, gradient } = mbgNbdTotalLogLikelihoodGradient(P, data);
    expect(value).toBeCloseTo(mbgNbdTotalLogLikelihood(P, data), 12);
    (['r', 'alpha', 'a', 'b'] as const).forEach((key, i) => {
      const h = 1e-6 * P[key];
      const up = mbgNbdTotalLogLikelihood({ ...P, [key]: P[key] + h }, data);
      const down = mbgNbdTotalLogLikelihood({ ...P, [key]: P[key] - h }, data);
      expect(gradient[i]).toBeCloseTo((up - down) / (2 * h), 5);
    });
  });

  it('P(alive) of a one-time buyer falls with the time since the purchase (BG/NBD keeps it at 1)', () => {
    const recent = mbgNbdProbabilityAlive(P, 0, 0, 2);
    const old = mbgNbdProbabilityAlive(P, 0, 0, 100);
    expect(recent).toBeGreaterThan(old);
    expect(old).toBeGreaterThan(0);
    expect(probabilityAlive(P, 0, 0, 100)).toBe(1);
    expect(mbgNbdProbabilityAlive(P, 0, 0, 0)).toBeCloseTo(1 / (1 + P.a / P.b), 12);
    expect(mbgNbdProbabilityAlive(P, 3, 10, 10)).toBeCloseTo(1 / (1 + P.a / (P.b + 3)), 12);
  });

  it('E[Y(t)] equals the direct formula, and BG/NBD at b + 1 for repeat buyers', () => {
    for (const [t, x, t_x, T] of [[39, 0, 0, 38.86], [39, 2, 30.43, 38.86], [52, 7, 20, 40], [4, 1, 1, 3]] as const) {
      const value = mbgNbdConditionalExpectedPurchases(P, t, x, t_x, T);
      expect(Math.abs(value - directExpected(P, t, x, t_x, T)) / value).toBeLessThan(1e-9);
      if (x > 0) expect(value).toBeCloseTo(conditionalExpectedPurchases({ ...P, b: P.b + 1 }, t, x, t_x, T), 12);
    }
    expect(mbgNbdConditionalExpectedPurchases(P, 0, 2, 1, 3)).toBe(0);
  });
});

describe('MBG/NBD on CDNOW', () => {
  const customers = readFileSync(new URL('../../../../shared/data/cdnow/cdnow_customers_summary.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, x, t_x, T] = line.split(',').map(Number) as [number, number, number, number];
      return { x, t_x, T };
    });

  it('reproduces BTYDplus / lifetimes: r 0.525, α 6.183, a 0.891, b 1.614', () => {
    const fit = fitMbgNbd(customers);
    expect(customers).toHaveLength(2357);
    expect(fit.converged).toBe(true);
    const derivativeFree = fitMbgNbd(customers, { valueAndGradient: undefined });
    expect(Math.abs(derivativeFree.logLikelihood - fit.logLikelihood)).toBeLessThan(1e-6);
    expect(derivativeFree.evaluations).toBeGreaterThan(fit.evaluations);
    expect(fit.r).toBeCloseTo(0.525, 3);
    expect(fit.alpha).toBeCloseTo(6.183, 3);
    expect(fit.a).toBeCloseTo(0.891, 3);
    expect(fit.b).toBeCloseTo(1.614, 3);
    // lifetimes' Hardie-sheet check: about 1.226 purchases in 39 weeks for x 2, t_x 30.43, T 38.86
    expect(Math.abs(mbgNbdConditionalExpectedPurchases(fit, 39, 2, 30.43, 38.86) - 1.226)).toBeLessThan(0.05);
  });
});
