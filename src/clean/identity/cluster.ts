/**
 * Clustering of scored pairs into entities, with over-merge guards.
 *
 * Choice (documented for guard (c), transitive chaining): guarded best-first merging, a constrained
 * average-linkage. Edges (pairs at or above the threshold) are taken from strongest to weakest; an
 * edge joins its two clusters only if, over all cross pairs x ∈ A, y ∈ B (scored on the fly, not
 * only candidate pairs):
 *   (b) no two records from the same source have evidence (weight − prior weight) below
 *       sameSourceMinEvidence, and
 *   (c) the mean cross-pair weight is ≥ minAverageWeight, when some cross pair has evidence
 *       against (a pair that merely shares little is low only through the prior).
 *   (e) the two clusters compared as wholes (each field at its best agreement over the cross
 *       pairs) still weigh at least the threshold.
 * So A–B and B–C both strong but A–C strongly against does not chain A into C's cluster unless the
 * evidence on average still says "same person". With both guards disabled this is plain connected
 * components (union–find). Deterministic: ties are broken by pair index order.
 * Then (d), ambiguous records: see clusterPairs.
 */
import { weightFromProbability } from './score.js';
import type { ClusterOptions } from './types.js';

export interface ClusterInput {
  readonly n: number;
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly weight: Float64Array;
  /** Source code of each record (for guard b). */
  readonly source: Int32Array;
  /** Weight of any record pair (for cross pairs that are not candidate pairs). */
  readonly pairWeight: (i: number, j: number) => number;
  /** Prior weight included in the weight of a pair across sources (evidence = weight − prior). Default 0. */
  readonly priorWeight?: number;
  /** Prior weight included in the weight of a pair within one source. Default: priorWeight. */
  readonly priorWeightWithinSource?: number;
  /** Guard (e); without it (e) is off. */
  readonly profile?: ProfileEvidence;
}

/** What guard (e) needs: per-comparison evidence of any record pair. */
export interface ProfileEvidence {
  /** Number of comparisons (the length of `best`). */
  readonly comparisons: number;
  /**
   * The weight of (i, j), and for each comparison k on which (i, j) has evidence,
   * best[k] = max(best[k], that evidence); NaN in best means no evidence yet.
   */
  accumulate(i: number, j: number, best: Float64Array): number;
}

export interface ClusterResult {
  /** Cluster number of each record, 0..clusterCount-1, numbered by smallest member. */
  readonly clusterOf: Int32Array;
  readonly clusterCount: number;
  readonly thresholdWeight: number;
  readonly edges: number;
  readonly merges: number;
  readonly rejectedSameSource: number;
  readonly rejectedWeakLink: number;
  /** Merges refused by guard (e): the clusters as wholes disagree. */
  readonly rejectedProfile: number;
  /** Records left on their own by guard (d). */
  readonly ambiguousRecords?: number;
  /** Their indexes. */
  readonly ambiguous?: ReadonlySet<number>;
}

export function thresholdWeightOf(options: ClusterOptions = {}): number {
  return options.matchWeight ?? weightFromProbability(options.matchProbability ?? 0.5);
}

/**
 * Guard (d): cluster, then take out the records that fit two clusters the guards kept apart about
 * equally well, and cluster again without their edges. One pass: the second clustering can only
 * split clusters, so it creates no new ambiguity of the same kind worth a third.
 */
export function clusterPairs(input: ClusterInput, options: ClusterOptions = {}): ClusterResult {
  const first = clusterOnce(input, options, null);
  const margin = options.ambiguityMarginBits === undefined ? 3 : options.ambiguityMarginBits;
  if (margin === null) return first;
  const ambiguous = ambiguousRecords(input, first.clusterOf, first.thresholdWeight, margin);
  if (ambiguous.size === 0) return first;
  const second = clusterOnce(input, options, ambiguous);
  return { ...second, ambiguousRecords: ambiguous.size, ambiguous };
}

/**
 * Records whose best edge into another cluster is within `margin` bits of their best edge inside
 * their own cluster. An edge into another cluster exists only when the merge it proposed was
 * refused by guard (b), (c) or (e): the two clusters are different people by the evidence.
 */
