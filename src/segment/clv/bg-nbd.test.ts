import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  bgNbdTotalLogLikelihood,
  bgNbdTotalLogLikelihoodGradient,
  conditionalExpectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
  type BgNbdParams,
} from './bg-nbd.js';
import { hyp2f1 } from './hyp2f1.js';
import { gammaln } from './math.js';
import { aggregateRfm } from './summary.js';

const P: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const relative = (value: number, target: number): number => Math.abs(value - target) / Math.abs(target);

// Eq. (10) evaluated independently with mpmath at 50 digits, in its original (untransformed)
// form: [t, x, t_x, T, E[Y(t)]]. Covers the paper's example, x = 0, long horizons (z → 1),
// heavy buyers, a customer silent for 1e5 weeks, and a tiny t.
const REFERENCE: [number, number, number, number, number][] = [
  [39, 2, 30.43, 38.86, 1.2260281747671445],
  [39, 0, 0, 38.86, 0.19509805201126264],
  [520, 0, 0, 1, 4.5342633858167149],
  [52, 50, 30, 38, 0.078571256829050197],
  [1000, 5, 10, 20, 12.083326410439698],
  [39, 300, 38, 38.86, 98.841061234005097],
  [39, 3, 1, 100000.0, 1.0290164567375735e-16],
  [100000.0, 0, 0, 0, 29.607861654554952],
  [0.001, 0, 0, 10, 1.6858430615781075e-5],
];

describe('bgNbdLogLikelihood (eq. 6)', () => {
  it('for x = 0 is the "still alive, no purchase" term alone', () => {
    const { r, alpha, a, b } = P;
    const T = 30;
    // B(a, b)/B(a, b) · Γ(r) α^r / (Γ(r) (α+T)^r)  =  (α/(α+T))^r
    expect(bgNbdLogLikelihood(P, 0, 0, T)).toBeCloseTo(r * Math.log(alpha / (alpha + T)), 12);
    expect(a + b).toBeGreaterThan(0);
  });

  it('matches the textbook (non-log) form of eq. (6) for a repeat buyer', () => {
    const { r, alpha, a, b } = P;
    const [x, tx, T] = [3, 20, 35];
    const lnB = (p: number, q: number): number => gammaln(p) + gammaln(q) - gammaln(p + q);
    const common = gammaln(r + x) + r * Math.log(alpha) - gammaln(r);
    const alive = Math.exp(lnB(a, b + x) - lnB(a, b) + common - (r + x) * Math.log(alpha + T));
    const dropped = Math.exp(lnB(a + 1, b + x - 1) - lnB(a, b) + common - (r + x) * Math.log(alpha + tx));
    expect(bgNbdLogLikelihood(P, x, tx, T)).toBeCloseTo(Math.log(alive + dropped), 12);
  });

  it('stays finite for very heavy buyers and very large T', () => {
    expect(Number.isFinite(bgNbdLogLikelihood(P, 5000, 100, 101))).toBe(true);
    expect(Number.isFinite(bgNbdLogLikelihood(P, 3, 1, 1e9))).toBe(true);
    expect(Number.isFinite(bgNbdLogLikelihood({ r: 1e-8, alpha: 1e8, a: 1e10, b: 1e-10 }, 4, 2, 9))).toBe(true);
  });

  it('summed over aggregated rows equals the per-customer sum', () => {
    const customers = [
      { x: 0, t_x: 0, T: 10 },
      { x: 0, t_x: 3, T: 10 }, // t_x is meaningless at x = 0 and is normalised away
      { x: 2, t_x: 4, T: 10 },
      { x: 2, t_x: 4, T: 10 },
      { x: 7, t_x: 9.5, T: 12 },
    ];
    const data = aggregateRfm(customers);
    expect(data.rows).toBe(3);
    const direct = customers.reduce((s, c) => s + bgNbdLogLikelihood(P, c.x, c.t_x, c.T), 0);
    expect(bgNbdTotalLogLikelihood(P, data)).toBeCloseTo(direct, 10);
  });

  it('has the analytic gradient the central differences say (x = 0, heavy and lapsed rows)', () => {
    const data = aggregateRfm([
      { x: 0, t_x: 0, T: 10 },
      { x: 2, t_x: 4, T: 10 },
      { x: 7, t_x: 9.5, T: 12 },
      { x: 40, t_x: 3, T: 300 }, // v > 36: the softplus's linear branch
    ]);
    const { value, gradient } = bgNbdTotalLogLikelihoodGradient(P, data);
    expect(value).toBeCloseTo(bgNbdTotalLogLikelihood(P, data), 10);
    (['r', 'alpha', 'a', 'b'] as const).forEach((key, i) => {
      const h = 1e-6 * P[key];
      const up = bgNbdTotalLogLikelihood({ ...P, [key]: P[key] + h }, data);
      const down = bgNbdTotalLogLikelihood({ ...P, [key]: P[key] - h }, data);
      expect(gradient[i]).toBeCloseTo((up - down) / (2 * h), 4);
    });
  });

  it('rejects impossible summaries', () => {
    expect(() => bgNbdLogLikelihood(P, 1, 5, 4)).toThrow(RangeError); // t_x > T
    expect(() => bgNbdLogLikelihood(P, 1.5, 1, 4)).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(P, -1, 0, 4)).toThrow(RangeError);
    expect(() => fitBgNbd([])).toThrow(RangeError);
  });
});

