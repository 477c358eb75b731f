/**
 * Streams CSV records with their physical line numbers (header = line 1), read by the scanner
 * in csv-scanner.ts. Records are handed to a synchronous callback: no promise per row. A
 * consumer that cannot keep up (a worker waiting for the main thread to insert) pauses reading
 * through CsvFlow; the stream's own backpressure then stops decompression and file reads.
 */
import type { Readable } from 'node:stream';
import { BAD, CsvScanner, type BadLine } from './csv-scanner.js';

export interface CsvCallbacks {
  /**
   * `line` is the record's first physical line; `record` is never an empty line. `suspect`: the
   * record holds a NUL or U+FFFD (a byte that was not valid in the file's encoding) somewhere.
   */
  onRecord(record: string[], line: number, suspect: boolean): void;
  /** A line that cannot be read as a record (a quote never closed, a line over the size limit). */
  onBadLine(bad: BadLine): void;
}

export interface CsvOptions {
  readonly delimiter?: string;
  readonly quote?: string;
  /** Longest record read (tests set a small one). */
  readonly maxRecordChars?: number;
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

const waitFor = (flow: CsvFlow): Promise<void> => new Promise((resume) => flow.onPause(resume));

/**
 * Reads a stream of UTF-8 bytes or of decoded strings. Bytes that are not valid UTF-8 become
 * U+FFFD (one per bad sequence) and the records holding them are marked suspect; one BOM at the
 * start is dropped.
 */
export async function readCsv(input: Readable, options: CsvOptions, callbacks: CsvCallbacks, flow?: CsvFlow): Promise<CsvStats> {
  const scanner = new CsvScanner(options.delimiter ?? ',', options.quote ?? '"', options.maxRecordChars);
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  let emptyLines = 0;
  let first = true;
  /** Hands over the complete records scanned so far. */
  const pump = async (final: boolean): Promise<void> => {
    for (;;) {
      if (flow !== undefined && flow.paused()) await waitFor(flow);
      const record = scanner.next(final);
      if (record === null) return;
      if (record === BAD) {
        callbacks.onBadLine(scanner.lastBad!);
        continue;
      }
      if (record.length === 1 && record[0] === '') {
        emptyLines++;
        continue;
      }
      callbacks.onRecord(record, scanner.lastLine, scanner.lastSuspect);
    }
  };
  for await (const chunk of input) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      // Decoded text: its decoder dropped the BOM of its own encoding; drop a second one, as from bytes.
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
    } else text = decoder.decode(chunk as Buffer, { stream: true });
    scanner.feed(text);
    await pump(false);
  }
  scanner.feed(decoder.decode());
  await pump(true);
  return { lines: scanner.lines, emptyLines };
}

/** Reads a CSV source opened by `open`. */
export async function readCsvSource(open: () => Promise<Readable>, options: CsvOptions, callbacks: CsvCallbacks, flow?: CsvFlow): Promise<CsvStats> {
  const input = await open();
  try {
    return await readCsv(input, options, callbacks, flow);
  } finally {
    input.destroy();
  }
}
