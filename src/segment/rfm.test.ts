import { describe, expect, it } from 'vitest';

import {
  DEFAULT_RFM_SEGMENTS,
  NO_PURCHASE_SEGMENT,
  RfmConfigError,
  buildSegmentGrid,
  computeRfm,
  fmScore,
  quintileScores,
  segmentOf,
  type RfmCustomer,
  type RfmSegmentRule,
} from './rfm.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${String(i).padStart(3, '0')}`);
const counts = (scores: ArrayLike<number>): number[] => {
  const c = [0, 0, 0, 0, 0];
  for (let i = 0; i < scores.length; i++) c[(scores[i] as number) - 1]! += 1;
  return c;
};

describe('quintileScores', () => {
  it('splits distinct values into balanced quintiles, higher value → higher score', () => {
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    const s = quintileScores(values, ids(10));
    expect(Array.from(s)).toEqual([5, 1, 5, 1, 4, 2, 4, 2, 3, 3]);
    expect(Array.from(quintileScores(values, ids(10), { descending: true }))).toEqual([1, 5, 1, 5, 2, 4, 2, 4, 3, 3]);
  });

  it('keeps sizes within one of each other for any n', () => {
    for (let n = 5; n <= 53; n++) {
      const c = counts(quintileScores(Array.from({ length: n }, (_, i) => i), ids(n)));
      expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    }
  });

  it('split mode: ties broken by id, quintiles stay balanced', () => {
    // 6 customers share the value 1; ids decide who gets the lower scores.
    const values = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5];
    const id = ['f', 'e', 'd', 'c', 'b', 'a', 'g', 'h', 'i', 'j'];
    const s = quintileScores(values, id);
    expect(counts(s)).toEqual([2, 2, 2, 2, 2]);
    // among the tied, 'a' and 'b' (smallest ids) get 1, 'c','d' 2, 'e','f' 3
    expect(Array.from(s)).toEqual([3, 3, 2, 2, 1, 1, 4, 4, 5, 5]);
  });

  it('split mode: result does not depend on input order', () => {
    const values = [3, 1, 3, 2, 3, 1, 2, 3];
    const id = ids(8);
    const s = quintileScores(values, id);
    const perm = [7, 2, 5, 0, 3, 6, 1, 4];
    const s2 = quintileScores(
      perm.map((p) => values[p] as number),
      perm.map((p) => id[p] as string),
    );
    perm.forEach((p, i) => expect(s2[i]).toBe(s[p]));
  });

  it('shared mode: equal values share the mid-rank score', () => {
    const values = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5];
    const s = quintileScores(values, ids(10), { ties: 'shared' });
    // tie block occupies ranks 0..5, mid-rank 2.5 → floor(3 * 5 / 10) + 1 = 2
    expect(Array.from(s)).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
  });

  it('fewer than 5 customers are spread symmetrically over 1..5', () => {
    expect(Array.from(quintileScores([], []))).toEqual([]);
    expect(Array.from(quintileScores([42], ['x']))).toEqual([3]);
    expect(Array.from(quintileScores([1, 2], ids(2)))).toEqual([2, 4]);
    expect(Array.from(quintileScores([1, 2, 3], ids(3)))).toEqual([1, 3, 5]);
    expect(Array.from(quintileScores([1, 2, 3, 4], ids(4)))).toEqual([1, 2, 4, 5]);
    expect(Array.from(quintileScores([5, 4, 3, 2, 1], ids(5)))).toEqual([5, 4, 3, 2, 1]);
  });

  it('all values equal: split → balanced by id; shared → everyone 3', () => {
    const values = new Array<number>(10).fill(7);
    expect(Array.from(quintileScores(values, ids(10)))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(quintileScores(values, ids(10), { ties: 'shared' }))).toEqual(new Array(10).fill(3));
    expect(Array.from(quintileScores([7, 7, 7], ids(3), { ties: 'shared' }))).toEqual([3, 3, 3]);
  });

  it('rejects non-finite values', () => {
    expect(() => quintileScores([1, Number.NaN], ids(2))).toThrow(/non-finite/);
  });
});