describe('conditionalExpectedPurchases (eq. 10)', () => {
  it.each(REFERENCE)('t=%d x=%d t_x=%d T=%d matches mpmath', (t, x, tx, T, expected) => {
    expect(relative(conditionalExpectedPurchases(P, t, x, tx, T), expected)).toBeLessThan(1e-9);
  });

  it('agrees with the untransformed 2F1 form where that one is computable', () => {
    const { r, alpha, a, b } = P;
    for (const [t, x, tx, T] of [[39, 2, 30.43, 38.86], [200, 6, 20, 30], [13, 0, 0, 5]] as const) {
      const z = t / (alpha + T + t);
      const bracket = 1 - Math.pow(1 - z, r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
      const original = ((a + b + x - 1) / (a - 1)) * bracket * probabilityAlive(P, x, tx, T);
      expect(relative(conditionalExpectedPurchases(P, t, x, tx, T), original)).toBeLessThan(1e-10);
    }
  });

  it('is 0 at t = 0, increasing in t, and for x = 0 decreasing in T', () => {
    expect(conditionalExpectedPurchases(P, 0, 2, 10, 20)).toBe(0);
    let previous = 0;
    for (const t of [1, 5, 26, 52, 260, 2600]) {
      const e = conditionalExpectedPurchases(P, t, 2, 10, 20);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
    const [young, old] = [10, 30].map((T) => conditionalExpectedPurchases(P, 39, 0, 0, T));
    expect(young).toBeGreaterThan(old!);
  });

  it('for a new customer starts at the mean rate r/α and tends to E[1/p] = (a+b−1)/(a−1) when a > 1', () => {
    const t = 1e-4;
    expect(relative(expectedPurchasesNewCustomer(P, t) / t, P.r / P.alpha)).toBeLessThan(1e-3);
    const q = { r: 0.5, alpha: 3, a: 2.5, b: 2 };
    expect(relative(expectedPurchasesNewCustomer(q, 1e12), (q.a + q.b - 1) / (q.a - 1))).toBeLessThan(1e-4);
  });

  it('resolves the 0/0 at a = 1 (mpmath: 1.37208627957)', () => {
    const q = { r: 0.5, alpha: 3, a: 1, b: 2 };
    expect(relative(conditionalExpectedPurchases(q, 26, 4, 20, 30), 1.3720862795689)).toBeLessThan(1e-8);
    const nearlyOne = conditionalExpectedPurchases({ ...q, a: 1 + 1e-9 }, 26, 4, 20, 30);
    expect(relative(nearlyOne, 1.3720862795689)).toBeLessThan(1e-8);
  });

  it('rejects a negative or non-finite horizon', () => {
    expect(() => conditionalExpectedPurchases(P, -1, 0, 0, 1)).toThrow(RangeError);
    expect(() => conditionalExpectedPurchases(P, Infinity, 0, 0, 1)).toThrow(RangeError);
  });
});

describe('probabilityAlive', () => {
  it('is 1 for x = 0 whatever T, and falls with time since the last purchase', () => {
    expect(probabilityAlive(P, 0, 0, 1e9)).toBe(1);
    const recent = probabilityAlive(P, 4, 29, 30);
    const lapsed = probabilityAlive(P, 4, 5, 30);
    expect(recent).toBeGreaterThan(lapsed);
    expect(recent).toBeLessThanOrEqual(1);
  });

  it('goes cleanly to 0 for a heavy buyer silent for ages (no Infinity/Infinity)', () => {
    expect(probabilityAlive(P, 500, 1, 1e7)).toBe(0);
    expect(conditionalExpectedPurchases(P, 52, 500, 1, 1e7)).toBe(0);
  });
});

describe('conditionalExpectedPurchases for heavy buyers with a near 1', () => {
  // A fit of a healthy shop (MBG/NBD's shifted parameters): A&S 15.3.6's two terms cancel for
  // large x, and before hyp2f1 caught that, a customer with hundreds of purchases was forecast
  // 22.5 purchases in 90 days and −1,667,055 in 365.
  const shop = { r: 1.4157, alpha: 2.1973, a: 0.96877, b: 13.2764 };
  for (const x of [50, 100, 200]) {
    it(`is positive and grows with the horizon (x = ${x})`, () => {
      const values = [1, 90 / 7, 365 / 7, 104].map((t) => conditionalExpectedPurchases(shop, t, x, 48.14, 48.71));
      for (const v of values) expect(Number.isFinite(v) && v > 0).toBe(true);
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
      // no more than the customer's own rate (x purchases in 48 weeks) would give
      expect(values[2]).toBeLessThan((x / 48.14) * (365 / 7) * 1.2);
    });
  }
});
