import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './ari.js';
import { buildFeatureMatrix, clusterCustomers, featureWeights, resolveFeatures, type FeatureRow } from './clustering.js';
import { parseSegmentConfig } from './segment-config.js';

const specs = (features: string[]) => parseSegmentConfig({ clustering: { features } }).clustering.specs;

describe('resolveFeatures', () => {
  it('expands share.<dimension>.* into the values present, sorted, without duplicating explicit ones', () => {
    const resolved = resolveFeatures(specs(['frequency', 'share.category.toys', 'share.category.*', 'share.channel.web']), {
      category: ['toys', 'books', 'Apparel'],
      channel: ['store', 'web'],
    });
    expect(resolved.map((f) => f.name)).toEqual(['frequency', 'share.category.toys', 'share.category.Apparel', 'share.category.books', 'share.channel.web']);
    expect(resolved[2]).toEqual({ name: 'share.category.Apparel', from: 'share.category.*', kind: 'share', dimension: 'category', value: 'Apparel' });
  });

  it('expands to nothing when the dimension has no values', () => {
    expect(resolveFeatures(specs(['share.channel.*']), {})).toEqual([]);
  });
});

describe('buildFeatureMatrix', () => {
  const rows: FeatureRow[] = [
    { customerId: 'a', values: { frequency: 1, avg_order_value: 10 }, shares: { category: { toys: 1 } } },
    { customerId: 'b', values: { frequency: 3, avg_order_value: null }, shares: { category: { toys: 0.5, books: 0.5 } } },
    { customerId: 'c', values: { frequency: 2, avg_order_value: 30 }, shares: {} },
  ];
  const features = resolveFeatures(specs(['frequency', 'avg_order_value', 'share.category.*']), { category: ['toys', 'books'] });

  it('reads columns and shares (0 when absent) and imputes missing values with the median', () => {
    const m = buildFeatureMatrix(rows, features);
    expect(features.map((f) => f.name)).toEqual(['frequency', 'avg_order_value', 'share.category.books', 'share.category.toys']);
    expect(Array.from(m.matrix.data)).toEqual([1, 10, 0, 1, 3, 20, 0.5, 0.5, 2, 30, 0, 0]);
    expect(m.imputed).toEqual([0, 1, 0, 0]);
    expect(m.imputedWith).toEqual([0, 20, 0, 0]);
  });

  it('shrinks shares towards the mean share by the prior, weighted by orders', () => {
    const m = buildFeatureMatrix(rows, features, 2, [1, 3, 2]);
    const meanToys = 1.5 / 3;
    // customer a: one order of toys → (1 · 1 + 2 · ½) / (1 + 2)
    expect(m.matrix.data[3]).toBeCloseTo((1 * 1 + 2 * meanToys) / 3, 12);
    // customer c: no shares → pulled from 0 towards the mean
    expect(m.matrix.data[11]).toBeCloseTo((2 * 0 + 2 * meanToys) / 4, 12);
    // columns are untouched
    expect(m.matrix.data[0]).toBe(1);
  });
});

