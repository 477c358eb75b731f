import { describe, expect, it } from 'vitest';
import { detectScript, foldDiacritics, foldForMatch, hanToPinyinSyllables } from './fold.js';

describe('foldDiacritics', () => {
  it.each([
    ['Müller', 'Muller'], ['MÜLLER', 'MULLER'], ['Mu\u0308ller', 'Muller'], ['François', 'Francois'],
    ['Łódź', 'Lodz'], ['Straße', 'Strasse'], ['Øster', 'Oster'], ['Æsir', 'AEsir'], ['Đorđević', 'Dordevic'],
    ['lü', 'lu'], ['plain', 'plain'], ['', ''],
  ])('should fold %j to %j', (s, expected) => {
    expect(foldDiacritics(s)).toBe(expected);
  });
});

describe('foldForMatch', () => {
  it.each([
    ['Wei Wang', 'wei wang'], ["O'Brien", 'obrien'], ['Jean-Luc', 'jeanluc'], ['  Mary   Ann ', 'mary ann'],
    ['Müller', 'muller'], ['王伟', 'wangwei'], ['孙 晓明', 'sun xiaoming'], ['吕', 'lu'], ['Иван', 'иван'],
    ['J.R.R. Tolkien', 'jrr tolkien'], ['', ''],
  ])('should fold %j to %j', (s, expected) => {
    expect(foldForMatch(s)).toBe(expected);
  });
});

describe('detectScript', () => {
  it.each([
    ['Wei Wang', 'latin'], ['Müller', 'latin'], ['王伟', 'han'], ['王 伟', 'han'], ['王伟 David', 'mixed'],
    ['Émile 王', 'mixed'], ['Иван', 'latin'], ['', 'latin'],
  ] as const)('should classify %j as %s', (s, script) => {
    expect(detectScript(s)).toBe(script);
  });
});

describe('hanToPinyinSyllables', () => {
  it.each([
    ['王伟', false, ['wang', 'wei']],
    ['晓明', false, ['xiao', 'ming']],
    ['单', true, ['shan']],
    ['单', false, ['dan']],
    ['曾', true, ['zeng']],
    ['尉迟', true, ['yu', 'chi']],
    ['吕', true, ['lü']],
    ['王a伟', false, ['wang', 'wei']],
  ] as const)('should read %j (surname %s) as %j', (han, asSurname, expected) => {
    expect(hanToPinyinSyllables(han, asSurname)).toEqual(expected);
  });
});
