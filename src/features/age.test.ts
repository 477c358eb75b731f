import { describe, expect, it } from 'vitest';
import { ageAt, ageBand } from './age.js';

describe('ageAt', () => {
  it.each([
    ['1990-03-07', '2025-12-31', 35],
    ['1990-12-31', '2025-12-31', 35], // birthday today
    ['1991-01-01', '2025-12-31', 34], // birthday tomorrow
    ['2000-02-29', '2025-02-28', 24], // leap-day birthday: not yet on 28 Feb
    ['2000-02-29', '2025-03-01', 25],
    ['2000-02-29', '2024-02-29', 24],
    ['2025-12-31', '2025-12-31', 0],
    ['1990-03-07T00:00:00Z', '2025-12-31', 35], // a timestamp: its date is used
    ['2026-01-01', '2025-12-31', null], // born after as_of
    ['1890-01-01', '2025-12-31', null], // older than MAX_AGE
    ['2023-02-30', '2025-12-31', null], // not a calendar date
    ['07/03/1990', '2025-12-31', null],
    [null, '2025-12-31', null],
  ] as const)('born %s, as of %s → %s', (birth, asOf, expected) => {
    expect(ageAt(birth, asOf)).toBe(expected);
  });
});

describe('ageBand', () => {
  it.each([
    [0, '<25'],
    [24, '<25'],
    [25, '25-34'],
    [34, '25-34'],
    [35, '35-44'],
    [44, '35-44'],
    [45, '45-54'],
    [54, '45-54'],
    [55, '55-64'],
    [64, '55-64'],
    [65, '65+'],
    [120, '65+'],
    [null, null],
    [Number.NaN, null],
  ] as const)('%s → %s', (age, band) => {
    expect(ageBand(age)).toBe(band);
  });
});