describe('segment grid', () => {
  it('default grid covers all 25 cells exactly once and matches the documented layout', () => {
    const grid = buildSegmentGrid(DEFAULT_RFM_SEGMENTS);
    // rows FM 5..1, columns R 1..5 (as drawn in the rfm.ts module doc)
    const layout = [
      ["Can't lose", "Can't lose", 'Loyal', 'Loyal', 'Champions'],
      ['At risk', 'At risk', 'Loyal', 'Loyal', 'Champions'],
      ['At risk', 'At risk', 'Need attention', 'Potential loyalist', 'Potential loyalist'],
      ['Lost', 'Hibernating', 'About to sleep', 'Potential loyalist', 'Potential loyalist'],
      ['Lost', 'Hibernating', 'About to sleep', 'Promising', 'New'],
    ];
    layout.forEach((row, i) => row.forEach((name, r) => expect(segmentOf(grid, r + 1, 5 - i)).toBe(name)));
    expect(new Set(grid).size).toBe(11);
  });

  it('FM score is (F + M) / 2 rounded half up', () => {
    expect(fmScore(5, 4)).toBe(5);
    expect(fmScore(1, 2)).toBe(2);
    expect(fmScore(3, 3)).toBe(3);
    expect(fmScore(1, 1)).toBe(1);
  });

  it('accepts a custom grid', () => {
    const rules: RfmSegmentRule[] = [
      { name: 'Recent', r: [4, 5], fm: [1, 5] },
      { name: 'Valuable', r: [1, 3], fm: [4, 5] },
      { name: 'Other', r: [1, 3], fm: [1, 3] },
    ];
    const grid = buildSegmentGrid(rules);
    expect(segmentOf(grid, 5, 1)).toBe('Recent');
    expect(segmentOf(grid, 2, 5)).toBe('Valuable');
    expect(segmentOf(grid, 3, 3)).toBe('Other');
  });

  it('names uncovered cells', () => {
    const rules = DEFAULT_RFM_SEGMENTS.filter((r) => r.name !== 'About to sleep');
    expect(() => buildSegmentGrid(rules)).toThrow(RfmConfigError);
    expect(() => buildSegmentGrid(rules)).toThrow(/cell \(R=3, FM=1\) is not covered by any rule/);
    try {
      buildSegmentGrid(rules);
    } catch (e) {
      expect((e as RfmConfigError).problems).toEqual([
        'cell (R=3, FM=1) is not covered by any rule',
        'cell (R=3, FM=2) is not covered by any rule',
      ]);
    }
  });

  it('names doubly covered cells and the rules involved', () => {
    const rules = [...DEFAULT_RFM_SEGMENTS, { name: 'Whales', r: [5, 5], fm: [5, 5] } as const];
    expect(() => buildSegmentGrid(rules)).toThrow(/cell \(R=5, FM=5\) is covered by 2 rules: "Champions", "Whales"/);
  });

  it('rejects malformed rules', () => {
    expect(() => buildSegmentGrid([])).toThrow(/non-empty/);
    const bad = [{ name: 'All', r: [0, 5], fm: [1, 5] }] as unknown as RfmSegmentRule[];
    expect(() => buildSegmentGrid(bad)).toThrow(/rule #1 "All": r = \[0, 5\] must satisfy 1 ≤ min ≤ max ≤ 5/);
    const bad2 = [{ name: 'All', r: [1, 5], fm: [1.5, 5] }] as unknown as RfmSegmentRule[];
    expect(() => buildSegmentGrid(bad2)).toThrow(/fm must contain integers/);
    const bad3 = [{ r: [1, 5], fm: [1, 5] }] as unknown as RfmSegmentRule[];
    expect(() => buildSegmentGrid(bad3)).toThrow(/"name" must be a non-empty string/);
    const bad4 = [{ name: 'x', r: [3, 2], fm: [1, 5] }] as unknown as RfmSegmentRule[];
    expect(() => buildSegmentGrid(bad4)).toThrow(/min ≤ max/);
  });
});

describe('computeRfm', () => {
  const customers: RfmCustomer[] = [
    { customerId: 'a', recencyDays: 1, frequency: 20, monetary: 5000 },
    { customerId: 'b', recencyDays: 400, frequency: 1, monetary: 10 },
    { customerId: 'c', recencyDays: null, frequency: 0, monetary: 0 },
    { customerId: 'd', recencyDays: 3, frequency: 1, monetary: 15 },
    { customerId: 'e', recencyDays: 300, frequency: 15, monetary: 4000 },
    { customerId: 'f', recencyDays: 60, frequency: 5, monetary: 500 },
  ];

  it('scores purchasers only; recency: fewer days → higher R', () => {
    const res = computeRfm(customers);
    expect(res.scored).toBe(5);
    const byId = Object.fromEntries(res.scores.map((s) => [s.customerId, s]));
    expect(res.scores.map((s) => s.customerId)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(byId.a).toMatchObject({ r: 5, f: 5, m: 5, fm: 5, rfm: '555', segment: 'Champions' });
    expect(byId.b).toMatchObject({ r: 1, f: 1, m: 1, fm: 1, rfm: '111', segment: 'Lost' });
    expect(byId.c).toEqual({ customerId: 'c', r: null, f: null, m: null, fm: null, rfm: null, segment: NO_PURCHASE_SEGMENT });
    // d: most recent but one, F tied with b (id 'b' < 'd' → d gets the higher F), low M
    expect(byId.d).toMatchObject({ r: 4, f: 2, m: 2, fm: 2, segment: 'Potential loyalist' });
    expect(byId.e).toMatchObject({ r: 2, f: 4, m: 4, fm: 4, segment: 'At risk' });
    expect(res.segmentCounts).toEqual({
      Champions: 1,
      Loyal: 0,
      'Potential loyalist': 1,
      New: 0,
      Promising: 0,
      'Need attention': 1,
      'About to sleep': 0,
      'At risk': 1,
      "Can't lose": 0,
      Hibernating: 0,
      Lost: 1,
      'No purchase': 1,
    });
  });

  it('is deterministic and independent of input order', () => {
    const a = computeRfm(customers);
    const b = computeRfm([...customers].reverse());
    const key = (r: typeof a) => JSON.stringify([...r.scores].sort((x, y) => (x.customerId < y.customerId ? -1 : 1)));
    expect(key(b)).toBe(key(a));
  });

  it('accepts overrides for the grid and the no-purchase name', () => {
    const res = computeRfm(customers, {
      segments: [
        { name: 'Hot', r: [4, 5], fm: [1, 5] },
        { name: 'Cold', r: [1, 3], fm: [1, 5] },
      ],
      noPurchaseSegment: 'Prospect',
    });
    expect(res.scores.map((s) => s.segment)).toEqual(['Hot', 'Cold', 'Prospect', 'Hot', 'Cold', 'Cold']);
    expect(res.segmentCounts).toEqual({ Hot: 2, Cold: 3, Prospect: 1 });
  });

  it('validates the grid before scoring', () => {
    expect(() => computeRfm(customers, { segments: [{ name: 'Hot', r: [4, 5], fm: [1, 5] }] })).toThrow(
      /cell \(R=1, FM=1\) is not covered/,
    );
  });

  it('handles no purchasers at all', () => {
    const res = computeRfm([{ customerId: 'x', recencyDays: null, frequency: 0, monetary: 0 }]);
    expect(res.scored).toBe(0);
    expect(res.scores[0]?.segment).toBe('No purchase');
  });

  it('rejects bad input', () => {
    expect(() =>
      computeRfm([
        { customerId: 'x', recencyDays: 1, frequency: 1, monetary: 1 },
        { customerId: 'x', recencyDays: 2, frequency: 1, monetary: 1 },
      ]),
    ).toThrow(/duplicate customerId "x"/);
    expect(() => computeRfm([{ customerId: 'x', recencyDays: null, frequency: 2, monetary: 1 }])).toThrow(/recencyDays/);
    expect(() => computeRfm([{ customerId: 'x', recencyDays: 1, frequency: -1, monetary: 1 }])).toThrow(/frequency/);
  });
});
