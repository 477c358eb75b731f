import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OUTLIER_OPTIONS,
  isQuantityOutlier,
  priceOutlier,
  quantityLimit,
  quartilesFromHistogram,
  resolveOutlierOptions,
  type HistogramBucket,
} from './outliers.js';

/** Reference: numpy.percentile(values, p) with linear interpolation. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return (s[lo] as number) + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number));
}

function histogram(values: number[]): HistogramBucket[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count }));
}

describe('quartilesFromHistogram', () => {
  it.each([
    [[7]],
    [[1, 2]],
    [[1, 2, 3, 4]],
    [[1, 1, 1, 1, 2, 3, 9999]],
    [[5, 1, 3, 3, 2, 8, 13, 21, 1, 1]],
    [[0.5, 0.25, 12, 12, 12, 144, 6, 6, 24, 48, 1]],
  ])('should match linear-interpolation quartiles of %j', (values) => {
    const q = quartilesFromHistogram(histogram(values), values.length);
    expect(q?.n).toBe(values.length);
    expect(q?.q1).toBeCloseTo(percentile(values, 0.25), 12);
    expect(q?.q3).toBeCloseTo(percentile(values, 0.75), 12);
  });

  it('should return null for no values', () => {
    expect(quartilesFromHistogram([], 0)).toBeNull();
  });

  it('should stop reading once it has both quartiles', () => {
    let read = 0;
    function* buckets(): Generator<HistogramBucket> {
      for (let v = 1; v <= 1000; v++) {
        read++;
        yield { value: v, count: 1 };
      }
    }
    expect(quartilesFromHistogram(buckets(), 1000)).toEqual({ n: 1000, q1: 250.75, q3: 750.25 });
    expect(read).toBeLessThan(760);
  });

  it('should refuse buckets out of order or fewer values than announced', () => {
    expect(() => quartilesFromHistogram([{ value: 2, count: 1 }, { value: 1, count: 1 }], 2)).toThrow(RangeError);
    expect(() => quartilesFromHistogram([{ value: 1, count: 1 }], 5)).toThrow(RangeError);
  });
});

describe('quantityLimit', () => {
  it('should be the floor when quantities are small (retail: Q1 1, Q3 3)', () => {
    expect(quantityLimit({ n: 375_837, q1: 1, q3: 3 })).toBe(50);
  });

  it('should be Q3 + 10 × IQR when that is above the floor (wholesale quantities)', () => {
    expect(quantityLimit({ n: 100, q1: 2, q3: 12 })).toBe(112);
  });

  it('should follow the options', () => {
    const options = resolveOutlierOptions({ quantityFloor: 10, iqrMultiplier: 3 });
    expect(quantityLimit({ n: 100, q1: 1, q3: 3 }, options)).toBe(10);
    expect(quantityLimit({ n: 100, q1: 2, q3: 12 }, options)).toBe(42);
  });

  it('should flag |quantity| strictly above the limit, returns included', () => {
    expect([9999, -9999, 51, 50, -50, 3].map((q) => isQuantityOutlier(q, 50))).toEqual([true, true, true, false, false, false]);
  });
});

describe('priceOutlier', () => {
  it.each([
    [100, 10, null],
    [200, 10, null], // exactly 20 ×: not beyond
    [200.01, 10, 'high'],
    [0.5, 10, null], // exactly 1/20
    [0.49, 10, 'low'],
  ] as const)('should call %d against a median of %d %s', (price, median, expected) => {
    expect(priceOutlier(price, median)).toBe(expected);
  });
});

describe('resolveOutlierOptions', () => {
  it('should fill in the defaults', () => {
    expect(resolveOutlierOptions()).toEqual(DEFAULT_OUTLIER_OPTIONS);
    expect(resolveOutlierOptions({ priceRatio: 10, quantityFloor: undefined })).toEqual({ ...DEFAULT_OUTLIER_OPTIONS, priceRatio: 10 });
  });

  it.each([
    [{ quantityFloor: -1 }, /quantityFloor = -1/],
    [{ priceRatio: 1 }, /priceRatio = 1: expected a number > 1/],
    [{ priceMinSkuLines: 2.5 }, /priceMinSkuLines/],
    [{ iqrMultiplier: Number.NaN }, /iqrMultiplier/],
  ])('should refuse %j', (options, message) => {
    expect(() => resolveOutlierOptions(options)).toThrow(message);
  });
});
