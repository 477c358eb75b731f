import { describe, expect, it } from 'vitest';
import { topValue } from './top-share.js';

describe('topValue', () => {
  it.each([
    [[], null],
    [[['apparel', 1]], { value: 'apparel', share: 1 }],
    [[['apparel', 0.2], ['shoes', 0.5], ['home', 0.3]], { value: 'shoes', share: 0.5 }],
    [[['shoes', 0.5], ['apparel', 0.5]], { value: 'apparel', share: 0.5 }], // tie: first in sort order
    [[['apparel', 0.5], ['shoes', 0.5]], { value: 'apparel', share: 0.5 }],
    [[['a', Number.NaN], ['b', 0.1]], { value: 'b', share: 0.1 }],
  ] as const)('%j → %j', (entries, top) => {
    expect(topValue(entries)).toEqual(top);
  });
});
