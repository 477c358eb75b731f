/**
 * Unsupervised training, the Splink way:
 *  - u (level probabilities among non-matches) from a seeded random sample of record pairs; the
 *    exact level of a plain exact-first comparison is computed exactly from value counts instead;
 *  - m (level probabilities among matches) by expectation–maximisation over blocked candidate pairs
 *    with u fixed, one session per blocking rule; a session does not train comparisons on the
 *    rule's own fields (its pairs agree on them by construction); m is averaged over sessions;
 *  - the prior (probability two random records match) from the expected number of matches among
 *    all candidate pairs (EM on the mixing weight with m and u fixed) over the comparison space.
 * Everything is deterministic (mulberry32 PRNG, fixed seed).
 */
import { comparisonSpaceSize, sourceCodes } from './blocking.js';
import type { CompiledComparison } from './comparisons.js';
import { countValues } from './term-frequency.js';
import type { BlockingRule, CandidatePairs, LinkMode, LinkRecord, ModelParams, TrainingOptions, TrainingReport } from './types.js';

import { mulberry32 } from '../../util/mulberry32.js';

export { mulberry32 };

const U_PSEUDO_COUNT = 0.5;
const M_PSEUDO_COUNT = 0.1;

export interface UEstimate {
  readonly u: Float64Array[];
  readonly samplePairs: number;
}

/** Exact-match probability among all pairs of the comparison space with both values present. */
export function exactAgreementRate(records: readonly LinkRecord[], field: number, mode: LinkMode): number {
  if (mode !== 'link') {
    const { counts, present } = countValues(records, field);
    const space = (present * (present - 1)) / 2;
    if (space <= 0) return 0;
    let agree = 0;
    for (const c of counts.values()) agree += (c * (c - 1)) / 2;
    return agree / space;
  }
  // Link: only cross-source pairs. Counts per (value, source) in a flat array.
  const src = sourceCodes(records);
  let S = 0;
  for (let i = 0; i < src.length; i++) S = Math.max(S, src[i]! + 1);
  const slot = new Map<string, number>();
  let counts = new Float64Array(1024 * S);
  const perSource = new Float64Array(S);
  for (let i = 0; i < records.length; i++) {
    const v = records[i]!.values[field];
    if (v === null || v === undefined || v === '') continue;
    let k = slot.get(v);
    if (k === undefined) {
      k = slot.size;
      slot.set(v, k);
      if ((k + 1) * S > counts.length) {
        const grown = new Float64Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
    }
    counts[k * S + src[i]!]!++;
    perSource[src[i]!]!++;
  }
  const crossPairs = (cs: ArrayLike<number>, from: number): number => {
    let total = 0;
    let sq = 0;
    for (let s = 0; s < S; s++) {
      const c = cs[from + s]!;
      total += c;
      sq += c * c;
    }
    return (total * total - sq) / 2;
  };
  const space = crossPairs(perSource, 0);
  if (space <= 0) return 0;
  let agree = 0;
  for (let k = 0; k < slot.size; k++) agree += crossPairs(counts, k * S);
  return agree / space;
}

export function estimateU(
  records: readonly LinkRecord[],
  comparisons: readonly CompiledComparison[],
  mode: LinkMode,
  options: TrainingOptions = {},
): UEstimate {
  const n = records.length;
  const K = comparisons.length;
  const counts = comparisons.map((c) => new Float64Array(c.nLevels));
  const src = sourceCodes(records);
  const space = comparisonSpaceSize(records, mode);
  const want = options.uSampleSize ?? 1_000_000;
  let sampled = 0;
  const add = (i: number, j: number): void => {
    const ra = records[i]!;
    const rb = records[j]!;
    for (let k = 0; k < K; k++) counts[k]![comparisons[k]!.compare(ra, rb)]!++;
    sampled++;
  };
  if (space <= want) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (mode === 'link' && src[i] === src[j]) continue;
        add(i, j);
      }
    }
  } else {
    const rand = mulberry32(options.seed ?? 42);
    let attempts = 0;
    const maxAttempts = want * 100;
    while (sampled < want && attempts < maxAttempts) {
      attempts++;
      const i = Math.floor(rand() * n);
      let j = Math.floor(rand() * (n - 1));
      if (j >= i) j++;
      if (mode === 'link' && src[i] === src[j]) continue;
      add(i, j);
    }
  }
  const u = comparisons.map((c, k) => {
    const cnt = counts[k]!;
    const L = c.nLevels;
    const out = new Float64Array(L);
    out[0] = 1;
    let fromLevel = 1;
    let mass = 1;
    if (c.exactLevel === 1) {
      const exact = exactAgreementRate(records, c.field, mode);
      // Floor: at least one agreeing pair's worth, so an unseen value is never certain evidence.
      out[1] = Math.max(exact, 1 / Math.max(2, space));
      fromLevel = 2;
      mass = 1 - out[1];
    }
    let total = 0;
    for (let l = fromLevel; l < L; l++) total += cnt[l]! + U_PSEUDO_COUNT;
    for (let l = fromLevel; l < L; l++) out[l] = (mass * (cnt[l]! + U_PSEUDO_COUNT)) / total;
    return out;
  });
  return { u, samplePairs: sampled };
}

