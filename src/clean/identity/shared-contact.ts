/**
 * Guard (a), learned from the data: is a shared e-mail or phone personal, or shared by different
 * people (a couple's e-mail, a household's phone)? That is a property of each data set, so it is
 * estimated, not assumed.
 *
 * Take the candidate pairs that agree exactly on a contact. If every such pair were one person,
 * the share of them where some identity comparison (a name part, the birth date) is at its else
 * level would be what the trained model expects of matches: for each pair,
 * 1 − Π (1 − m_k(else)) over its identity comparisons that have values on both sides. Different
 * people who share a contact nearly always disagree on one of them (another given name, another
 * birth date). So the observed share of disagreeing pairs, against the expected one, tells how
 * many of the disagreeing pairs are different people:
 *
 *   expected disagreeing matches = (agreeing pairs) × D / (1 − D)      (D: the expected share)
 *   personal share of disagreeing pairs = expected disagreeing matches / disagreeing pairs
 *
 * The guard is on for a contact when fewer than half of its disagreeing pairs are personal: then
 * a shared contact with a disagreeing name or birth date is more often two people than one. On
 * the retail sets (couples and households) it is on for e-mail and phone; on Splink's fake_1000
 * (typos everywhere, no households) it is off, so a shared e-mail with a misspelt name links.
 */
import type { CompiledComparison } from './comparisons.js';
import type { ModelParams } from './types.js';

export interface SharedContactEstimate {
  readonly comparison: string;
  /** Candidate pairs that agree exactly on this contact. */
  readonly sharedPairs: number;
  /** … of which some identity comparison is at its else level. */
  readonly disagreeingPairs: number;
  /** … how many of those the model expects if every shared contact were personal (typos). */
  readonly expectedIfPersonal: number;
  /** Estimated share of the disagreeing pairs that are one person (0..1; 1 when none disagree). */
  readonly personalShare: number;
  /** Whether guard (a) applies to this contact. */
  readonly guarded: boolean;
}

/** The guard is on for a contact whose disagreeing pairs are less often personal than this. */
export const PERSONAL_SHARE_THRESHOLD = 0.5;

export function estimateSharedContacts(
  comparisons: readonly CompiledComparison[],
  model: Pick<ModelParams, 'm'>,
  levels: Uint8Array,
  pairCount: number,
): SharedContactEstimate[] {
  const K = comparisons.length;
  const identity = comparisons.flatMap((c, k) => (c.role === 'identity' ? [k] : []));
  const mElse = comparisons.map((c, k) => model.m[k]![c.nLevels - 1]!);
  const out: SharedContactEstimate[] = [];
  for (let c = 0; c < K; c++) {
    const contact = comparisons[c]!;
    if (contact.role !== 'contact') continue;
    // The first spec level: the same value (exact or the comparison's own notion of it).
    const sameLevel = contact.exactLevel > 0 ? contact.exactLevel : 1;
    let shared = 0;
    let disagreeing = 0;
    let expectedShare = 0; // Σ over shared pairs of P(some identity else | match)
    for (let p = 0; p < pairCount; p++) {
      const base = p * K;
      if (levels[base + c] !== sameLevel) continue;
      let compared = false;
      let allAgreeProbability = 1;
      let disagrees = false;
      for (const k of identity) {
        const level = levels[base + k]!;
        if (level === 0) continue;
        compared = true;
        allAgreeProbability *= 1 - mElse[k]!;
        if (level === comparisons[k]!.nLevels - 1) disagrees = true;
      }
      if (!compared) continue; // nothing to tell one person from two
      shared++;
      if (disagrees) disagreeing++;
      expectedShare += 1 - allAgreeProbability;
    }
    const d = shared === 0 ? 0 : expectedShare / shared;
    const agreeing = shared - disagreeing;
    const expectedIfPersonal = d >= 1 ? disagreeing : (agreeing * d) / (1 - d);
    const personalShare = disagreeing === 0 ? 1 : Math.min(1, expectedIfPersonal / disagreeing);
    out.push({
      comparison: contact.name,
      sharedPairs: shared,
      disagreeingPairs: disagreeing,
      expectedIfPersonal: Math.round(expectedIfPersonal * 10) / 10,
      personalShare: Math.round(personalShare * 1000) / 1000,
      guarded: personalShare < PERSONAL_SHARE_THRESHOLD,
    });
  }
  return out;
}
