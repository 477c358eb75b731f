/**
 * Currency conversion with a daily rate table (fx_rates.csv: currency, date,
 * rate to the base currency). A conversion uses the rate of the order's date,
 * or else the latest earlier one (weekends, holidays, a late feed), found by
 * binary search; never a later rate, which would leak the future into
 * historical revenue.
 */
import { daysFromCivil, daysInMonth } from './date.js';

export interface FxRateRow {
  currency: string;
  /** YYYY-MM-DD */
  date: string;
  /** Units of the base currency for one unit of `currency`. */
  rate: number;
}

export type FxErrorCode =
  | 'FX_UNKNOWN_CURRENCY'
  | 'FX_NO_RATE_ON_OR_BEFORE'
  | 'FX_RATE_TOO_OLD'
  | 'FX_INVALID_DATE'
  | 'FX_INVALID_RATE'
  | 'FX_CONFLICTING_RATE';

/** A conversion or table-building error with a stable code and the values involved. */
export class FxError extends Error {
  readonly code: FxErrorCode;
  readonly currency: string | undefined;
  readonly date: string | undefined;
  constructor(code: FxErrorCode, message: string, context: { currency?: string; date?: string } = {}) {
    super(`${code}: ${message}`);
    this.name = 'FxError';
    this.code = code;
    this.currency = context.currency;
    this.date = context.date;
  }
}

export interface FxTableOptions {
  /** The currency every rate converts into; its rate is always 1. */
  base: string;
  /**
   * Refuse a rate older than this many days before the requested date
   * (FX_RATE_TOO_OLD). Default: no limit.
   */
  maxStaleDays?: number;
}

interface Series {
  /** Dates as yyyymmdd integers, ascending. */
  dates: Int32Array;
  rates: Float64Array;
}

/** "2024-03-07" (or the date part of "2024-03-07 10:00:00" / "2024-03-07T…") -> 20240307; -1 when malformed or impossible. */
function dateKey(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return -1;
  if (s.length > 10) {
    const c = s.charCodeAt(10);
    if (c !== 0x54 && c !== 0x20) return -1;
  }
  let v = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  const y = Math.floor(v / 10000);
  const m = Math.floor(v / 100) % 100;
  const day = v % 100;
  return y >= 1 && m >= 1 && m <= 12 && day >= 1 && day <= daysInMonth(y, m) ? v : -1;
}

function keyToDays(k: number): number {
  return daysFromCivil(Math.floor(k / 10000), Math.floor(k / 100) % 100, k % 100);
}

function keyToString(k: number): string {
  const s = String(k);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

export class FxTable {
  readonly base: string;
  readonly #series = new Map<string, Series>();
  readonly #maxStaleDays: number | undefined;

  /**
   * Builds the table; throws FxError on a malformed date, a non-positive or
   * non-finite rate, a base-currency rate other than 1, or two different rates
   * for one currency and date (identical duplicates are fine).
   * Currency codes are compared upper-cased.
   */
  constructor(rows: Iterable<FxRateRow>, opts: FxTableOptions) {
    this.base = opts.base.trim().toUpperCase();
    this.#maxStaleDays = opts.maxStaleDays;
    const byCurrency = new Map<string, Map<number, number>>();
    for (const row of rows) {
      const cur = row.currency.trim().toUpperCase();
      const k = dateKey(row.date);
      if (k < 0) throw new FxError('FX_INVALID_DATE', `rate date "${row.date}" for ${cur} is not YYYY-MM-DD`, { currency: cur, date: row.date });
      if (!Number.isFinite(row.rate) || row.rate <= 0) {
        throw new FxError('FX_INVALID_RATE', `rate ${row.rate} for ${cur} on ${row.date} must be a positive number`, { currency: cur, date: row.date });
      }
      if (cur === this.base && row.rate !== 1) {
        throw new FxError('FX_INVALID_RATE', `base currency ${cur} has rate ${row.rate} on ${row.date}; it must be 1`, { currency: cur, date: row.date });
      }
      let m = byCurrency.get(cur);
      if (m === undefined) {
        m = new Map();
        byCurrency.set(cur, m);
      }
      const prev = m.get(k);
      if (prev !== undefined && prev !== row.rate) {
        throw new FxError('FX_CONFLICTING_RATE', `${cur} on ${row.date} has two rates: ${prev} and ${row.rate}`, { currency: cur, date: row.date });
      }
      m.set(k, row.rate);
    }
    for (const [cur, m] of byCurrency) {
      const keys = [...m.keys()].sort((a, b) => a - b);
      this.#series.set(cur, {
        dates: Int32Array.from(keys),
        rates: Float64Array.from(keys, (k) => m.get(k) as number),
      });
    }
  }

  /** Currencies with at least one rate, plus the base. */
  currencies(): string[] {
    return [...new Set([this.base, ...this.#series.keys()])].sort();
  }

  /**
   * Rate of `currency` on `date` (YYYY-MM-DD, or a timestamp whose first ten
   * characters are the date): the rate of that day, else the latest earlier
   * day. The base currency is always 1. Throws FxError when the currency is
   * unknown, the date malformed, no rate exists on or before the date, or the
   * nearest one is older than maxStaleDays.
   */
  rate(currency: string, date: string): number {
    const cur = currency === this.base ? currency : currency.trim().toUpperCase();
    if (cur === this.base) return 1;
    const k = dateKey(date);
    if (k < 0) throw new FxError('FX_INVALID_DATE', `date "${date}" is not YYYY-MM-DD`, { currency: cur, date });
    const s = this.#series.get(cur);
    if (s === undefined) {
      throw new FxError('FX_UNKNOWN_CURRENCY', `no rates for ${cur} (known: ${this.currencies().join(', ')})`, { currency: cur, date });
    }
    // Last index with dates[i] <= k.
    const dates = s.dates;
    let lo = 0;
    let hi = dates.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((dates[mid] as number) <= k) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) {
      throw new FxError(
        'FX_NO_RATE_ON_OR_BEFORE',
        `no ${cur} rate on or before ${keyToString(k)}; the first is on ${keyToString(dates[0] as number)}`,
        { currency: cur, date },
      );
    }
    const rateDate = dates[found] as number;
    if (this.#maxStaleDays !== undefined && rateDate !== k && keyToDays(k) - keyToDays(rateDate) > this.#maxStaleDays) {
      throw new FxError(
        'FX_RATE_TOO_OLD',
        `latest ${cur} rate before ${keyToString(k)} is from ${keyToString(rateDate)}, more than ${this.#maxStaleDays} days earlier`,
        { currency: cur, date },
      );
    }
    return s.rates[found] as number;
  }

  /** `amount` in `currency` on `date`, expressed in the base currency. Unrounded. */
  convert(amount: number, currency: string, date: string): number {
    return amount * this.rate(currency, date);
  }
}
