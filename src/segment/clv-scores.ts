/**
 * The CLV part of the segment stage, pure: fit the purchase model (MBG/NBD by default, or
 * BG/NBD) on the customers' (x, t_x, T) and Gamma-Gamma on the repeat buyers' (x, zbar), then
 * score every customer. No database.
 *
 * Why MBG/NBD by default: under BG/NBD a customer who bought once is alive with probability 1
 * however long ago that was, so P(alive) cannot rank lapsed one-time buyers (usually the
 * largest group). MBG/NBD lets them drop out too (clv/mbg-nbd.ts) and otherwise keeps BG/NBD's
 * structure. BG/NBD stays available (`clv.model: bg_nbd`), e.g. to reproduce published fits.
 *
 * Time unit: weeks (t_x, T, α). Horizons given in days are divided by 7; the annual discount
 * rate is applied with 365.25 / 7 weeks a year (clv/clv.ts). Money: the base currency.
 */
import { fitBgNbd, conditionalExpectedPurchases, probabilityAlive, type BgNbdFit, type BgNbdParams } from './clv/bg-nbd.js';
import { customerLifetimeValue } from './clv/clv.js';
import { fitMbgNbd, mbgAsBgNbd, mbgNbdConditionalExpectedPurchases, mbgNbdProbabilityAlive } from './clv/mbg-nbd.js';
import type { CustomerSummary } from './clv/customer-summary.js';
import { fitGammaGamma, type GammaGammaFit } from './clv/gamma-gamma.js';

export type PurchaseModelName = 'bg_nbd' | 'mbg_nbd';

export interface ClvOptions {
  readonly model: PurchaseModelName;
  readonly horizonDays: number;
  /** Annual discount rate, e.g. 0.1. */
  readonly discountRate: number;
}

export interface ClvRow {
  readonly customerId: string;
  readonly x: number;
  readonly t_x: number;
  /** T: weeks from the first purchase day to as_of. */
  readonly t_cal: number;
  readonly zbar: number;
  readonly p_alive: number;
  readonly expected_purchases_90d: number;
  readonly expected_purchases_365d: number;
  /** E[Z | x, zbar] (Gamma-Gamma); null when the spend model could not be fitted or has no mean. */
  readonly expected_avg_spend: number | null;
  /** Discounted expected revenue over the horizon; null with expected_avg_spend. */
  readonly clv: number | null;
}

export interface ClvModelRow {
  readonly model: string;
  readonly parameter: string;
  readonly value: number;
}

export interface ClvResult {
  readonly rows: ClvRow[];
  readonly model: readonly ClvModelRow[];
  /** The fitted purchase model (BG/NBD or MBG/NBD: same parameters r, α, a, b). */
  readonly purchaseModel: (BgNbdFit & { readonly name: PurchaseModelName }) | null;
  readonly gammaGamma: GammaGammaFit | null;
  /** Why Gamma-Gamma was not fitted (too few repeat buyers, or an improper fit). */
  readonly gammaGammaProblem: string | null;
}

/** What the scoring needs from a fitted purchase model. */
interface PurchaseModel {
  pAlive(x: number, t_x: number, T: number): number;
  expected(t: number, x: number, t_x: number, T: number): number;
  /**
   * BG/NBD parameters and a factor such that factor × BG/NBD's E[Y(t)] at those parameters is
   * this model's E[Y(t)] for the customer (CLV is linear in it): so clv.ts serves both models.
   */
  asBgNbd(x: number, T: number): { params: BgNbdParams; factor: number };
}

function purchaseModel(name: PurchaseModelName, p: BgNbdParams): PurchaseModel {
  if (name === 'bg_nbd') {
    return {
      pAlive: (x, t_x, T) => probabilityAlive(p, x, t_x, T),
      expected: (t, x, t_x, T) => conditionalExpectedPurchases(p, t, x, t_x, T),
      asBgNbd: () => ({ params: p, factor: 1 }),
    };
  }
  const shifted = mbgAsBgNbd(p);
  return {
    pAlive: (x, t_x, T) => mbgNbdProbabilityAlive(p, x, t_x, T),
    expected: (t, x, t_x, T) => mbgNbdConditionalExpectedPurchases(p, t, x, t_x, T),
    asBgNbd: (x, T) => ({ params: shifted, factor: x === 0 ? mbgNbdProbabilityAlive(p, 0, 0, T) : 1 }),
  };
}

const DAYS_PER_WEEK = 7;

/**
 * Fits and scores. Customers are scored in input order. With no customers every output is
 * empty; Gamma-Gamma needs two repeat buyers with a positive zbar, and a population mean spend
 * (q > 1), else expected_avg_spend and clv are null for everyone.
 */
