/**
 * Streams CSV records with their physical line numbers (header = line 1). csv-parse's own line
 * counter counts a CRLF inside a quoted field twice, so lines are counted here: every physical
 * line belongs to exactly one record because empty lines are kept (and reported as empty).
 * Records are handed to a synchronous callback from the 'readable' handler: no promise per row.
 * A consumer that cannot keep up (a worker waiting for the main thread to insert) pauses reading
 * through CsvFlow; the stream's own backpressure then stops decompression and file reads.
 *
 * readCsvSource reads with the fast scanner (csv-scanner.ts) and falls back to csv-parse, from the
 * start of the file, at the first record the scanner does not read with certainty.
 */
import { parse, type CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';
import { CsvScanner, scannerSupports, UNSUPPORTED } from './csv-scanner.js';

export interface CsvCallbacks {
  /** `line` is the record's first physical line; `record` is never empty. */
  onRecord(record: string[], line: number): void;
  /** A record csv-parse could not read (e.g. a quote never closed). */
  onBadRecord(error: CsvError, line: number): void;
}

export interface CsvOptions {
  readonly delimiter?: string;
  readonly quote?: string;
}

/** Lets the consumer stop the flow of records between two records, and restart it later. */
export interface CsvFlow {
  /** Checked before each record: while true, no record is read. */
  paused(): boolean;
  /** Called when reading stopped because paused() was true: call `resume` once it is false again. */
  onPause(resume: () => void): void;
}

export interface CsvStats {
  readonly lines: number;
  readonly emptyLines: number;
}

function countNewlines(record: readonly string[]): number {
  let n = 0;
  for (const field of record) {
    if (field.length < 2) continue;
    let at = field.indexOf('\n');
    while (at !== -1) {
      n++;
      at = field.indexOf('\n', at + 1);
    }
    // A lone CR (old Mac line ending) inside a quoted field also ends a physical line.
    at = field.indexOf('\r');
    while (at !== -1) {
      if (field.charCodeAt(at + 1) !== 10) n++;
      at = field.indexOf('\r', at + 1);
    }
  }
  return n;
}

/**
 * Reads with csv-parse. The first `skipRecords` records (empty lines included) are counted but
 * not handed to the callbacks: a fast reading already delivered them.
 */
export function readCsv(input: Readable, options: CsvOptions, callbacks: CsvCallbacks, flow?: CsvFlow, skipRecords = 0): Promise<CsvStats> {
  return new Promise((resolve, reject) => {
    let nextLine = 1;
    let emptyLines = 0;
    let resyncAfterError = false;
    /** Records read so far, empty ones included: csv-parse's info.records counts the same ones. */
    let consumed = 0;
    /**
     * csv-parse reports a skipped record while parsing, possibly before the records parsed ahead
     * of it in the same chunk have been read here: each skip waits until those have been numbered.
     */
    const skipped: { error: CsvError; afterRecords: number }[] = [];
    const parser = parse({
      bom: true,
      delimiter: options.delimiter ?? ',',
      quote: options.quote ?? '"',
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) skipped.push({ error, afterRecords: parser.info.records });
      },
    });
    const reportSkipped = (): void => {
      while (skipped.length > 0 && skipped[0]!.afterRecords <= consumed) {
        const { error } = skipped.shift()!;
        const line = typeof (error as { lines?: number }).lines === 'number' ? (error as unknown as { lines: number }).lines : nextLine;
        callbacks.onBadRecord(error, nextLine);
        nextLine = line + 1;
        resyncAfterError = true;
      }
    };
    const drain = (): void => {
      let record: string[] | null;
      try {
        for (;;) {
          if (flow !== undefined && flow.paused()) {
            flow.onPause(drain);
            return;
          }
          if (skipped.length > 0) reportSkipped();
          if ((record = parser.read() as string[] | null) === null) return;
          consumed++;
          if (resyncAfterError) {
            // After a malformed record our own count may be off: trust csv-parse once to resync.
            nextLine = parser.info.lines - countNewlines(record);
            resyncAfterError = false;
          }
          const line = nextLine;
          nextLine += 1 + countNewlines(record);
          if (record.length === 1 && record[0] === '') {
            emptyLines++;
            continue;
          }
          if (consumed <= skipRecords) continue;
          callbacks.onRecord(record, line);
        }
      } catch (error) {
        parser.destroy(error as Error);
      }
    };
    parser.on('readable', drain);
    parser.on('error', reject);
    parser.on('end', () => {
      try {
        reportSkipped();
      } catch (error) {
        reject(error as Error);
        return;
      }
      resolve({ lines: nextLine - 1, emptyLines });
    });
    input.on('error', (error) => parser.destroy(error));
    input.pipe(parser);
  });
}

