/**
 * I/O shell of collect: reads the sources (in reader worker threads when there are cores for
 * them, see collect-worker.ts) and writes their rows, rejects and field issues through prepared
 * statements on the one connection the runner gave the stage. The caller owns the transaction.
 *
 * Rows of different sources arrive interleaved; every table collect writes is keyed by
 * (source, line), so the order of the inserts never shows in the tables.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { compiledWorkerUrl } from '../util/worker-url.js';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Pipeline, ResolvedSource } from '../config/load.js';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import type { Db } from '../store/database.js';
import type { Progress } from '../cli/progress.js';
import type { SourceLoadStats } from './load-stats.js';
import { estimatedDataBytes, GZIP_FIX, gzipFault, openSource } from './open-source-stream.js';
import { readCsvSource } from './read-csv.js';
import { insertRowsSql } from './insert-sql.js';
import { headerProblems, rowLayout, type ColumnSource } from './row-mapper.js';
import { csvOptionsProblem, type BadLine } from './csv-scanner.js';
import { canonicalEncoding, encodingMismatch, likelyEncoding } from './encoding-sniff.js';
import { readSample } from './open-source-stream.js';
import { cleanHeader } from './source-reader.js';
import { largestFirst, type CollectTuning } from './schedule.js';
import { readSourceBatches, type SourceBatch } from './source-reader.js';
import { deserializeError, type FromWorker, type ReadRequest, type ToWorker } from './worker-protocol.js';

export type { SourceLoadStats } from './load-stats.js';

/** The header record of a source, or the bad line that stands where it should be. */
export interface HeaderRead {
  readonly header: string[];
  readonly bad?: BadLine;
}

/** Reads just the header record of a source (for preflight and validate). */
export async function readHeaderLine(source: ResolvedSource, delimiter = source.delimiter): Promise<HeaderRead> {
  let header: string[] | undefined;
  let bad: BadLine | undefined;
  const stop = new Error('header read');
  try {
    await readCsvSource(
      async () => (await openSource(source.absolutePath, source.encoding, { chunkBytes: 1 << 16 })).stream,
      { ...source, ...(delimiter === undefined ? {} : { delimiter }) },
      {
        onRecord(record) {
          cleanHeader(record);
          header = record;
          throw stop;
        },
        onBadLine(line) {
          bad = line;
          throw stop;
        },
      },
    );
  } catch (error) {
    if (error !== stop) throw error;
  }
  return { header: header ?? [], ...(bad === undefined ? {} : { bad }) };
}

/** Reads just the header record of a source (empty when the file has none). */
export async function readHeader(source: ResolvedSource): Promise<string[]> {
  return (await readHeaderLine(source)).header;
}

/** Delimiters tried when the header does not hold the mapped columns. */
const LIKELY_DELIMITERS = [',', ';', '\t', '|'];

function shown(delimiter: string): string {
  return delimiter === '\t' ? 'a tab' : JSON.stringify(delimiter);
}

/**
 * When the mapped columns are missing from the header, whether another common delimiter would
 * find them all: a TAB-separated file read as comma-separated has one long header column.
 */
async function likelyDelimiter(source: ResolvedSource, index: number): Promise<string | undefined> {
  const declared = source.delimiter ?? ',';
  for (const candidate of LIKELY_DELIMITERS) {
    if (candidate === declared || csvOptionsProblem(candidate, source.quote ?? '"') !== undefined) continue;
    const { header } = await readHeaderLine(source, candidate);
    if (header.length > 1 && headerProblems(source, index, header).length === 0) return candidate;
  }
  return undefined;
}