export function computeClv(customers: readonly CustomerSummary[], options: ClvOptions): ClvResult {
  if (customers.length === 0) return { rows: [], purchaseModel: null, gammaGamma: null, gammaGammaProblem: 'no customers with a purchase', model: [] };
  const bg = options.model === 'bg_nbd' ? fitBgNbd(customers) : fitMbgNbd(customers);
  if (!(bg.r > 0 && bg.alpha > 0 && bg.a > 0 && bg.b > 0) || !Number.isFinite(bg.logLikelihood)) {
    throw new Error(`${options.model} fit failed: ${JSON.stringify(bg)}`);
  }
  const pm = purchaseModel(options.model, bg);

  let gg: GammaGammaFit | null = null;
  let ggProblem: string | null = null;
  const repeatBuyers = customers.filter((c) => c.x >= 1 && c.zbar > 0).length;
  if (repeatBuyers < 2) ggProblem = `Gamma-Gamma needs at least two repeat buyers with a positive spend, found ${repeatBuyers}`;
  else {
    gg = fitGammaGamma(customers);
    if (!(gg.q > 1)) {
      ggProblem = `Gamma-Gamma fit has q = ${gg.q} ≤ 1: the population mean spend is infinite`;
      gg = null;
    }
  }

  const horizonWeeks = options.horizonDays / DAYS_PER_WEEK;
  const rows: ClvRow[] = customers.map((c) => {
    const p_alive = pm.pAlive(c.x, c.t_x, c.T);
    const e90 = pm.expected(90 / DAYS_PER_WEEK, c.x, c.t_x, c.T);
    const e365 = pm.expected(365 / DAYS_PER_WEEK, c.x, c.t_x, c.T);
    let spend: number | null = null;
    let clv: number | null = null;
    if (gg) {
      // A repeat buyer whose repeat days are worth nothing (all returned, free goods) carries no
      // spend information the model can use: they get the population mean spend, like x = 0.
      // (E[Z | x, zbar] is a credibility blend of the population mean and zbar, so passing
      // zbar = the population mean gives exactly the population mean for any x.)
      const zbar = c.x > 0 && c.zbar > 0 ? c.zbar : populationMean(gg);
      const { params, factor } = pm.asBgNbd(c.x, c.T);
      const result = customerLifetimeValue({
        bgnbd: params,
        gg,
        x: c.x,
        t_x: c.t_x,
        T: c.T,
        zbar,
        horizonWeeks,
        discountRatePerYear: options.discountRate,
      });
      spend = result.expectedAverageSpend;
      clv = result.clv * factor;
    }
    return {
      customerId: c.customerId,
      x: c.x,
      t_x: c.t_x,
      t_cal: c.T,
      zbar: c.zbar,
      p_alive,
      expected_purchases_90d: e90,
      expected_purchases_365d: e365,
      expected_avg_spend: spend,
      clv,
    };
  });

  const name = options.model;
  const model: ClvModelRow[] = [
    { model: name, parameter: 'r', value: bg.r },
    { model: name, parameter: 'alpha', value: bg.alpha },
    { model: name, parameter: 'a', value: bg.a },
    { model: name, parameter: 'b', value: bg.b },
    { model: name, parameter: 'log_likelihood', value: bg.logLikelihood },
    { model: name, parameter: 'customers', value: bg.customers },
    { model: name, parameter: 'iterations', value: bg.iterations },
    { model: name, parameter: 'converged', value: bg.converged ? 1 : 0 },
  ];
  if (gg) {
    model.push(
      { model: 'gamma_gamma', parameter: 'p', value: gg.p },
      { model: 'gamma_gamma', parameter: 'q', value: gg.q },
      { model: 'gamma_gamma', parameter: 'gamma', value: gg.gamma },
      { model: 'gamma_gamma', parameter: 'log_likelihood', value: gg.logLikelihood },
      { model: 'gamma_gamma', parameter: 'customers', value: gg.customers },
      { model: 'gamma_gamma', parameter: 'iterations', value: gg.iterations },
      { model: 'gamma_gamma', parameter: 'converged', value: gg.converged ? 1 : 0 },
      { model: 'gamma_gamma', parameter: 'population_mean_spend', value: populationMean(gg) },
    );
  }
  model.push(
    { model: 'clv', parameter: 'horizon_days', value: options.horizonDays },
    { model: 'clv', parameter: 'discount_rate', value: options.discountRate },
  );
  return { rows, model, purchaseModel: { ...bg, name }, gammaGamma: gg, gammaGammaProblem: ggProblem };
}

/** Mean spend per purchase of the population, pγ / (q − 1) (finite for q > 1). */
function populationMean(gg: GammaGammaFit): number {
  return (gg.p * gg.gamma) / (gg.q - 1);
}
