/**
 * Types of the record-linkage engine (Fellegi–Sunter, trained without labels the way Splink does).
 *
 * The engine is pure: records in, candidate pairs / scores / clusters out. No database, no I/O.
 */

/** One source record. `values` is indexed by `LinkageSpec.fields`; null (or '') means missing. */
export interface LinkRecord {
  /** Position of the record in the input array (0..n-1). */
  readonly idx: number;
  readonly source: string;
  readonly sourceId: string;
  readonly values: readonly (string | null)[];
}

/**
 * `dedupe`: every pair of records may match (one data set, or several treated as one).
 * `link`: only pairs from different sources are compared (each source assumed free of duplicates).
 * `link_and_dedupe`: every pair, across and within sources.
 */
export type LinkMode = 'dedupe' | 'link' | 'link_and_dedupe';

/**
 * A blocking rule: two records are a candidate pair when they share a key.
 * Give `fields` (the key is the values of those fields joined; a record with any of them missing
 * has no key) or `key` (a function; return null or '' for no key, or several keys).
 */
export interface BlockingRule {
  readonly name: string;
  readonly fields?: readonly number[];
  readonly key?: (record: LinkRecord) => string | readonly string[] | null;
  /**
   * Fields the rule depends on. Defaults to `fields`. Comparisons on these fields are not trained
   * in this rule's EM session (the blocked pairs agree on them by construction).
   */
  readonly usesFields?: readonly number[];
  /** Blocks larger than this are not expanded to all pairs but sorted and windowed. Default 1000. */
  readonly maxBlockSize?: number;
  /** Window (neighbours after sorting) used inside an oversized block. Default 20. */
  readonly window?: number;
  /** Sort key inside an oversized block. Default: all values joined. */
  readonly sortKey?: (record: LinkRecord) => string;
  /**
   * Whether EM runs a session on this rule's pairs (default true). false for wide rules whose
   * pairs are mostly non-matches that share one coarse value: they find candidates, the model is
   * trained on the others.
   */
  readonly trainSession?: boolean;
}

/**
 * One level of a comparison, tested in order from most to least similar; the first that holds wins.
 * A "null" level (either value missing: no evidence) comes before them and an "else" level after.
 * Dates are `YYYY-MM-DD` or `YYYYMMDD`.
 */
export type LevelSpec =
  | { readonly kind: 'exact'; readonly label?: string }
  | { readonly kind: 'jaroWinkler'; readonly min: number; readonly label?: string }
  | { readonly kind: 'jaro'; readonly min: number; readonly label?: string }
  | { readonly kind: 'levenshtein'; readonly max: number; readonly label?: string }
  /** Dates whose day and month are swapped (same year). */
  | { readonly kind: 'dateDayMonthSwap'; readonly label?: string }
  /** Dates that differ in exactly one of year, month, day (covers single typos). */
  | { readonly kind: 'dateOneComponent'; readonly label?: string }
  /** Dates at most `years` years apart (absolute difference in days ≤ 365.25 × years). */
  | { readonly kind: 'dateWithinYears'; readonly years: number; readonly label?: string }
  /** Numbers with |a − b| ≤ max. */
  | { readonly kind: 'numericAbs'; readonly max: number; readonly label?: string }
  /** Numbers with |a − b| ≤ max × max(|a|, |b|). */
  | { readonly kind: 'numericRel'; readonly max: number; readonly label?: string }
  /** Anything else, e.g. a cross-field test (given name equals the other's surname). */
  | { readonly kind: 'custom'; readonly label: string; readonly test: (a: LinkRecord, b: LinkRecord) => boolean };

export interface ComparisonSpec {
  readonly name: string;
  /** The field compared; missing on either side ⇒ null level. */
  readonly field: number;
  readonly levels: readonly LevelSpec[];
  /** Other fields custom levels read (so EM sessions blocked on them do not train this comparison). */
  readonly usesFields?: readonly number[];
  /**
   * Term-frequency adjustment of the exact level: u for an exact match on value v becomes the
   * frequency of v, so a common value ("wang", a household phone) weighs less.
   */
  readonly termFrequency?: boolean;
  /** Lower bound on the term-frequency u (default 0, i.e. none beyond 1/N). */
  readonly tfMinU?: number;
  /**
   * Role in the shared-contact over-merge guard (a): 'contact' (email, phone: shared by households
   * and couples) or 'identity' (names, birth date: disagree between different people).
   */
  readonly role?: 'contact' | 'identity';
}

export interface TrainingOptions {
  /** Random record pairs sampled to estimate u. Default 1,000,000 (capped at the number of pairs). */
  readonly uSampleSize?: number;
  /** PRNG seed (mulberry32). Default 42. */
  readonly seed?: number;
  readonly maxIterations?: number;
  /** EM stops when no parameter moves more than this. Default 1e-6. */
  readonly tolerance?: number;
  /** Indices of blocking rules to run EM sessions on. Default: all rules. */
  readonly sessionRules?: readonly number[];
  /**
   * Estimate each EM session's own non-match distribution (regularised towards the random-pair u)
   * instead of fixing it to u. Default true: robust to correlated non-matches inside a block
   * (households in a phone block). false = Splink's strict fixed-u sessions.
   */
  readonly sessionU?: boolean;
  /** Fixed prior (probability two random records match) instead of estimating it. */
  readonly prior?: number;
}

