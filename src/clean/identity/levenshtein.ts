/**
 * Levenshtein distance bounded by k: the exact distance when it is ≤ k, otherwise k + 1.
 * Banded dynamic programming (|i − j| ≤ k) with an early exit once a whole row exceeds k, so
 * dissimilar strings cost O(k × length) or less, and a length difference above k costs O(1).
 */

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

export function boundedLevenshtein(s: string, t: string, k: number): number {
  if (s === t) return 0;
  let a = s;
  let b = t;
  if (a.length > b.length) {
    a = t;
    b = s;
  }
  const la = a.length;
  const lb = b.length;
  if (lb - la > k) return k + 1;
  if (la === 0) return lb;
  if (lb + 2 > rowA.length) {
    rowA = new Int32Array(lb * 2 + 2);
    rowB = new Int32Array(lb * 2 + 2);
  }
  const BIG = k + 1;
  let prev = rowA;
  let cur = rowB;
  const top = Math.min(lb, k);
  for (let j = 0; j <= top; j++) prev[j] = j;
  if (top + 1 <= lb) prev[top + 1] = BIG;
  for (let i = 1; i <= la; i++) {
    const lo = i - k > 1 ? i - k : 1;
    const hi = i + k < lb ? i + k : lb;
    cur[lo - 1] = lo - 1 === 0 ? i : BIG;
    let rowMin = cur[lo - 1]!;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      let v = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const up = prev[j]! + 1;
      if (up < v) v = up;
      const left = cur[j - 1]! + 1;
      if (left < v) v = left;
      if (v > BIG) v = BIG;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi + 1 <= lb) cur[hi + 1] = BIG;
    if (rowMin > k) return BIG;
    const swap = prev;
    prev = cur;
    cur = swap;
  }
  const d = prev[lb]!;
  return d > k ? BIG : d;
}