/** The outcome of a fast reading: its stats, or how many records it delivered before giving up. */
export type FastOutcome = { readonly done: true; readonly stats: CsvStats } | { readonly done: false; readonly delivered: number };

const waitFor = (flow: CsvFlow): Promise<void> => new Promise((resume) => flow.onPause(resume));

/**
 * Reads with the fast scanner. Gives up (done: false) at the first record the scanner does not
 * read like csv-parse would for sure, or at bytes that are not valid UTF-8 (csv-parse replaces
 * those field by field; the decoder here would do it across the whole chunk).
 */
export async function readCsvFast(input: Readable, options: CsvOptions, callbacks: CsvCallbacks, flow?: CsvFlow): Promise<FastOutcome> {
  const scanner = new CsvScanner(options.delimiter ?? ',');
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let nextLine = 1;
  let emptyLines = 0;
  let delivered = 0;
  let first = true;
  /** Hands over the complete records scanned so far; false when the scanner gives up. */
  const pump = async (final: boolean): Promise<boolean> => {
    for (;;) {
      if (flow !== undefined && flow.paused()) await waitFor(flow);
      const record = scanner.next(final);
      if (record === null) return true;
      if (record === UNSUPPORTED) return false;
      delivered++;
      const line = nextLine;
      nextLine += scanner.lastHadQuotes ? 1 + countNewlines(record) : 1;
      if (record.length === 1 && record[0] === '') {
        emptyLines++;
        continue;
      }
      callbacks.onRecord(record, line);
    }
  };
  for await (const chunk of input) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      // csv-parse sees decoded text as UTF-8 bytes and drops one BOM at the start.
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
    } else {
      try {
        text = decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        return { done: false, delivered };
      }
    }
    scanner.feed(text);
    if (!(await pump(false))) return { done: false, delivered };
  }
  try {
    scanner.feed(decoder.decode());
  } catch {
    return { done: false, delivered };
  }
  if (!(await pump(true))) return { done: false, delivered };
  return { done: true, stats: { lines: nextLine - 1, emptyLines } };
}

/** Which reader read a whole source: the fast scanner, or csv-parse (alone or after the scanner gave up). */
export type CsvReader = 'fast' | 'csv-parse';

export interface SourceCsvStats extends CsvStats {
  readonly reader: CsvReader;
}

export interface SourceReadOptions {
  /** Try the fast scanner first (default true); false reads with csv-parse only. */
  readonly fast?: boolean;
}

/**
 * Reads a CSV source opened by `open` (called again when the fast reading gives up: the file is
 * then read by csv-parse from its start, and the records already delivered are skipped).
 */
export async function readCsvSource(
  open: () => Promise<Readable>,
  options: CsvOptions,
  callbacks: CsvCallbacks,
  flow?: CsvFlow,
  readOptions: SourceReadOptions = {},
): Promise<SourceCsvStats> {
  let skip = 0;
  if ((readOptions.fast ?? true) && scannerSupports(options.delimiter ?? ',', options.quote ?? '"')) {
    const input = await open();
    let outcome: FastOutcome;
    try {
      outcome = await readCsvFast(input, options, callbacks, flow);
    } finally {
      input.destroy();
    }
    if (outcome.done) return { ...outcome.stats, reader: 'fast' };
    skip = outcome.delivered;
  }
  const input = await open();
  try {
    return { ...(await readCsv(input, options, callbacks, flow, skip)), reader: 'csv-parse' };
  } finally {
    input.destroy();
  }
}