/**
 * Default m before training: agreement levels share 1 − DEFAULT_M_ELSE (halving from the most
 * similar), else DEFAULT_M_ELSE. Starting strict matters: with a generous else level, EM in a
 * session whose non-matches are correlated (a household in the phone block shares surname and
 * city) can settle on "everything in the block matches".
 */
export const DEFAULT_M_ELSE = 0.02;

export function defaultM(c: CompiledComparison): Float64Array {
  const L = c.nLevels;
  const m = new Float64Array(L);
  m[0] = 1;
  const agreeLevels = L - 2;
  let total = 0;
  for (let l = 1; l <= agreeLevels; l++) total += 0.5 ** (l - 1);
  for (let l = 1; l <= agreeLevels; l++) m[l] = ((1 - DEFAULT_M_ELSE) * 0.5 ** (l - 1)) / total;
  m[L - 1] = agreeLevels > 0 ? DEFAULT_M_ELSE : 1;
  return m;
}

interface Patterns {
  /** Levels of each distinct pattern: levels[p * K + k] (all comparisons). */
  readonly levels: Uint8Array;
  readonly counts: Float64Array;
  readonly size: number;
}

/** Distinct comparison vectors (over all K comparisons) and their counts, for pairs passing `keep`. */
export function aggregatePatterns(
  levels: Uint8Array,
  count: number,
  comparisons: readonly CompiledComparison[],
  keep?: (p: number) => boolean,
): Patterns {
  const K = comparisons.length;
  let radixProduct = 1;
  for (const c of comparisons) radixProduct *= c.nLevels;
  const numeric = radixProduct < 2 ** 52;
  const index = new Map<number | string, number>();
  const firstPair: number[] = [];
  const cnt: number[] = [];
  for (let p = 0; p < count; p++) {
    if (keep !== undefined && !keep(p)) continue;
    const base = p * K;
    let key: number | string;
    if (numeric) {
      let code = 0;
      for (let k = 0; k < K; k++) code = code * comparisons[k]!.nLevels + levels[base + k]!;
      key = code;
    } else {
      key = Array.from(levels.subarray(base, base + K)).join(',');
    }
    const id = index.get(key);
    if (id === undefined) {
      index.set(key, firstPair.length);
      firstPair.push(p);
      cnt.push(1);
    } else {
      cnt[id]!++;
    }
  }
  const out = new Uint8Array(firstPair.length * K);
  firstPair.forEach((p, i) => out.set(levels.subarray(p * K, p * K + K), i * K));
  return { levels: out, counts: Float64Array.from(cnt), size: firstPair.length };
}

/** log2 Bayes factor tables: bf[k][l] = log2(m/u), 0 for the null level. */
export function logBayesFactors(m: readonly Float64Array[], u: readonly Float64Array[]): Float64Array[] {
  return m.map((mk, k) => {
    const uk = u[k]!;
    const out = new Float64Array(mk.length);
    for (let l = 1; l < mk.length; l++) out[l] = Math.log2(mk[l]!) - Math.log2(uk[l]!);
    return out;
  });
}

interface SessionResult {
  readonly lambda: number;
  readonly iterations: number;
  /** The session's non-match level distribution (= u unless `sessionU`). */
  readonly u: readonly Float64Array[];
}

/** Pseudo-pairs pulling a session's non-match distribution towards the random-pair u. */
const SESSION_U_PRIOR_PAIRS = 20;

/**
 * EM over patterns for the active comparisons. With `updateM`, m[k] is re-estimated in place
 * for active k. With `sessionU`, the non-match level distribution of the session is estimated
 * too (starting from, and regularised towards, the random-pair u) and then thrown away: within a
 * block the non-matches are not random pairs (a household in a phone block shares surname and city)
 * and forcing them to follow the random-pair u makes EM call the whole block a match.
 */
