/**
 * Reads one source file into batches ready to insert: decode → parse → map/validate. No database:
 * it runs in a worker thread (collect-worker.ts) or, without workers, on the main thread, and the
 * batches go to whoever holds the connection. Everything about a row that is decided from the
 * file alone (its physical line, whether it is rejected and why, its field issues, its stored
 * values) is decided here.
 */
import type { ResolvedSource } from '../config/load.js';
import type { SourceLoadStats } from './load-stats.js';
import { openSource, type OpenedSource } from './open-source-stream.js';
import { readCsvSource, type CsvFlow, type CsvReader } from './read-csv.js';
import { compileRowMapper, type FieldIssue, type RowMapper } from './row-mapper.js';
import type { StoredValue } from './value-parsers.js';
import { sourceFileError } from '../util/environment-errors.js';

/** A row of rejects without its source: line, column_name, code, message, raw. */
export type RejectTuple = [line: number, column: string | null, code: string, message: string, raw: string | null];
/** A row of field_issues without its source: line, column_name, field, code, raw_value, message. */
export type IssueTuple = [line: number, column: string, field: string, code: string, rawValue: string, message: string];

/**
 * Loaded rows are packed `rowsPerChunk` to a chunk: each chunk is one flat array of
 * [line, ...values] repeated, so the main thread binds a whole chunk to one multi-row INSERT
 * without copying, and a batch crosses threads as a few hundred arrays instead of thousands.
 */
export interface SourceBatch {
  readonly chunks: StoredValue[][];
  readonly rejects: RejectTuple[];
  readonly issues: IssueTuple[];
  /** Attribute values of the loaded rows, flat: line, attribute name, value, line, … (raw_attributes). */
  readonly attributes: StoredValue[];
  /** Data records read so far in this source (for progress). */
  readonly rowsRead: number;
  /** File bytes read so far (compressed bytes for gzip; for progress). */
  readonly bytesRead: number;
}

export interface ReadOptions {
  /** A batch is handed over once this many records were read into it. */
  readonly batchRecords: number;
  /** Rows per chunk: the multi-row INSERT size. */
  readonly rowsPerChunk: number;
  readonly onBatch: (batch: SourceBatch) => void;
  /** Lets the receiver hold reading while it catches up (bounded memory). */
  readonly flow?: CsvFlow;
  /** Try the fast CSV scanner before csv-parse (default true). */
  readonly fastCsv?: boolean;
}

/** Values per row in a chunk: the line and the canonical values. */
export function rowStride(mapper: Pick<RowMapper, 'width'>): number {
  return mapper.width + 1;
}

export interface SourceRead {
  readonly stats: SourceLoadStats;
  readonly reader: CsvReader;
}

export async function readSourceBatches(source: ResolvedSource, baseCurrency: string, options: ReadOptions): Promise<SourceRead> {
  let opened: OpenedSource | undefined;
  const open = async () => {
    opened?.stream.destroy();
    opened = await openSource(source.absolutePath, source.encoding);
    return opened.stream;
  };
  const stats: SourceLoadStats = { rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, fieldIssues: 0, anonymousRows: 0, emptyLines: 0, gzip: false };
  const { batchRecords, rowsPerChunk, onBatch } = options;
  let mapper: RowMapper | undefined;
  let width = 0;
  let stride = 0;
  let chunks: StoredValue[][] = [];
  let chunk: StoredValue[] = [];
  let inChunk = 0;
  let rejects: RejectTuple[] = [];
  let issues: IssueTuple[] = [];
  let attributes: StoredValue[] = [];
  const attributePairs: StoredValue[] = [];
  const fieldIssues: FieldIssue[] = [];
  let records = 0;
  let reader: CsvReader = 'fast';

  const flush = (): void => {
    if (inChunk > 0) {
      chunk.length = inChunk * stride;
      chunks.push(chunk);
      chunk = [];
      inChunk = 0;
    }
    if (records === 0) return;
    onBatch({ chunks, rejects, issues, attributes, rowsRead: stats.rowsRead, bytesRead: opened?.bytesRead() ?? 0 });
    chunks = [];
    rejects = [];
    issues = [];
    attributes = [];
    records = 0;
  };
  const counted = (): void => {
    if (++records >= batchRecords) flush();
  };

  try {
    const csv = await readCsvSource(
      open,
      source,
      {
        onRecord(record, line) {
          if (mapper === undefined) {
            mapper = compileRowMapper(source, record, baseCurrency);
            width = record.length;
            stride = rowStride(mapper);
            return;
          }
          stats.rowsRead++;
          if (record.length !== width) {
            stats.rowsRejected++;
            rejects.push([line, null, 'wrong_field_count', `expected ${width} fields like the header, found ${record.length}`, JSON.stringify(record)]);
            counted();
            return;
          }
          // Written in index order so the array stays packed (holey arrays clone slowly).
          const at = inChunk * stride;
          chunk[at] = line;
          const reject = mapper.mapInto(record, chunk, at + 1, fieldIssues, attributePairs);
          if (reject !== undefined) {
            chunk.length = at;
            attributePairs.length = 0;
            stats.rowsRejected++;
            rejects.push([line, reject.column, reject.code, reject.message, JSON.stringify(record)]);
            counted();
            return;
          }
          stats.rowsLoaded++;
          if (attributePairs.length > 0) {
            const names = mapper.attributeNames;
            for (let p = 0; p < attributePairs.length; p += 2) attributes.push(line, names[attributePairs[p] as number]!, attributePairs[p + 1]!);
            attributePairs.length = 0;
          }
          if (mapper.isAnonymous(chunk, at + 1)) stats.anonymousRows++;
          if (fieldIssues.length > 0) {
            for (const issue of fieldIssues) issues.push([line, issue.column, issue.field, issue.code, issue.rawValue, issue.message]);
            stats.fieldIssues += fieldIssues.length;
            fieldIssues.length = 0;
          }
          if (++inChunk === rowsPerChunk) {
            chunks.push(chunk);
            chunk = [];
            inChunk = 0;
          }
          counted();
        },
        onBadRecord(error, line) {
          stats.rowsRead++;
          stats.rowsRejected++;
          rejects.push([line, null, 'unreadable_csv', `${error.code}: ${error.message}`, null]);
          counted();
        },
      },
      options.flow,
      { fast: options.fastCsv ?? true },
    );
    flush();
    stats.emptyLines = csv.emptyLines;
    reader = csv.reader;
    stats.gzip = opened?.gzip ?? false;
  } catch (error) {
    throw sourceFileError(error, source) ?? error; // unreadable, damaged gzip: one line naming the file
  } finally {
    opened?.stream.destroy();
  }
  return { stats, reader };
}
