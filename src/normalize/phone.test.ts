import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normalizePhone, preCleanPhone } from './phone.js';

describe('preCleanPhone', () => {
  it.each([
    ['0086 13812345678', '+8613812345678'],
    ['00 44 20 7946 0958', '+442079460958'],
    ['(+44) 402-0697440', '+444020697440'],
    ['+86 138-1234-5678', '+8613812345678'],
    ['181-9777-3865', '18197773865'],
    ['+44 (0) 20 7946 0958', '+442079460958'],
    ['＋８６ １３８ １２３４ ５６７８', '+8613812345678'],
    ['+1 415.555.2671 ext. 12', '+14155552671'],
    ['138 1234 5678 转 801', '13812345678'],
    ['+0086 13812345678', '+8613812345678'],
    ['', ''],
    ['  ', ''],
  ])('should clean %j to %j', (raw, expected) => {
    expect(preCleanPhone(raw)).toBe(expected);
  });

  it.each(['call me', '138*1234*5678', '+86+138', '1-800-FLOWERS'])('should refuse %j', (raw) => {
    expect(preCleanPhone(raw)).toBeNull();
  });
});

describe('normalizePhone', () => {
  it.each([
    // [raw, defaultRegion, recordCountry, e164, country] — styles copied from retail-20k.
    ['0086 16602231025', 'CN', undefined, '+8616602231025', 'CN'],
    ['+86 131 6960 7035', 'CN', undefined, '+8613169607035', 'CN'],
    ['+86 138-1234-5678', undefined, undefined, '+8613812345678', 'CN'],
    ['+8618403250226', undefined, undefined, '+8618403250226', 'CN'],
    ['181-9777-3865', 'CN', undefined, '+8618197773865', 'CN'],
    ['197-1745-4307', 'CN', undefined, '+8619717454307', 'CN'],
    ['19565898299', 'CN', undefined, '+8619565898299', 'CN'],
    ['17939965799', undefined, 'CN', '+8617939965799', 'CN'],
    ['(+86) 149-51820022', undefined, 'DE', '+8614951820022', 'CN'],
    ['+86 17165148831', 'CN', 'US', '+8617165148831', 'CN'],
    ['+499435785503', 'CN', undefined, '+499435785503', 'DE'],
    ['(+49) 846-5911646', 'CN', 'DE', '+498465911646', 'DE'],
    ['+44 2376518191', 'CN', 'GB', '+442376518191', 'GB'],
    ['(+44) 402-0697440', 'CN', undefined, '+444020697440', 'GB'],
    ['00 44 20 7946 0958', 'CN', undefined, '+442079460958', 'GB'],
    ['+44 (0) 20 7946 0958', undefined, undefined, '+442079460958', 'GB'],
    ['020 7946 0958', 'CN', 'GB', '+442079460958', 'GB'],
    ['+1 2889981409', 'CN', 'US', '+12889981409', 'US'],
    ['(+1) 777-4064233', undefined, undefined, '+17774064233', 'US'],
    // Possible but not valid: the leading digits point at Antigua, which only a valid
    // number can prove; the calling code's main region is the guess.
    ['+1 268 361 1163', undefined, undefined, '+12683611163', 'US'],
    ['+44 4641105585', undefined, undefined, '+444641105585', 'GB'],
    // Valid numbers keep their own region.
    ['+1 441 876 5432', undefined, undefined, '+14418765432', 'BM'],
    ['+44 1481 234567', undefined, undefined, '+441481234567', 'GG'],
    ['+1 415 555 2671', undefined, undefined, '+14155552671', 'US'],
    ['(415) 555-2671', 'CN', 'US', '+14155552671', 'US'],
    ['8613812345678', 'CN', undefined, '+8613812345678', 'CN'],
    ['＋８６ １３８ １２３４ ５６７８', undefined, undefined, '+8613812345678', 'CN'],
  ])('should normalise %j (default %s, record %s) to %s', (raw, region, country, e164, cc) => {
    const r = normalizePhone(raw, region, country);
    expect(r.e164).toBe(e164);
    expect(r.country).toBe(cc);
    expect(r.issue).toBeUndefined();
    expect(r.lenient).toBeUndefined();
  });

  it.each([
    // French numbers in the data have 10 national digits (one too many): kept, flagged lenient.
    ['+339206035392', '+339206035392', 'FR'],
    ['+33 5251946442', '+335251946442', 'FR'],
    ['(+33) 525-1946442', '+335251946442', 'FR'],
    ['0033 5251946442', '+335251946442', 'FR'],
  ])('should keep %j leniently as %s', (raw, e164, cc) => {
    expect(normalizePhone(raw, 'CN')).toEqual({ e164, country: cc, lenient: true });
  });

  it.each([
    ['12345', 'CN', undefined], // the loyalty file's planted "invalid phone" rows
    ['12345', undefined, undefined],
    ['+12345', undefined, undefined],
    ['+86 1', undefined, undefined],
    ['+999 1234567', undefined, undefined], // no such country code
    ['phone: none', 'CN', undefined],
    ['+33 1', 'CN', undefined],
    ['0000000000000000000', 'CN', undefined],
  ])('should reject %j (default %s, record %s)', (raw, region, country) => {
    expect(normalizePhone(raw, region, country)).toEqual({ e164: null, issue: 'invalid_phone' });
  });

  it('should not read a bare Chinese mobile as a North American number when there is no region', () => {
    // Valid as +1 812 712 0104 too: without a region that reading would be a guess.
    for (const raw of ['18127120104', '13812345678', '181-2712-0104']) expect(normalizePhone(raw)).toEqual({ e164: null, issue: 'ambiguous_phone' });
    expect(normalizePhone('18127120104', 'CN').e164).toBe('+8618127120104');
    expect(normalizePhone('18127120104', 'US').e164).toBe('+18127120104');
    expect(normalizePhone('+1 812 712 0104').e164).toBe('+18127120104');
  });

  it.each([[''], ['  '], [null], [undefined]])('should treat %j as missing', (raw) => {
    expect(normalizePhone(raw, 'CN')).toEqual({ e164: null });
  });

  it('should prefer the region where a national number is valid', () => {
    // Valid in GB, merely possible in CN: the record says GB, the source default says CN.
    expect(normalizePhone('020 7946 0958', 'CN', 'GB').e164).toBe('+442079460958');
    // Record country first when both regions only find it possible.
    expect(normalizePhone('7946095812', 'CN', 'GB').e164).toBe('+447946095812');
  });

  it('should agree with libphonenumber on the Chinese-mobile fast path', () => {
    for (let i = 0; i < 500; i++) {
      const n = `1${3 + (i % 7)}${String(i * 7919 * 104729).padStart(9, '0').slice(-9)}`;
      const lib = parsePhoneNumberFromString(n, 'CN');
      expect(normalizePhone(n, 'CN')).toEqual({ e164: lib?.number, country: 'CN' });
      expect(normalizePhone(`+86${n}`)).toEqual({ e164: lib?.number, country: 'CN' });
    }
  });
});
