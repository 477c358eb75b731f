/**
 * I/O shell of collect: reads the sources (in reader worker threads when there are cores for
 * them, see collect-worker.ts) and writes their rows, rejects and field issues through prepared
 * statements on the one connection the runner gave the stage. The caller owns the transaction.
 *
 * Rows of different sources arrive interleaved; every table collect writes is keyed by
 * (source, line), so the order of the inserts never shows in the tables.
 */
import { statSync } from 'node:fs';
import { compiledWorkerUrl } from '../util/worker-url.js';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Pipeline, ResolvedSource } from '../config/load.js';
import type { Db } from '../store/database.js';
import type { Progress } from '../pipeline/progress.js';
import type { SourceLoadStats } from './load-stats.js';
import { estimatedDataBytes } from './open-source-stream.js';
import { insertRowsSql } from './insert-sql.js';
import { rowLayout, type ColumnSource } from './row-mapper.js';
import { largestFirst, type CollectTuning } from './schedule.js';
import { readSourceBatches, type SourceBatch } from './source-reader.js';
import { deserializeError, type FromWorker, type ReadRequest, type ToWorker } from './worker-protocol.js';

export type { SourceLoadStats } from './load-stats.js';

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
  private readonly insertAttribute: Database.Statement;

  constructor(
    private readonly db: Db,
    private readonly source: ResolvedSource,
    baseCurrency: string,
  ) {
    this.layout = rowLayout(source, baseCurrency);
    this.stride = 1 + this.layout.filter((column) => column.perRow).length;
    this.insertReject = db.prepare('INSERT INTO rejects (source, file, line, column_name, code, message, raw) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertIssue = db.prepare('INSERT INTO field_issues (source, line, column_name, field, code, raw_value, message) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertAttribute = db.prepare('INSERT INTO raw_attributes (source, line, name, value) VALUES (?, ?, ?, ?)');
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
    const attributes = batch.attributes;
    for (let a = 0; a < attributes.length; a += 3) this.insertAttribute.run(name, attributes[a], attributes[a + 1], attributes[a + 2]);
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