export function ambiguousRecords(input: ClusterInput, clusterOf: Int32Array, threshold: number, margin: number): Set<number> {
  const { n, count, a, b, weight } = input;
  const bestHome = new Float64Array(n).fill(-Infinity);
  const bestAway = new Float64Array(n).fill(-Infinity);
  for (let p = 0; p < count; p++) {
    const w = weight[p]!;
    if (w < threshold) continue;
    const x = a[p]!;
    const y = b[p]!;
    const best = clusterOf[x] === clusterOf[y] ? bestHome : bestAway;
    if (w > best[x]!) best[x] = w;
    if (w > best[y]!) best[y] = w;
  }
  const out = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (bestAway[i]! > -Infinity && bestHome[i]! > -Infinity && bestAway[i]! >= bestHome[i]! - margin) out.add(i);
  }
  return out;
}

function clusterOnce(input: ClusterInput, options: ClusterOptions, excluded: ReadonlySet<number> | null): ClusterResult {
  const { n, count, a, b, weight, source, pairWeight } = input;
  const threshold = thresholdWeightOf(options);
  const across = input.priorWeight ?? 0;
  const within = input.priorWeightWithinSource ?? across;
  const priorOf = (i: number, j: number): number => (source[i] === source[j] ? within : across);
  const profile = options.profileGuard === false ? undefined : input.profile;
  const best = new Float64Array(profile?.comparisons ?? 0);
  const sameSourceMin = options.sameSourceMinEvidence === undefined ? 0 : options.sameSourceMinEvidence;
  const minAverage = options.minAverageWeight === undefined ? 0 : options.minAverageWeight;
  const maxCross = options.maxCrossPairs ?? 2500;

  let edgeCount = 0;
  const isEdge = (p: number) => weight[p]! >= threshold && (excluded === null || (!excluded.has(a[p]!) && !excluded.has(b[p]!)));
  for (let p = 0; p < count; p++) if (isEdge(p)) edgeCount++;
  const edges = new Int32Array(edgeCount);
  edgeCount = 0;
  for (let p = 0; p < count; p++) if (isEdge(p)) edges[edgeCount++] = p;
  edges.sort((x, y) => weight[y]! - weight[x]! || x - y);

  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const size = new Int32Array(n).fill(1);
  const next = new Int32Array(n).fill(-1); // member linked list, from root
  const tail = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) {
      const up = parent[x]!;
      parent[x] = r;
      x = up;
    }
    return r;
  };
  const rejected = new Set<string>();
  let merges = 0;
  let rejectedSameSource = 0;
  let rejectedWeakLink = 0;
  let rejectedProfile = 0;
  const guarded = sameSourceMin !== null || minAverage !== null || profile !== undefined;
  const sources = new SourceSets(source);

  for (let e = 0; e < edgeCount; e++) {
    const p = edges[e]!;
    let ra = find(a[p]!);
    let rb = find(b[p]!);
    if (ra === rb) continue;
    if (guarded && size[ra]! + size[rb]! > 2) {
      // Roots and sizes identify the two clusters' state: a rejected merge need not be retried.
      const key = ra < rb ? `${ra}:${size[ra]}:${rb}:${size[rb]}` : `${rb}:${size[rb]}:${ra}:${size[ra]}`;
      if (rejected.has(key)) continue;
      let sum = 0;
      let pairs = 0;
      let minEvidence = Infinity;
      let ok = true;
      // The edge's own pair first: when the cross pairs are capped at maxCross, (e) still sees it.
      if (profile !== undefined) {
        best.fill(Number.NaN);
        profile.accumulate(Math.min(a[p]!, b[p]!), Math.max(a[p]!, b[p]!), best);
      }
      outer: for (let x = ra; x !== -1; x = next[x]!) {
        for (let y = rb; y !== -1; y = next[y]!) {
          const i = x < y ? x : y;
          const j = x < y ? y : x;
          const w = profile !== undefined ? profile.accumulate(i, j, best) : x === a[p]! && y === b[p]! ? weight[p]! : pairWeight(i, j);
          const prior = priorOf(i, j);
          if (sameSourceMin !== null && source[x] === source[y] && w - prior < sameSourceMin) {
            ok = false;
            rejectedSameSource++;
            break outer;
          }
          sum += w;
          if (w - prior < minEvidence) minEvidence = w - prior;
          pairs++;
          if (pairs >= maxCross) break outer;
        }
      }
      // A cross pair that shares little (a name, no contact in common) has a low weight only
      // because of the prior; it says nothing against the merge. So the average decides only
      // when some cross pair has evidence against.
      if (ok && minAverage !== null && minEvidence < 0 && sum / pairs < minAverage) {
        ok = false;
        rejectedWeakLink++;
      }
      // (e) The clusters as wholes: each field at its best agreement over the cross pairs. A
      // field on which every cross pair disagrees counts against the merge even when the edge's
      // own pair is silent on it (the record that links them has no e-mail; the rest of the two
      // clusters have different ones). Its prior is that of a pair within one source when the
      // merge gives someone a second record in a system: that is rarer than a record in another.
      if (ok && profile !== undefined) {
        let whole = sources.overlap(ra, rb, next) ? within : priorOf(a[p]!, b[p]!);
        for (let k = 0; k < best.length; k++) if (!Number.isNaN(best[k]!)) whole += best[k]!;
        if (whole < threshold) {
          ok = false;
          rejectedProfile++;
        }
      }
      if (!ok) {
        rejected.add(key);
        continue;
      }
    } else if (sameSourceMin !== null && source[a[p]!] === source[b[p]!] && weight[p]! - priorOf(a[p]!, b[p]!) < sameSourceMin) {
      rejectedSameSource++;
      continue;
    }
    // Union by size; concatenate member lists.
    if (size[ra]! < size[rb]!) [ra, rb] = [rb, ra];
    sources.merge(ra, rb);
    parent[rb] = ra;
    size[ra]! += size[rb]!;
    next[tail[ra]!] = rb;
    tail[ra] = tail[rb]!;
    merges++;
  }

  const clusterOf = new Int32Array(n).fill(-1);
  const idOfRoot = new Int32Array(n).fill(-1);
  let clusterCount = 0;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (idOfRoot[r] === -1) idOfRoot[r] = clusterCount++;
    clusterOf[i] = idOfRoot[r]!;
  }
  return {
    clusterOf,
    clusterCount,
    thresholdWeight: threshold,
    edges: edgeCount,
    merges,
    rejectedSameSource,
    rejectedWeakLink,
    rejectedProfile,
  };
}

