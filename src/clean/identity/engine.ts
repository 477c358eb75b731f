/**
 * The whole linkage run: block → compare → train (u sample, EM for m, prior) → term frequencies →
 * score → cluster. Pure and deterministic; arrays in, typed arrays out.
 */
import { generateCandidatePairs, sourceCodes } from './blocking.js';
import { clusterPairs, type ClusterResult } from './cluster.js';
import { comparePairs, compileComparisons, type CompiledComparison } from './comparisons.js';
import { trainModel } from './em.js';
import { PairScorer, scorePairs } from './score.js';
import { computeTermFrequencies } from './term-frequency.js';
import { estimateSharedContacts, type SharedContactEstimate } from './shared-contact.js';
import type { CandidatePairs, ClusterOptions, LinkRecord, LinkageSpec, ModelParams, PairExplanation } from './types.js';

export interface LinkageTimings {
  blockingMs: number;
  compareMs: number;
  trainMs: number;
  scoreMs: number;
  clusterMs: number;
  totalMs: number;
}

export interface LinkageResult {
  readonly pairs: CandidatePairs;
  /** Comparison levels, `levels[p * K + k]` (K = number of comparisons): the per-field evidence. */
  readonly levels: Uint8Array;
  /** Match weight of each candidate pair (log2 odds, guard (a) applied). */
  readonly weights: Float64Array;
  readonly model: ModelParams;
  readonly clusters: ClusterResult;
  readonly comparisons: readonly CompiledComparison[];
  readonly scorer: PairScorer;
  /** Guard (a) per contact comparison: what the data says about shared contacts (empty unless 'auto'). */
  readonly sharedContacts: readonly SharedContactEstimate[];
  readonly timings: LinkageTimings;
  /** Per-field evidence for any two records. */
  explain(a: number, b: number): PairExplanation;
  /** The same for candidate pair p, from its stored comparison levels (no comparing again). */
  explainCandidate(p: number): PairExplanation;
}

export interface LinkOptions {
  /** Use these parameters instead of training (e.g. a model saved from an earlier run). */
  readonly model?: ModelParams;
}

/**
 * Guard (b) rests on a property of the data: that a system seldom holds one person twice. It is
 * on by default only when the estimated priors show it (duplicates within a source at most half
 * as likely as across sources); in one file that is deduplicated there is nothing to compare
 * with, and its duplicates are the very thing to find.
 */
export const SAME_SOURCE_PRIOR_RATIO = 0.5;

function clusterOptions(options: ClusterOptions, model: ModelParams): ClusterOptions {
  if (options.sameSourceMinEvidence !== undefined) return options;
  const within = model.priorWithinSource;
  const sourcesHoldFewDuplicates = within !== undefined && within <= model.prior * SAME_SOURCE_PRIOR_RATIO;
  return sourcesHoldFewDuplicates ? options : { ...options, sameSourceMinEvidence: null };
}

export function linkRecords(records: readonly LinkRecord[], spec: LinkageSpec, options: LinkOptions = {}): LinkageResult {
  const t0 = performance.now();
  const comparisons = compileComparisons(spec);
  const pairs = generateCandidatePairs(records, spec.blocking, spec.mode);
  const t1 = performance.now();
  const levels = comparePairs(records, pairs, comparisons);
  const t2 = performance.now();
  const model =
    options.model ??
    trainModel({ records, comparisons, rules: spec.blocking, mode: spec.mode, pairs, levels, options: spec.training ?? {} });
  const t3 = performance.now();
  const tf = computeTermFrequencies(records, comparisons);
  const guardSetting = spec.guards?.sharedContact ?? 'auto';
  const sharedContacts = guardSetting === 'auto' ? estimateSharedContacts(comparisons, model, levels, pairs.count) : [];
  const guardedContacts = guardSetting === 'auto' ? sharedContacts.filter((e) => e.guarded).map((e) => e.comparison) : guardSetting;
  const scorer = new PairScorer(records, comparisons, model, tf, { sharedContactGuard: guardedContacts });
  const weights = scorePairs(pairs, levels, scorer, comparisons.length);
  const t4 = performance.now();
  const clusters = clusterPairs(
    {
      n: records.length,
      count: pairs.count,
      a: pairs.a,
      b: pairs.b,
      weight: weights,
      source: sourceCodes(records),
      pairWeight: (i, j) => scorer.weight(i, j),
      priorWeight: scorer.priorWeight,
      priorWeightWithinSource: scorer.priorWeightWithinSource,
      profile: { comparisons: comparisons.length, accumulate: (i, j, best) => scorer.accumulateEvidence(i, j, best) },
    },
    clusterOptions(spec.clustering ?? {}, model),
  );
  const t5 = performance.now();
  return {
    pairs,
    levels,
    weights,
    model,
    clusters,
    comparisons,
    scorer,
    sharedContacts,
    timings: {
      blockingMs: t1 - t0,
      compareMs: t2 - t1,
      trainMs: t3 - t2,
      scoreMs: t4 - t3,
      clusterMs: t5 - t4,
      totalMs: t5 - t0,
    },
    explain: (a, b) => scorer.explain(a, b),
    explainCandidate: (p) => scorer.explainLevels(levels, p * comparisons.length, pairs.a[p]!, pairs.b[p]!),
  };
}
