import { describe, expect, it } from 'vitest';
import { nysiis, soundKey } from './phonetic.js';

describe('nysiis', () => {
  it.each([
    // Reference values of the jellyfish NYSIIS implementation (tests/test_phonetic.py cases).
    ['Watkins', 'WATCAN'], ['Wilkins', 'WALCAN'], ['Wilkinson', 'WALCANSAN'], ['Robert', 'RABAD'],
    ['Smith', 'SNAT'], ['Schmidt', 'SNAD'], ['Catherine', 'CATARAN'], ['Kathryn', 'CATRYN'],
    ['Knight', 'NAGT'], ['Wright', 'WRAGT'], ['Caesar', 'CASAR'], ['Macarthur', 'MCARTAR'],
    ['Phillips', 'FALAP'], ['Pfister', 'FASTAR'], ['Schwartz', 'SWART'], ['Hawthorne', 'HATARN'],
    ['Yarborough', 'YARBARAG'], ['Thompson', 'TANPSAN'], ['Anderson', 'ANDARSAN'], ['Johnson', 'JANSAN'],
    ['Williams', 'WALAN'], ['Hugh', 'HAG'], ['Through', 'TRAG'], ['Caught', 'CAGT'], ['Plough', 'PLAG'],
    ['Lloyd', 'LAYD'], ['Honeyman', 'HANAYNAN'], ['McDonald', 'MCDANALD'], ['Sarah', 'SAR'],
    ['Michael', 'MACAL'], ['Hannah', 'HAN'], ['Joshua', 'JAS'], ['William', 'WALAN'],
    // Our deviation: W after a vowel is "A".
    ['Lewis', 'L'], ['Bowman', 'BANAN'],
    // Pinyin: retroflex initials fold onto flat ones; one-syllable names keep only the initial.
    ['Zhang', 'ZANG'], ['Zang', 'ZANG'], ['Chen', 'CAN'], ['Shi', 'S'], ['Si', 'S'],
    ['Xiaoming', 'XANANG'], ['Jianguo', 'JANG'], ['Huang', 'HANG'], ['Li', 'L'], ['Liu', 'L'],
    ['Ouyang', 'OAYANG'], ['Zhuge', 'ZAG'],
    // Case, accents, punctuation, Chinese characters.
    ['ROBERT', 'RABAD'], ['robert', 'RABAD'], ['Müller', 'MALAR'], ['Mueller', 'MALAR'], ["O'Brien", 'OBRAN'],
    ['张', 'ZANG'], ['', ''], ['12345', ''], ['---', ''],
  ])('should key %j as %j', (name, key) => {
    expect(nysiis(name)).toBe(key);
  });

  it.each([
    ['Catherine', 'Catharine', true],
    ['Watkins', 'Watkin', true],
    ['Robert', 'Roberto', false],
    ['Smith', 'Smyth', false],
  ])('should compare %j and %j as equal: %s', (a, b, same) => {
    expect(nysiis(a) === nysiis(b)).toBe(same);
  });
});

describe('soundKey', () => {
  it.each([
    ['Mary Ann', 'MARY AN'],
    ['Jean-Luc', 'JANLAC'],
    ['de la Cruz', 'D L CR'],
    ['  Wei  ', 'W'],
    ['Xiaoming', 'XANANG'],
    ['', ''],
  ])('should key %j as %j', (s, key) => {
    expect(soundKey(s)).toBe(key);
    expect(soundKey(s)).toBe(key); // cached path
  });
});
