import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { linkRecords } from './engine.js';
import { pairwiseMetrics } from './evaluate.js';
import { febrlSpec, loadFebrl } from './febrl.js';

// src/clean/identity → repository root → the shared data beside it.
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data', 'febrl');

describe.skipIf(!existsSync(dir))('FEBRL benchmark (unsupervised, threshold p = 0.5)', () => {
  it('should deduplicate FEBRL3 with F1 ≥ 0.999 (Splink: 0.9929; measured 0.9996)', () => {
    const data = loadFebrl(dir, ['dataset3.csv']);
    const result = linkRecords(data.records, febrlSpec('dedupe'));
    const m = pairwiseMetrics(data.records, result.clusters.clusterOf, data.truth, 'dedupe');
    expect(m.truePairs).toBe(6538);
    expect(m.f1).toBeGreaterThanOrEqual(0.999);
    expect(result.pairs.count).toBeLessThan(20_000);
  });

  it('should link FEBRL4 with F1 ≥ 0.999 (Splink: 0.9992)', () => {
    const data = loadFebrl(dir, ['dataset4a.csv', 'dataset4b.csv']);
    const result = linkRecords(data.records, febrlSpec('link'));
    const m = pairwiseMetrics(data.records, result.clusters.clusterOf, data.truth, 'link');
    expect(m.truePairs).toBe(5000);
    expect(m.f1).toBeGreaterThanOrEqual(0.999);
    expect(result.pairs.count).toBeLessThan(20_000);
  });
});