export function runEm(
  patterns: Patterns,
  comparisons: readonly CompiledComparison[],
  active: readonly number[],
  m: Float64Array[],
  u: readonly Float64Array[],
  lambda0: number,
  maxIterations: number,
  tolerance: number,
  updateM: boolean,
  sessionU = false,
): SessionResult {
  const K = comparisons.length;
  let lambda = lambda0;
  const accM = comparisons.map((c) => new Float64Array(c.nLevels));
  const accU = comparisons.map((c) => new Float64Array(c.nLevels));
  const uu = u.map((x) => Float64Array.from(x));
  let iterations = 0;
  for (let it = 0; it < maxIterations; it++) {
    iterations = it + 1;
    for (const k of active) {
      accM[k]!.fill(0);
      accU[k]!.fill(0);
    }
    let matchMass = 0;
    let total = 0;
    const logPrior = Math.log2(lambda) - Math.log2(1 - lambda);
    const bf = logBayesFactors(m, uu);
    for (let p = 0; p < patterns.size; p++) {
      let w = logPrior;
      const base = p * K;
      for (const k of active) w += bf[k]![patterns.levels[base + k]!]!;
      const post = w > 60 ? 1 : w < -60 ? 0 : 1 / (1 + 2 ** -w);
      const c = patterns.counts[p]!;
      const mc = c * post;
      matchMass += mc;
      total += c;
      if (updateM) {
        for (const k of active) {
          const l = patterns.levels[base + k]!;
          accM[k]![l]! += mc;
          accU[k]![l]! += c - mc;
        }
      }
    }
    const newLambda = Math.min(1 - 1e-9, Math.max(1e-12, matchMass / total));
    let delta = Math.abs(newLambda - lambda);
    lambda = newLambda;
    if (updateM) {
      for (const k of active) {
        const a = accM[k]!;
        const mk = m[k]!;
        const L = mk.length;
        let sum = 0;
        for (let l = 1; l < L; l++) sum += a[l]! + M_PSEUDO_COUNT;
        for (let l = 1; l < L; l++) {
          const v = (a[l]! + M_PSEUDO_COUNT) / sum;
          delta = Math.max(delta, Math.abs(v - mk[l]!));
          mk[l] = v;
        }
        if (sessionU) {
          const b = accU[k]!;
          const uk = uu[k]!;
          const prior = u[k]!;
          let sumU = 0;
          for (let l = 1; l < L; l++) sumU += b[l]! + SESSION_U_PRIOR_PAIRS * prior[l]!;
          for (let l = 1; l < L; l++) uk[l] = (b[l]! + SESSION_U_PRIOR_PAIRS * prior[l]!) / sumU;
        }
      }
    }
    if (delta < tolerance) break;
  }
  return { lambda, iterations, u: uu };
}

/** Expected number of matches among the pairs of `patterns` under the given parameters. */
export function expectedMatches(
  patterns: Patterns,
  comparisons: readonly CompiledComparison[],
  active: readonly number[],
  m: readonly Float64Array[],
  u: readonly Float64Array[],
  lambda: number,
): number {
  const K = comparisons.length;
  const bf = logBayesFactors(m, u);
  const logPrior = Math.log2(lambda) - Math.log2(1 - lambda);
  let total = 0;
  for (let p = 0; p < patterns.size; p++) {
    let w = logPrior;
    const base = p * K;
    for (const k of active) w += bf[k]![patterns.levels[base + k]!]!;
    total += patterns.counts[p]! * (w > 60 ? 1 : w < -60 ? 0 : 1 / (1 + 2 ** -w));
  }
  return total;
}

/** Index of the first blocking rule that produced a pair (lowest set bit of its mask), or 32. */
function firstRule(mask: number): number {
  return mask === 0 ? 32 : 31 - Math.clz32(mask & -mask);
}

/** Comparisons a blocking rule leaves trainable (none of their fields in the rule). */
export function trainableComparisons(rule: BlockingRule, comparisons: readonly CompiledComparison[]): number[] {
  const used = new Set(rule.usesFields ?? rule.fields ?? []);
  const out: number[] = [];
  comparisons.forEach((c, k) => {
    if (!c.fields.some((f) => used.has(f))) out.push(k);
  });
  return out;
}

interface Priors {
  readonly prior: number;
  readonly priorWithinSource?: number;
}

/**
 * Priors from the expected matches among candidate pairs across and within sources, over the
 * size of each part of the comparison space. With records from several sources that may also be
 * deduplicated, the two differ several-fold (one person has a record in most systems, but seldom
 * two in one), and a single prior would overrate a namesake in the same system. One prior
 * otherwise.
 */
export function priorsOf(records: readonly LinkRecord[], mode: LinkMode, expectedAcross: number, expectedWithin: number): Priors {
  const ratio = (expected: number, space: number) => (space > 0 ? Math.min(0.5, Math.max(expected, 1) / space) : 0.5);
  const space = comparisonSpaceSize(records, mode);
  const spaceAcross = comparisonSpaceSize(records, 'link');
  const spaceWithin = comparisonSpaceSize(records, 'link_and_dedupe') - spaceAcross;
  if (mode !== 'link_and_dedupe' || spaceAcross === 0 || spaceWithin === 0) return { prior: ratio(expectedAcross + expectedWithin, space) };
  return { prior: ratio(expectedAcross, spaceAcross), priorWithinSource: ratio(expectedWithin, spaceWithin) };
}

