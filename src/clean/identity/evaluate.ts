/**
 * Pairwise evaluation of a clustering against ground truth (for benchmarks and tests only).
 * Predicted pairs = all pairs of records in the same predicted cluster (in `link` mode only pairs
 * from different sources); true pairs likewise from the true entity ids.
 */
import type { LinkMode, LinkRecord } from './types.js';

export interface PairwiseMetrics {
  readonly truePairs: number;
  readonly predictedPairs: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

function pairsInGroups(groups: Map<string, Map<string, number>>, linkOnly: boolean): number {
  let total = 0;
  for (const bySource of groups.values()) {
    let n = 0;
    let sq = 0;
    for (const c of bySource.values()) {
      n += c;
      sq += c * c;
    }
    total += linkOnly ? (n * n - sq) / 2 : (n * (n - 1)) / 2;
  }
  return total;
}

function addTo(groups: Map<string, Map<string, number>>, key: string, source: string): void {
  let g = groups.get(key);
  if (g === undefined) {
    g = new Map();
    groups.set(key, g);
  }
  g.set(source, (g.get(source) ?? 0) + 1);
}

/** `truth[i]` = true entity of record i (null: record not scored). */
export function pairwiseMetrics(
  records: readonly LinkRecord[],
  clusterOf: Int32Array,
  truth: readonly (string | null)[],
  mode: LinkMode,
): PairwiseMetrics {
  const linkOnly = mode === 'link';
  const predicted = new Map<string, Map<string, number>>();
  const actual = new Map<string, Map<string, number>>();
  const both = new Map<string, Map<string, number>>();
  for (let i = 0; i < records.length; i++) {
    const t = truth[i];
    if (t === null || t === undefined) continue;
    const src = records[i]!.source;
    const c = String(clusterOf[i]);
    addTo(predicted, c, src);
    addTo(actual, t, src);
    addTo(both, `${c}\u0000${t}`, src);
  }
  const predictedPairs = pairsInGroups(predicted, linkOnly);
  const truePairs = pairsInGroups(actual, linkOnly);
  const truePositives = pairsInGroups(both, linkOnly);
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs, predictedPairs, truePositives, precision, recall, f1 };
}

/** Recall of the candidate pairs (share of true pairs that blocking produced). */
export function blockingRecall(
  a: Int32Array,
  b: Int32Array,
  count: number,
  truth: readonly (string | null)[],
  truePairs: number,
): number {
  let found = 0;
  for (let p = 0; p < count; p++) {
    const ta = truth[a[p]!];
    if (ta !== null && ta !== undefined && ta === truth[b[p]!]) found++;
  }
  return truePairs === 0 ? 1 : found / truePairs;
}
