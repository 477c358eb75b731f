import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './em.js';
import { jaro, jaroReference, jaroWinkler } from './jaro-winkler.js';
import { boundedLevenshtein } from './levenshtein.js';

const randomString = (rand: () => number, maxLen: number, alphabet: string): string =>
  Array.from({ length: Math.floor(rand() * (maxLen + 1)) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');

describe('jaro / jaroWinkler', () => {
  it.each([
    ['martha', 'marhta', 0.9444, 0.9611],
    ['dwayne', 'duane', 0.8222, 0.84],
    ['dixon', 'dicksonx', 0.7667, 0.8133],
    ['crate', 'trace', 0.7333, 0.7333],
    ['abc', 'xyz', 0, 0],
  ])('should score %s / %s like the published examples', (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 3);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(jw, 3);
  });

  it('should give 1 for equal strings and 0 against an empty string', () => {
    expect(jaroWinkler('wang', 'wang')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('wang', '')).toBe(0);
  });

  it('should agree with the classic scan on random strings, short, long and non-ASCII', () => {
    const rand = mulberry32(3);
    for (let i = 0; i < 20_000; i++) {
      const alphabet = i % 3 === 0 ? '王李张刘陈伟芳敏' : 'abcdeab';
      const maxLen = i % 5 === 0 ? 45 : 12;
      const a = randomString(rand, maxLen, alphabet);
      const b = randomString(rand, maxLen, alphabet);
      expect(jaro(a, b)).toBeCloseTo(jaroReference(a, b), 12);
    }
  });
});

describe('boundedLevenshtein', () => {
  it('should equal min(distance, k + 1) on random strings', () => {
    const rand = mulberry32(5);
    for (let i = 0; i < 20_000; i++) {
      const a = randomString(rand, 14, 'abcd');
      const b = randomString(rand, 14, 'abcd');
      const k = Math.floor(rand() * 4);
      expect(boundedLevenshtein(a, b, k)).toBe(Math.min(distance(a, b), k + 1));
    }
  });
});
