import { describe, expect, it } from 'vitest';

import { toDenseMatrix } from './matrix.js';
import {
  fitScaler,
  fitTransform,
  inverseTransform,
  inverseTransformRow,
  quantileSorted,
  skewness,
  transform,
} from './scaling.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

/** columns: spend (log-normal, skewed ≥ 0), score (symmetric), delta (skewed but with negatives) */
function sampleData(n: number): number[][] {
  const rand = lcg(3);
  const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: n }, () => [Math.exp(3 + 1.2 * gauss()), 50 + 10 * gauss(), Math.exp(gauss()) - 1.5]);
}

const column = (m: { rows: number; cols: number; data: Float64Array }, j: number) =>
  Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j] as number);

describe('helpers', () => {
  it('quantileSorted uses linear interpolation (numpy default)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.75)).toBeCloseTo(3.25, 12);
    expect(quantileSorted([7], 0.3)).toBe(7);
  });
  it('skewness: 0 for symmetric / constant data, positive for right tails', () => {
    expect(skewness([1, 2, 3, 4, 5])).toBeCloseTo(0, 12);
    expect(skewness([4, 4, 4])).toBe(0);
    expect(skewness([0, 0, 0, 0, 10])).toBeGreaterThan(1);
  });
});

describe('fitScaler', () => {
  const data = sampleData(2000);

  it('auto log1p only for skewed non-negative features', () => {
    const s = fitScaler(data, { featureNames: ['spend', 'score', 'delta'] });
    expect(s.features.map((f) => f.log1p)).toEqual([true, false, false]);
    expect(s.features[0]!.skewness).toBeGreaterThan(1);
    expect(s.features[2]!.skewness).toBeGreaterThan(1); // skewed, but has negatives
    expect(s.method).toBe('robust');
  });

  it('respects log1p config: global and per feature', () => {
    expect(fitScaler(data, { log1p: false }).features.every((f) => !f.log1p)).toBe(true);
    const s = fitScaler(data, { featureNames: ['spend', 'score', 'delta'], log1p: { spend: false, score: true } });
    expect(s.features.map((f) => f.log1p)).toEqual([false, true, false]);
    expect(() => fitScaler(data, { featureNames: ['spend', 'score', 'delta'], log1p: { delta: true } })).toThrow(
      /log1p requested for feature "delta" but it has negative values/,
    );
    expect(() => fitScaler(data, { log1p: { nope: true } })).toThrow(/unknown feature "nope"/);
    expect(() => fitScaler(data, { featureNames: ['a'] })).toThrow(/1 feature names for 3 columns/);
  });

  it('skew threshold is configurable', () => {
    const s = fitScaler(data, { skewThreshold: 100 });
    expect(s.features.map((f) => f.log1p)).toEqual([false, false, false]);
  });

  it('robust scaling: median → 0, IQR → 1', () => {
    const { scaled } = fitTransform(data, { log1p: false });
    for (let j = 0; j < 3; j++) {
      const sorted = column(scaled, j).sort((a, b) => a - b);
      expect(quantileSorted(sorted, 0.5)).toBeCloseTo(0, 10);
      expect(quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)).toBeCloseTo(1, 10);
    }
  });

  it('robust scaling falls back to std when IQR = 0, and to 1 for constants', () => {
    // 90 % zeros → IQR 0
    const rows = Array.from({ length: 100 }, (_, i) => [i < 90 ? 0 : 10, 5]);
    const s = fitScaler(rows, { log1p: false });
    expect(s.features[0]).toMatchObject({ center: 0, scaleSource: 'std' });
    expect(s.features[0]!.scale).toBeCloseTo(3, 12); // sqrt(0.9 * 0.1) * 10
    expect(s.features[1]).toMatchObject({ center: 5, scale: 1, scaleSource: 'unit', skewness: 0 });
    expect(column(transform(s, rows), 1).every((v) => v === 0)).toBe(true);
  });

  it('z-scaling: mean 0, population std 1', () => {
    const { scaled, scaler } = fitTransform(data, { method: 'zscore', log1p: false });
    expect(scaler.features.every((f) => f.scaleSource === 'std')).toBe(true);
    for (let j = 0; j < 3; j++) {
      const c = column(scaled, j);
      const mean = c.reduce((a, b) => a + b, 0) / c.length;
      const sd = Math.sqrt(c.reduce((a, b) => a + (b - mean) ** 2, 0) / c.length);
      expect(mean).toBeCloseTo(0, 10);
      expect(sd).toBeCloseTo(1, 10);
    }
  });

  it('rejects non-finite input and empty input', () => {
    expect(() => fitScaler([[1], [Number.NaN]])).toThrow(/non-finite value NaN at row 1, column 0/);
    expect(() => fitScaler([])).toThrow(/no rows/);
  });
});

describe('round trip', () => {
  const data = sampleData(500);
  for (const method of ['robust', 'zscore', 'none'] as const) {
    for (const log1p of ['auto', true, false] as const) {
      it(`inverseTransform(transform(x)) ≈ x (${method}, log1p ${String(log1p)})`, () => {
        // forced log1p needs non-negative data: drop the delta column then
        const x = log1p === true ? data.map((r) => [r[0] as number, r[1] as number]) : data;
        const { scaler, scaled } = fitTransform(x, { method, log1p });
        const back = inverseTransform(scaler, scaled);
        const orig = toDenseMatrix(x);
        for (let p = 0; p < orig.data.length; p++) {
          const v = orig.data[p] as number;
          expect(Math.abs((back.data[p] as number) - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
        }
      });
    }
  }

  it('inverseTransformRow maps a scaled centroid back to original units', () => {
    const { scaler } = fitTransform(sampleData(500), { featureNames: ['spend', 'score', 'delta'] });
    const f = scaler.features;
    const back = inverseTransformRow(scaler, [0, 0, 0]);
    // 0 in scaled space = the center; spend was logged → expm1(median of log1p(spend))
    expect(back[0]).toBeCloseTo(Math.expm1(f[0]!.center), 10);
    expect(back[1]).toBeCloseTo(f[1]!.center, 10);
  });

  it('transform rejects negative values on a log1p feature and wrong widths', () => {
    const scaler = fitScaler([[1], [2], [3], [100]], { log1p: true });
    expect(() => transform(scaler, [[-1]])).toThrow(/negative value -1/);
    expect(() => transform(scaler, [[1, 2]])).toThrow(/2 columns, scaler was fitted on 1/);
  });
});
