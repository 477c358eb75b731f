import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  compileDateFormat,
  compileTimestampParser,
  daysFromCivil,
  newParts,
  parseDate,
  parseTimestamp,
  parseUtcOffset,
} from './date.js';

describe('parseDate', () => {
  it.each([
    // Birthdates from retail-20k: CRM "YYYY-MM-DD" or "MM/DD/YYYY", loyalty "1990年03月07日".
    ['1988-08-16', ['YYYY-MM-DD', 'MM/DD/YYYY'], '1988-08-16'],
    ['06/07/1978', ['YYYY-MM-DD', 'MM/DD/YYYY'], '1978-06-07'],
    ['03/26/1976', ['YYYY-MM-DD', 'MM/DD/YYYY'], '1976-03-26'],
    ['1961年12月19日', ['YYYY年MM月DD日'], '1961-12-19'],
    ['1990年3月7日', ['YYYY年M月D日'], '1990-03-07'],
    [' 1985年09月08日 ', ['YYYY年MM月DD日'], '1985-09-08'],
    ['07.06.2000', ['DD.MM.YYYY'], '2000-06-07'],
    ['7/6/2000', ['D/M/YYYY'], '2000-06-07'],
    ['2000/6/7', ['YYYY/M/D'], '2000-06-07'],
    ['20000607', ['YYYYMMDD'], '2000-06-07'],
    ['07-06-99', ['DD-MM-YY'], '1999-06-07'],
    ['07-06-05', ['DD-MM-YY'], '2005-06-07'],
    ['07-06-68', ['DD-MM-YY'], '2068-06-07'],
    ['2024-02-29', ['YYYY-MM-DD'], '2024-02-29'],
    ['2000-02-29', ['YYYY-MM-DD'], '2000-02-29'],
    ['2023-12-27 20:04:58', ['YYYY-MM-DD HH:mm:ss'], '2023-12-27'],
    ['2023-W05', ['YYYY-[W]MM'], '2023-05-01'],
  ] as const)('should parse %j with %j as %j', (raw, formats, expected) => {
    expect(parseDate(raw, formats)).toBe(expected);
  });

  it.each([
    ['2023-02-30', ['YYYY-MM-DD']], // the CRM's planted "invalid date" rows
    ['2023-02-29', ['YYYY-MM-DD']],
    ['1900-02-29', ['YYYY-MM-DD']],
    ['2023-13-01', ['YYYY-MM-DD']],
    ['2023-00-10', ['YYYY-MM-DD']],
    ['2023-04-31', ['YYYY-MM-DD']],
    ['0000-01-01', ['YYYY-MM-DD']],
    ['2023-1-5', ['YYYY-MM-DD']], // MM/DD are strict two-digit fields
    ['2023-01-05x', ['YYYY-MM-DD']],
    ['2023/01/05', ['YYYY-MM-DD']],
    ['13/26/1976', ['MM/DD/YYYY']],
    ['1990年03月07', ['YYYY年MM月DD日']],
    ['', ['YYYY-MM-DD']],
    ['abc', ['YYYY-MM-DD', 'MM/DD/YYYY']],
  ] as const)('should reject %j with %j', (raw, formats) => {
    expect(parseDate(raw, formats)).toBeNull();
  });

  it('should use the first matching format (ambiguous day/month)', () => {
    expect(parseDate('06/07/1978', ['MM/DD/YYYY', 'DD/MM/YYYY'])).toBe('1978-06-07');
    expect(parseDate('06/07/1978', ['DD/MM/YYYY', 'MM/DD/YYYY'])).toBe('1978-07-06');
    expect(parseDate('26/03/1976', ['MM/DD/YYYY', 'DD/MM/YYYY'])).toBe('1976-03-26');
  });

  it('should honour a two-digit-year pivot', () => {
    expect(parseDate('01/02/30', ['DD/MM/YY'])).toBe('2030-02-01');
    expect(parseDate('01/02/30', ['DD/MM/YY'], { yyPivot: 26 })).toBe('1930-02-01');
  });

  it('should treat null and undefined as missing', () => {
    expect(parseDate(null, ['YYYY-MM-DD'])).toBeNull();
    expect(parseDate(undefined, ['YYYY-MM-DD'])).toBeNull();
  });
});

describe('compileDateFormat', () => {
  it('should compile once into a reusable parser with all fields', () => {
    const p = compileDateFormat('YYYY/MM/DD HH:mm:ss.SSSZ');
    expect(p.format).toBe('YYYY/MM/DD HH:mm:ss.SSSZ');
    expect(p.hasTime).toBe(true);
    const parts = newParts();
    expect(p.match('2024/03/07 09:05:01.250+05:30', parts)).toBe(true);
    expect(parts).toEqual({ year: 2024, month: 3, day: 7, hour: 9, minute: 5, second: 1, millisecond: 250, offsetMinutes: 330 });
    expect(p('2024/03/07 09:05:01.250Z')).toBe('2024-03-07');
    expect(p('2024/03/07 24:05:01.250Z')).toBeNull();
    expect(compileDateFormat('YYYY-MM-DD').hasTime).toBe(false);
  });

  it('should throw on an unclosed bracket', () => {
    expect(() => compileDateFormat('YYYY-[MM')).toThrow(/unclosed/);
  });
});

