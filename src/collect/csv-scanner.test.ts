import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { BAD, csvOptionsProblem, CsvScanner, type ScanResult } from './csv-scanner.js';
import { mulberry32 } from '../util/mulberry32.js';

/** csv-parse with the options collect used before it had its own reader: the oracle for well-formed input. */
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

interface Scanned {
  /** `line:["a","b"]` for records, `line:!code@field` for bad lines. */
  events: string[];
  records: string[][];
  lines: number;
  /** Longest text the scanner held at once. */
  peak: number;
}

/** Feeds `text` in pieces cut at `cuts` and reads everything. */
function scan(text: string, cuts: readonly number[] = [], options: { delimiter?: string; quote?: string; max?: number } = {}): Scanned {
  const scanner = new CsvScanner(options.delimiter ?? ',', options.quote ?? '"', options.max);
  const events: string[] = [];
  const records: string[][] = [];
  let peak = 0;
  const drain = (final: boolean): void => {
    for (;;) {
      const r: ScanResult = scanner.next(final);
      if (r === null) return;
      if (r === BAD) {
        const bad = scanner.lastBad!;
        expect(bad.line).toBe(scanner.lastLine);
        events.push(`${bad.line}:!${bad.code}@${bad.field}`);
      } else {
        events.push(`${scanner.lastLine}:${JSON.stringify(r)}`);
        records.push(r);
      }
    }
  };
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    scanner.feed(text.slice(from, cut));
    peak = Math.max(peak, (scanner as unknown as { buf: string }).buf.length);
    from = Math.max(from, cut);
    drain(false);
  }
  drain(true);
  return { events, records, lines: scanner.lines, peak };
}

describe('CsvScanner on well-formed input reads what csv-parse reads', () => {
  it.each([
    ['plain LF', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['CRLF, no final line ending', 'a,b\r\n1,2', [['a', 'b'], ['1', '2']]],
    ['old Mac CR', 'a,b\r1,2\r', [['a', 'b'], ['1', '2']]],
    ['empty lines are records of one empty field', 'a\n\nb\n\n', [['a'], [''], ['b'], ['']]],
    ['trailing delimiter', 'a,\n,', [['a', ''], ['', '']]],
    ['quoted fields with delimiter, doubled quote and line breaks', 'a,b,c\n"x,y","say ""hi""","l1\r\nl2"\n', [['a', 'b', 'c'], ['x,y', 'say "hi"', 'l1\r\nl2']]],
    ['empty quoted field', '"",""\n', [['', '']]],
    ['quote inside an unquoted field is literal', 'ab"c,d\n', [['ab"c', 'd']]],
    ['quoted field closed at the end of the input', 'a,"b"', [['a', 'b']]],
    ['nothing', '', []],
  ])('%s', (_name, text, expected) => {
    expect(scan(text).records).toEqual(expected);
    expect(oracle(text)).toEqual(expected);
  });

  it('waits for the rest of a record split across pieces, wherever the cut', () => {
    const text = 'id,"na,me"\r\n1,"x""y"\r\n2,\r\n"3","multi\r\nline"\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      for (let cut2 = cut; cut2 <= text.length; cut2 += 3) expect(scan(text, [cut, cut2]).records).toEqual(oracle(text));
    }
  });

  it('agrees with csv-parse on generated well-formed files, any delimiter, line ending and cuts (fuzz)', () => {
    const next = mulberry32(20251125);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const pieces = ['a', 'b', 'é', '王', ' ', 'x y', '12.5', '"', ';', ',', '\t'];
    for (let n = 0; n < 1500; n++) {
      const delimiter = pick([',', ';', '\t', '|']);
      const ending = pick(['\n', '\r\n', '\r']);
      const width = 1 + Math.floor(next() * 4);
      const rows = 1 + Math.floor(next() * 5);
      const lines: string[] = [];
      for (let r = 0; r < rows; r++) {
        const fields: string[] = [];
        for (let f = 0; f < width; f++) {
          let value = '';
          const length = Math.floor(next() * 4);
          for (let i = 0; i < length; i++) value += pick(pieces);
          const needsQuotes = value.includes(delimiter) || value.startsWith('"');
          // A quoted field may hold a line break: only where every row has the header's width.
          if (needsQuotes || next() < 0.2) {
            if (next() < 0.3 && r > 0) value += pick(['\n', '\r\n']) + 'next line';
            value = `"${value.replaceAll('"', '""')}"`;
          }
          fields.push(value);
        }
        lines.push(fields.join(delimiter));
      }
      const text = lines.join(ending) + (next() < 0.5 ? ending : '');
      const cuts = [Math.floor(next() * (text.length + 1)), Math.floor(next() * (text.length + 1))].sort((a, b) => a - b);
      const got = scan(text, cuts, { delimiter });
      expect(got.events.filter((e) => e.includes(':!')), JSON.stringify(text)).toEqual([]);
      expect(got.records, JSON.stringify(text)).toEqual(oracle(text, delimiter));
    }
  });
});

