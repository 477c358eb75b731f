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
import { discountedExpectedPurchases } from './clv/clv.js';
import { summarizePurchaseDays, type CustomerSummary, type PurchaseDay } from './clv/customer-summary.js';
import { discountedPurchasesAtRate, empiricalForecast, empiricalSpend, fitEmpiricalRates, type EmpiricalRates } from './clv/empirical.js';
import { conditionalExpectedAverageSpend, fitGammaGamma, type GammaGammaFit } from './clv/gamma-gamma.js';
import { holdoutMetrics, MIN_CHECK_CUSTOMERS, resolveHoldoutDays, splitHoldout, type HoldoutMetrics, type HoldoutSplit } from './clv/holdout.js';
import { fitMbgNbd, mbgAsBgNbd, mbgNbdConditionalExpectedPurchases, mbgNbdProbabilityAlive } from './clv/mbg-nbd.js';
import { forecastProblem, pAliveSpreadProblem, purchaseFitProblem, spendFitProblem } from './clv/model-checks.js';

export type PurchaseModelName = 'bg_nbd' | 'mbg_nbd';
/** Where the published forecasts come from: the configured model, or the empirical fallback. */
export type ForecastSource = PurchaseModelName | 'empirical';

export interface ClvCheckOptions {
  /** H: days at the end of the history the model is checked on; `auto` = min(90, history / 3). */
  readonly holdoutDays: number | 'auto';
  /** The model fails when |expected − actual| / actual of the holdout's purchases exceeds this. */
  readonly maxRelativeError: number;
  /** The model fails when an AUC for "bought again in the holdout" is below this. */
  readonly minAuc: number;
}

export interface ClvOptions {
  readonly model: PurchaseModelName;
  readonly horizonDays: number;
  /** Annual discount rate, e.g. 0.1. */
  readonly discountRate: number;
  readonly check: ClvCheckOptions;
}

export interface ClvRow {
  readonly customerId: string;
  readonly x: number;
  readonly t_x: number;
  /** T: weeks from the first purchase day to as_of. */
  readonly t_cal: number;
  readonly zbar: number;
  /** null when the forecasts were skipped (see ClvResult.skipped). */
  readonly p_alive: number | null;
  readonly expected_purchases_90d: number | null;
  readonly expected_purchases_365d: number | null;
  /** Expected value of a purchase day (Gamma-Gamma, or the empirical mean); null when skipped. */
  readonly expected_avg_spend: number | null;
  /** Discounted expected revenue over the horizon; null when skipped. */
  readonly clv: number | null;
}

export interface ClvModelRow {
  readonly model: string;
  readonly parameter: string;
  readonly value: number;
}

/** One forecaster's holdout check. */
export interface ClvCheck {
  readonly model: ForecastSource;
  readonly metrics: HoldoutMetrics;
  /** What failed (empty when it passed). */
  readonly failures: readonly string[];
}

