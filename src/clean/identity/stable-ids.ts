/**
 * Stable customer ids across runs.
 *
 * Each new cluster keeps the previous id held by most of its records, and each previous id goes to
 * at most one cluster: candidates (cluster, previous id, records) are granted greedily by record
 * count, ties by id then by cluster order, so the result is deterministic. Clusters left without an
 * id get fresh ones, `prefix` + zero-padded counter continuing from the largest previous number,
 * in the order of their smallest (source, sourceId).
 *
 * Changes (rows for an `identity_changes` table), one per (previous id, new id) that records moved
 * between:
 *  - `merge`: previous id X was not kept; its records are now under Y (an existing id);
 *  - `move`:  X was kept by another cluster; some of its records are now under existing Y;
 *  - `split`: records of X are now under a fresh id Y;
 *  - `new`:   fresh id Y whose records had no previous id;
 *  - `retire`: previous id X none of whose records is present any more.
 */

export interface SourceKey {
  readonly source: string;
  readonly sourceId: string;
}

export interface PreviousAssignment extends SourceKey {
  readonly customerId: string;
}

export type IdentityChangeKind = 'new' | 'merge' | 'move' | 'split' | 'retire';

export interface IdentityChange {
  readonly kind: IdentityChangeKind;
  /** The id the records are under now (null for `retire`). */
  readonly customerId: string | null;
  /** The id they were under before (null for `new`). */
  readonly previousCustomerId: string | null;
  /** Number of source records concerned. */
  readonly records: number;
}

export interface StableIdOptions {
  /** Default 'C'. */
  readonly prefix?: string;
  /** Digits of the counter. Default 8. */
  readonly width?: number;
}

export interface StableIdResult {
  /** Id of each cluster, in the order given. */
  readonly clusterIds: readonly string[];
  readonly changes: readonly IdentityChange[];
  /** Records present before and now whose id did not change. */
  readonly recordsKept: number;
  /** Records present before and now. */
  readonly recordsSeenBefore: number;
  readonly freshIds: number;
}

const keyOf = (r: SourceKey): string => `${r.source}\u0000${r.sourceId}`;

export function assignStableIds(
  previous: Iterable<PreviousAssignment>,
  clusters: readonly (readonly SourceKey[])[],
  options: StableIdOptions = {},
): StableIdResult {
  const prefix = options.prefix ?? 'C';
  const width = options.width ?? 8;
  const prevOf = new Map<string, string>();
  const previousCounts = new Map<string, number>();
  let maxNumber = 0;
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)$`);
  for (const p of previous) {
    prevOf.set(keyOf(p), p.customerId);
    previousCounts.set(p.customerId, (previousCounts.get(p.customerId) ?? 0) + 1);
    const m = pattern.exec(p.customerId);
    if (m) maxNumber = Math.max(maxNumber, Number(m[1]));
  }

  // Tally previous ids per cluster.
  const tallies: Map<string, number>[] = clusters.map((members) => {
    const t = new Map<string, number>();
    for (const r of members) {
      const id = prevOf.get(keyOf(r));
      if (id !== undefined) t.set(id, (t.get(id) ?? 0) + 1);
    }
    return t;
  });
  const candidates: { cluster: number; id: string; count: number }[] = [];
  tallies.forEach((t, cluster) => {
    for (const [id, count] of t) candidates.push({ cluster, id, count });
  });
  candidates.sort((x, y) => y.count - x.count || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) || x.cluster - y.cluster);
  const clusterIds: (string | null)[] = clusters.map(() => null);
  const keptBy = new Map<string, number>();
  for (const c of candidates) {
    if (clusterIds[c.cluster] !== null || keptBy.has(c.id)) continue;
    clusterIds[c.cluster] = c.id;
    keptBy.set(c.id, c.cluster);
  }

  // Fresh ids in order of each cluster's smallest member key.
  const fresh = new Set<number>();
  const needing = clusters
    .map((members, cluster) => ({ cluster, first: members.map(keyOf).reduce((a, b) => (b < a ? b : a), '\uffff') }))
    .filter((x) => clusterIds[x.cluster] === null)
    .sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : x.cluster - y.cluster));
  let counter = maxNumber;
  for (const { cluster } of needing) {
    counter++;
    clusterIds[cluster] = prefix + String(counter).padStart(width, '0');
    fresh.add(cluster);
  }

  const changes: IdentityChange[] = [];
  let recordsKept = 0;
  let recordsSeenBefore = 0;
  const present = new Set<string>();
  tallies.forEach((t, cluster) => {
    const id = clusterIds[cluster]!;
    let withPrevious = 0;
    const moved = [...t.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    for (const [prevId, count] of moved) {
      present.add(prevId);
      withPrevious += count;
      recordsSeenBefore += count;
      if (prevId === id) {
        recordsKept += count;
        continue;
      }
      const kind: IdentityChangeKind = fresh.has(cluster) ? 'split' : keptBy.has(prevId) ? 'move' : 'merge';
      changes.push({ kind, customerId: id, previousCustomerId: prevId, records: count });
    }
    const newRecords = clusters[cluster]!.length - withPrevious;
    if (fresh.has(cluster) && withPrevious === 0) {
      changes.push({ kind: 'new', customerId: id, previousCustomerId: null, records: newRecords });
    }
  });
  for (const id of [...previousCounts.keys()].sort()) {
    if (!present.has(id)) {
      changes.push({ kind: 'retire', customerId: null, previousCustomerId: id, records: previousCounts.get(id)! });
    }
  }
  return { clusterIds: clusterIds as string[], changes, recordsKept, recordsSeenBefore, freshIds: fresh.size };
}
