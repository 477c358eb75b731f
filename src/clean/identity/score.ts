/**
 * Match weight = log2 prior odds + Σ log2 Bayes factors (m/u per comparison level, term-frequency
 * adjusted on exact levels) and match probability = 2^w / (1 + 2^w).
 *
 * Guard (a), shared contact: when exactly one 'contact' comparison (email, phone) gives evidence
 * for a match and some 'identity' comparison (given name, surname, birth date) disagrees outright
 * (its else level: not even a fuzzy level holds), the pair is no match whatever its weight: its
 * evidence (weight minus prior weight) is capped at SHARED_CONTACT_CAP, so the clustering guards
 * also see it as a strong disagreement. This is what the model
 * weights should say anyway, made explicit so a very rare shared email cannot outvote names.
 */
import type { CompiledComparison } from './comparisons.js';
import { logBayesFactors } from './em.js';
import { sourceCodes } from './blocking.js';
import type { TermFrequencyTable } from './term-frequency.js';
import type { CandidatePairs, FieldEvidence, LinkRecord, ModelParams, PairExplanation } from './types.js';

/** Evidence (log2 Bayes factor) of a pair stopped by guard (a). */
export const SHARED_CONTACT_CAP = -8;

export function probabilityFromWeight(weight: number): number {
  if (weight > 60) return 1;
  if (weight < -60) return 2 ** weight;
  return 1 / (1 + 2 ** -weight);
}

export function weightFromProbability(p: number): number {
  return Math.log2(p) - Math.log2(1 - p);
}

export interface PairScorerOptions {
  /**
   * Apply guard (a). Default: true when some comparison has a role. A list of comparison names:
   * only a shared contact among those is guarded (the contacts the data shows to be shared by
   * different people, see shared-contact.ts).
   */
  readonly sharedContactGuard?: boolean | readonly string[];
}

export class PairScorer {
  /** Prior weight of a pair across sources (of every pair when the model has one prior). */
  readonly priorWeight: number;
  /** Prior weight of a pair within one source. */
  readonly priorWeightWithinSource: number;
  readonly bayesFactors: readonly Float64Array[];
  readonly #comparisons: readonly CompiledComparison[];
  readonly #records: readonly LinkRecord[];
  readonly #tf: TermFrequencyTable;
  readonly #logMExact: Float64Array;
  readonly #contact: readonly number[];
  /** guarded[k]: a shared contact k alone is guarded. */
  readonly #guarded: Uint8Array;
  readonly #identity: readonly number[];
  readonly #guard: boolean;
  readonly #row: Uint8Array;
  readonly #source: Int32Array;

  constructor(
    records: readonly LinkRecord[],
    comparisons: readonly CompiledComparison[],
    model: ModelParams,
    tf: TermFrequencyTable,
    options: PairScorerOptions = {},
  ) {
    this.#records = records;
    this.#comparisons = comparisons;
    this.#tf = tf;
    this.priorWeight = weightFromProbability(model.prior);
    this.priorWeightWithinSource = model.priorWithinSource === undefined ? this.priorWeight : weightFromProbability(model.priorWithinSource);
    this.#source = sourceCodes(records);
    this.bayesFactors = logBayesFactors(model.m, model.u);
    this.#logMExact = Float64Array.from(comparisons, (c, k) => (c.exactLevel > 0 ? Math.log2(model.m[k]![c.exactLevel]!) : 0));
    this.#contact = comparisons.flatMap((c, k) => (c.role === 'contact' ? [k] : []));
    this.#identity = comparisons.flatMap((c, k) => (c.role === 'identity' ? [k] : []));
    const option = options.sharedContactGuard ?? true;
    this.#guarded = Uint8Array.from(comparisons, (c) => (c.role === 'contact' && (option === true || (Array.isArray(option) && option.includes(c.name))) ? 1 : 0));
    this.#guard = this.#contact.some((k) => this.#guarded[k] === 1) && this.#identity.length > 0;
    this.#row = new Uint8Array(comparisons.length);
  }

  /** Prior weight of the pair (a, b): within one source or across sources. */
  priorWeightOf(a: number, b: number): number {
    return this.#source[a] === this.#source[b] ? this.priorWeightWithinSource : this.priorWeight;
  }