/**
 * The sources present in each cluster, kept at its root: a bit per source while there are at
 * most 31 of them, else found by walking the member lists.
 */
class SourceSets {
  readonly #masks: Int32Array | null;
  readonly #source: Int32Array;

  constructor(source: Int32Array) {
    this.#source = source;
    let max = -1;
    for (let i = 0; i < source.length; i++) max = Math.max(max, source[i]!);
    // Every record starts as the root of its own cluster.
    this.#masks = max < 31 ? Int32Array.from(source, (s) => 1 << s) : null;
  }

  /** Whether the clusters rooted at ra and rb hold records of one source. */
  overlap(ra: number, rb: number, next: Int32Array): boolean {
    if (this.#masks !== null) return (this.#masks[ra]! & this.#masks[rb]!) !== 0;
    const seen = new Set<number>();
    for (let x = ra; x !== -1; x = next[x]!) seen.add(this.#source[x]!);
    for (let y = rb; y !== -1; y = next[y]!) if (seen.has(this.#source[y]!)) return true;
    return false;
  }

  /** rb's cluster joins ra's. */
  merge(ra: number, rb: number): void {
    if (this.#masks !== null) this.#masks[ra]! |= this.#masks[rb]!;
  }
}

/** Members of each cluster, in record order. */
export function clusterMembers(clusterOf: Int32Array, clusterCount: number): number[][] {
  const out: number[][] = Array.from({ length: clusterCount }, () => []);
  for (let i = 0; i < clusterOf.length; i++) out[clusterOf[i]!]!.push(i);
  return out;
}
