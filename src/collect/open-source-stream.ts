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
import { gzipTrailerSize } from './schedule.js';

export interface OpenedSource {
  /** UTF-8 bytes (for utf-8 sources, passed through untouched) or decoded strings. */
  readonly stream: Readable;
  readonly gzip: boolean;
  /** Compressed bytes read from disk so far: drives the progress bar. */
  bytesRead(): number;
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

export async function openSource(path: string, encoding: string, options: OpenOptions = {}): Promise<OpenedSource> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 18 });
  let bytes = 0;
  file.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const stages: Readable[] = [file];
  if (gzip) stages.push(file.pipe(createGunzip({ chunkSize: 1 << 18 })));
  if (!isUtf8(encoding)) stages.push(stages[stages.length - 1]!.pipe(decoderStream(encoding)));
  const stream = stages[stages.length - 1]!;
  // pipe() does not forward errors: surface a read or gunzip error on the stream the caller reads.
  for (const stage of stages.slice(0, -1)) stage.on('error', (error) => stream.destroy(error));
  return { stream, gzip, bytesRead: () => bytes };
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
