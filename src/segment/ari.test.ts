import { describe, expect, it } from 'vitest';

import { adjustedRandIndex } from './ari.js';

/** Reference implementation: O(n²) pair counting. */
function bruteForceAri(a: number[], b: number[]): number {
  const n = a.length;
  let ss = 0; // same in both
  let sa = 0; // same in a
  let sb = 0; // same in b
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const x = a[i] === a[j];
      const y = b[i] === b[j];
      if (x) sa++;
      if (y) sb++;
      if (x && y) ss++;
    }
  }
  const total = (n * (n - 1)) / 2;
  const expected = (sa * sb) / total;
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (ss - expected) / (max - expected);
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('adjustedRandIndex', () => {
  it('is 1 for identical labelings and for relabelled (permuted) labelings', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9])).toBe(1);
    expect(adjustedRandIndex(['a', 'a', 'b'], [1, 1, 0])).toBe(1);
  });

  it('matches known values (scikit-learn documentation examples)', () => {
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 12);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });

  it('handles degenerate cases', () => {
    expect(adjustedRandIndex([], [])).toBe(1);
    expect(adjustedRandIndex([3], [7])).toBe(1);
    expect(adjustedRandIndex([1, 1, 1], [2, 2, 2])).toBe(1); // one cluster each
    expect(adjustedRandIndex([0, 1, 2], [2, 0, 1])).toBe(1); // all singletons
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/length/);
  });

  it('agrees with brute-force pair counting on random labelings', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + Math.floor(rand() * 60);
      const ka = 1 + Math.floor(rand() * 5);
      const kb = 1 + Math.floor(rand() * 5);
      const a = Array.from({ length: n }, () => Math.floor(rand() * ka));
      const b = Array.from({ length: n }, (_, i) => (rand() < 0.6 ? (a[i] as number) : Math.floor(rand() * kb)));
      expect(adjustedRandIndex(a, b)).toBeCloseTo(bruteForceAri(a, b), 12);
      expect(adjustedRandIndex(b, a)).toBeCloseTo(adjustedRandIndex(a, b), 12);
    }
  });

  it('accepts typed arrays', () => {
    expect(adjustedRandIndex(Int32Array.from([0, 0, 1, 2]), Uint8Array.from([0, 0, 1, 1]))).toBeCloseTo(4 / 7, 12);
  });
});
