import { describe, expect, it } from 'vitest';
import { entropyBits } from './entropy.js';

describe('entropyBits', () => {
  it.each([
    [[1], 0],
    [[0.5, 0.5], 1],
    [[1, 1, 1, 1], 2],
    [[3, 3, 3, 3, 3, 3, 3, 3], 3],
    [[0.25, 0.75], 0.8112781244591328],
    [[1, 0, 0], 0], // zero weights are ignored
    [[2, -1, 2], 1], // so are negative ones
    [[2, Number.NaN, 2], 1],
  ] as const)('%j → %s bits', (weights, bits) => {
    expect(entropyBits(weights)).toBeCloseTo(bits, 12);
  });

  it('does not depend on the scale or the order of the weights', () => {
    expect(entropyBits([1, 2, 3])).toBeCloseTo(entropyBits([300, 100, 200])!, 12);
  });

  it('is null without a positive weight', () => {
    expect(entropyBits([])).toBeNull();
    expect(entropyBits([0, -5])).toBeNull();
  });
});