/** A mapped column whose name the header has more than once: which one is meant cannot be told. */
function duplicateProblems(source: ResolvedSource, index: number, header: readonly string[]): ConfigProblem[] {
  const names = header.map((h) => h.trim());
  const wanted = new Map<string, (string | number)[]>();
  for (const [field, spec] of Object.entries(source.columns)) wanted.set(typeof spec === 'string' ? spec : spec.column, ['sources', index, 'columns', field]);
  if (typeof source.customer_source === 'object') wanted.set(source.customer_source.column, ['sources', index, 'customer_source', 'column']);
  const problems: ConfigProblem[] = [];
  for (const [column, path] of wanted) {
    const at = names.flatMap((name, i) => (name === column ? [i + 1] : []));
    if (at.length < 2) continue;
    problems.push({
      path,
      message: `the header of ${source.path} has the column "${column}" ${at.length} times (columns ${at.join(', ')}): which one to read cannot be told`,
      fix: 'rename the duplicate columns in the file so that each name is unique',
    });
  }
  return problems;
}

/** Problems of one source's file: it is there and readable, in the declared encoding, with a header holding every mapped column. */
async function sourceFileProblems(source: ResolvedSource, index: number): Promise<ConfigProblem[]> {
  const at = (...rest: (string | number)[]): (string | number)[] => ['sources', index, ...rest];
  if (!existsSync(source.absolutePath) || !statSync(source.absolutePath).isFile()) {
    return [{ path: at('path'), message: `the file ${source.absolutePath} does not exist`, fix: 'paths are relative to the pipeline file; check the path and that the data is in place' }];
  }
  try {
    accessSync(source.absolutePath, constants.R_OK);
  } catch {
    return [{ path: at('path'), message: `the file ${source.absolutePath} cannot be read (permission denied)`, fix: 'give the user running persona read permission on the file (chmod a+r)' }];
  }
  const options = csvOptionsProblem(source.delimiter ?? ',', source.quote ?? '"');
  if (options !== undefined) return [{ path: at('delimiter'), message: options, fix: 'set delimiter and quote to two different characters' }];
  try {
    return await contentProblems(source, index);
  } catch (error) {
    // A damaged gzip file or a read error: one line naming the file, not a stack trace.
    const fault = gzipFault(error);
    if (fault !== undefined) return [{ path: at('path'), message: `${source.path}: ${fault}`, fix: GZIP_FIX }];
    return [{ path: at('path'), message: `${source.path} cannot be read: ${(error as Error).message}`, fix: 'check that the file is a complete, readable CSV file' }];
  }
}

/** Problems found in the file's bytes and header: encoding, delimiter, mapped columns. */
async function contentProblems(source: ResolvedSource, index: number): Promise<ConfigProblem[]> {
  const at = (...rest: (string | number)[]): (string | number)[] => ['sources', index, ...rest];
  const sample = await readSample(source.absolutePath, 1 << 18);
  const mismatch = encodingMismatch(sample.bytes, source.encoding, sample.complete);
  if (mismatch !== undefined) {
    return [
      {
        path: at('encoding'),
        message: `${source.path} does not look like ${source.encoding}: ${mismatch.problem}`,
        fix: mismatch.looksLike === undefined ? 'set encoding to the encoding the file was exported in' : mismatch.looksLike === 'utf-8' ? 'remove encoding (UTF-8 is the default) or set encoding: utf-8' : `set encoding: ${mismatch.looksLike}`,
      },
    ];
  }
  const { header, bad } = await readHeaderLine(source);
  if (bad !== undefined) return [{ path: at('path'), message: `the header of ${source.path} (line ${bad.line}) cannot be read: ${bad.message}`, fix: 'correct the quotes of the header line' }];
  if (header.length === 0) return [{ path: at('path'), message: `${source.path} is empty: no header line`, fix: 'point the source at a CSV file with a header line' }];
  const problems = headerProblems(source, index, header);
  if (problems.length > 0) {
    const delimiter = await likelyDelimiter(source, index);
    if (delimiter !== undefined) {
      return [
        {
          path: at('delimiter'),
          message: `${source.path} does not look ${shown(source.delimiter ?? ',')}-separated: split on ${shown(delimiter)}, its header has every mapped column`,
          fix: `add delimiter: ${delimiter === '\t' ? '"\\t"' : JSON.stringify(delimiter)} to the source`,
        },
      ];
    }
    if (header.some((name) => name.includes('\uFFFD'))) {
      // The column names themselves did not decode: the encoding is the problem to fix first.
      const looksLike = likelyEncoding(sample.bytes, sample.complete);
      problems.unshift({
        path: at('encoding'),
        message: `the header of ${source.path} has bytes that are not valid ${source.encoding} (shown as \uFFFD): ${header.join(', ')}`,
        fix: looksLike !== undefined && looksLike !== canonicalEncoding(source.encoding) ? `set encoding: ${looksLike}` : 'set encoding to the encoding the file was exported in',
      });
    }
    return problems;
  }
  return duplicateProblems(source, index, header);
}

