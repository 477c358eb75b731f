import { describe, expect, it } from 'vitest';
import { FxError, FxTable, type FxRateRow } from './money.js';

// First rows of retail-20k fx_rates.csv, plus gaps to exercise the look-back.
const ROWS: FxRateRow[] = [
  { currency: 'CNY', date: '2022-01-01', rate: 1 },
  { currency: 'USD', date: '2022-01-01', rate: 7.1553 },
  { currency: 'EUR', date: '2022-01-01', rate: 7.7893 },
  { currency: 'GBP', date: '2022-01-01', rate: 9.0698 },
  { currency: 'USD', date: '2022-01-05', rate: 7.2 },
  { currency: 'USD', date: '2022-01-03', rate: 7.1 },
  { currency: 'gbp', date: '2022-01-10', rate: 9.1 },
];

describe('FxTable', () => {
  const fx = new FxTable(ROWS, { base: 'CNY' });

  it.each([
    ['USD', '2022-01-01', 7.1553],
    ['USD', '2022-01-02', 7.1553], // no rate that day: the latest earlier one
    ['USD', '2022-01-03', 7.1],
    ['USD', '2022-01-04', 7.1],
    ['USD', '2022-01-05', 7.2],
    ['USD', '2030-06-30', 7.2],
    ['usd', '2022-01-05', 7.2],
    ['GBP', '2022-01-09', 9.0698],
    ['GBP', '2022-01-10', 9.1],
    ['EUR', '2022-01-01 20:04:58', 7.7893], // an order_ts: its date part is used
    ['EUR', '2022-01-01T12:00:00Z', 7.7893],
    ['CNY', '2022-01-01', 1],
    ['CNY', '1999-01-01', 1], // the base needs no row
    [' cny ', 'not even a date', 1],
  ] as const)('should give %s on %s the rate %d', (currency, date, rate) => {
    expect(fx.rate(currency, date)).toBe(rate);
  });

  it('should convert an amount into the base currency', () => {
    expect(fx.convert(49.49, 'CNY', '2022-12-29')).toBe(49.49);
    expect(fx.convert(10, 'USD', '2022-01-04')).toBeCloseTo(71, 10);
    expect(fx.convert(-2, 'GBP', '2022-01-10')).toBeCloseTo(-18.2, 10);
  });

  it.each([
    ['USD', '2021-12-31', 'FX_NO_RATE_ON_OR_BEFORE', /no USD rate on or before 2021-12-31; the first is on 2022-01-01/],
    ['JPY', '2022-01-01', 'FX_UNKNOWN_CURRENCY', /no rates for JPY \(known: CNY, EUR, GBP, USD\)/],
    ['USD', '2022-02-30', 'FX_INVALID_DATE', /not YYYY-MM-DD/],
    ['USD', '01/05/2022', 'FX_INVALID_DATE', /not YYYY-MM-DD/],
    ['USD', '2022-01-05X', 'FX_INVALID_DATE', /not YYYY-MM-DD/],
  ] as const)('should refuse %s on %s with %s', (currency, date, code, message) => {
    let err: unknown;
    try {
      fx.rate(currency, date);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FxError);
    expect((err as FxError).code).toBe(code);
    expect((err as FxError).message).toMatch(message);
    expect((err as FxError).currency).toBe(currency);
  });

  it('should refuse a rate older than maxStaleDays', () => {
    const strict = new FxTable(ROWS, { base: 'CNY', maxStaleDays: 3 });
    expect(strict.rate('USD', '2022-01-08')).toBe(7.2);
    expect(() => strict.rate('USD', '2022-01-09')).toThrow(/FX_RATE_TOO_OLD: latest USD rate before 2022-01-09 is from 2022-01-05/);
  });

  it.each([
    [[{ currency: 'USD', date: '2022-1-1', rate: 7 }], /FX_INVALID_DATE/],
    [[{ currency: 'USD', date: '2022-01-01', rate: 0 }], /FX_INVALID_RATE/],
    [[{ currency: 'USD', date: '2022-01-01', rate: Number.NaN }], /FX_INVALID_RATE/],
    [[{ currency: 'CNY', date: '2022-01-01', rate: 1.01 }], /FX_INVALID_RATE: base currency CNY/],
    [
      [
        { currency: 'USD', date: '2022-01-01', rate: 7 },
        { currency: 'USD', date: '2022-01-01', rate: 7.1 },
      ],
      /FX_CONFLICTING_RATE: USD on 2022-01-01 has two rates: 7 and 7.1/,
    ],
  ] as const)('should refuse to build from %j', (rows, message) => {
    expect(() => new FxTable(rows, { base: 'CNY' })).toThrow(message);
  });

  it('should accept identical duplicate rows (a file loaded twice)', () => {
    const t = new FxTable([...ROWS, ...ROWS], { base: 'cny' });
    expect(t.base).toBe('CNY');
    expect(t.rate('USD', '2022-01-04')).toBe(7.1);
    expect(t.currencies()).toEqual(['CNY', 'EUR', 'GBP', 'USD']);
  });
});
