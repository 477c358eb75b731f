/**
 * The models against the published CDNOW figures (Fader, Hardie & Lee 2005; the same numbers
 * lifetimes and BTYD assert). Data: /work/shared/data/cdnow (see its SOURCE.md); this file
 * sits in src/segment/clv, four levels below /work.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc } from './auc.js';
import { conditionalExpectedPurchases, fitBgNbd, type BgNbdParams } from './bg-nbd.js';
import { conditionalExpectedAverageSpend, fitGammaGamma } from './gamma-gamma.js';
import { fitParetoNbd, paretoNbdConditionalExpectedPurchases } from './pareto-nbd.js';

const DATA = new URL('../../../../shared/data/cdnow/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, DATA), 'utf8');

interface Customer {
  id: number;
  x: number;
  t_x: number;
  T: number;
  zbar: number;
}

const customers: Customer[] = read('cdnow_customers_summary_with_transactions.csv')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [id, x, t_x, T, zbar] = line.split(',').map(Number) as [number, number, number, number, number];
    return { id, x, t_x, T, zbar };
  });

/** yyyymmdd → days since the epoch (UTC), so differences are whole days. */
const day = (yyyymmdd: number): number =>
  Date.UTC(Math.floor(yyyymmdd / 10000), (Math.floor(yyyymmdd / 100) % 100) - 1, yyyymmdd % 100) / 86_400_000;

const CALIBRATION_END = day(19970930);
const HOLDOUT_END = day(19980630);
const HOLDOUT_WEEKS = (HOLDOUT_END - CALIBRATION_END) / 7; // 273 days = 39 weeks

/** Purchase days per customer (sampleid = the summary's ID); same-day purchases are merged. */
const purchaseDays = new Map<number, Set<number>>();
for (const line of read('cdnowElog_BTYD.csv').trim().split('\n').slice(1)) {
  const [, sampleId, date] = line.split(',').map(Number) as [number, number, number];
  let days = purchaseDays.get(sampleId);
  if (!days) purchaseDays.set(sampleId, (days = new Set()));
  days.add(day(date));
}
const holdoutDays = (id: number): number =>
  [...(purchaseDays.get(id) ?? [])].filter((d) => d > CALIBRATION_END && d <= HOLDOUT_END).length;

const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const within = (value: number, target: number, relative: number): void =>
  expect(Math.abs(value - target) / Math.abs(target)).toBeLessThanOrEqual(relative);

describe('CDNOW data', () => {
  it('the summary file is the elog cut at 1997-09-30 (x, t_x, T in weeks), so IDs are sampleids', () => {
    expect(customers).toHaveLength(2357);
    for (const c of customers) {
      const days = [...purchaseDays.get(c.id)!].filter((d) => d <= CALIBRATION_END).sort((a, b) => a - b);
      const first = days[0]!;
      expect(days.length - 1).toBe(c.x);
      expect(((days.at(-1)! - first) / 7).toFixed(2)).toBe(c.t_x.toFixed(2));
      expect(((CALIBRATION_END - first) / 7).toFixed(2)).toBe(c.T.toFixed(2));
    }
  });

  it('has 1,882 purchase days in the 39-week holdout', () => {
    expect(HOLDOUT_WEEKS).toBe(39);
    expect(customers.reduce((s, c) => s + holdoutDays(c.id), 0)).toBe(1882);
  });
});

