import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/mulberry32.js';
import { compareArms } from './compare.js';
import { addObservation, emptyMoments, mean, momentsOf, variance } from './moments.js';
import { relativeUplift, welchDifference } from './welch.js';

const summarise = (ys: number[]) => {
  const m = momentsOf(ys);
  return { n: m.n, mean: mean(m), variance: variance(m) };
};

describe("Welch's interval", () => {
  it("reproduces Welch's t-test example 1 of the Wikipedia article (t = −2.46, ν = 24.99, p = 0.021)", () => {
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const d = welchDifference(summarise(a1), summarise(a2), 0.95);
    expect(d.difference / d.standardError).toBeCloseTo(-2.46, 2);
    expect(d.df).toBeCloseTo(24.99, 2);
    expect(d.pValue).toBeCloseTo(0.021, 3);
    // The interval is the difference ± t(0.975, ν)·se, so it excludes 0 exactly when p < 0.05.
    expect(d.high).toBeLessThan(0);
    expect((d.low + d.high) / 2).toBeCloseTo(d.difference, 12);
  });

  it('is exact when neither arm varies', () => {
    const d = welchDifference({ n: 20, mean: 3, variance: 0 }, { n: 20, mean: 1, variance: 0 }, 0.95);
    expect([d.difference, d.low, d.high, d.pValue]).toEqual([2, 2, 2, 0]);
  });

  it('gives a relative uplift interval on the log scale, and none when a mean is 0', () => {
    const r = relativeUplift({ n: 1000, mean: 0.2, variance: 0.16 }, { n: 1000, mean: 0.1, variance: 0.09 }, 1.959963985)!;
    expect(r.estimate).toBeCloseTo(1, 12);
    // Katz: se(log RR) = √(0.8/200 + 0.9/100) = 0.11402
    expect(Math.log(1 + r.high) - Math.log(2)).toBeCloseTo(1.959963985 * 0.114018, 5);
    expect(relativeUplift({ n: 10, mean: 0, variance: 0 }, { n: 10, mean: 1, variance: 1 }, 1.96)).toBeNull();
  });
});

/** A standard normal draw (Box–Muller) from a seeded uniform generator. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('coverage by simulation (fixed seed)', () => {
  // Revenue like a campaign's: 5 % of the control and 6 % of the arm buy, and a buyer spends a
  // log-normal amount (σ = 1: mean 1.65× the median, a long right tail). 2,000 people per arm,
  // about 100 buyers each. True uplift per head = (0.06 − 0.05) · E[spend].
  const replications = 600;
  const n = 2000;
  const spendMean = Math.exp(4 + 0.5);
  const trueRevenueUplift = 0.01 * spendMean;

  it('the Welch interval of revenue per head and the Newcombe interval of the rate cover about 95 % of the time', () => {
    const random = mulberry32(20260105);
    let revenueCovered = 0;
    let rateCovered = 0;
    let relativeCovered = 0;
    for (let r = 0; r < replications; r++) {
      const rev = [emptyMoments(), emptyMoments()];
      const conv = [emptyMoments(), emptyMoments()];
      for (const [arm, rate] of [[0, 0.06], [1, 0.05]] as const) {
        for (let i = 0; i < n; i++) {
          const buys = random() < rate;
          addObservation(conv[arm]!, buys ? 1 : 0);
          addObservation(rev[arm]!, buys ? Math.exp(4 + normal(random)) : 0);
        }
      }
      const revenue = compareArms(rev[0]!, rev[1]!, { kind: 'mean' }).plain!;
      if (revenue.upliftLow <= trueRevenueUplift && trueRevenueUplift <= revenue.upliftHigh) revenueCovered++;
      if (revenue.relativeLow! <= 0.2 && 0.2 <= revenue.relativeHigh!) relativeCovered++;
      const rate = compareArms(conv[0]!, conv[1]!, { kind: 'rate' }).plain!;
      if (rate.upliftLow <= 0.01 && 0.01 <= rate.upliftHigh) rateCovered++;
    }
    // 95 % nominal; with 600 replications the binomial standard error is 0.9 points.
    for (const covered of [revenueCovered, rateCovered, relativeCovered]) {
      expect(covered / replications).toBeGreaterThan(0.93);
      expect(covered / replications).toBeLessThan(0.975);
    }
  });
});
