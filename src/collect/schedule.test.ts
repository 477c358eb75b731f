import { describe, expect, it } from 'vitest';
import { DEFAULT_TUNING, gzipTrailerSize, largestFirst, tuningFrom } from './schedule.js';

describe('largestFirst', () => {
  it('orders by size, largest first, ties in pipeline order', () => {
    expect(largestFirst([10, 300, 10, 50, 300])).toEqual([1, 4, 3, 0, 2]);
    expect(largestFirst([])).toEqual([]);
  });
});

describe('gzipTrailerSize', () => {
  it('reads ISIZE, little-endian, up to 2^32 - 1', () => {
    expect(gzipTrailerSize(Uint8Array.of(0x00, 0x01, 0x00, 0x00))).toBe(256);
    expect(gzipTrailerSize(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toBe(2 ** 32 - 1);
    expect(gzipTrailerSize(Uint8Array.of(1, 2))).toBe(0);
  });
});

describe('tuningFrom', () => {
  it('uses one reader thread on two cores or more and none on one core', () => {
    expect(tuningFrom({}, 2, 6)).toEqual(DEFAULT_TUNING);
    expect(tuningFrom({}, 1, 6).workers).toBe(0);
    expect(tuningFrom({}, 8, 6).workers).toBe(1);
  });

  it('takes overrides from the environment, bounded, and ignores junk', () => {
    const tuning = tuningFrom(
      { PERSONA_COLLECT_WORKERS: '3', PERSONA_COLLECT_BATCH: '512', PERSONA_COLLECT_CHUNK: '9999', PERSONA_COLLECT_WINDOW: 'x' },
      2,
      6,
    );
    expect(tuning).toMatchObject({ workers: 3, batchRecords: 512, rowsPerChunk: 256, window: DEFAULT_TUNING.window });
    expect(tuningFrom({ PERSONA_COLLECT_WORKERS: '4' }, 2, 2).workers).toBe(2);
    expect(tuningFrom({ PERSONA_COLLECT_WORKERS: '0' }, 2, 2).workers).toBe(0);
  });
});
