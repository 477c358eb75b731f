/**
 * Adjusted Rand index (Hubert & Arabie, 1985) between two labelings of the
 * same items.
 *
 *   ARI = (Σij C(nij,2) − E) / (½(Σi C(ai,2) + Σj C(bj,2)) − E)
 *   E   = Σi C(ai,2) · Σj C(bj,2) / C(n,2)
 *
 * where nij is the contingency table and ai / bj its row / column sums.
 * Label values are arbitrary (only equality matters), so permuting label ids
 * does not change the result. 1 = identical partitions, ~0 = chance
 * agreement, negative = worse than chance.
 *
 * Degenerate case: the denominator is 0 only when both labelings put every
 * item in one cluster, or both put every item in its own cluster (or n < 2);
 * the partitions are then identical and we return 1 (same convention as
 * scikit-learn's adjusted_rand_score).
 */
export type Label = number | string;

export function adjustedRandIndex(a: ArrayLike<Label>, b: ArrayLike<Label>): number {
  const n = a.length;
  if (b.length !== n) {
    throw new Error(`adjustedRandIndex: labelings differ in length (${n} vs ${b.length})`);
  }
  if (n < 2) return 1;

  const ca = compact(a);
  const cb = compact(b);
  const ka = ca.count;
  const kb = cb.count;

  const rowSums = new Float64Array(ka);
  const colSums = new Float64Array(kb);
  // Dense table when small enough, otherwise a Map keyed by ia * kb + ib.
  let sumCells = 0;
  if (ka * kb <= 1 << 22) {
    const table = new Float64Array(ka * kb);
    for (let t = 0; t < n; t++) {
      const ia = ca.codes[t] as number;
      const ib = cb.codes[t] as number;
      table[ia * kb + ib]! += 1;
      rowSums[ia]! += 1;
      colSums[ib]! += 1;
    }
    for (let p = 0; p < table.length; p++) sumCells += comb2(table[p] as number);
  } else {
    const table = new Map<number, number>();
    for (let t = 0; t < n; t++) {
      const ia = ca.codes[t] as number;
      const ib = cb.codes[t] as number;
      const key = ia * kb + ib;
      table.set(key, (table.get(key) ?? 0) + 1);
      rowSums[ia]! += 1;
      colSums[ib]! += 1;
    }
    for (const v of table.values()) sumCells += comb2(v);
  }

  let sumA = 0;
  for (let i = 0; i < ka; i++) sumA += comb2(rowSums[i] as number);
  let sumB = 0;
  for (let j = 0; j < kb; j++) sumB += comb2(colSums[j] as number);

  const total = comb2(n);
  const expected = (sumA * sumB) / total;
  const max = (sumA + sumB) / 2;
  const denom = max - expected;
  if (denom === 0) return 1;
  return (sumCells - expected) / denom;
}

function comb2(x: number): number {
  return (x * (x - 1)) / 2;
}

/** Maps arbitrary labels to 0..count-1 in order of first appearance. */
function compact(labels: ArrayLike<Label>): { codes: Int32Array; count: number } {
  const n = labels.length;
  const codes = new Int32Array(n);
  const ids = new Map<Label, number>();
  for (let t = 0; t < n; t++) {
    const label = labels[t] as Label;
    let id = ids.get(label);
    if (id === undefined) {
      id = ids.size;
      ids.set(label, id);
    }
    codes[t] = id;
  }
  return { codes, count: ids.size };
}
