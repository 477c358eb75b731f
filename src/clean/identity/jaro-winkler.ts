/**
 * Jaro and Jaro–Winkler similarity on UTF-16 code units, allocation-free.
 *
 * Strings of up to 32 code units use a bit-parallel matcher (a bitmask of the positions of each
 * character of b; each character of a takes the lowest free position inside its window), O(|a|+|b|);
 * longer strings use the classic O(|a| × window) scan. Both give identical results.
 */

/** Positions (bitmask) of each UTF-16 code unit in the current b; entries reset after each call. */
const positions = new Int32Array(65536);
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function jaroBitParallel(a: string, b: string, la: number, lb: number): number {
  const pm = positions;
  for (let j = 0; j < lb; j++) pm[b.charCodeAt(j)]! |= 1 << j;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let usedB = 0;
  let usedA = 0;
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0;
    const hi = i + window < lb - 1 ? i + window : lb - 1;
    if (lo > hi) continue;
    const width = hi - lo + 1;
    const bound = (width >= 32 ? -1 : (1 << width) - 1) << lo;
    const free = pm[a.charCodeAt(i)]! & bound & ~usedB;
    if (free !== 0) {
      usedB |= free & -free;
      if (i < 32) usedA |= 1 << i;
      matches++;
    }
  }
  for (let j = 0; j < lb; j++) pm[b.charCodeAt(j)] = 0;
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let restB = usedB;
  // la may exceed 32 only when lb ≤ 32 and la > 32: then matched a-positions are recomputed below.
  if (la <= 32) {
    let restA = usedA;
    while (restA !== 0) {
      const i = 31 - Math.clz32(restA & -restA);
      const j = 31 - Math.clz32(restB & -restB);
      if (a.charCodeAt(i) !== b.charCodeAt(j)) halfTranspositions++;
      restA &= restA - 1;
      restB &= restB - 1;
    }
  } else {
    return jaroScan(a, b, la, lb);
  }
  const t = halfTranspositions >> 1;
  return (matches / la + matches / lb + (matches - t) / matches) / 3;
}

function jaroScan(a: string, b: string, la: number, lb: number): number {
  if (la > flagsA.length) flagsA = new Uint8Array(Math.max(la, flagsA.length * 2));
  if (lb > flagsB.length) flagsB = new Uint8Array(Math.max(lb, flagsB.length * 2));
  const fa = flagsA;
  const fb = flagsB;
  fa.fill(0, 0, la);
  fb.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const lo = i > window ? i - window : 0;
    const hi = i + window < lb - 1 ? i + window : lb - 1;
    for (let j = lo; j <= hi; j++) {
      if (fb[j] === 0 && b.charCodeAt(j) === c) {
        fa[i] = 1;
        fb[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (fa[i] === 0) continue;
    while (fb[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  const t = halfTranspositions >> 1;
  return (matches / la + matches / lb + (matches - t) / matches) / 3;
}

/** Jaro similarity in [0, 1]; 1 for equal strings (two empty strings included). */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  return la <= 32 && lb <= 32 ? jaroBitParallel(a, b, la, lb) : jaroScan(a, b, la, lb);
}

/**
 * Jaro–Winkler: Jaro boosted by the common prefix (up to 4 characters, scale 0.1), applied only
 * when the Jaro similarity exceeds 0.7 (Winkler's boost threshold, as in DuckDB/rapidfuzz).
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1, boostThreshold = 0.7): number {
  const j = jaro(a, b);
  if (j <= boostThreshold) return j;
  const maxPrefix = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * prefixScale * (1 - j);
}

/** Reference implementation (classic scan), exported for tests. */
export function jaroReference(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  return jaroScan(a, b, a.length, b.length);
}
