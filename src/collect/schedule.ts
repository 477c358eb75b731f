/**
 * Pure: the order in which sources are handed to reader workers, and the collect tuning knobs.
 * Largest first (longest-processing-time scheduling): the biggest file starts at once and the
 * small ones fill the other worker, so the stage ends close to when the biggest file is read.
 */

/** Source indices by estimated data size, largest first; equal sizes keep pipeline order. */
export function largestFirst(sizes: readonly number[]): number[] {
  return sizes
    .map((size, index) => ({ size, index }))
    .sort((a, b) => b.size - a.size || a.index - b.index)
    .map((s) => s.index);
}

/**
 * Uncompressed size of a gzip file from its trailer (ISIZE: the size modulo 2^32 of the last
 * member), given the file's last 4 bytes; a guess good enough to schedule by.
 */
export function gzipTrailerSize(lastFour: Uint8Array): number {
  if (lastFour.length < 4) return 0;
  return (lastFour[0]! | (lastFour[1]! << 8) | (lastFour[2]! << 16)) + lastFour[3]! * 2 ** 24;
}

export interface CollectTuning {
  /** Reader worker threads; 0 reads on the main thread. */
  readonly workers: number;
  /** Records per batch sent from a worker. */
  readonly batchRecords: number;
  /** Rows per multi-row INSERT. */
  readonly rowsPerChunk: number;
  /** Batches a worker may have waiting for the main thread before it holds reading. */
  readonly window: number;
  /** SQLite page cache while collect writes (MiB): appends touch few pages, and it counts toward RSS. */
  readonly cacheMiB: number;
  /** Young-generation limit of each reader thread's heap (MiB); 0 leaves V8's default. */
  readonly workerYoungMiB: number;
}

/**
 * One reader thread: with the fast scanner, reading and validating cost about what inserting does,
 * so one core reads while the other inserts; a second reader would only wait for the one inserter
 * and add ~30 MB. A 16 MiB page cache is as fast as 64 for appends and keeps RSS ~50 MB lower.
 */
export const DEFAULT_TUNING: CollectTuning = Object.freeze({ workers: 1, batchRecords: 2048, rowsPerChunk: 32, window: 4, cacheMiB: 16, workerYoungMiB: 16 });

function intFrom(value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return fallback;
  return Math.min(max, Math.max(min, Number(value)));
}

/**
 * Tuning from the environment (PERSONA_COLLECT_WORKERS, _BATCH, _CHUNK, _WINDOW, _CACHE_MIB,
 * _WORKER_YOUNG_MIB), for benchmarks
 * and for machines where the defaults do not fit. No reader thread on a single core (the
 * structured clone would be pure overhead there); never more threads than sources.
 */
export function tuningFrom(env: Readonly<Record<string, string | undefined>>, cores: number, sources: number): CollectTuning {
  const byDefault = cores >= 2 ? Math.min(DEFAULT_TUNING.workers, cores) : 0;
  const wanted = intFrom(env['PERSONA_COLLECT_WORKERS'], byDefault, 0, 16);
  return {
    workers: Math.min(wanted, sources),
    batchRecords: intFrom(env['PERSONA_COLLECT_BATCH'], DEFAULT_TUNING.batchRecords, 1, 1 << 20),
    rowsPerChunk: intFrom(env['PERSONA_COLLECT_CHUNK'], DEFAULT_TUNING.rowsPerChunk, 1, 256),
    window: intFrom(env['PERSONA_COLLECT_WINDOW'], DEFAULT_TUNING.window, 1, 1024),
    cacheMiB: intFrom(env['PERSONA_COLLECT_CACHE_MIB'], DEFAULT_TUNING.cacheMiB, 1, 4096),
    workerYoungMiB: intFrom(env['PERSONA_COLLECT_WORKER_YOUNG_MIB'], DEFAULT_TUNING.workerYoungMiB, 0, 1024),
  };
}
