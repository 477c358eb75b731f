/** Public API of the record-linkage engine. */
export type * from './types.js';
export { linkRecords, type LinkOptions, type LinkageResult, type LinkageTimings } from './engine.js';
export { generateCandidatePairs, comparisonSpaceSize, indexRule, producingKey, sourceCodes, type RuleIndex } from './blocking.js';
export { comparePairs, compileComparison, compileComparisons, parseDateKey, type CompiledComparison } from './comparisons.js';
export { jaro, jaroWinkler } from './jaro-winkler.js';
export { boundedLevenshtein } from './levenshtein.js';
export { aggregatePatterns, defaultM, estimateU, exactAgreementRate, logBayesFactors, mulberry32, trainModel, trainableComparisons, type TrainInput } from './em.js';
export { computeTermFrequencies, tfExactWeight, valueFrequencies, type TermFrequencyTable } from './term-frequency.js';
export { PairScorer, SHARED_CONTACT_CAP, probabilityFromWeight, scorePairs, weightFromProbability } from './score.js';
export { clusterMembers, clusterPairs, thresholdWeightOf, type ClusterInput, type ClusterResult } from './cluster.js';
export {
  assignStableIds,
  type IdentityChange,
  type IdentityChangeKind,
  type PreviousAssignment,
  type SourceKey,
  type StableIdOptions,
  type StableIdResult,
} from './stable-ids.js';
export { blockingRecall, pairwiseMetrics, type PairwiseMetrics } from './evaluate.js';
export { estimateSharedContacts, type SharedContactEstimate } from './shared-contact.js';