export interface ClvResult {
  readonly rows: ClvRow[];
  readonly model: readonly ClvModelRow[];
  /** The fitted purchase model (BG/NBD or MBG/NBD: same parameters r, α, a, b), used or not. */
  readonly purchaseModel: (BgNbdFit & { readonly name: PurchaseModelName }) | null;
  /** Why the purchase model was not published (degenerate or failed its check); null when it was. */
  readonly purchaseModelProblem: string | null;
  readonly gammaGamma: GammaGammaFit | null;
  /** Why Gamma-Gamma was not used (too few repeat buyers, a degenerate fit). */
  readonly gammaGammaProblem: string | null;
  /** Source of p_alive and the expected purchases; null when the forecasts were skipped. */
  readonly purchases: ForecastSource | null;
  readonly spend: 'gamma_gamma' | 'empirical' | null;
  readonly holdout: { readonly days: number; readonly cutoff: string; readonly customers: number; readonly actualPurchases: number } | null;
  /** Why there is no holdout check. */
  readonly holdoutProblem: string | null;
  readonly checks: readonly ClvCheck[];
  /** Why the forecasts are NULL (no repeat buyer, no usable model and no holdout to fall back on). */
  readonly skipped: string | null;
  /** Sentences for the stage's notes: a skip, a fallback, a missing check. */
  readonly notes: readonly string[];
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

/** What the scoring needs from a forecaster; times in weeks. */
interface Forecaster {
  pAlive(c: CustomerSummary): number;
  expected(tWeeks: number, c: CustomerSummary): number;
  /** Expected purchases over the horizon, each monthly step discounted to its end. */
  discounted(c: CustomerSummary, horizonWeeks: number, discountRate: number): number;
}

function modelForecaster(name: PurchaseModelName, p: BgNbdParams): Forecaster {
  const pm = purchaseModel(name, p);
  return {
    pAlive: (c) => pm.pAlive(c.x, c.t_x, c.T),
    expected: (t, c) => pm.expected(t, c.x, c.t_x, c.T),
    discounted: (c, horizonWeeks, discountRate) => {
      const { params, factor } = pm.asBgNbd(c.x, c.T);
      return factor * discountedExpectedPurchases(params, c.x, c.t_x, c.T, horizonWeeks, discountRate).discounted;
    },
  };
}

function empiricalForecaster(rates: EmpiricalRates): Forecaster {
  return {
    pAlive: (c) => empiricalForecast(rates, c).pAlive,
    expected: (t, c) => empiricalForecast(rates, c).ratePerDay * t * DAYS_PER_WEEK,
    discounted: (c, horizonWeeks, discountRate) => discountedPurchasesAtRate(empiricalForecast(rates, c).ratePerDay * DAYS_PER_WEEK, horizonWeeks, discountRate),
  };
}

const DAYS_PER_WEEK = 7;

/** The fit, and why it must not be published (a throw deep in a special function counts too). */
function tryFit(name: PurchaseModelName, customers: readonly CustomerSummary[]): { fit: BgNbdFit | null; problem: string | null } {
  try {
    const fit = name === 'bg_nbd' ? fitBgNbd(customers) : fitMbgNbd(customers);
    return { fit, problem: purchaseFitProblem(fit) };
  } catch (error) {
    return { fit: null, problem: `the fit failed numerically (${error instanceof Error ? error.message : String(error)})` };
  }
}

interface Spend {
  readonly of: (c: CustomerSummary) => number;
  readonly source: 'gamma_gamma' | 'empirical';
  readonly gg: GammaGammaFit | null;
  readonly problem: string | null;
  readonly populationMean: number;
}

/**
 * Gamma-Gamma when it can be fitted and is sound; else the empirical blend of empirical.ts,
 * around μ = the mean value of every purchase day (first days included, negatives as 0).
 */
function chooseSpend(customers: readonly CustomerSummary[], days: readonly PurchaseDay[], asOf: string): Spend {
  let sum = 0;
  let n = 0;
  for (const d of days) {
    if (d.day > asOf) continue;
    sum += Math.max(0, d.value);
    n++;
  }
  const mu = n > 0 ? sum / n : 0;
  const empirical = (problem: string): Spend => ({ of: (c) => empiricalSpend(c.x, c.zbar, mu), source: 'empirical', gg: null, problem, populationMean: mu });
  const buyers = customers.filter((c) => c.x >= 1 && c.zbar > 0);
  if (buyers.length < 2) return empirical(`Gamma-Gamma needs at least two repeat buyers with a positive spend, found ${buyers.length}`);
  let gg: GammaGammaFit;
  try {
    gg = fitGammaGamma(customers);
  } catch (error) {
    return empirical(`Gamma-Gamma failed numerically (${error instanceof Error ? error.message : String(error)})`);
  }
  const problem = spendFitProblem(gg, buyers.reduce((s, c) => s + c.zbar, 0) / buyers.length);
  if (problem) return empirical(problem);
  const fit = gg;
  const mean = populationMean(fit);
  // A repeat buyer whose repeat days are worth nothing (all returned, free goods) carries no
  // spend information the model can use: they get the population mean spend, like x = 0.
  // (E[Z | x, zbar] is a credibility blend of the population mean and zbar, so passing
  // zbar = the population mean gives exactly the population mean for any x.)
  return { of: (c) => conditionalExpectedAverageSpend(fit, c.x, c.x > 0 && c.zbar > 0 ? c.zbar : mean), source: 'gamma_gamma', gg: fit, problem: null, populationMean: mean };
}

function scoreRows(customers: readonly CustomerSummary[], f: Forecaster | null, spend: Spend, options: ClvOptions): ClvRow[] {
  const horizonWeeks = options.horizonDays / DAYS_PER_WEEK;
  return customers.map((c) => {
    const base = { customerId: c.customerId, x: c.x, t_x: c.t_x, t_cal: c.T, zbar: c.zbar };
    if (!f) return { ...base, p_alive: null, expected_purchases_90d: null, expected_purchases_365d: null, expected_avg_spend: null, clv: null };
    const avgSpend = spend.of(c);
    return {
      ...base,
      p_alive: f.pAlive(c),
      expected_purchases_90d: f.expected(90 / DAYS_PER_WEEK, c),
      expected_purchases_365d: f.expected(365 / DAYS_PER_WEEK, c),
      expected_avg_spend: avgSpend,
      clv: avgSpend * f.discounted(c, horizonWeeks, options.discountRate),
    };
  });
}

/** Scores, or the reason the forecaster cannot be published (a throw counts as a failure). */
function tryScore(customers: readonly CustomerSummary[], f: Forecaster, spend: Spend, options: ClvOptions): ClvRow[] | string {
  try {
    const rows = scoreRows(customers, f, spend, options);
    return forecastProblem(rows) ?? rows;
  } catch (error) {
    return `the forecasts failed numerically (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Forecast the split's cohort H days ahead and compare; `repeatOnly` scores P(alive) on x ≥ 1 (BG/NBD). */
function checkOn(split: HoldoutSplit, name: ForecastSource, f: Forecaster, check: ClvCheckOptions, repeatOnly: boolean): ClvCheck {
  const t = split.days / DAYS_PER_WEEK;
  const expected = split.calibration.map((c) => f.expected(t, c));
  const pAlive = split.calibration.map((c) => f.pAlive(c));
  let metrics = holdoutMetrics(expected, pAlive, split.actual);
  if (repeatOnly) {
    const keep = split.calibration.map((c) => c.x >= 1);
    const sub = holdoutMetrics(expected.filter((_, i) => keep[i]), pAlive.filter((_, i) => keep[i]), split.actual.filter((_, i) => keep[i]));
    metrics = { ...metrics, aucPAlive: sub.aucPAlive };
  }
  const failures: string[] = [];
  const bad = expected.some((e) => !(Number.isFinite(e) && e >= 0)) || pAlive.some((p) => !(p >= 0 && p <= 1));
  if (bad) failures.push('impossible forecasts for the holdout');
  if (Number.isFinite(metrics.relativeError) && Math.abs(metrics.relativeError) > check.maxRelativeError) {
    failures.push(`${metrics.expectedPurchases.toFixed(1)} purchase days expected against ${metrics.actualPurchases} made (${pct(metrics.relativeError)})`);
  }
  if (metrics.aucPurchases < check.minAuc) failures.push(`AUC of expected purchases ${metrics.aucPurchases.toFixed(3)} < ${check.minAuc}`);
  if (metrics.aucPAlive < check.minAuc) failures.push(`AUC of P(alive) ${metrics.aucPAlive.toFixed(3)} < ${check.minAuc}`);
  return { model: name, metrics, failures };
}

const pct = (v: number): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;

function summaryOf(c: ClvCheck): string {
  const m = c.metrics;
  const parts = [`${m.expectedPurchases.toFixed(1)} purchase days expected against ${m.actualPurchases} made`];
  if (Number.isFinite(m.relativeError)) parts[0] += ` (${pct(m.relativeError)})`;
  if (Number.isFinite(m.aucPurchases)) parts.push(`AUC ${m.aucPurchases.toFixed(3)}`);
  return parts.join(', ');
}

/**
 * Summarises the purchase days at as_of, fits and checks the configured purchase model, and
 * scores every customer with it, or with the empirical estimate when the model is degenerate
 * or fails its holdout check (docs/segment.md, "When the model is not trusted"). Customers
 * are scored in order of first appearance in `days` (grouped by customer).
 */
export function computeClv(days: readonly PurchaseDay[], asOf: string, options: ClvOptions): ClvResult {
  const customers = summarizePurchaseDays(days, asOf);
  const notes: string[] = [];
  const model: ClvModelRow[] = [];
  const settings: ClvModelRow[] = [
    { model: 'clv', parameter: 'horizon_days', value: options.horizonDays },
    { model: 'clv', parameter: 'discount_rate', value: options.discountRate },
  ];
  const name = options.model;
  const empty = { purchaseModel: null, purchaseModelProblem: null, gammaGamma: null, gammaGammaProblem: null, purchases: null, spend: null, holdout: null, holdoutProblem: null, checks: [] } as const;
  if (customers.length === 0) {
    const skipped = `no customer has a purchase day on or before ${asOf}`;
    return { ...empty, rows: [], model: settings, skipped, notes: [`CLV skipped: ${skipped}`] };
  }
  if (!customers.some((c) => c.x >= 1)) {
    const skipped = `no customer bought on two different days by ${asOf}, so there is no repeat rate to learn from`;
    return { ...empty, rows: scoreRows(customers, null, chooseSpend(customers, days, asOf), options), model: settings, skipped, notes: [`CLV skipped: ${skipped}; p_alive, expected purchases and clv are NULL`] };
  }

  const spend = chooseSpend(customers, days, asOf);

  // The holdout: the cohort at as_of − H and what it bought in the last H days.
  const H = resolveHoldoutDays(options.check.holdoutDays, days, asOf);
  let split: HoldoutSplit | null = null;
  let holdoutProblem: string | null = typeof H === 'string' ? H : null;
  if (typeof H === 'number') {
    const s = splitHoldout(days, asOf, H);
    if (s.calibration.length < MIN_CHECK_CUSTOMERS) holdoutProblem = `only ${s.calibration.length} customers had bought by ${s.cutoff} (as_of − ${H} days); the check needs ${MIN_CHECK_CUSTOMERS}`;
    else split = s;
  }

  // The configured model: sound on the whole history, and forecasting the holdout well.
  const { fit, problem: fitProblem } = tryFit(name, customers);
  let problem = fitProblem;
  let modelRows: ClvRow[] | null = null;
  const checks: ClvCheck[] = [];
  if (fit && !problem) {
    const scored = tryScore(customers, modelForecaster(name, fit), spend, options);
    if (typeof scored === 'string') problem = scored;
    else {
      problem = pAliveSpreadProblem(scored.filter((r) => name !== 'bg_nbd' || r.x >= 1).map((r) => r.p_alive as number));
      modelRows = scored;
    }
  }
  if (split) {
    // Checked even when already rejected, so that clv_model shows how it would have done.
    const calibration = tryFit(name, split.calibration);
    if (calibration.problem) problem ??= `fitted on the history up to ${split.cutoff}, ${calibration.problem}`;
    if (calibration.fit) {
      try {
        const check = checkOn(split, name, modelForecaster(name, calibration.fit), options.check, name === 'bg_nbd');
        checks.push(check);
        if (check.failures.length > 0) problem ??= `its holdout check failed over the last ${split.days} days: ${check.failures.join('; ')}`;
      } catch (error) {
        problem ??= `its holdout forecasts failed numerically (${error instanceof Error ? error.message : String(error)})`;
      }
    }
  }

  let rows: ClvRow[];
  let purchases: ForecastSource | null = null;
  let skipped: string | null = null;
  if (!problem && modelRows) {
    rows = modelRows;
    purchases = name;
    if (!split) notes.push(`CLV model not checked on a holdout: ${holdoutProblem}`);
  } else if (split) {
    // The fallback: what look-alike customers did in the last H days (clv/empirical.ts).
    const scored = tryScore(customers, empiricalForecaster(fitEmpiricalRates(split)), spend, options);
    if (typeof scored === 'string') throw new Error(`the empirical CLV estimate gave ${scored}`); // cannot happen: rates are non-negative counts
    rows = scored;
    purchases = 'empirical';
    // Its own check: cells learnt on the H days before the cut, applied at the cut.
    const earlier = resolveHoldoutDays(split.days, days, split.cutoff);
    let backtest = '';
    if (typeof earlier === 'number') {
      const previous = splitHoldout(days, split.cutoff, split.days);
      if (previous.calibration.length >= MIN_CHECK_CUSTOMERS) {
        const check = checkOn(split, 'empirical', empiricalForecaster(fitEmpiricalRates(previous)), options.check, false);
        checks.push(check);
        backtest = `; on the last ${split.days} days it gives ${summaryOf(check)}${check.failures.length > 0 ? ', outside the check\'s limits too' : ''}`;
      }
    }
    notes.push(`CLV: ${name} not used (${problem}); p_alive and expected purchases are the empirical estimate of look-alike customers${backtest}`);
  } else {
    skipped = `${name} is not usable (${problem}) and the empirical fallback needs a holdout: ${holdoutProblem}`;
    rows = scoreRows(customers, null, spend, options);
    notes.push(`CLV forecasts skipped: ${skipped}`);
  }
  if (purchases && spend.problem) notes.push(`CLV spend: ${spend.problem}; expected_avg_spend is the empirical mean per purchase day`);

  // clv_model: the fit (used or not), the spend model, the holdout and each check.
  if (fit) {
    for (const [parameter, value] of [['r', fit.r], ['alpha', fit.alpha], ['a', fit.a], ['b', fit.b], ['log_likelihood', fit.logLikelihood], ['customers', fit.customers], ['iterations', fit.iterations], ['converged', fit.converged ? 1 : 0]] as const) {
      if (Number.isFinite(value)) model.push({ model: name, parameter, value });
    }
  }
  model.push({ model: name, parameter: 'used', value: purchases === name ? 1 : 0 });
  if (spend.gg) {
    const gg = spend.gg;
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
  if (purchases === 'empirical') model.push({ model: 'empirical', parameter: 'used', value: 1 });
  if (spend.source === 'empirical' && purchases) model.push({ model: 'empirical_spend', parameter: 'population_mean_spend', value: spend.populationMean });
  if (split) {
    model.push(
      { model: 'holdout', parameter: 'days', value: split.days },
      { model: 'holdout', parameter: 'customers', value: split.calibration.length },
      { model: 'holdout', parameter: 'actual_purchases', value: split.actual.reduce((s, v) => s + v, 0) },
    );
  }
  for (const check of checks) {
    const m = check.metrics;
    for (const [parameter, value] of [
      ['holdout_expected_purchases', m.expectedPurchases],
      ['holdout_relative_error', m.relativeError],
      ['holdout_mae', m.mae],
      ['holdout_auc_purchases', m.aucPurchases],
      ['holdout_auc_p_alive', m.aucPAlive],
      ['holdout_passed', check.failures.length === 0 ? 1 : 0],
    ] as const) {
      if (Number.isFinite(value)) model.push({ model: check.model, parameter, value });
    }
  }
  model.push(...settings);

  return {
    rows,
    model,
    purchaseModel: fit ? { ...fit, name } : null,
    purchaseModelProblem: purchases === name ? null : problem,
    gammaGamma: spend.gg,
    gammaGammaProblem: spend.problem,
    purchases,
    spend: purchases ? spend.source : null,
    holdout: split ? { days: split.days, cutoff: split.cutoff, customers: split.calibration.length, actualPurchases: split.actual.reduce((s, v) => s + v, 0) } : null,
    holdoutProblem,
    checks,
    skipped,
    notes,
  };
}

/** Mean spend per purchase of the population, pγ / (q − 1) (finite for q > 1). */
function populationMean(gg: GammaGammaFit): number {
  return (gg.p * gg.gamma) / (gg.q - 1);
}
