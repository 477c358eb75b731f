import { describe, expect, it } from 'vitest';
import { cutoffOf, windowStart } from './dates.js';

describe('point-in-time bounds', () => {
  it.each([
    ['2025-12-31', '2026-01-01T00:00:00Z'],
    ['2024-02-28', '2024-02-29T00:00:00Z'],
    ['2025-02-28', '2025-03-01T00:00:00Z'],
  ])('the cutoff of %s is %s', (asOf, cutoff) => {
    expect(cutoffOf(asOf)).toBe(cutoff);
  });

  it.each([
    ['2025-12-31', 1, '2025-12-31T00:00:00Z'], // a 1-day window is the as_of day itself
    ['2025-12-31', 30, '2025-12-02T00:00:00Z'],
    ['2025-12-31', 90, '2025-10-03T00:00:00Z'],
    ['2025-12-31', 365, '2025-01-01T00:00:00Z'],
  ] as const)('a %s-day window ending %s starts %s', (asOf, days, start) => {
    expect(windowStart(asOf, days)).toBe(start);
  });

  it('rejects what is not a calendar date', () => {
    expect(() => cutoffOf('2025-02-30')).toThrow(/calendar date/);
    expect(() => cutoffOf('31/12/2025')).toThrow(/YYYY-MM-DD/);
  });
});
