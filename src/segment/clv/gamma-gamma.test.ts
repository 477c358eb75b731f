import { describe, expect, it } from 'vitest';
import {
  conditionalExpectedAverageSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  gammaGammaTotalLogLikelihood,
  gammaGammaTotalLogLikelihoodGradient,
  prepareSpend,
} from './gamma-gamma.js';

const G = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('gammaGammaLogLikelihood', () => {
  it('is a density in zbar: integrates to 1 for each x', () => {
    for (const x of [1, 3, 12]) {
      // Midpoint rule in s = ln zbar (dz = z ds) from 1e-4 to 1e7: the tail is ~ zbar^−q.
      let total = 0;
      const h = 1e-3;
      for (let s = Math.log(1e-4) + h / 2; s < Math.log(1e7); s += h) {
        const z = Math.exp(s);
        total += Math.exp(gammaGammaLogLikelihood(G, x, z)) * z * h;
      }
      expect(total).toBeCloseTo(1, 7);
    }
  });
});

describe('conditionalExpectedAverageSpend', () => {
  it('is the population mean pγ/(q−1) for x = 0, whatever zbar says', () => {
    expect(conditionalExpectedAverageSpend(G, 0, 0)).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
    expect(conditionalExpectedAverageSpend(G, 0, 999)).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
  });

  it('moves from the population mean towards the customer’s own mean as x grows', () => {
    const population = conditionalExpectedAverageSpend(G, 0, 0);
    const own = 100;
    const estimates = [1, 5, 50, 5000].map((x) => conditionalExpectedAverageSpend(G, x, own));
    for (let i = 1; i < estimates.length; i++) expect(estimates[i]!).toBeGreaterThan(estimates[i - 1]!);
    expect(estimates[0]!).toBeGreaterThan(population);
    expect(Math.abs(estimates.at(-1)! - own)).toBeLessThan(0.1);
  });

  it('is NaN where the population mean does not exist (q <= 1, x = 0)', () => {
    expect(conditionalExpectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, 0, 0)).toBeNaN();
    expect(conditionalExpectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, 3, 20)).toBeGreaterThan(0);
  });
});

describe('fitGammaGamma', () => {
  it('ignores non-repeat buyers and needs at least two repeat buyers', () => {
    expect(() => fitGammaGamma([{ x: 0, zbar: 0 }, { x: 2, zbar: 10 }])).toThrow(RangeError);
  });

  it('recovers the population mean of a homogeneous-looking sample', () => {
    // Everyone spends about 20: the fitted mean spend pγ/(q−1) must be close to 20.
    const rows = Array.from({ length: 400 }, (_, i) => ({ x: 1 + (i % 5), zbar: 20 + ((i * 7919) % 11) - 5 }));
    const fit = fitGammaGamma(rows);
    expect(fit.customers).toBe(400);
    expect(Math.abs((fit.p * fit.gamma) / (fit.q - 1) - 20)).toBeLessThan(1);
  });
});

describe('Gamma-Gamma total log-likelihood', () => {
  const rows = [
    { x: 1, zbar: 12 },
    { x: 3, zbar: 40.5 },
    { x: 3, zbar: 18 },
    { x: 9, zbar: 25 },
    { x: 0, zbar: 0 }, // ignored
  ];
  const data = prepareSpend(rows);

  it('is the sum of per-customer terms over repeat buyers', () => {
    const direct = rows.filter((r) => r.x > 0).reduce((s, r) => s + gammaGammaLogLikelihood(G, r.x, r.zbar), 0);
    expect(data.n).toBe(4);
    expect(gammaGammaTotalLogLikelihood(G, data)).toBeCloseTo(direct, 10);
  });

  it('has the analytic gradient the central differences say', () => {
    const { value, gradient } = gammaGammaTotalLogLikelihoodGradient(G, data);
    expect(value).toBeCloseTo(gammaGammaTotalLogLikelihood(G, data), 12);
    (['p', 'q', 'gamma'] as const).forEach((key, i) => {
      const h = 1e-6 * G[key];
      const up = gammaGammaTotalLogLikelihood({ ...G, [key]: G[key] + h }, data);
      const down = gammaGammaTotalLogLikelihood({ ...G, [key]: G[key] - h }, data);
      expect(gradient[i]).toBeCloseTo((up - down) / (2 * h), 5);
    });
  });
});
