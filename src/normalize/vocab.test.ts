import { describe, expect, it } from 'vitest';
import { parseBoolean, parseGender, parseNumber } from './vocab.js';

describe('parseGender', () => {
  it.each([
    // CRM: M, F, male, Female, …; loyalty: 男 / 女.
    ['M', 'male'], ['m', 'male'], ['male', 'male'], ['Male', 'male'], [' MALE ', 'male'], ['男', 'male'], ['男性', 'male'],
    ['F', 'female'], ['f', 'female'], ['female', 'female'], ['Female', 'female'], ['女', 'female'], ['女性', 'female'],
    ['Woman', 'female'], ['Mrs', 'female'],
  ] as const)('should read %j as %j', (raw, value) => {
    expect(parseGender(raw)).toEqual({ value });
  });

  it.each(['', '  ', 'unknown', 'U', 'n/a', '未知', '保密', null, undefined])('should read %j as missing without an issue', (raw) => {
    expect(parseGender(raw)).toEqual({ value: null });
  });

  it.each(['X', 'diverse', 'other', '1', 'malee', 'mf'])('should flag %j as invalid_gender', (raw) => {
    expect(parseGender(raw)).toEqual({ value: null, issue: 'invalid_gender' });
  });

  it('should use a custom vocabulary instead of the default', () => {
    const iso5218 = { male: ['1'], female: ['2'] };
    expect(parseGender('1', iso5218)).toEqual({ value: 'male' });
    expect(parseGender('2', iso5218)).toEqual({ value: 'female' });
    expect(parseGender('M', iso5218)).toEqual({ value: null, issue: 'invalid_gender' });
    expect(parseGender('', iso5218)).toEqual({ value: null });
  });
});

describe('parseBoolean', () => {
  it.each([
    // CRM consents Y/N, shop marketing_opt_in true/false, loyalty 推送同意 是/否.
    ['Y', true], ['N', false], ['y', true], ['n', false], ['yes', true], ['No', false], ['YES', true],
    ['true', true], ['false', false], ['TRUE', true], ['False', false], ['t', true], ['f', false],
    ['1', true], ['0', false], ['是', true], ['否', false], [' Y ', true], ['on', true], ['off', false],
  ] as const)('should read %j as %j', (raw, value) => {
    expect(parseBoolean(raw)).toBe(value);
  });

  it.each(['', 'maybe', '2', 'yess', null, undefined])('should read %j as null', (raw) => {
    expect(parseBoolean(raw)).toBeNull();
  });

  it('should use a custom vocabulary instead of the default', () => {
    const vocab = { true: ['opt-in', 'X'], false: ['opt-out'] };
    expect(parseBoolean('Opt-In', vocab)).toBe(true);
    expect(parseBoolean('x', vocab)).toBe(true);
    expect(parseBoolean('opt-out', vocab)).toBe(false);
    expect(parseBoolean('Y', vocab)).toBeNull();
  });

  it('should refuse a vocabulary with a word on both sides', () => {
    expect(() => parseBoolean('y', { true: ['Y'], false: ['y'] })).toThrow(/both true and false/);
  });
});

describe('parseNumber', () => {
  it.each([
    // Order lines: quantity and unit_price.
    ['3', {}, 3], ['-1', {}, -1], ['49.49', {}, 49.49], ['144.42', {}, 144.42], ['0', {}, 0],
    [' 12 ', {}, 12], ['+5', {}, 5], ['.5', {}, 0.5], ['5.', {}, 5],
    ['1,234', {}, 1234], ['1,234,567.89', {}, 1234567.89], ['1 234 567.89', {}, 1234567.89],
    ["1'234.50", {}, 1234.5], ['1\u00a0234,5', { decimalComma: true }, 1234.5], ['(12.50)', {}, -12.5],
    ['1e3', {}, 1000], ['2.5E-2', {}, 0.025], ['１２３', {}, 123], ['−7', {}, -7],
    ['12,5', { decimalComma: true }, 12.5], ['1.234,56', { decimalComma: true }, 1234.56],
    ['1.234.567', { decimalComma: true }, 1234567], ['-0,75', { decimalComma: true }, -0.75],
    ['1 234,56', { decimalComma: true }, 1234.56], ['3', { decimalComma: true }, 3],
  ] as const)('should read %j with %j as %j', (raw, opts, value) => {
    expect(parseNumber(raw, opts)).toBe(value);
  });

  it.each([
    ['', {}], ['  ', {}], ['abc', {}], ['12abc', {}], ['1,5', {}], ['1,23,456', {}], ['1.2.3', {}],
    ['1,234.5,6', {}], ['Infinity', {}], ['NaN', {}], ['0x10', {}], ['--5', {}], ['-(5)', {}], ['(-5)', {}],
    ['1.5', { decimalComma: true }], ['1,2,3', { decimalComma: true }], ['1e999', {}], ['12 34', {}],
    ['1,234 567', {}], [null, {}], [undefined, {}],
  ] as const)('should reject %j with %j', (raw, opts) => {
    expect(parseNumber(raw, opts)).toBeNull();
  });
});