describe('BG/NBD on CDNOW', () => {
  const started = performance.now();
  const fit = fitBgNbd(customers);
  const fitMs = performance.now() - started;

  it('reproduces the published maximum-likelihood estimates and log-likelihood', () => {
    console.log(`BG/NBD fit ${JSON.stringify(fit)} in ${fitMs.toFixed(1)} ms`);
    expect(fit.converged).toBe(true);
    within(fit.r, 0.2426, 0.005);
    within(fit.alpha, 4.4135, 0.005);
    within(fit.a, 0.7929, 0.005);
    within(fit.b, 2.4258, 0.005);
    expect(Math.abs(fit.logLikelihood - -9582.4)).toBeLessThanOrEqual(0.1);
  });

  it('reaches the same optimum without the analytic gradient (Nelder–Mead + numeric BFGS route)', () => {
    const derivativeFree = fitBgNbd(customers, { valueAndGradient: undefined });
    expect(derivativeFree.converged).toBe(true);
    expect(derivativeFree.evaluations).toBeGreaterThan(fit.evaluations);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) within(derivativeFree[key], fit[key], 1e-4);
    expect(Math.abs(derivativeFree.logLikelihood - fit.logLikelihood)).toBeLessThan(1e-6);
  });

  it('gives 1.226 expected purchases in 39 weeks for x = 2, t_x = 30.43, T = 38.86', () => {
    expect(Math.abs(conditionalExpectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86) - 1.226)).toBeLessThanOrEqual(0.001);
  });

  it('forecasts the 39-week holdout total (published ≈ 1,653) and ranks who buys again', () => {
    const expectedPublished = customers.map((c) => conditionalExpectedPurchases(PUBLISHED, 39, c.x, c.t_x, c.T));
    const expectedFitted = customers.map((c) => conditionalExpectedPurchases(fit, 39, c.x, c.t_x, c.T));
    const sum = (v: number[]): number => v.reduce((s, e) => s + e, 0);
    const actual = customers.map((c) => holdoutDays(c.id));
    const area = auc(expectedFitted, actual.map((n) => n > 0));
    console.log(
      `holdout: expected ${sum(expectedPublished).toFixed(1)} (published params), ` +
        `${sum(expectedFitted).toFixed(1)} (fitted), actual ${sum(actual)}; AUC(buys again) ${area.toFixed(4)}`,
    );
    within(sum(expectedPublished), 1653, 0.01);
    within(sum(expectedFitted), 1653, 0.01);
    expect(area).toBeGreaterThan(0.75);
  });
});

describe('Gamma-Gamma on CDNOW', () => {
  const fit = fitGammaGamma(customers);

  it('fits the 946 repeat buyers to the published p, q, γ', () => {
    console.log(`Gamma-Gamma fit ${JSON.stringify(fit)}`);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    within(fit.p, 6.25, 0.01);
    within(fit.q, 3.74, 0.01);
    within(fit.gamma, 15.44, 0.01);
  });

  it('reproduces the first ten rows’ expected average spend (x = 0 rows get the population mean)', () => {
    const published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    const firstTen = customers.slice(0, 10);
    expect(firstTen.filter((c) => c.x === 0).map((c) => c.id)).toEqual([3, 4, 5, 8, 10]);
    firstTen.forEach((c, i) => {
      expect(Math.abs(conditionalExpectedAverageSpend(fit, c.x, c.zbar) - published[i]!)).toBeLessThanOrEqual(0.1);
    });
    within(conditionalExpectedAverageSpend(fit, 0, 0), (fit.p * fit.gamma) / (fit.q - 1), 1e-12);
  });
});

describe('Pareto/NBD on CDNOW (optional model)', () => {
  const fit = fitParetoNbd(customers);

  it('reproduces the published r = 0.553, α = 10.578, s = 0.606, β = 11.669 and LL −9595.0', () => {
    console.log(`Pareto/NBD fit ${JSON.stringify(fit)}`);
    expect(fit.converged).toBe(true);
    within(fit.r, 0.553, 0.01);
    within(fit.alpha, 10.578, 0.01);
    within(fit.s, 0.606, 0.01);
    within(fit.beta, 11.669, 0.01);
    expect(Math.abs(fit.logLikelihood - -9595.0)).toBeLessThanOrEqual(0.1);
  });

  it('forecasts the holdout within 2 % of BG/NBD, as the two models do on CDNOW', () => {
    const pareto = customers.reduce((s, c) => s + paretoNbdConditionalExpectedPurchases(fit, 39, c.x, c.t_x, c.T), 0);
    const bgnbd = customers.reduce((s, c) => s + conditionalExpectedPurchases(PUBLISHED, 39, c.x, c.t_x, c.T), 0);
    console.log(`Pareto/NBD holdout: expected ${pareto.toFixed(1)} vs BG/NBD ${bgnbd.toFixed(1)}, actual 1882`);
    within(pareto, bgnbd, 0.02);
  });
});
