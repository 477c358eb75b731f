import { describe, expect, it } from 'vitest';
import { addressLineKey, addressTokens, compactKey, regionKey, streetNumberKey } from './address.js';

describe('address keys', () => {
  it.each([
    // FEBRL values (already lower-case) and the same addresses written as people type them.
    ['wallaby place', 'wallaby pl'],
    ['Wallaby Pl.', 'wallaby pl'],
    ['  hoseason   street ', 'hoseason st'],
    ['pridhamstreet', 'pridhamstreet'],
    ['lakefront retrmnt vlge', 'lakefront retrmnt vlge'],
    ['Lakefront Retirement Village', 'lakefront retrmnt vlge'],
    ['Flat 3/12 Rose Ct', 'flat 3 12 rose ct'],
    ['Straße des 17. Juni', 'strasse des 17 juni'],
    ['', null],
    ['  ', null],
    [null, null],
  ])('addressLineKey(%j) = %j', (raw, key) => {
    expect(addressLineKey(raw)).toBe(key);
  });

  it('collects the distinct words of both lines, sorted', () => {
    expect(addressTokens('Flat 3, Rose Court', null)).toEqual(['3', 'ct', 'flat', 'rose']);
    expect(addressTokens('Rose Court', 'Flat 3')).toEqual(addressTokens('Flat 3, Rose Court', null));
    expect(addressTokens(null, '')).toEqual([]);
  });

  it.each([
    ['SW1A 1AA', 'sw1a1aa'],
    ['2119', '2119'],
    [' 123-45-6789 ', '123456789'],
    ['-', null],
    [null, null],
  ])('compactKey(%j) = %j', (raw, key) => {
    expect(compactKey(raw)).toBe(key);
  });

  it.each([
    ['7', '7'],
    ['7A', '7a'],
    ['12 - 14', '12-14'],
    ['12–14', '12-14'],
    ['', null],
    [null, null],
  ])('streetNumberKey(%j) = %j', (raw, key) => {
    expect(streetNumberKey(raw)).toBe(key);
  });

  it('folds regions', () => {
    expect(regionKey('NSW')).toBe('nsw');
    expect(regionKey(' New South Wales ')).toBe('new south wales');
    expect(regionKey('Île-de-France')).toBe('ile de france');
    expect(regionKey('')).toBeNull();
  });
});
