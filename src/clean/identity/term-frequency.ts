/**
 * Term-frequency adjustment (Splink's): for an exact match on value v, u is replaced by the
 * frequency of v among records with the field present. A value many records share (a household
 * phone, "wang wei") then weighs less than the average exact match, a rare one more.
 */
import type { CompiledComparison } from './comparisons.js';
import type { LinkRecord } from './types.js';

/** Per comparison: frequency of each record's value (NaN when missing), or null without TF. */
export type TermFrequencyTable = readonly (Float64Array | null)[];

/**
 * Counts of one run's records, by field: u estimation (exact levels) and the term frequencies
 * count the same fields of the same records, and records are immutable.
 */
const countsOf = new WeakMap<readonly LinkRecord[], Map<number, { counts: Map<string, number>; present: number }>>();

/** How many records hold each value of a field, and how many hold any value at all. */
export function countValues(records: readonly LinkRecord[], field: number): { readonly counts: ReadonlyMap<string, number>; readonly present: number } {
  let byField = countsOf.get(records);
  if (byField === undefined) countsOf.set(records, (byField = new Map()));
  let result = byField.get(field);
  if (result === undefined) byField.set(field, (result = countFieldValues(records, field)));
  return result;
}

function countFieldValues(records: readonly LinkRecord[], field: number): { counts: Map<string, number>; present: number } {
  const counts = new Map<string, number>();
  let present = 0;
  for (const r of records) {
    const v = r.values[field];
    if (v === null || v === undefined || v === '') continue;
    present++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return { counts, present };
}

export function valueFrequencies(records: readonly LinkRecord[], field: number): Float64Array {
  const { counts, present } = countValues(records, field);
  const out = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const v = records[i]!.values[field];
    out[i] = v === null || v === undefined || v === '' ? Number.NaN : counts.get(v)! / present;
  }
  return out;
}

export function computeTermFrequencies(
  records: readonly LinkRecord[],
  comparisons: readonly CompiledComparison[],
): TermFrequencyTable {
  const byField = new Map<number, Float64Array>();
  return comparisons.map((c) => {
    if (!c.termFrequency) return null;
    let t = byField.get(c.field);
    if (t === undefined) {
      t = valueFrequencies(records, c.field);
      byField.set(c.field, t);
    }
    return t;
  });
}

/** log2 Bayes factor of an exact match on a value of frequency `tf`: log2(m_exact / max(tf, minU)). */
export function tfExactWeight(mExact: number, tf: number, minU: number): number {
  return Math.log2(mExact) - Math.log2(Math.max(tf, minU, 1e-300));
}
