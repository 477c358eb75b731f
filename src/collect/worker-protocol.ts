/**
 * Messages between the collect stage (main thread, holds the database connection) and its
 * reader workers. A worker reads one source at a time and keeps at most `window` batches
 * unacknowledged, so memory stays bounded whatever the file size.
 */
import type { ResolvedSource } from '../config/load.js';
import type { SourceLoadStats } from './load-stats.js';
import type { SourceBatch } from './source-reader.js';

export interface ReadRequest {
  readonly type: 'read';
  /** Index of the source in the pipeline. */
  readonly id: number;
  readonly source: ResolvedSource;
  readonly baseCurrency: string;
  readonly batchRecords: number;
  readonly rowsPerChunk: number;
  readonly window: number;
}

export interface Ack {
  readonly type: 'ack';
  readonly id: number;
}

export type ToWorker = ReadRequest | Ack;

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

export type FromWorker =
  | { readonly type: 'batch'; readonly id: number; readonly batch: SourceBatch }
  | { readonly type: 'done'; readonly id: number; readonly stats: SourceLoadStats }
  | { readonly type: 'failed'; readonly id: number; readonly error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

export function deserializeError(error: SerializedError): Error {
  const result = new Error(error.message);
  result.name = error.name;
  if (error.stack) result.stack = error.stack;
  if (error.code !== undefined) (result as { code?: string }).code = error.code;
  return result;
}
