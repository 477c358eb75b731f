import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvSource, type CsvFlow } from './read-csv.js';

/** A stream of `bytes` (or of their UTF-8 text) cut into pieces at the given offsets. */
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

async function read(text: string | Buffer, cuts: readonly number[] = [], options: { every?: number; asStrings?: boolean } = {}) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const events: string[] = [];
  const pause = pausing(options.every ?? 0);
  const stats = await readCsv(
    streamOf(bytes, cuts, options.asStrings),
    { delimiter: ',', quote: '"' },
    {
      onRecord(record, line, suspect) {
        events.push(`${line}:${JSON.stringify(record)}${suspect ? '?' : ''}`);
        pause.tick();
      },
      onBadLine(bad) {
        events.push(`${bad.line}:!${bad.code}`);
      },
    },
    (options.every ?? 0) > 0 ? pause.flow : undefined,
  );
  return { events, ...stats };
}

describe('readCsv', () => {
  it('numbers physical lines, quoted line breaks and empty lines included, and drops the BOM', async () => {
    const got = await read('\uFEFFid,note\r\n1,"two\r\nlines"\r\n\r\n2,"lone\rCR"\r\n3,x', [5, 17, 30]);
    expect(got.events).toEqual(['1:["id","note"]', '2:["1","two\\r\\nlines"]', '5:["2","lone\\rCR"]', '7:["3","x"]']);
    expect(got.emptyLines).toBe(1);
    expect(got.lines).toBe(7);
  });

  it('counts trailing empty lines and reads a last line without a line ending', async () => {
    expect(await read('a,b\n1,2\n\n\n')).toMatchObject({ events: ['1:["a","b"]', '2:["1","2"]'], emptyLines: 2, lines: 4 });
    expect(await read('a,b\n1,2')).toMatchObject({ events: ['1:["a","b"]', '2:["1","2"]'], emptyLines: 0, lines: 2 });
  });

  it('turns bytes that are not UTF-8 into U+FFFD and marks their records, wherever the pieces are cut', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe4, 0xb8]), Buffer.from(',2\n3,王\n4,'), Buffer.from([0xff]), Buffer.from('\n')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const got = await read(bytes, [cut]);
      expect(got.events).toEqual(['1:["a","b"]', '2:["1","\uFFFD","2"]?', '3:["3","王"]', '4:["4","\uFFFD"]?']);
    }
  });

  it('drops one BOM from decoded text, like from bytes', async () => {
    const got = await read('\uFEFF\uFEFFa,b\n1,2\n', [], { asStrings: true });
    expect(got.events[0]).toBe('1:["\uFEFFa","b"]');
  });

  it('holds reading while the consumer is paused and loses nothing', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},"v ${i}\n${i}"`).join('\r\n');
    const got = await read(`id,v\r\n${rows}\r\n`, [100, 2000, 2001, 9000], { every: 7 });
    expect(got.events).toHaveLength(501);
    expect(got.events[500]).toBe(`1000:["499","v 499\\n499"]`);
  });

  it('reports a bad line and goes on with the next', async () => {
    const got = await read('a,b\n1,"x\n2,3\n');
    expect(got.events).toEqual(['1:["a","b"]', '2:!unclosed_quote', '3:["2","3"]']);
  });

  it('opens the source once', async () => {
    let opens = 0;
    const events: string[] = [];
    await readCsvSource(
      async () => {
        opens++;
        return streamOf(Buffer.from('a\n1\n'), []);
      },
      {},
      { onRecord: (record) => events.push(record.join()), onBadLine: () => {} },
    );
    expect({ opens, events }).toEqual({ opens: 1, events: ['a', '1'] });
  });
});
