import { describe, expect, it } from 'vitest';
import { chooseTier, tierLevelProblems, type TierLevel } from './tiers.js';

const levels: TierLevel[] = [
  { name: 'bronze', minSpend: 0, minOrders: 1 },
  { name: 'silver', minSpend: 2000, minOrders: 3 },
  { name: 'gold', minSpend: 8000, minOrders: 6 },
  { name: 'platinum', minSpend: 20000, minOrders: 12 },
];

describe('chooseTier', () => {
  it.each([
    [0, 0, null], // no order in the window: no tier
    [500, 0, null],
    [0, 1, 'bronze'],
    [-100, 2, null], // net spend below the lowest threshold (returns of earlier purchases)
    [1999.99, 5, 'bronze'],
    [2000, 3, 'silver'],
    [50000, 3, 'silver'], // spend alone is not enough: both thresholds must be met
    [2000, 50, 'silver'],
    [8000, 6, 'gold'],
    [19999, 20, 'gold'],
    [20000, 12, 'platinum'],
  ] as const)('spend %s, %s orders → %s', (spend, orders, tier) => {
    expect(chooseTier(levels, spend, orders)).toBe(tier);
  });
});

describe('tierLevelProblems', () => {
  it('accepts levels from lowest to highest', () => {
    expect(tierLevelProblems(levels)).toEqual([]);
  });
  it.each([
    [[levels[1]!, levels[0]!], 1, 'lower threshold than "silver"'],
    [[levels[0]!, { name: 'odd', minSpend: 5000, minOrders: 0 }], 1, 'lower threshold than "bronze"'],
    [[levels[0]!, { ...levels[0]!, name: 'copy' }], 1, 'same thresholds as "bronze"'],
    [[levels[0]!, { ...levels[1]!, name: 'bronze' }], 1, 'listed twice'],
  ] as const)('flags %j at index %s', (list, index, message) => {
    const problems = tierLevelProblems(list);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.index).toBe(index);
    expect(problems[0]!.message).toContain(message);
  });
});