describe('parseTimestamp', () => {
  it.each([
    // Shop signup_ts (UTC), events (+08:00), orders (no offset: read in the given timezone).
    ['2023-03-22T05:21:21Z', {}, '2023-03-22T05:21:21Z'],
    ['2023-12-27T02:40:39+08:00', {}, '2023-12-26T18:40:39Z'],
    ['2023-12-27T02:40:39+08:00', { timezone: 'UTC' }, '2023-12-26T18:40:39Z'],
    ['2022-12-29 20:04:58', { timezone: '+08:00' }, '2022-12-29T12:04:58Z'],
    ['2022-12-29 20:04:58', {}, '2022-12-29T20:04:58Z'],
    ['2022-12-29T20:04:58', { timezone: '-05:00' }, '2022-12-30T01:04:58Z'],
    ['2022-01-01 03:00:00', { timezone: '+08:00' }, '2021-12-31T19:00:00Z'],
    ['2024-03-01 07:59:59', { timezone: 'UTC+8' }, '2024-02-29T23:59:59Z'],
    ['2025-12-31T23:59:59-01:00', {}, '2026-01-01T00:59:59Z'],
    ['2025-12-31', { timezone: '+08:00' }, '2025-12-30T16:00:00Z'],
    ['2025-12-31', {}, '2025-12-31T00:00:00Z'],
    ['2023-12-27T02:40:39.987654+0800', {}, '2023-12-26T18:40:39Z'],
    ['2023-12-27T02:40+08', {}, '2023-12-26T18:40:00Z'],
    ['2023-12-27 02:40:39 +08:00', {}, '2023-12-26T18:40:39Z'],
    ['2023-12-27t02:40:39z', {}, '2023-12-27T02:40:39Z'],
    ['  2023-12-27T02:40:39Z ', {}, '2023-12-27T02:40:39Z'],
    ['2023-12-27 02:40:39', { timezone: '+05:45' }, '2023-12-26T20:55:39Z'],
    ['0001-01-01T00:00:00Z', {}, '0001-01-01T00:00:00Z'],
    // Custom formats.
    ['2023/12/27 02:40', { formats: ['YYYY/MM/DD HH:mm'], timezone: '+08:00' }, '2023-12-26T18:40:00Z'],
    ['27.12.2023 2:40:39', { formats: ['DD.MM.YYYY H:mm:ss'], timezone: '+01:00' }, '2023-12-27T01:40:39Z'],
    ['2023年12月27日 02:40', { formats: ['YYYY年MM月DD日 HH:mm'], timezone: '+08:00' }, '2023-12-26T18:40:00Z'],
    ['2023-12-27T02:40:39Z', { formats: ['YYYY/MM/DD HH:mm', 'ISO'] }, '2023-12-27T02:40:39Z'],
    ['2023-12-27 02:40:39+01:00', { formats: ['YYYY-MM-DD HH:mm:ssZ'], timezone: '+08:00' }, '2023-12-27T01:40:39Z'],
  ] as const)('should parse %j with %j as %j', (raw, opts, expected) => {
    expect(parseTimestamp(raw, opts)).toBe(expected);
  });

  it.each([
    ['2023-02-30T00:00:00Z', {}],
    ['2023-12-27T24:00:00Z', {}],
    ['2023-12-27T23:60:00Z', {}],
    ['2023-12-27T23:59:60Z', {}],
    ['2023-12-27T23:59:59+24:00', {}],
    ['2023-12-27T23:59:59+08:', {}],
    ['2023-12-27T23', {}],
    ['2023-12-27T23:59:5', {}],
    ['2023-12-27T23:59:59.Z', {}],
    ['2023-12-27X', {}],
    ['27/12/2023 10:00', {}],
    ['0001-01-01T00:00:00+01:00', {}], // would fall before year 1
    ['', {}],
    ['2023/12/27 02:40', { formats: ['YYYY-MM-DD HH:mm'] }],
  ] as const)('should reject %j with %j', (raw, opts) => {
    expect(parseTimestamp(raw, opts)).toBeNull();
  });

  it('should throw on an unsupported timezone', () => {
    expect(() => parseTimestamp('2023-12-27 02:40:39', { timezone: 'Asia/Shanghai' })).toThrow(/fixed offset/);
  });

  it('should give the same answers from a compiled parser', () => {
    const parse = compileTimestampParser({ timezone: '+08:00' });
    expect(parse('2022-12-29 20:04:58')).toBe('2022-12-29T12:04:58Z');
    expect(parse('2023-12-27T02:40:39Z')).toBe('2023-12-27T02:40:39Z');
    expect(parse(null)).toBeNull();
  });
});

describe('parseUtcOffset', () => {
  it.each([
    ['UTC', 0], ['Z', 0], ['gmt', 0], ['+08:00', 480], ['+0800', 480], ['+08', 480], ['-05:30', -330],
    ['UTC+8', 480], ['GMT-05:00', -300], ['UTC+05:45', 345],
    ['Asia/Shanghai', null], ['+8:00:00', null], ['+25:00', null], ['', null], ['UTCZ', null],
  ] as const)('should read %j as %j', (tz, minutes) => {
    expect(parseUtcOffset(tz)).toBe(minutes);
  });
});

describe('daysFromCivil / civilFromDays', () => {
  it('should agree with Date.UTC and round-trip across four centuries', () => {
    const out = { year: 0, month: 0, day: 0 };
    for (let days = -200_000; days <= 200_000; days += 37) {
      civilFromDays(days, out);
      expect(daysFromCivil(out.year, out.month, out.day)).toBe(days);
      const d = new Date(days * 86_400_000);
      expect([out.year, out.month, out.day]).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]);
    }
  });
});
