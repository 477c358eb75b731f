/**
 * Reads one source file into batches ready to insert: decode → parse → map/validate. No database:
 * it runs in a worker thread (collect-worker.ts) or, without workers, on the main thread, and the
 * batches go to whoever holds the connection. Everything about a row that is decided from the
 * file alone (its physical line, whether it is rejected and why, its field issues, its stored
 * values) is decided here.
 */
import type { ResolvedSource } from '../config/load.js';
import { DataError } from '../util/errors.js';
import { fieldsByColumn, inspectRecord, mergeIssues } from './byte-issues.js';
import { canonicalEncoding, likelyEncoding, MIN_UTF8_EVIDENCE } from './encoding-sniff.js';
import { emptyLoadStats, type SourceLoadStats } from './load-stats.js';
import { openSource, readError, readSample, type OpenedSource } from './open-source-stream.js';
import { readCsvSource, type CsvFlow } from './read-csv.js';
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
  /** Longest record read (default MAX_RECORD_CHARS; tests set a small one). */
  readonly maxRecordChars?: number;
}

/** Values per row in a chunk: the line and the canonical values. */
export function rowStride(mapper: Pick<RowMapper, 'width'>): number {
  return mapper.width + 1;
}

export interface SourceRead {
  readonly stats: SourceLoadStats;
}

/** Strips NULs from header names (counted): a stray NUL would hide a column from the mapping. */
export function cleanHeader(record: string[]): number {
  let removed = 0;
  for (let i = 0; i < record.length; i++) {
    const name = record[i]!;
    if (name.indexOf('\u0000') === -1) continue;
    const clean = name.replaceAll('\u0000', '');
    removed += name.length - clean.length;
    record[i] = clean;
  }
  return removed;
}

export async function readSourceBatches(source: ResolvedSource, baseCurrency: string, options: ReadOptions): Promise<SourceRead> {
  let opened: OpenedSource | undefined;
  const open = async () => {
    opened?.stream.destroy();
    opened = await openSource(source.absolutePath, source.encoding);
    return opened.stream;
  };
  const stats: SourceLoadStats = emptyLoadStats();
  const encoding = canonicalEncoding(source.encoding);
  const { batchRecords, rowsPerChunk, onBatch } = options;
  let mapper: RowMapper | undefined;
  let header: string[] = [];
  let fieldsOfColumn: string[][] = [];
  const byteIssues: FieldIssue[] = [];
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
      { ...source, ...(options.maxRecordChars === undefined ? {} : { maxRecordChars: options.maxRecordChars }) },
      {
        onRecord(record, line, suspect) {
          if (mapper === undefined) {
            if (suspect) stats.nulBytes += cleanHeader(record);
            header = record;
            mapper = compileRowMapper(source, record, baseCurrency);
            fieldsOfColumn = fieldsByColumn(source, record);
            width = record.length;
            stride = rowStride(mapper);
            return;
          }
          stats.rowsRead++;
          if (suspect) {
            const found = inspectRecord(record, header, fieldsOfColumn, encoding, byteIssues);
            stats.nulBytes += found.nulBytes;
            if (found.invalid) stats.invalidByteRows++;
            if (found.invalid || found.nulBytes > 0) stats.rowsWithBadBytes++;
          }
          if (record.length !== width) {
            byteIssues.length = 0;
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
            byteIssues.length = 0;
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
          if (byteIssues.length > 0) {
            mergeIssues(byteIssues, fieldIssues);
            byteIssues.length = 0;
          }
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
        onBadLine(bad) {
          if (mapper === undefined) throw new DataError(`${source.name} (${source.path}): the header, line ${bad.line}, cannot be read: ${bad.message}`);
          stats.rowsRead++;
          stats.rowsRejected++;
          stats.badLines[bad.code] = (stats.badLines[bad.code] ?? 0) + 1;
          const column = bad.field >= 0 && bad.field < header.length ? header[bad.field]!.trim() : null;
          rejects.push([bad.line, column, bad.code, bad.message, bad.text === null ? null : JSON.stringify([bad.text])]);
          counted();
        },
      },
      options.flow,
    );
    flush();
    stats.emptyLines = csv.emptyLines;
    stats.gzip = opened?.gzip ?? false;
    const evidence = opened?.utf8Evidence();
    if (evidence !== undefined && evidence.valid && evidence.nonAscii >= MIN_UTF8_EVIDENCE && encoding !== 'utf-16le' && encoding !== 'utf-16be') {
      throw new DataError(
        `${source.name} (${source.path}) is declared ${encoding}, but the whole file is valid UTF-8 with non-ASCII text (${evidence.nonAscii} bytes of it): read as ${encoding} it would be stored as the wrong characters. Check the source's encoding: it looks like utf-8 (remove "encoding" or set encoding: utf-8)`,
      );
    }
    if (stats.rowsWithBadBytes * 2 > stats.rowsRead) await failOnBadBytes(source, encoding, stats);
  } catch (error) {
    // unreadable, damaged gzip: one line naming the file
    throw sourceFileError(error, source) ?? readError(`${source.name} (${source.path})`, error);
  } finally {
    opened?.stream.destroy();
  }
  return { stats };
}

/** Most rows hold NULs or undecodable bytes: the encoding is wrong, and loading would store nonsense. */
async function failOnBadBytes(source: ResolvedSource, encoding: string, stats: SourceLoadStats): Promise<never> {
  let looksLike: string | undefined;
  try {
    const sample = await readSample(source.absolutePath, 1 << 18);
    looksLike = likelyEncoding(sample.bytes, sample.complete);
  } catch {
    looksLike = undefined;
  }
  const what = stats.invalidByteRows > 0 ? `bytes that are not valid ${encoding}` : 'NUL bytes';
  const hint = looksLike !== undefined && looksLike !== encoding ? `: it looks like ${looksLike} (set encoding: ${looksLike})` : '';
  throw new DataError(`${source.name} (${source.path}): ${stats.rowsWithBadBytes} of ${stats.rowsRead} rows have ${what}. Check the source's encoding${hint}`);
}
