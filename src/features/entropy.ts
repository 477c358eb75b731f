/**
 * Shannon entropy, in bits, of a distribution given by non-negative weights (they need not sum
 * to 1). Pure. Weights ≤ 0 (and non-finite ones) are ignored; no positive weight gives null.
 * One category → 0; k equal categories → log2(k).
 */
export function entropyBits(weights: Iterable<number>): number | null {
  const positive: number[] = [];
  let total = 0;
  for (const w of weights) {
    if (Number.isFinite(w) && w > 0) {
      positive.push(w);
      total += w;
    }
  }
  if (positive.length === 0) return null;
  let h = 0;
  for (const w of positive) {
    const p = w / total;
    h -= p * Math.log2(p);
  }
  // -0 and rounding noise below zero for a single category.
  return h > 0 ? h : 0;
}
