import { describe, expect, it } from 'vitest';
import { auc } from './auc.js';

/** O(n²) definition: P(score₊ > score₋) + ½ P(tie) over all positive–negative pairs. */
function pairwise(scores: number[], labels: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!labels[i]) return;
    scores.forEach((t, j) => {
      if (labels[j]) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('auc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when everything ties', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
    expect(auc([1, 1, 1, 1], [true, false, true, false])).toBe(0.5);
  });

  it('matches the pairwise definition with ties, and accepts 0/1 labels', () => {
    const scores = [0.3, 0.3, 0.5, 0.1, 0.5, 0.9, 0.3, 0.7, 0.1, 0.5];
    const labels = [true, false, true, false, false, true, true, false, false, true];
    expect(auc(scores, labels)).toBeCloseTo(pairwise(scores, labels), 14);
    expect(auc(scores, labels.map(Number))).toBeCloseTo(pairwise(scores, labels), 14);
  });

  it('is NaN with a single class and refuses mismatched or NaN input', () => {
    expect(auc([1, 2], [true, true])).toBeNaN();
    expect(() => auc([1, 2], [true])).toThrow(RangeError);
    expect(() => auc([1, NaN], [true, false])).toThrow(RangeError);
  });
});
