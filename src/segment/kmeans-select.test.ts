import { describe, expect, it } from 'vitest';

import { adjustedRandIndex } from './ari.js';
import {
  assignNearest,
  chooseK,
  condensedDistances,
  deterministicSample,
  meanSilhouette,
  selectK,
  type KScore,
  type KSelectionResult,
} from './kmeans-select.js';
import type { DenseMatrix } from './matrix.js';
import { fitTransform } from './scaling.js';
import { mulberry32 } from '../util/mulberry32.js';


/** Well separated Gaussian blobs: sd 1, centres uniform in [0, 30]^dims and ≥ 12 apart. */
function blobs(n: number, k: number, dims: number, seed: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centers: number[][] = [];
  while (centers.length < k) {
    const c = Array.from({ length: dims }, () => 30 * rand());
    if (centers.every((o) => Math.sqrt(o.reduce((a, v, j) => a + (v - (c[j] as number)) ** 2, 0)) >= 12)) centers.push(c);
  }
  const data = new Float64Array(n * dims);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * k);
    truth[i] = c;
    for (let j = 0; j < dims; j++) data[i * dims + j] = (centers[c]![j] as number) + gauss();
  }
  return { m: { rows: n, cols: dims, data } as DenseMatrix, truth, centers };
}

const serialise = (r: KSelectionResult) => JSON.stringify({ ...r, assignments: Array.from(r.assignments) });

