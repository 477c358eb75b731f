import { describe, expect, it } from 'vitest';
import { citySpellings } from './city-spelling.js';

describe('citySpellings', () => {
  const rows = (pairs: [string | null, string | null][]) => pairs.map(([cityKey, city]) => ({ cityKey, city }));

  it('should give every key the spelling most records use', () => {
    const spellings = citySpellings(rows([['shanghai', 'Shanghai'], ['shanghai', '上海'], ['shanghai', 'Shanghai'], ['hangzhou', '杭州']]));
    expect(Object.fromEntries(spellings)).toEqual({ shanghai: 'Shanghai', hangzhou: '杭州' });
  });

  it('should break ties the same way whatever the order of the records', () => {
    const a = citySpellings(rows([['beijing', '北京'], ['beijing', 'Beijing']]));
    const b = citySpellings(rows([['beijing', 'Beijing'], ['beijing', '北京']]));
    expect(a.get('beijing')).toBe('Beijing');
    expect(b.get('beijing')).toBe('Beijing');
  });

  it('should skip records without a city', () => {
    expect(citySpellings(rows([[null, null], ['x', ''], [null, 'Paris']])).size).toBe(0);
  });
});