export interface TrainInput {
  readonly records: readonly LinkRecord[];
  readonly comparisons: readonly CompiledComparison[];
  readonly rules: readonly BlockingRule[];
  readonly mode: LinkMode;
  readonly pairs: CandidatePairs;
  /** Levels of every candidate pair, `levels[p * K + k]`. */
  readonly levels: Uint8Array;
  readonly options?: TrainingOptions;
}

export function trainModel(input: TrainInput): ModelParams {
  const { records, comparisons, rules, mode, pairs, levels } = input;
  const options = input.options ?? {};
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  const { u, samplePairs } = estimateU(records, comparisons, mode, options);
  const defaults = comparisons.map(defaultM);
  const sums = comparisons.map((c) => new Float64Array(c.nLevels));
  const nSessions = new Int32Array(comparisons.length);
  const sessions: TrainingReport['sessions'][number][] = [];
  const sessionRules = options.sessionRules ?? rules.flatMap((rule, r) => (rule.trainSession === false ? [] : [r]));
  // Expected matches among the pairs each rule emitted first, under that rule's session model:
  // the session's own non-match distribution describes its block (namesakes in a name block).
  // Counted apart for pairs within one source and across sources: one person rarely has two
  // records in one system, so the two kinds of pair need their own prior (see priorsOf).
  const src = sourceCodes(records);
  const within = (p: number) => src[pairs.a[p]!] === src[pairs.b[p]!];
  const expected = [0, 0]; // [across, within]
  let expectedMask = 0;
  for (const r of sessionRules) {
    const rule = rules[r];
    if (rule === undefined || r >= 32) continue;
    const active = trainableComparisons(rule, comparisons);
    if (active.length === 0) continue;
    const bit = 1 << r;
    const patterns = aggregatePatterns(levels, pairs.count, comparisons, (p) => (pairs.ruleMask[p]! & bit) !== 0);
    if (patterns.size === 0) continue;
    const m = defaults.map((d) => Float64Array.from(d));
    const res = runEm(patterns, comparisons, active, m, u, 0.3, maxIterations, tolerance, true, options.sessionU ?? true);
    if (!(expectedMask & bit)) {
      for (const kind of [0, 1]) {
        const emitted = aggregatePatterns(levels, pairs.count, comparisons, (p) => firstRule(pairs.ruleMask[p]!) === r && within(p) === (kind === 1));
        expected[kind]! += expectedMatches(emitted, comparisons, active, m, res.u, res.lambda);
      }
      expectedMask |= bit;
    }
    let pairCount = 0;
    for (let p = 0; p < patterns.size; p++) pairCount += patterns.counts[p]!;
    for (const k of active) {
      const mk = m[k]!;
      const s = sums[k]!;
      for (let l = 0; l < mk.length; l++) s[l]! += mk[l]!;
      nSessions[k]!++;
    }
    sessions.push({
      rule: rule.name,
      pairs: pairCount,
      patterns: patterns.size,
      iterations: res.iterations,
      lambda: res.lambda,
      trained: active.map((k) => comparisons[k]!.name),
    });
  }
  const untrained: string[] = [];
  const m = comparisons.map((c, k) => {
    const n = nSessions[k]!;
    if (n === 0) {
      untrained.push(c.name);
      return defaults[k]!;
    }
    const out = new Float64Array(c.nLevels);
    for (let l = 0; l < c.nLevels; l++) out[l] = sums[k]![l]! / n;
    out[0] = 1;
    return out;
  });
  let priors: Priors;
  if (options.prior !== undefined) {
    priors = { prior: options.prior };
  } else {
    // Pairs first emitted by a rule without a session: EM on the mixing weight alone, m and u fixed.
    const unsessioned = (p: number) => (expectedMask & (1 << firstRule(pairs.ruleMask[p]!))) === 0 || firstRule(pairs.ruleMask[p]!) >= 32;
    for (const kind of [0, 1]) {
      const rest = aggregatePatterns(levels, pairs.count, comparisons, (p) => unsessioned(p) && within(p) === (kind === 1));
      if (rest.size === 0) continue;
      const allActive = comparisons.map((_, k) => k);
      const res = runEm(rest, comparisons, allActive, m, u, 0.1, maxIterations, tolerance, false);
      let restPairs = 0;
      for (let p = 0; p < rest.size; p++) restPairs += rest.counts[p]!;
      expected[kind]! += res.lambda * restPairs;
    }
    priors = priorsOf(records, mode, expected[0]!, expected[1]!);
  }
  return {
    ...priors,
    m,
    u,
    labels: comparisons.map((c) => c.labels),
    comparisonNames: comparisons.map((c) => c.name),
    training: { uSamplePairs: samplePairs, sessions, untrained },
  };
}
