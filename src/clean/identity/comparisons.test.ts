import { describe, expect, it } from 'vitest';
import { compileComparison, dayNumber, parseDateKey } from './comparisons.js';
import type { ComparisonSpec, LinkRecord } from './types.js';

const rec = (...values: (string | null)[]): LinkRecord => ({ idx: 0, source: 's', sourceId: '1', values });

describe('compileComparison', () => {
  const dob: ComparisonSpec = {
    name: 'dob',
    field: 0,
    levels: [
      { kind: 'exact' },
      { kind: 'dateDayMonthSwap' },
      { kind: 'dateOneComponent' },
      { kind: 'dateWithinYears', years: 1 },
    ],
  };
  const c = compileComparison(dob);

  it.each([
    ['1990-03-07', null, 0, 'null'],
    ['1990-03-07', '1990-03-07', 1, 'exact'],
    ['1990-03-07', '1990-07-03', 2, 'day/month swapped'],
    ['1990-03-07', '1990-03-17', 3, 'one date part differs'],
    ['1990-03-07', '1991-03-07', 3, 'one date part differs'],
    ['1990-03-07', '1991-01-20', 4, 'within 1y'],
    ['1990-03-07', '1993-08-20', 5, 'else'],
    ['19900307', '1990-03-07', 3, 'one date part differs'],
  ])('should put %s vs %s at level %i (%s)', (a, b, level, label) => {
    const got = c.compare(rec(a), rec(b));
    expect(got).toBe(level);
    expect(c.labels[got]).toBe(label);
  });

  it('should use the first level that holds, string and numeric', () => {
    const name = compileComparison({
      name: 'n',
      field: 0,
      levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }, { kind: 'jaroWinkler', min: 0.8 }],
    });
    expect(name.compare(rec('wang'), rec('wang'))).toBe(1);
    expect(name.compare(rec('wang'), rec('wong'))).toBe(2);
    expect(name.compare(rec('martha'), rec('marhta'))).toBe(3);
    expect(name.compare(rec('wang'), rec('li'))).toBe(4);
    expect(name.compare(rec(''), rec('li'))).toBe(0);
    const amount = compileComparison({ name: 'x', field: 0, levels: [{ kind: 'numericAbs', max: 0.5 }, { kind: 'numericRel', max: 0.1 }] });
    expect(amount.compare(rec('10'), rec('10.4'))).toBe(1);
    expect(amount.compare(rec('100'), rec('109'))).toBe(2);
    expect(amount.compare(rec('100'), rec('abc'))).toBe(3);
  });

  it('should evaluate custom cross-field levels', () => {
    const swapped = compileComparison({
      name: 'given',
      field: 0,
      usesFields: [1],
      levels: [{ kind: 'exact' }, { kind: 'custom', label: 'swapped', test: (a, b) => a.values[0] === b.values[1] }],
    });
    expect(swapped.fields).toEqual([0, 1]);
    expect(swapped.compare(rec('wei', 'wang'), rec('wang', 'wei'))).toBe(2);
  });

  it('should reject term frequencies without an exact first level', () => {
    expect(() => compileComparison({ name: 'x', field: 0, termFrequency: true, levels: [{ kind: 'jaro', min: 0.9 }] })).toThrow(/exact/);
  });

  it('should parse dates and count days like Date.UTC', () => {
    expect(parseDateKey('2024-02-29')).toBe(20240229);
    expect(parseDateKey('2024/02/29')).toBe(-1);
    for (const k of [19000101, 19700101, 19991231, 20000229, 20251231]) {
      const utc = Date.UTC(Math.floor(k / 10000), (Math.floor(k / 100) % 100) - 1, k % 100) / 86_400_000;
      expect(dayNumber(k)).toBe(utc);
    }
  });
});