describe('featureWeights', () => {
  it('gives the features of one share.<dimension>.* a total weight, everything else 1', () => {
    const features = resolveFeatures(specs(['frequency', 'share.category.*', 'share.channel.web']), { category: ['a', 'b', 'c', 'd'] });
    expect(featureWeights(features, 3)).toEqual([1, Math.sqrt(3 / 4), Math.sqrt(3 / 4), Math.sqrt(3 / 4), Math.sqrt(3 / 4), 1]);
    expect(featureWeights(features, 0)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('clusterCustomers', () => {
  /** Three well separated groups of customers in (frequency, monetary, coupon share). */
  function population(n: number): { rows: FeatureRow[]; truth: number[] } {
    let s = 12345;
    const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const rows: FeatureRow[] = [];
    const truth: number[] = [];
    const centres = [
      [2, 100, 0.05],
      [12, 2000, 0.1],
      [4, 300, 0.9],
    ];
    for (let i = 0; i < n; i++) {
      const g = i % 3;
      const c = centres[g] as number[];
      rows.push({
        customerId: `c${String(i).padStart(5, '0')}`,
        values: { frequency: Math.max(1, Math.round((c[0] as number) * (0.8 + 0.4 * rand()))), monetary: (c[1] as number) * (0.8 + 0.4 * rand()), coupon_order_share: Math.min(1, Math.max(0, (c[2] as number) + 0.1 * (rand() - 0.5))) },
        shares: {},
      });
      truth.push(g);
    }
    return { rows, truth };
  }
  const options = { scaling: 'zscore' as const, log1p: 'auto' as const, sharePrior: 0, kMin: 2, kMax: 6, sampleSize: 1000, silhouetteSampleSize: 500, seed: 42, runs: 3, stabilityThreshold: 0.8 };
  const features = resolveFeatures(specs(['frequency', 'monetary', 'coupon_order_share']), {});

  it('finds the three groups, reports centroids in original units and distances', () => {
    const { rows, truth } = population(1500);
    const result = clusterCustomers(rows, features, options);
    if (typeof result === 'string') throw new Error(result);
    expect(result.k).toBe(3);
    expect(adjustedRandIndex(Array.from(result.assignments), truth)).toBeGreaterThan(0.99);
    expect(result.clusterSizes).toEqual([500, 500, 500]);
    expect(result.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
    const highSpend = result.centroidsOriginal.find((c) => (c[1] as number) > 1000) as readonly number[];
    expect(highSpend[0]).toBeGreaterThan(9);
    expect(result.distances.every((d) => d >= 0 && Number.isFinite(d))).toBe(true);
  });

  it('is deterministic and independent of row order', () => {
    const { rows } = population(600);
    const a = clusterCustomers(rows, features, options);
    const b = clusterCustomers([...rows].reverse(), features, options);
    if (typeof a === 'string' || typeof b === 'string') throw new Error('not clustered');
    const labelOf = new Map(rows.map((r, i) => [r.customerId, a.assignments[i]]));
    [...rows].reverse().forEach((r, i) => expect(b.assignments[i]).toBe(labelOf.get(r.customerId)));
    // Same centroids up to the rounding of sums taken in another order.
    b.centroids.forEach((c, i) => c.forEach((v, j) => expect(v).toBeCloseTo(a.centroids[i]![j]!, 10)));
    expect(clusterCustomers(rows, features, options)).toEqual(a); // same order: bit-identical
  });

  it('folds the share block weight into the scale, so centroids still invert to original units', () => {
    const { rows } = population(300);
    const withShares: FeatureRow[] = rows.map((r, i) => ({ ...r, shares: { category: i % 3 === 0 ? { toys: 1 } : { books: 0.5, toys: 0.5 } } as FeatureRow['shares'] }));
    const shareFeatures = resolveFeatures(specs(['frequency', 'monetary', 'coupon_order_share', 'share.category.*']), { category: ['books', 'toys'] });
    const plain = clusterCustomers(withShares, shareFeatures, { ...options, kMin: 3, kMax: 3 });
    const weighted = clusterCustomers(withShares, shareFeatures, { ...options, kMin: 3, kMax: 3, shareBlockWeight: 1 });
    if (typeof plain === 'string' || typeof weighted === 'string') throw new Error('not clustered');
    const w = Math.sqrt(1 / 2);
    expect(weighted.scaler.features[3]!.scale).toBeCloseTo(plain.scaler.features[3]!.scale / w, 12);
    expect(weighted.scaler.features[0]!.scale).toBe(plain.scaler.features[0]!.scale);
    // centroids in original units are shares again (between 0 and 1, summing to 1 over the block)
    for (const c of weighted.centroidsOriginal) expect((c[3] as number) + (c[4] as number)).toBeCloseTo(1, 9);
  });

  it('returns a reason instead of clustering fewer distinct customers than k.min', () => {
    const rows: FeatureRow[] = ['a', 'b', 'c'].map((id) => ({ customerId: id, values: { frequency: 1, monetary: 5, coupon_order_share: 0 }, shares: {} }));
    expect(clusterCustomers(rows, features, options)).toMatch(/1 distinct feature vectors/);
    expect(clusterCustomers(rows, [], options)).toMatch(/no clustering features/);
  });
});

describe('clusterCustomers with constant and near-constant features', () => {
  const options = { scaling: 'zscore' as const, log1p: 'auto' as const, sharePrior: 3, shareBlockWeight: 3, kMin: 2, kMax: 4, sampleSize: 1000, silhouetteSampleSize: 500, seed: 42, runs: 3, stabilityThreshold: 0.8 };
  /** Two behaviours; no line has a category, so every customer's one share is unknown = 1; 5 in 1,000 have coupons. */
  function rows(): FeatureRow[] {
    return Array.from({ length: 1000 }, (_, i) => ({
      customerId: `c${String(i).padStart(4, '0')}`,
      values: { frequency: i % 2 === 0 ? 2 + (i % 3) : 12 + (i % 5), monetary: i % 2 === 0 ? 50 + (i % 7) : 900 + (i % 11), coupon_order_share: i % 200 === 0 ? 1 : 0 },
      shares: { category: { unknown: 1 } },
    }));
  }

  it('drops them and names them, and clusters on the rest', () => {
    const features = resolveFeatures(specs(['frequency', 'monetary', 'coupon_order_share', 'share.category.*']), { category: ['unknown'] });
    const result = clusterCustomers(rows(), features, options);
    if (typeof result === 'string') throw new Error(result);
    expect(result.dropped).toEqual([{ name: 'coupon_order_share', modalShare: 0.995 }, { name: 'share.category.unknown', modalShare: 1 }]);
    expect(result.features.map((f) => f.name)).toEqual(['frequency', 'monetary']);
    expect(result.k).toBe(2);
    expect(result.clusterSizes).toEqual([500, 500]);
  });

  it('gives a reason when nothing is left', () => {
    const features = resolveFeatures(specs(['coupon_order_share', 'share.category.*']), { category: ['unknown'] });
    expect(clusterCustomers(rows(), features, options)).toBe('every clustering feature is constant or near-constant (coupon_order_share, share.category.unknown)');
  });
});
