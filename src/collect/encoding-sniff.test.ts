import { describe, expect, it } from 'vitest';
import { canonicalEncoding, encodingMismatch, likelyEncoding, linesWithInvalidBytes, Utf8Tracker, utf8Evidence } from './encoding-sniff.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
/** GBK bytes of a few characters (Node decodes GBK but does not encode it). */
const GBK: Record<string, number[]> = { 王: [0xcd, 0xf5], 伟: [0xce, 0xb0], 李: [0xc0, 0xee], 娜: [0xc4, 0xc8] };
const gbk = (text: string): Buffer => Buffer.concat([...text].map((c) => Buffer.from(GBK[c] ?? [...Buffer.from(c, 'latin1')])));
const chineseCsv = 'id,name\n1,王伟\n2,李娜\n3,王娜\n4,李伟\n';

describe('encoding sniffing', () => {
  it('names encodings canonically', () => {
    expect(canonicalEncoding('UTF8')).toBe('utf-8');
    expect(canonicalEncoding('GBK')).toBe('gbk');
    expect(canonicalEncoding('utf-16')).toBe('utf-16le');
    expect(canonicalEncoding('latin1')).toBe('windows-1252');
  });

  it('checks UTF-8 validity, allowing a sequence cut by the end of a sample', () => {
    expect(utf8Evidence(utf8('a王'), true)).toEqual({ valid: true, nonAscii: 3 });
    expect(utf8Evidence(utf8('a王').subarray(0, 3), false).valid).toBe(true);
    expect(utf8Evidence(utf8('a王').subarray(0, 3), true).valid).toBe(false);
    expect(utf8Evidence(gbk('王伟'), true).valid).toBe(false);
  });

  it('finds a UTF-8 file declared gbk (valid GBK, wrong characters)', () => {
    expect(new TextDecoder('gbk', { fatal: true }).decode(utf8(chineseCsv))).not.toBe(chineseCsv);
    expect(encodingMismatch(utf8(chineseCsv), 'gbk', true)).toMatchObject({ looksLike: 'utf-8' });
    expect(encodingMismatch(utf8(chineseCsv), 'windows-1252', true)).toMatchObject({ looksLike: 'utf-8' });
    expect(encodingMismatch(gbk(chineseCsv), 'gbk', true)).toBeUndefined();
    // Too little non-ASCII text to tell.
    expect(encodingMismatch(utf8('id,name\n1,é\n'), 'gbk', true)).toBeUndefined();
  });

  it('finds a GBK file declared utf-8 and says it looks like gbk', () => {
    expect(linesWithInvalidBytes(gbk(chineseCsv), 'utf-8', true)).toEqual({ total: 5, bad: 4 });
    expect(encodingMismatch(gbk(chineseCsv), 'utf-8', true)).toMatchObject({ looksLike: 'gbk' });
    expect(encodingMismatch(utf8(chineseCsv), 'utf-8', true)).toBeUndefined();
  });

  it('tells Western single-byte text from GBK', () => {
    const latin = Buffer.from('id,name\n1,José\n2,Zoë\n3,Müller\n4,Françoise\n', 'latin1');
    expect(likelyEncoding(latin, true)).toBe('windows-1252');
    expect(encodingMismatch(latin, 'utf-8', true)).toMatchObject({ looksLike: 'windows-1252' });
  });

  it('reads byte-order marks and UTF-16 without one', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\r\n1,Ann\r\n', 'utf16le')]);
    expect(encodingMismatch(le, 'utf-16le', true)).toBeUndefined();
    expect(encodingMismatch(le, 'utf-16', true)).toBeUndefined();
    expect(encodingMismatch(le, 'utf-8', true)).toMatchObject({ looksLike: 'utf-16le' });
    expect(encodingMismatch(le, 'utf-16be', true)).toMatchObject({ looksLike: 'utf-16le' });
    expect(encodingMismatch(Buffer.from('id,name\r\n1,Ann\r\n', 'utf16le'), 'utf-8', true)).toMatchObject({ looksLike: 'utf-16le' });
    expect(encodingMismatch(utf8('\uFEFFid,name\n'), 'gbk', true)).toMatchObject({ looksLike: 'utf-8' });
    expect(encodingMismatch(utf8('\uFEFFid,name\n'), 'utf-8', true)).toBeUndefined();
    expect(encodingMismatch(utf8('id,name\n1,Ann\n'), 'utf-16le', true)).toMatchObject({ problem: expect.stringContaining('no NUL bytes') });
  });

  it('leaves a file with a few bad bytes to the row-by-row count', () => {
    const text = Buffer.concat([utf8('id,name\n1,a\n2,b\n3,'), Buffer.from([0xff]), utf8('\n')]);
    expect(encodingMismatch(text, 'utf-8', true)).toBeUndefined();
  });

  it('tracks UTF-8 validity over chunks cut inside a character', () => {
    const bytes = utf8(chineseCsv);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const tracker = new Utf8Tracker();
      tracker.push(bytes.subarray(0, cut));
      tracker.push(bytes.subarray(cut));
      tracker.end();
      expect({ valid: tracker.valid, nonAscii: tracker.nonAscii }).toEqual({ valid: true, nonAscii: 24 });
    }
    const broken = new Utf8Tracker();
    broken.push(gbk(chineseCsv));
    expect(broken.valid).toBe(false);
    const cutAtEnd = new Utf8Tracker();
    cutAtEnd.push(bytes.subarray(0, 12));
    cutAtEnd.end();
    expect(cutAtEnd.valid).toBe(false);
  });
});