  /** log2 Bayes factor of comparison k at `level` for records a, b. */
  fieldWeight(k: number, level: number, a: number, b: number): number {
    const c = this.#comparisons[k]!;
    const tf = this.#tf[k];
    if (tf && level === c.exactLevel) {
      const f = Math.max(tf[a]!, tf[b]!);
      if (!Number.isNaN(f)) return this.#logMExact[k]! - Math.log2(Math.max(f, c.tfMinU, 1e-300));
    }
    return this.bayesFactors[k]![level]!;
  }

  /** Whether guard (a) fires for this comparison vector. */
  sharedContactOnly(levels: Uint8Array, base: number, a: number, b: number): boolean {
    if (!this.#guard) return false;
    let agreeing = 0;
    let agreeingContact = -1;
    for (const k of this.#contact) {
      if (this.fieldWeight(k, levels[base + k]!, a, b) > 0) {
        agreeing++;
        agreeingContact = k;
      }
    }
    if (agreeing !== 1 || this.#guarded[agreeingContact] !== 1) return false;
    for (const k of this.#identity) if (levels[base + k] === this.#comparisons[k]!.nLevels - 1) return true;
    return false;
  }

  /** Weight of a pair from its comparison levels `levels[base .. base+K)`. */
  weightFromLevels(levels: Uint8Array, base: number, a: number, b: number): number {
    const prior = this.priorWeightOf(a, b);
    let w = prior;
    const K = this.#comparisons.length;
    for (let k = 0; k < K; k++) {
      const level = levels[base + k]!;
      if (level !== 0) w += this.fieldWeight(k, level, a, b);
    }
    const cap = prior + SHARED_CONTACT_CAP;
    if (this.#guard && w > cap && this.sharedContactOnly(levels, base, a, b)) return cap;
    return w;
  }

  /** Score any pair of records (not only candidate pairs). */
  weight(a: number, b: number): number {
    const ra = this.#records[a]!;
    const rb = this.#records[b]!;
    const K = this.#comparisons.length;
    for (let k = 0; k < K; k++) this.#row[k] = this.#comparisons[k]!.compare(ra, rb);
    return this.weightFromLevels(this.#row, 0, a, b);
  }

  /**
   * The weight of (a, b) (as `weight`), and for each comparison with evidence, best[k] =
   * max(best[k], its log2 Bayes factor); NaN in best means no evidence yet.
   */
  accumulateEvidence(a: number, b: number, best: Float64Array): number {
    const ra = this.#records[a]!;
    const rb = this.#records[b]!;
    const K = this.#comparisons.length;
    for (let k = 0; k < K; k++) {
      const level = this.#comparisons[k]!.compare(ra, rb);
      this.#row[k] = level;
      if (level === 0) continue;
      const w = this.fieldWeight(k, level, a, b);
      if (!(w <= best[k]!)) best[k] = w; // NaN compares false: the first evidence is taken
    }
    return this.weightFromLevels(this.#row, 0, a, b);
  }

  explain(a: number, b: number): PairExplanation {
    const ra = this.#records[a]!;
    const rb = this.#records[b]!;
    const row = Uint8Array.from(this.#comparisons, (c) => c.compare(ra, rb));
    return this.explainLevels(row, 0, a, b);
  }

  /** explain() from comparison levels already computed (`levels[base .. base+K)`), e.g. a candidate pair's. */
  explainLevels(levels: Uint8Array, base: number, a: number, b: number): PairExplanation {
    const fields: FieldEvidence[] = this.#comparisons.map((c, k) => {
      const level = levels[base + k]!;
      const tf = this.#tf[k];
      return {
        comparison: c.name,
        level,
        label: c.labels[level] ?? String(level),
        weight: level === 0 ? 0 : this.fieldWeight(k, level, a, b),
        tfAdjusted: tf !== null && tf !== undefined && level === c.exactLevel,
      };
    });
    const weight = this.weightFromLevels(levels, base, a, b);
    return {
      a,
      b,
      weight,
      probability: probabilityFromWeight(weight),
      priorWeight: this.priorWeightOf(a, b),
      fields,
      sharedContactOnly: this.sharedContactOnly(levels, base, a, b),
    };
  }
}

/** Match weights of all candidate pairs (guard applied). */
export function scorePairs(pairs: Pick<CandidatePairs, 'a' | 'b' | 'count'>, levels: Uint8Array, scorer: PairScorer, K: number): Float64Array {
  const out = new Float64Array(pairs.count);
  for (let p = 0; p < pairs.count; p++) out[p] = scorer.weightFromLevels(levels, p * K, pairs.a[p]!, pairs.b[p]!);
  return out;
}

