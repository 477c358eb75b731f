/**
 * Opens a source file as a stream of decoded text or UTF-8 bytes, whatever its compression and
 * encoding: gzip is detected from the magic bytes (not the file name), and any encoding Node's
 * TextDecoder knows is decoded incrementally, so memory stays flat whatever the file size.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from '../util/errors.js';
import { canonicalEncoding, Utf8Tracker } from './encoding-sniff.js';
import { gzipTrailerSize } from './schedule.js';

export interface OpenedSource {
  /** UTF-8 bytes (for utf-8 sources, passed through untouched) or decoded strings. */
  readonly stream: Readable;
  readonly gzip: boolean;
  /** Compressed bytes read from disk so far: drives the progress bar. */
  bytesRead(): number;
  /**
   * For a source declared in another encoding than UTF-8: whether the bytes read so far are
   * valid UTF-8, and how many are non-ASCII (a UTF-8 file declared gbk decodes without an error,
   * into the wrong characters). Undefined for UTF-8 sources.
   */
  utf8Evidence(): { readonly valid: boolean; readonly nonAscii: number } | undefined;
}

const UTF8_NAMES = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

export function isUtf8(encoding: string): boolean {
  return UTF8_NAMES.has(encoding.toLowerCase());
}

export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** A Transform that decodes bytes in any TextDecoder encoding; a BOM is dropped. */
export function decoderStream(encoding: string): Transform {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      const tail = decoder.decode();
      done(null, tail.length > 0 ? tail : undefined);
    },
  });
}

export interface OpenOptions {
  /** Bytes per file read (default 256 KiB, like a gunzip output chunk); a header read wants less. */
  readonly chunkBytes?: number;
}

/** What to do about a damaged gzip file. */
export const GZIP_FIX = 'compress it again or fetch a complete copy';

/** What is wrong with a gzip file, from the error gunzip gave, or undefined when it is not a gzip error. */
export function gzipFault(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  return code === 'Z_BUF_ERROR' ? 'it ends in the middle of its compressed data (the file is truncated)' : `its compressed data is damaged (${(error as Error).message})`;
}

/**
 * A gunzip error names neither the file nor what to do: the error a reader of `name` should
 * report instead of `error` (itself when it is not a gzip error).
 */
export function readError(name: string, error: unknown): unknown {
  const fault = gzipFault(error);
  return fault === undefined ? error : new DataError(`${name}: ${fault}; ${GZIP_FIX}`);
}

export async function openSource(path: string, encoding: string, options: OpenOptions = {}): Promise<OpenedSource> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 18 });
  let bytes = 0;
  file.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const stages: Readable[] = [file];
  if (gzip) stages.push(file.pipe(createGunzip({ chunkSize: 1 << 18 })));
  let tracker: Utf8Tracker | undefined;
  if (!isUtf8(encoding)) {
    const raw = stages[stages.length - 1]!;
    const canonical = canonicalEncoding(encoding);
    if (canonical !== 'utf-16le' && canonical !== 'utf-16be') {
      const watch = new Utf8Tracker();
      tracker = watch;
      raw.on('data', (chunk: Buffer) => watch.push(chunk));
      raw.on('end', () => watch.end());
    }
    stages.push(raw.pipe(decoderStream(encoding)));
  }
  const stream = stages[stages.length - 1]!;
  // pipe() does not forward errors: surface a read or gunzip error on the stream the caller reads.
  for (const stage of stages.slice(0, -1)) stage.on('error', (error) => stream.destroy(error));
  return { stream, gzip, bytesRead: () => bytes, utf8Evidence: () => (tracker === undefined ? undefined : { valid: tracker.valid, nonAscii: tracker.nonAscii }) };
}

/** The first `bytes` bytes of a source, decompressed; `complete` when that is the whole file. */
export async function readSample(path: string, bytes: number): Promise<{ bytes: Buffer; complete: boolean }> {
  const opened = await openSource(path, 'utf-8', { chunkBytes: Math.min(bytes, 1 << 16) });
  const pieces: Buffer[] = [];
  let have = 0;
  let complete = true;
  try {
    for await (const chunk of opened.stream) {
      pieces.push(chunk as Buffer);
      have += (chunk as Buffer).length;
      if (have >= bytes) {
        complete = false;
        break;
      }
    }
  } finally {
    opened.stream.destroy();
  }
  const all = Buffer.concat(pieces);
  return { bytes: all.subarray(0, bytes), complete: complete && all.length <= bytes };
}

/** Bytes of data a source holds once decompressed (estimated from the gzip trailer): to schedule by. */
export async function estimatedDataBytes(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 18) return size;
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (head[0] !== 0x1f || head[1] !== 0x8b) return size;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    return Math.max(gzipTrailerSize(tail), size);
  } finally {
    await handle.close();
  }
}

/**
 * SHA-256 of a file read through one reused buffer: hashing gigabytes of input then leaves no
 * garbage buffers behind (each would count toward RSS until collected).
 */
export async function sha256OfFile(path: string, bufferBytes = 1 << 20): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(bufferBytes);
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
