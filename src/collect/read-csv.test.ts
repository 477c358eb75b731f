import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvSource, type CsvFlow } from './read-csv.js';
import { mulberry32 } from '../util/mulberry32.js';

interface Seen {
  events: string[];
  lines: number;
  emptyLines: number;
}

/** A stream of `text` as UTF-8 bytes (or strings) cut into pieces at the given offsets. */
function streamOf(bytes: Buffer, cuts: readonly number[], asStrings = false): Readable {
  const pieces: (Buffer | string)[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) pieces.push(asStrings ? bytes.subarray(from, cut).toString('utf8') : bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return Readable.from(pieces, { objectMode: false });
}

/** A consumer that pauses after every `every` records and resumes on the next tick. */
function pausing(every: number): { flow: CsvFlow; tick(): void } {
  let count = 0;
  let paused = false;
  return {
    flow: {
      paused: () => paused,
      onPause(resume) {
        setImmediate(() => {
          paused = false;
          resume();
        });
      },
    },
    tick() {
      if (every > 0 && ++count % every === 0) paused = true;
    },
  };
}

async function collect(
  read: (callbacks: Parameters<typeof readCsv>[2], flow?: CsvFlow) => Promise<{ lines: number; emptyLines: number; reader?: string }>,
  every = 0,
): Promise<Seen> {
  const events: string[] = [];
  const pause = pausing(every);
  const stats = await read(
    {
      onRecord(record, line) {
        events.push(`${line}:${JSON.stringify(record)}`);
        pause.tick();
      },
      onBadRecord(error, line) {
        events.push(`${line}:bad:${error.code}`);
      },
    },
    every > 0 ? pause.flow : undefined,
  );
  return { events, lines: stats.lines, emptyLines: stats.emptyLines };
}

/** What csv-parse alone reads, and what the fast reader (with its fallback) reads. */
async function both(text: string | Buffer, cuts: readonly number[] = [], every = 0, asStrings = false) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const options = { delimiter: ',', quote: '"' };
  const slow = await collect((callbacks, flow) => readCsv(streamOf(bytes, cuts, asStrings), options, callbacks, flow), every);
  let opens = 0;
  const fast = await collect(
    (callbacks, flow) =>
      readCsvSource(
        async () => {
          opens++;
          return streamOf(bytes, cuts, asStrings);
        },
        options,
        callbacks,
        flow,
      ),
    every,
  );
  return { slow, fast, opens };
}

describe('readCsvSource', () => {
  it('numbers physical lines like csv-parse, quoted line breaks and empty lines included', async () => {
    const text = '\uFEFFid,note\r\n1,"two\r\nlines"\r\n\r\n2,"lone\rCR"\r\n3,x';
    const { slow, fast, opens } = await both(text, [5, 17, 30]);
    expect(fast).toEqual(slow);
    expect(opens).toBe(1);
    expect(fast.events).toEqual(['1:["id","note"]', '2:["1","two\\r\\nlines"]', '5:["2","lone\\rCR"]', '7:["3","x"]']);
    expect(fast.emptyLines).toBe(1);
  });

  it('falls back to csv-parse at an unclosed quote, without delivering a record twice', async () => {
    const text = 'a,b\n1,2\n3,"never closed\n4,5\n';
    const { slow, fast, opens } = await both(text, [3, 11]);
    expect(opens).toBe(2);
    expect(fast).toEqual(slow);
    expect(fast.events).toEqual(['1:["a","b"]', '2:["1","2"]', '3:bad:CSV_QUOTE_NOT_CLOSED']);
  });

  it('falls back at bytes that are not UTF-8, where csv-parse replaces them field by field', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe4, 0xb8]), Buffer.from(',2\n3,\xff\n', 'latin1')]);
    const { slow, fast, opens } = await both(bytes, [7]);
    expect(opens).toBe(2);
    expect(fast).toEqual(slow);
  });

  it('drops one BOM from decoded text like csv-parse does', async () => {
    const { slow, fast } = await both('\uFEFF\uFEFFa,b\n1,2\n', [], 0, true);
    expect(fast).toEqual(slow);
    expect(fast.events[0]).toBe('1:["\uFEFFa","b"]');
  });

  it('holds reading while the consumer is paused and loses nothing', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},"v ${i}\n${i}"`).join('\r\n');
    const { slow, fast } = await both(`id,v\r\n${rows}\r\n`, [100, 2000, 2001, 9000], 7);
    expect(fast).toEqual(slow);
    expect(fast.events).toHaveLength(501);
  });


  it('agrees with csv-parse alone on random input, records, lines and bad records (fuzz)', async () => {
    const alphabet = ['a', 'é', '王', ',', ',', '"', '\n', '\r\n', '\r\n', '\r', '\uFEFF'];
    const next = mulberry32(42);
    for (let n = 0; n < 600; n++) {
      const length = Math.floor(next() * 50);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const bytes = Buffer.from(text, 'utf8');
      const cuts = [Math.floor(next() * (bytes.length + 1)), Math.floor(next() * (bytes.length + 1))].sort((a, b) => a - b);
      const { slow, fast } = await both(bytes, cuts, n % 3 === 0 ? 2 : 0, n % 5 === 0);
      expect(fast, JSON.stringify(text)).toEqual(slow);
    }
  });
});