export interface ClusterOptions {
  /** Pairs at or above this match probability become edges. Default 0.5. */
  readonly matchProbability?: number;
  /** Or a match weight (log2 odds) threshold; overrides `matchProbability`. */
  readonly matchWeight?: number;
  /**
   * Guard (b): two records from the same source whose evidence (match weight minus the prior
   * weight, i.e. the summed log2 Bayes factors) is below this may not share a cluster. Default 0:
   * they may lack shared fields, but what they share must not say "different people". Set null to
   * disable.
   */
  readonly sameSourceMinEvidence?: number | null;
  /**
   * Guard (c) against chaining: two clusters merge only when the mean match weight over all cross
   * pairs is at least this. Default 0. Set null to disable (plain connected components).
   */
  readonly minAverageWeight?: number | null;
  /** Merges needing more cross pairs than this are decided on the sampled cross pairs. Default 2500. */
  readonly maxCrossPairs?: number;
  /**
   * Guard (d), ambiguous records: a record with an edge into a cluster the guards kept apart from
   * its own, whose best weight there is within this many bits of its best weight at home, fits two
   * different people equally well (a shop account with only the name and an e-mail that two
   * namesakes share). It joins neither and stays a customer of its own. Default 3. Set null to
   * disable.
   */
  readonly ambiguityMarginBits?: number | null;
  /**
   * Guard (e), whole clusters: a merge is refused when the two clusters, compared field by field
   * at the best agreement any cross pair shows, weigh less than the threshold. Default true.
   */
  readonly profileGuard?: boolean;
}

export interface GuardOptions {
  /**
   * Guard (a): a pair whose only agreeing contact comparison (role 'contact') is one shared email
   * or phone, while an identity comparison (role 'identity') disagrees (its else level), is no
   * match. 'auto' (the default): for each contact, on when the data shows that records sharing it
   * and disagreeing on a name or birth date are more often two people than one
   * (shared-contact.ts). true: on for every contact; false: off.
   */
  readonly sharedContact?: boolean | 'auto';
}

export interface LinkageSpec {
  readonly fields: readonly string[];
  readonly mode: LinkMode;
  readonly blocking: readonly BlockingRule[];
  readonly comparisons: readonly ComparisonSpec[];
  readonly training?: TrainingOptions;
  readonly clustering?: ClusterOptions;
  readonly guards?: GuardOptions;
}

/** Candidate pairs in struct-of-arrays form, a < b, each pair once. */
export interface CandidatePairs {
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Bit r set when blocking rule r produces the pair (rules ≥ 32 are not tracked). */
  readonly ruleMask: Uint32Array;
  readonly stats: BlockingStats;
}

export interface BlockingStats {
  readonly pairsByRule: readonly number[];
  readonly blocksByRule: readonly number[];
  /** Blocks larger than the rule's maxBlockSize that were windowed instead of fully expanded. */
  readonly oversizedBlocksByRule: readonly number[];
  readonly largestBlockByRule: readonly number[];
  readonly totalPairs: number;
}

/** Fellegi–Sunter parameters. Level 0 of every comparison is the null level (m = u = 1). */
export interface ModelParams {
  /**
   * Probability that two random records (from the comparison space of the mode) match; with
   * `priorWithinSource`, only of two records from different sources.
   */
  readonly prior: number;
  /** Probability that two random records of one source match, when it differs from `prior` (link_and_dedupe over several sources). */
  readonly priorWithinSource?: number;
  readonly m: readonly Float64Array[];
  readonly u: readonly Float64Array[];
  readonly labels: readonly (readonly string[])[];
  readonly comparisonNames: readonly string[];
  readonly training: TrainingReport;
}

export interface TrainingReport {
  readonly uSamplePairs: number;
  readonly sessions: readonly {
    readonly rule: string;
    readonly pairs: number;
    readonly patterns: number;
    readonly iterations: number;
    readonly lambda: number;
    readonly trained: readonly string[];
  }[];
  /** Comparisons no session could train (their m stayed at the default). */
  readonly untrained: readonly string[];
}

/** Evidence of one comparison for one pair. */
export interface FieldEvidence {
  readonly comparison: string;
  readonly level: number;
  readonly label: string;
  /** log2 Bayes factor (0 for the null level), term-frequency adjusted when applicable. */
  readonly weight: number;
  readonly tfAdjusted: boolean;
}

export interface PairExplanation {
  readonly a: number;
  readonly b: number;
  readonly weight: number;
  readonly probability: number;
  /** The prior weight of this pair (within one source or across sources). */
  readonly priorWeight: number;
  readonly fields: readonly FieldEvidence[];
  /** Guard (a) fired. */
  readonly sharedContactOnly: boolean;
}
