import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvScanner, scannerSupports, UNSUPPORTED, type ScanResult } from './csv-scanner.js';
import { mulberry32 } from '../util/mulberry32.js';

/** csv-parse with the options collect uses: the oracle. */
function oracle(text: string, delimiter = ','): string[][] {
  return parse(text, {
    bom: true,
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
  }) as string[][];
}

/** Feeds `text` in pieces cut at `cuts`; returns the records and whether the scanner gave up. */
function scan(text: string, cuts: readonly number[] = [], delimiter = ','): { records: string[][]; unsupported: boolean } {
  const scanner = new CsvScanner(delimiter);
  const records: string[][] = [];
  const drain = (final: boolean): boolean => {
    for (;;) {
      const r: ScanResult = scanner.next(final);
      if (r === null) return true;
      if (r === UNSUPPORTED) return false;
      records.push(r);
    }
  };
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    scanner.feed(text.slice(from, cut));
    from = cut;
    if (!drain(false)) return { records, unsupported: true };
  }
  return { records, unsupported: !drain(true) };
}

describe('CsvScanner', () => {
  it.each([
    ['plain LF', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['CRLF, no final line ending', 'a,b\r\n1,2', [['a', 'b'], ['1', '2']]],
    ['old Mac CR', 'a,b\r1,2\r', [['a', 'b'], ['1', '2']]],
    ['empty lines are records of one empty field', 'a\n\nb\n\n', [['a'], [''], ['b'], ['']]],
    ['trailing delimiter', 'a,\n,', [['a', ''], ['', '']]],
    ['quoted fields with delimiter, doubled quote and line breaks', '"x,y","say ""hi""","l1\r\nl2"\n', [['x,y', 'say "hi"', 'l1\r\nl2']]],
    ['empty quoted field', '"",""\n', [['', '']]],
    ['quote inside an unquoted field is literal', 'ab"c,d\n', [['ab"c', 'd']]],
    ['quoted field closed at the end of the input', 'a,"b"', [['a', 'b']]],
    ['nothing', '', []],
  ])('%s', (_name, text, expected) => {
    expect(scan(text)).toEqual({ records: expected, unsupported: false });
    expect(oracle(text)).toEqual(expected);
  });

  it.each([
    ['a stray character after a closing quote', 'ok\n"a"b,c\n', [['ok']]],
    ['a quote never closed', 'ok\n"abc\n', [['ok']]],
    ['a lone LF in a CRLF file', 'a\r\nb\nc\r\n', [['a']]],
    ['a lone CR in an LF file', 'a\nb\rc\n', [['a']]],
  ])('gives up at %s, after the records before it', (_name, text, before) => {
    expect(scan(text)).toEqual({ records: before, unsupported: true });
    expect(oracle(text).slice(0, before.length)).toEqual(before);
  });

  it('takes any single delimiter but the quote and line breaks', () => {
    expect(scannerSupports(';', '"')).toBe(true);
    expect(scannerSupports('\t', '"')).toBe(true);
    expect(scannerSupports('"', '"')).toBe(false);
    expect(scannerSupports('\n', '"')).toBe(false);
    expect(scannerSupports(',', "'")).toBe(false);
    expect(scan('a;"b;c"\n1;2', [], ';').records).toEqual([['a', 'b;c'], ['1', '2']]);
  });

  it('waits for the rest of a record split across pieces, wherever the cut', () => {
    const text = 'id,"na,me"\r\n1,"x""y"\r\n2,\r\n"3","multi\r\nline"\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      for (let cut2 = cut; cut2 <= text.length; cut2 += 3) expect(scan(text, [cut, cut2])).toEqual({ records: oracle(text), unsupported: false });
    }
  });


  it('reads exactly what csv-parse reads, up to the record where it gives up (fuzz)', () => {
    const alphabet = ['a', 'b', 'é', '王', ' ', ',', ',', '"', '"', '\n', '\r\n', '\r', ';', '\t', '\uFEFF'];
    const next = mulberry32(20251125);
    let supported = 0;
    for (let n = 0; n < 4000; n++) {
      const length = Math.floor(next() * 40);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      // csv-parse drops one BOM at the start; the byte decoder in front of the scanner does too.
      const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      const cuts = [Math.floor(next() * (input.length + 1))];
      const delimiter = next() < 0.8 ? ',' : ';';
      const got = scan(input, cuts, delimiter);
      const want = oracle(text, delimiter);
      if (got.unsupported) expect(want.slice(0, got.records.length), JSON.stringify(text)).toEqual(got.records);
      else {
        supported++;
        expect(got.records, JSON.stringify(text)).toEqual(want);
      }
    }
    expect(supported).toBeGreaterThan(1000);
  });
});
