/**
 * Per-customer calibration summary (x, t_x, T, zbar) from purchase days, the convention of
 * CDNOW's published summaries (shared/data/cdnow/SOURCE.md) and of lifetimes'
 * summary_data_from_transaction_data with freq 'D':
 *
 * - purchases are merged per calendar day: a customer's purchase days are the distinct days
 *   on or before as_of with at least one purchase;
 * - x = purchase days − 1 (repeat purchases: the first purchase day starts the clock);
 * - t_x = (last purchase day − first purchase day) / 7 and T = (as_of − first purchase day) / 7,
 *   in weeks (so BG/NBD's α is a weekly rate);
 * - zbar = mean value of the repeat purchase days (all days but the first), 0 when x = 0.
 *
 * Pure: no database, no clock. Days are ISO dates `YYYY-MM-DD`, compared as whole UTC days.
 */
import type { RfmSummary } from './summary.js';
import type { SpendSummary } from './gamma-gamma.js';

export interface PurchaseDay {
  readonly customerId: string;
  /** `YYYY-MM-DD`. */
  readonly day: string;
  /** Value of the day's purchases (net of same-day returns), in the base currency. */
  readonly value: number;
}

export interface CustomerSummary extends RfmSummary, SpendSummary {
  readonly customerId: string;
  /** Repeat purchases = purchase days − 1. */
  readonly x: number;
  /** Weeks from the first to the last purchase day. */
  readonly t_x: number;
  /** Weeks from the first purchase day to as_of. */
  readonly T: number;
  /** Mean value of the repeat purchase days; 0 when x = 0. */
  readonly zbar: number;
  readonly firstDay: string;
  readonly lastDay: string;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of an ISO date; throws on anything else. */
export function dayNumber(iso: string): number {
  const m = ISO_DAY.exec(iso);
  if (!m) throw new RangeError(`expected a date YYYY-MM-DD, got "${iso}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== iso) throw new RangeError(`not a calendar date: "${iso}"`);
  return ms / DAY_MS;
}

/**
 * Summaries of the customers in `days`, in order of first appearance. `days` must be grouped by
 * customer; within a customer days may come in any order, and repeated days are merged (their
 * values added). Days after `asOf` are ignored; a customer with none on or before it is left out.
 */
export function summarizePurchaseDays(days: Iterable<PurchaseDay>, asOf: string): CustomerSummary[] {
  const end = dayNumber(asOf);
  const dayCache = new Map<string, number>(); // a cohort spans few distinct days: parse each once
  const out: CustomerSummary[] = [];
  const done = new Set<string>();
  let current: string | null = null;
  let perDay = new Map<number, number>();
  const flush = (): void => {
    if (current === null) return;
    if (done.has(current)) throw new Error(`summarizePurchaseDays: the rows of customer "${current}" are not contiguous`);
    done.add(current);
    if (perDay.size === 0) return;
    const sorted = [...perDay.keys()].sort((a, b) => a - b);
    const first = sorted[0] as number;
    const last = sorted[sorted.length - 1] as number;
    let repeatValue = 0;
    for (let i = 1; i < sorted.length; i++) repeatValue += perDay.get(sorted[i] as number) as number;
    const x = sorted.length - 1;
    out.push({
      customerId: current,
      x,
      t_x: (last - first) / 7,
      T: (end - first) / 7,
      zbar: x > 0 ? repeatValue / x : 0,
      firstDay: isoDay(first),
      lastDay: isoDay(last),
    });
  };
  for (const row of days) {
    if (row.customerId !== current) {
      flush();
      current = row.customerId;
      perDay = new Map();
    }
    if (!Number.isFinite(row.value)) throw new RangeError(`customer "${row.customerId}", ${row.day}: value ${row.value} is not finite`);
    let d = dayCache.get(row.day);
    if (d === undefined) dayCache.set(row.day, (d = dayNumber(row.day)));
    if (d > end) continue;
    perDay.set(d, (perDay.get(d) ?? 0) + row.value);
  }
  flush();
  return out;
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