/** Every source file exists, can be read and has every mapped column: checked before anything is written. */
export async function preflightSources(pipeline: Pipeline): Promise<void> {
  const problems: ConfigProblem[] = [];
  for (const [index, source] of pipeline.sources.entries()) problems.push(...(await sourceFileProblems(source, index)));
  if (problems.length > 0) throw new ConfigError(pipeline.file, problems);
}

/**
 * Writes one source's batches. Loaded rows go through multi-row INSERTs of a whole chunk (one
 * statement run per `rowsPerChunk` rows), bound as the chunk arrived, without copying.
 */
export class SourceWriter {
  private readonly byRows = new Map<number, Database.Statement>();
  private readonly layout: ColumnSource[];
  private readonly stride: number;
  private readonly insertReject: Database.Statement;
  private readonly insertIssue: Database.Statement;

  constructor(
    private readonly db: Db,
    private readonly source: ResolvedSource,
    baseCurrency: string,
  ) {
    this.layout = rowLayout(source, baseCurrency);
    this.stride = 1 + this.layout.filter((column) => column.perRow).length;
    this.insertReject = db.prepare('INSERT INTO rejects (source, file, line, column_name, code, message, raw) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertIssue = db.prepare('INSERT INTO field_issues (source, line, column_name, field, code, raw_value, message) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  private insertRows(rows: number): Database.Statement {
    let statement = this.byRows.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(insertRowsSql(this.source, this.layout, rows));
      this.byRows.set(rows, statement);
    }
    return statement;
  }

  write(batch: SourceBatch): void {
    const { stride } = this;
    for (const chunk of batch.chunks) this.insertRows(chunk.length / stride).run(chunk);
    const { name, path } = this.source;
    for (const [line, column, code, message, raw] of batch.rejects) this.insertReject.run(name, path, line, column, code, message, raw);
    for (const [line, column, field, code, rawValue, message] of batch.issues) this.insertIssue.run(name, line, column, field, code, rawValue, message);
  }
}

export interface SourceDone {
  readonly index: number;
  readonly stats: SourceLoadStats;
  /** From the start of reading the source to its last row inserted. */
  readonly seconds: number;
}

export interface LoadOptions {
  readonly tuning: CollectTuning;
  /** Called once per source as it completes (in completion order). */
  readonly onSourceDone?: (done: SourceDone) => void;
}


/** Reads and writes every source of the pipeline; returns their stats in pipeline order. */
export async function loadSources(db: Db, pipeline: Pipeline, progress: Progress, options: LoadOptions): Promise<SourceLoadStats[]> {
  const sources = pipeline.sources;
  const writers = sources.map((source) => new SourceWriter(db, source, pipeline.config.base_currency));
  const sizes = await Promise.all(sources.map((source) => estimatedDataBytes(source.absolutePath)));
  const order = largestFirst(sizes);
  const fileBytes = sources.map((source) => statSync(source.absolutePath).size);
  const task = progress.start('collect', fileBytes.reduce((a, b) => a + b, 0));
  const bytesDone = new Array<number>(sources.length).fill(0);
  const rowsDone = new Array<number>(sources.length).fill(0);
  let totalBytes = 0;
  let totalRows = 0;
  const advance = (index: number, bytes: number, rows: number): void => {
    totalBytes += bytes - bytesDone[index]!;
    totalRows += rows - rowsDone[index]!;
    bytesDone[index] = bytes;
    rowsDone[index] = rows;
    task.update(totalBytes, totalRows);
  };
  const url = options.tuning.workers > 0 ? compiledWorkerUrl('./collect-worker.js', import.meta.url) : undefined;
  try {
    if (url === undefined) return await loadOnThisThread(pipeline, order, writers, options, advance, fileBytes);
    return await loadWithWorkers(url, pipeline, order, writers, options, advance, fileBytes);
  } finally {
    task.stop();
  }
}

type Advance = (index: number, bytes: number, rows: number) => void;

async function loadOnThisThread(
  pipeline: Pipeline,
  order: readonly number[],
  writers: readonly SourceWriter[],
  options: LoadOptions,
  advance: Advance,
  fileBytes: readonly number[],
): Promise<SourceLoadStats[]> {
  const results: SourceLoadStats[] = [];
  const { batchRecords, rowsPerChunk } = options.tuning;
  for (const index of order) {
    const source = pipeline.sources[index]!;
    const writer = writers[index]!;
    const started = performance.now();
    const { stats } = await readSourceBatches(source, pipeline.config.base_currency, {
      batchRecords,
      rowsPerChunk,
      onBatch(batch) {
        writer.write(batch);
        advance(index, batch.bytesRead, batch.rowsRead);
      },
    });
    advance(index, fileBytes[index]!, stats.rowsRead);
    results[index] = stats;
    options.onSourceDone?.({ index, stats, seconds: (performance.now() - started) / 1000 });
  }
  return results;
}

function loadWithWorkers(
  url: URL,
  pipeline: Pipeline,
  order: readonly number[],
  writers: readonly SourceWriter[],
  options: LoadOptions,
  advance: Advance,
  fileBytes: readonly number[],
): Promise<SourceLoadStats[]> {
  const { tuning } = options;
  const count = Math.min(tuning.workers, order.length);
  const queue = [...order];
  const results: SourceLoadStats[] = [];
  const started = new Array<number>(pipeline.sources.length).fill(0);
  let remaining = order.length;
  let settled = false;
  const workers: Worker[] = [];

  return new Promise<SourceLoadStats[]>((resolve, reject) => {
    if (remaining === 0) {
      resolve(results);
      return;
    }
    const stopAll = (): Promise<unknown> => Promise.allSettled(workers.map((worker) => worker.terminate()));
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      void stopAll().then(() => reject(error));
    };
    const assign = (worker: Worker): void => {
      const index = queue.shift();
      if (index === undefined) return;
      started[index] = performance.now();
      const request: ReadRequest = {
        type: 'read',
        id: index,
        source: pipeline.sources[index]!,
        baseCurrency: pipeline.config.base_currency,
        batchRecords: tuning.batchRecords,
        rowsPerChunk: tuning.rowsPerChunk,
        window: tuning.window,
      };
      worker.postMessage(request satisfies ToWorker);
    };
    const onMessage = (worker: Worker, message: FromWorker): void => {
      if (settled) return;
      switch (message.type) {
        case 'batch':
          // Acknowledged first: the worker reads the next batch while this one is inserted.
          worker.postMessage({ type: 'ack', id: message.id } satisfies ToWorker);
          writers[message.id]!.write(message.batch);
          advance(message.id, message.batch.bytesRead, message.batch.rowsRead);
          return;
        case 'done': {
          const index = message.id;
          results[index] = message.stats;
          advance(index, fileBytes[index]!, message.stats.rowsRead);
          options.onSourceDone?.({ index, stats: message.stats, seconds: (performance.now() - started[index]!) / 1000 });
          remaining--;
          if (remaining === 0) {
            settled = true;
            void stopAll().then(() => resolve(results));
          } else assign(worker);
          return;
        }
        case 'failed':
          fail(deserializeError(message.error));
          return;
      }
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(url, {
        stdout: false,
        stderr: false,
        ...(tuning.workerYoungMiB > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: tuning.workerYoungMiB } } : {}),
      });
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        try {
          onMessage(worker, message);
        } catch (error) {
          fail(error);
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!settled) fail(new Error(`a collect reader thread stopped unexpectedly (exit code ${code})`));
      });
      assign(worker);
    }
  });
}