describe('CsvScanner reads line by line and never merges records', () => {
  it('reads a CRLF file with a few LF-only lines line by line', () => {
    const text = 'id,name\r\n1,a\r\n2,b\n3,c\r\n4,d\n5,e\r\n';
    const got = scan(text);
    expect(got.events).toEqual(['1:["id","name"]', '2:["1","a"]', '3:["2","b"]', '4:["3","c"]', '5:["4","d"]', '6:["5","e"]']);
    expect(got.lines).toBe(6);
  });

  it('reads a file whose line endings change part-way, lone CR included', () => {
    const got = scan('id,v\r\n1,x\r\n2,y\n3,z\n4,w\r5,u\r\r\n6,t');
    expect(got.events).toEqual(['1:["id","v"]', '2:["1","x"]', '3:["2","y"]', '4:["3","z"]', '5:["4","w"]', '6:["5","u"]', '7:[""]', '8:["6","t"]']);
  });

  it('takes CR LF split between two pieces as one line ending', () => {
    const text = 'a,b\r\n1,2\r\n3,4\r\n';
    for (let cut = 0; cut <= text.length; cut++) expect(scan(text, [cut]).events).toEqual(['1:["a","b"]', '2:["1","2"]', '3:["3","4"]']);
  });

  it('rejects an unclosed quote on its own line and reads the 7 records after it', () => {
    const good = Array.from({ length: 7 }, (_, i) => `${i + 4},name ${i},ok`);
    const got = scan(`id,name,note\r\n1,a,x\r\n2,"b,never closed\r\n${good.join('\r\n')}\r\n`);
    expect(got.events[2]).toBe('3:!unclosed_quote@1');
    expect(got.records.slice(2)).toEqual(good.map((line) => line.split(',')));
    expect(got.events.slice(3).map((e) => Number(e.split(':')[0]))).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('reads a quoted address with a line break inside as one record, and numbers the lines after it', () => {
    const got = scan('id,address,city\n1,"12 Main St\nApt 4",London\n2,"1 High St\r\nFloor 2\r\nBack door",Leeds\n3,x,York\n');
    expect(got.events).toEqual([
      '1:["id","address","city"]',
      '2:["1","12 Main St\\nApt 4","London"]',
      '4:["2","1 High St\\r\\nFloor 2\\r\\nBack door","Leeds"]',
      '7:["3","x","York"]',
    ]);
  });

  it('takes a quote as unclosed when reading on gives another field count than the header', () => {
    // The quote on line 2 would close on line 3, giving 2 fields instead of 3.
    const got = scan('id,name,note\n1,"oops\n2,b"\n3,d,e\n');
    expect(got.events).toEqual(['1:["id","name","note"]', '2:!unclosed_quote@1', '3:["2","b\\""]', '4:["3","d","e"]']);
  });

  it('takes a quote as unclosed when a line inside it reads as a record of its own', () => {
    // Reading on gives the right field count, but line 3 is a complete record: it was swallowed.
    const got = scan('id,note\n1,"oops\n2,fine\n3,"\n4,ok\n');
    expect(got.events).toEqual(['1:["id","note"]', '2:!unclosed_quote@1', '3:["2","fine"]', '4:!unclosed_quote@1', '5:["4","ok"]']);
  });

  it('rejects a quote that never closes before the end of the file, line by line', () => {
    expect(scan('a,b\n1,"x\n2,3').events).toEqual(['1:["a","b"]', '2:!unclosed_quote@1', '3:["2","3"]']);
    expect(scan('a,b\n1,"x').events).toEqual(['1:["a","b"]', '2:!unclosed_quote@1']);
  });

  it('rejects text after a closing quote on the same line', () => {
    const got = scan('a,b\n"x"y,1\n2,3\n');
    expect(got.events).toEqual(['1:["a","b"]', '2:!unreadable_csv@0', '3:["2","3"]']);
  });

  it('keeps the bad line text, clipped', () => {
    const scanner = new CsvScanner();
    scanner.feed('a,b\n1,"x\n2,3\n');
    scanner.next(true);
    expect(scanner.next(true)).toBe(BAD);
    expect(scanner.lastBad).toMatchObject({ line: 2, code: 'unclosed_quote', field: 1, text: '1,"x' });
    expect(scanner.lastBad!.message).toContain('field 2');
  });

  it('rejects a line over the record limit and skips it without holding it (bounded memory)', () => {
    const long = 'x'.repeat(5000);
    const text = `a,b\n1,${long}\n2,3\n"${long}",4\n5,6`;
    const cuts = Array.from({ length: Math.floor(text.length / 256) }, (_, i) => (i + 1) * 256);
    const got = scan(text, cuts, { max: 1000 });
    expect(got.events).toEqual(['1:["a","b"]', '2:!record_too_long@-1', '3:["2","3"]', '4:!record_too_long@-1', '5:["5","6"]']);
    expect(got.peak).toBeLessThan(1000 + 2 * 256);
  });

  it('rejects a quoted field that does not close within the limit and resyncs at the next line', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},v${i}`).join('\n');
    const got = scan(`a,b\n1,"open\n${rows}\n`, [10, 500, 900, 1300, 1800], { max: 1000 });
    expect(got.events[1]).toBe('2:!unclosed_quote@1');
    expect(got.records).toHaveLength(201);
  });

  it('marks records that hold a NUL or U+FFFD as suspect, and only those', () => {
    const scanner = new CsvScanner();
    scanner.feed('a,b\n1,x\u0000y\n2,ok\n3,\uFFFD\n4,ok\n');
    const suspect: boolean[] = [];
    while (scanner.next(true) !== null) suspect.push(scanner.lastSuspect);
    expect(suspect).toEqual([false, true, false, true, false]);
  });

  it('accepts any one-character delimiter and quote that differ and are not line breaks', () => {
    expect(csvOptionsProblem(';', '"')).toBeUndefined();
    expect(csvOptionsProblem('\t', "'")).toBeUndefined();
    expect(csvOptionsProblem('"', '"')).toContain('same character');
    expect(csvOptionsProblem('\n', '"')).toContain('line break');
    expect(scan("a;'b;c'\n1;'it''s'", [], { delimiter: ';', quote: "'" }).records).toEqual([
      ['a', 'b;c'],
      ['1', "it's"],
    ]);
  });

  it('accounts for every physical line once, whatever the input (fuzz)', () => {
    const alphabet = ['a', 'é', '王', ',', ',', '"', '"', '\n', '\r\n', '\r', '\uFEFF', '\u0000'];
    const next = mulberry32(42);
    for (let n = 0; n < 3000; n++) {
      const length = Math.floor(next() * 60);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const cuts = [Math.floor(next() * (text.length + 1)), Math.floor(next() * (text.length + 1))].sort((a, b) => a - b);
      const got = scan(text, cuts);
      const whole = scan(text);
      expect(got.events, JSON.stringify(text)).toEqual(whole.events);
      const physical = text.length === 0 ? 0 : text.split(/\r\n|\r|\n/).length - (/(\r\n|\r|\n)$/.test(text) ? 1 : 0);
      expect(got.lines, JSON.stringify(text)).toBe(physical);
      const lines = got.events.map((e) => Number(e.split(':')[0]));
      for (let i = 1; i < lines.length; i++) expect(lines[i]).toBeGreaterThan(lines[i - 1]!);
    }
  });
});
