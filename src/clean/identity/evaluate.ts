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

/** One scored record: the cluster it was put in, its true entity, and its source. */
export interface LabelledRecord {
  readonly cluster: string;
  readonly entity: string;
  readonly source: string;
}

/** `truth[i]` = true entity of record i (null: record not scored). */
export function pairwiseMetrics(
  records: readonly LinkRecord[],
  clusterOf: Int32Array,
  truth: readonly (string | null)[],
  mode: LinkMode,
): PairwiseMetrics {
  const labelled: LabelledRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const t = truth[i];
    if (t === null || t === undefined) continue;
    labelled.push({ cluster: String(clusterOf[i]), entity: t, source: records[i]!.source });
  }
  return pairwiseFromLabels(labelled, mode === 'link');
}

/** Pairwise metrics of labelled records (the benches score identity_map rows this way). */
export function pairwiseFromLabels(labelled: Iterable<LabelledRecord>, linkOnly = false): PairwiseMetrics {
  const predicted = new Map<string, Map<string, number>>();
  const actual = new Map<string, Map<string, number>>();
  const both = new Map<string, Map<string, number>>();
  for (const { cluster, entity, source } of labelled) {
    addTo(predicted, cluster, source);
    addTo(actual, entity, source);
    addTo(both, `${cluster}\u0000${entity}`, source);
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