describe('selectK on well-separated blobs', () => {
  const { m, truth, centers } = blobs(6000, 4, 6, 11);
  const { scaler, scaled } = fitTransform(m);
  const opts = { scaler, sampleSize: 3000, silhouetteSampleSize: 1500, kMax: 8 };
  const result = selectK(scaled, opts);

  it('finds k = 4 and recovers the true partition', () => {
    expect(result.k).toBe(4);
    expect(result.rule).toBe('max-silhouette-among-stable');
    expect(adjustedRandIndex(result.assignments, truth)).toBeGreaterThan(0.99);
    expect(result.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const s4 = result.scores.find((s) => s.k === 4)!;
    expect(s4.stability).toBeGreaterThanOrEqual(0.99);
    for (const s of result.scores) if (s.k !== 4 && s.stability >= 0.8) expect(s.silhouette).toBeLessThan(s4.silhouette);
  });

  it('returns sizes, relabelled by size, and centroids in original units', () => {
    expect(result.assignments.length).toBe(6000);
    expect(result.clusterSizes.reduce((a, b) => a + b, 0)).toBe(6000);
    for (let c = 1; c < result.k; c++) expect(result.clusterSizes[c]!).toBeLessThanOrEqual(result.clusterSizes[c - 1]!);
    const counted = [0, 0, 0, 0];
    for (const l of result.assignments) counted[l]! += 1;
    expect(counted).toEqual(result.clusterSizes);
    expect(result.centroids).toHaveLength(4);
    expect(result.centroidsOriginal).not.toBeNull();
    // every true centre has a reported original-unit centroid within 0.3
    for (const c of centers) {
      const nearest = Math.min(
        ...result.centroidsOriginal!.map((o) => Math.sqrt(o.reduce((acc, v, j) => acc + (v - (c[j] as number)) ** 2, 0))),
      );
      expect(nearest).toBeLessThan(0.3);
    }
    expect(result.sampleSize).toBe(3000);
    expect(result.silhouetteSampleSize).toBe(1500);
    expect(result.seeds).toEqual([42, 43, 44]);
  });

  it('is deterministic: same input → byte-identical output', () => {
    const again = selectK(scaled, opts);
    expect(serialise(again)).toBe(serialise(result));
  });

  it('with ids, does not depend on the row order', () => {
    const n = m.rows;
    const ids = Array.from({ length: n }, (_, i) => `cust-${i}`);
    const a = selectK(scaled, { ...opts, ids });
    // reverse rows
    const rev = new Float64Array(scaled.data.length);
    for (let i = 0; i < n; i++) rev.set(scaled.data.subarray(i * 6, i * 6 + 6), (n - 1 - i) * 6);
    const b = selectK({ rows: n, cols: 6, data: rev }, { ...opts, ids: [...ids].reverse() });
    expect(b.k).toBe(a.k);
    expect(b.centroids).toEqual(a.centroids);
    expect(b.scores).toEqual(a.scores);
    for (let i = 0; i < n; i++) expect(b.assignments[n - 1 - i]).toBe(a.assignments[i]);
  });

  it('reports progress per k', () => {
    const seen: number[] = [];
    selectK(scaled, { ...opts, kMax: 4, onProgress: (s) => seen.push(s.k) });
    expect(seen).toEqual([2, 3, 4]);
  });
});

describe('selectK edge cases', () => {
  it('caps kMax at the number of distinct points and errors when below kMin', () => {
    const rows = [[0, 0], [0, 0], [5, 5], [5, 5], [9, 0], [9, 0]];
    const r = selectK(rows);
    expect(r.kRange).toEqual([2, 3]);
    expect(r.k).toBe(3);
    expect(r.clusterSizes).toEqual([2, 2, 2]);
    expect(() => selectK([[1, 1], [1, 1]])).toThrow(/need at least kMin=2 distinct points/);
  });

  it('validates options and input', () => {
    expect(() => selectK([[1], [2], [3]], { kMin: 3, kMax: 2 })).toThrow(/kMax must be an integer ≥ 3/);
    expect(() => selectK([[1], [Number.POSITIVE_INFINITY]])).toThrow(/non-finite/);
    expect(() => selectK([])).toThrow(/empty matrix/);
  });

  it('a fixed k is kMin = kMax', () => {
    const { m } = blobs(500, 3, 3, 5);
    const r = selectK(m, { kMin: 5, kMax: 5 });
    expect(r.k).toBe(5);
    expect(r.scores).toHaveLength(1);
  });
});

describe('chooseK rule', () => {
  const s = (k: number, silhouette: number, stability: number): KScore => ({
    k,
    silhouette,
    stability,
    minPairwiseAri: stability,
    inertia: 0,
    bestSeed: 0,
    iterations: [],
    converged: [],
  });
  it('highest silhouette among stable k, ties → smaller k', () => {
    expect(chooseK([s(2, 0.9, 0.5), s(3, 0.6, 0.9), s(4, 0.7, 0.8), s(5, 0.7, 0.95)], 0.8)).toEqual({
      k: 4,
      rule: 'max-silhouette-among-stable',
    });
  });
  it('falls back to the most stable k when none reaches the threshold', () => {
    expect(chooseK([s(2, 0.9, 0.5), s(3, 0.6, 0.7), s(4, 0.8, 0.7)], 0.8)).toEqual({ k: 4, rule: 'fallback-most-stable' });
  });
});

describe('building blocks', () => {
  it('deterministicSample: a prefix-stable permutation of distinct indices', () => {
    const a = deterministicSample(1000, 100, 7);
    expect(a.length).toBe(100);
    expect(new Set(a).size).toBe(100);
    const all = deterministicSample(1000, 5000, 7);
    expect(all.length).toBe(1000);
    expect(Array.from(all.subarray(0, 100))).toEqual(Array.from(a));
    expect(Array.from(deterministicSample(1000, 100, 8))).not.toEqual(Array.from(a));
  });

  it('assignNearest: nearest centroid, ties → lower index', () => {
    const m: DenseMatrix = { rows: 3, cols: 1, data: Float64Array.from([0, 5, 10]) };
    const { labels, inertia } = assignNearest(m, Float64Array.from([0, 10]), 2);
    expect(Array.from(labels)).toEqual([0, 0, 1]);
    expect(inertia).toBe(25);
  });

  it('meanSilhouette matches a hand-computed example', () => {
    const m: DenseMatrix = { rows: 4, cols: 1, data: Float64Array.from([0, 1, 10, 11]) };
    const expected = (2 * (1 - 1 / 10.5) + 2 * (1 - 1 / 9.5)) / 4;
    expect(meanSilhouette(m, [0, 0, 1, 1], 2)).toBeCloseTo(expected, 12);
    expect(meanSilhouette(m, [0, 0, 0, 0], 2)).toBe(0);
    // singleton cluster scores 0: points 0,1 → cluster 0; 10 alone; 11 alone
    // (b = mean distance to the nearest other cluster: 10 for point 0, 9 for point 1)
    const s = meanSilhouette(m, [0, 0, 1, 2], 3);
    expect(s).toBeCloseTo((1 - 1 / 10 + (1 - 1 / 9)) / 4, 12);
  });

  it('meanSilhouette with cached distances is bit-identical', () => {
    const { m } = blobs(300, 3, 4, 2);
    const labels = Array.from({ length: 300 }, (_, i) => (i * 7) % 3);
    const d = condensedDistances(m);
    expect(d.length).toBe((300 * 299) / 2);
    expect(meanSilhouette(m, labels, 3, d)).toBe(meanSilhouette(m, labels, 3));
  });
});
