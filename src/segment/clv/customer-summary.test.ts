/**
 * The per-customer summary against a hand example and against CDNOW's published summary file,
 * which it must reproduce exactly from the raw purchases (shared/data/cdnow/SOURCE.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dayNumber, summarizePurchaseDays, type PurchaseDay } from './customer-summary.js';

describe('summarizePurchaseDays', () => {
  it('merges purchases per day, counts repeat days, measures weeks from the first day', () => {
    const days: PurchaseDay[] = [
      { customerId: 'a', day: '2025-01-08', value: 5 },
      { customerId: 'a', day: '2025-01-01', value: 10 },
      { customerId: 'a', day: '2025-01-08', value: 7 }, // same day: merged, values added
      { customerId: 'a', day: '2025-01-22', value: 30 },
      { customerId: 'a', day: '2025-03-01', value: 99 }, // after as_of: ignored
      { customerId: 'b', day: '2025-01-29', value: 4 },
      { customerId: 'c', day: '2025-02-02', value: 4 }, // only after as_of: no summary
    ];
    expect(summarizePurchaseDays(days, '2025-01-29')).toEqual([
      { customerId: 'a', x: 2, t_x: 3, T: 4, zbar: (12 + 30) / 2, firstDay: '2025-01-01', lastDay: '2025-01-22' },
      { customerId: 'b', x: 0, t_x: 0, T: 0, zbar: 0, firstDay: '2025-01-29', lastDay: '2025-01-29' },
    ]);
  });

  it('rejects customers whose rows are not contiguous, and bad dates', () => {
    const split = [
      { customerId: 'a', day: '2025-01-01', value: 1 },
      { customerId: 'b', day: '2025-01-01', value: 1 },
      { customerId: 'a', day: '2025-01-02', value: 1 },
    ];
    expect(() => summarizePurchaseDays(split, '2025-02-01')).toThrow(/not contiguous/);
    expect(() => dayNumber('2025-02-30')).toThrow(/not a calendar date/);
    expect(() => summarizePurchaseDays([{ customerId: 'a', day: '20250101', value: 1 }], '2025-02-01')).toThrow(/YYYY-MM-DD/);
  });

  it('counts days across a leap day and DST-free (whole UTC days)', () => {
    expect(dayNumber('2024-03-01') - dayNumber('2024-02-28')).toBe(2);
    expect(dayNumber('1970-01-01')).toBe(0);
  });
});

describe('CDNOW: the summary reproduces the published file exactly', () => {
  const DATA = new URL('../../../../shared/data/cdnow/', import.meta.url);
  const read = (name: string): string => readFileSync(new URL(name, DATA), 'utf8');
  const days: PurchaseDay[] = read('cdnowElog_BTYD.csv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, sampleId, date, , sales] = line.split(',') as [string, string, string, string, string];
      return { customerId: sampleId.padStart(4, '0'), day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, value: Number(sales) };
    })
    .sort((p, q) => (p.customerId < q.customerId ? -1 : p.customerId > q.customerId ? 1 : 0));
  const published = new Map(
    read('cdnow_customers_summary_with_transactions.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [id, x, t_x, T, zbar] = line.split(',') as [string, string, string, string, string];
        return [id.padStart(4, '0'), { x: Number(x), t_x, T, zbar }] as const;
      }),
  );

  it('x, t_x, T (weeks, 2 decimals) and zbar for all 2,357 customers with as_of 1997-09-30', () => {
    const summary = summarizePurchaseDays(days, '1997-09-30');
    expect(summary).toHaveLength(2357);
    let checked = 0;
    for (const s of summary) {
      const p = published.get(s.customerId);
      expect(p, s.customerId).toBeDefined();
      expect(s.x).toBe(p!.x);
      expect(s.t_x.toFixed(2)).toBe(Number(p!.t_x).toFixed(2));
      expect(s.T.toFixed(2)).toBe(Number(p!.T).toFixed(2));
      expect(Math.abs(s.zbar - Number(p!.zbar))).toBeLessThanOrEqual(0.005 + 1e-9);
      checked++;
    }
    expect(checked).toBe(2357);
  });
});
