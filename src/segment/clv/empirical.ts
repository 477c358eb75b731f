/**
 * The simpler estimate the CLV step falls back to when the buy-till-you-die model is
 * degenerate or fails its holdout check: what customers like this one actually did.
 *
 * At the cut `as_of − H` every customer of the cohort falls in a cell of
 *   recency band (days since the last purchase: < H/2, < H, < 2H, < 4H, ≥ 4H) ×
 *   frequency band (repeat purchase days x: 0, 1, 2–3, 4+),
 * and the cell records how many of its customers bought in the following H days and how many
 * purchase days they made. Each cell's rates are shrunk towards the cohort's by
 * CELL_PRIOR pseudo-customers, so a cell of three customers does not say 0 % or 100 %.
 * A customer is scored by the cell they fall in at as_of:
 *   p_alive           = the cell's share of customers who bought again within H days
 *                       (a lower bound of "still active", and a churn score that ranks);
 *   expected purchases = the cell's purchase days per customer over H, scaled linearly to
 *                       the horizon (the rate of the last H days is assumed to continue).
 * Pure: no database, no clock.
 */
import { WEEKS_PER_MONTH, WEEKS_PER_YEAR } from './clv.js';
import type { CustomerSummary } from './customer-summary.js';
import type { HoldoutSplit } from './holdout.js';

/** Pseudo-customers of the cohort's average added to every cell. */
export const CELL_PRIOR = 5;

const RECENCY_BANDS = [0.5, 1, 2, 4]; // upper bounds in units of H
const FREQUENCY_BANDS = [1, 2, 4]; // x: 0 | 1 | 2–3 | 4+

interface Cell {
  customers: number;
  buyers: number;
  purchases: number;
}

export interface EmpiricalRates {
  readonly holdoutDays: number;
  /** Cells by `${recencyBand}:${frequencyBand}`. */
  readonly cells: ReadonlyMap<string, Readonly<Cell>>;
  readonly cohort: Readonly<Cell>;
}

export interface EmpiricalForecast {
  /** Share of look-alike customers who bought within H days. */
  readonly pAlive: number;
  /** Expected purchase days per day. */
  readonly ratePerDay: number;
}

function band(value: number, bounds: readonly number[]): number {
  let i = 0;
  while (i < bounds.length && value >= bounds[i]!) i++;
  return i;
}

/** The cell of a customer summarised at some date (t_x, T in weeks). */
export function cellOf(c: Pick<CustomerSummary, 'x' | 't_x' | 'T'>, holdoutDays: number): string {
  const recencyDays = (c.T - (c.x > 0 ? c.t_x : 0)) * 7;
  const recency = band(recencyDays / holdoutDays, RECENCY_BANDS);
  const frequency = band(c.x, FREQUENCY_BANDS);
  return `${recency}:${frequency}`;
}

/** Cell rates from a holdout split: cohort cells at the cut, outcomes in the H days after. */
export function fitEmpiricalRates(split: HoldoutSplit): EmpiricalRates {
  const cells = new Map<string, Cell>();
  const cohort: Cell = { customers: 0, buyers: 0, purchases: 0 };
  split.calibration.forEach((c, i) => {
    const key = cellOf(c, split.days);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { customers: 0, buyers: 0, purchases: 0 }));
    const bought = split.actual[i]!;
    for (const target of [cell, cohort]) {
      target.customers++;
      target.buyers += bought > 0 ? 1 : 0;
      target.purchases += bought;
    }
  });
  return { holdoutDays: split.days, cells, cohort };
}

/** The forecast for a customer summarised at as_of. */
export function empiricalForecast(rates: EmpiricalRates, c: Pick<CustomerSummary, 'x' | 't_x' | 'T'>): EmpiricalForecast {
  const { cohort } = rates;
  const n = Math.max(cohort.customers, 1);
  const cell = rates.cells.get(cellOf(c, rates.holdoutDays)) ?? { customers: 0, buyers: 0, purchases: 0 };
  const pAlive = (cell.buyers + (CELL_PRIOR * cohort.buyers) / n) / (cell.customers + CELL_PRIOR);
  const perCustomer = (cell.purchases + (CELL_PRIOR * cohort.purchases) / n) / (cell.customers + CELL_PRIOR);
  return { pAlive, ratePerDay: perCustomer / rates.holdoutDays };
}

/**
 * Σ over monthly steps of a constant purchase rate, each step discounted to its end: the
 * same discounting as clv.ts, for purchases that arrive at `ratePerWeek`.
 */
export function discountedPurchasesAtRate(ratePerWeek: number, horizonWeeks: number, discountRatePerYear: number): number {
  const steps = Math.ceil(horizonWeeks / WEEKS_PER_MONTH - 1e-9);
  let total = 0;
  let previous = 0;
  for (let k = 1; k <= steps; k++) {
    const t = Math.min(k * WEEKS_PER_MONTH, horizonWeeks);
    total += ratePerWeek * (t - previous) * Math.pow(1 + discountRatePerYear, -t / WEEKS_PER_YEAR);
    previous = t;
  }
  return total;
}

/**
 * Spend per purchase day when Gamma-Gamma cannot be used: the customer's mean repeat value
 * blended with the mean value of every purchase day in the data, as if the customer had
 * SPEND_PRIOR more days at that mean: (x·zbar + m·μ) / (x + m). One-time buyers get μ.
 */
export const SPEND_PRIOR = 1;
export function empiricalSpend(x: number, zbar: number, populationMean: number): number {
  const own = x > 0 && zbar > 0 ? x : 0;
  return (own * zbar + SPEND_PRIOR * populationMean) / (own + SPEND_PRIOR);
}
