/**
 * Streams CSV records with their physical line numbers (header = line 1). csv-parse's own line
 * counter counts a CRLF inside a quoted field twice, so lines are counted here: every physical
 * line belongs to exactly one record because empty lines are kept (and reported as empty).
 * Records are handed to a synchronous callback from the 'readable' handler: no promise per row.
 */
import { parse, type CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';

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

export function readCsv(input: Readable, options: CsvOptions, callbacks: CsvCallbacks): Promise<CsvStats> {
  return new Promise((resolve, reject) => {
    let nextLine = 1;
    let emptyLines = 0;
    let resyncAfterError = false;
    const parser = parse({
      bom: true,
      delimiter: options.delimiter ?? ',',
      quote: options.quote ?? '"',
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (!error) return;
        const line = typeof (error as { lines?: number }).lines === 'number' ? (error as unknown as { lines: number }).lines : nextLine;
        callbacks.onBadRecord(error, nextLine);
        nextLine = line + 1;
        resyncAfterError = true;
      },
    });
    parser.on('readable', () => {
      let record: string[] | null;
      while ((record = parser.read() as string[] | null) !== null) {
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
        try {
          callbacks.onRecord(record, line);
        } catch (error) {
          parser.destroy(error as Error);
          return;
        }
      }
    });
    parser.on('error', reject);
    parser.on('end', () => resolve({ lines: nextLine - 1, emptyLines }));
    input.on('error', (error) => parser.destroy(error));
    input.pipe(parser);
  });
}
