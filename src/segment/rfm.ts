/**
 * RFM scoring and named RFM segments. Pure: no database, no clock.
 *
 * ## Scores
 * R (recency), F (frequency) and M (monetary) are scored 1–5 by quintiles,
 * computed only over customers who purchased (frequency > 0). Higher is
 * better for all three: R = 5 is the most recent fifth (fewest days since the
 * last purchase), F = 5 / M = 5 the most frequent / highest spending fifth.
 *
 * Customers sort by value (recency: descending days, so that the most recent
 * end up last; F, M: ascending), ties broken by customer id (plain UTF-16
 * code-unit order, locale independent). With n scored customers and 0-based
 * rank r, the score is the quintile of the rank's midpoint:
 *
 *     score = floor((r + ½) · 5 / n) + 1     (computed in integers)
 *
 * ### Why split ties (the default, `ties: 'split'`)
 * Real F and M distributions are heavily tied (typically most customers have
 * bought once). If equal values had to share a score, a tie block holding 60 %
 * of customers would occupy three quintiles' worth of a single score and the
 * quintiles would be badly unbalanced (some scores empty). Ranking with an
 * id tie-break gives quintile sizes that differ by at most one customer, for
 * any data, and is fully deterministic: the same input always gives the same
 * scores, independent of input order. The price is that two customers with
 * the same value may get adjacent scores; among equal values the
 * lexicographically smaller id gets the lower score. (This is the usual
 * `rank(method='first')` + `qcut` practice.)
 *
 * `ties: 'shared'` is available when equal values must share a score: each
 * tie block is scored at its mid-rank. Deterministic too, but quintiles can
 * be unbalanced or empty; when all values are equal everyone gets 3.
 *
 * ### Midpoint rule
 * The ½ makes the mapping symmetric (reversing the order maps s → 6 − s), and
 * spreads small groups over the range: n = 1 → 3; n = 2 → 2, 4;
 * n = 3 → 1, 3, 5; n = 4 → 1, 2, 4, 5; n = 5 → 1…5. For n ≥ 5 quintile
 * sizes are ⌊n/5⌋ or ⌈n/5⌉. (2r+1)·5 is odd and 2n even, so a rank never
 * lands exactly on a boundary.
 *
 * ## Segments
 * FM = ceil((F + M) / 2) (i.e. (F+M)/2 rounded half up), an integer 1–5. The
 * segment is looked up in a 5 × 5 grid R × FM. The default grid is the widely
 * circulated RFM "segment map" (R × F/FM grid used in many RFM tutorials,
 * the `[1-2][1-2] hibernating, [1-2][3-4] at risk, …` table) with the
 * hibernating block split by recency into Lost (R = 1) and Hibernating
 * (R = 2), giving the 11 classic segment names:
 *
 * | Segment            | R   | FM  |
 * |--------------------|-----|-----|
 * | Champions          | 5   | 4–5 |
 * | Loyal              | 3–4 | 4–5 |
 * | Potential loyalist | 4–5 | 2–3 |
 * | New                | 5   | 1   |
 * | Promising          | 4   | 1   |
 * | Need attention     | 3   | 3   |
 * | About to sleep     | 3   | 1–2 |
 * | At risk            | 1–2 | 3–4 |
 * | Can't lose         | 1–2 | 5   |
 * | Hibernating        | 2   | 1–2 |
 * | Lost               | 1   | 1–2 |
 *
 *      FM 5 | Can't lose  Can't lose  Loyal           Loyal               Champions
 *      FM 4 | At risk     At risk     Loyal           Loyal               Champions
 *      FM 3 | At risk     At risk     Need attention  Potential loyalist  Potential loyalist
 *      FM 2 | Lost        Hibernating About to sleep  Potential loyalist  Potential loyalist
 *      FM 1 | Lost        Hibernating About to sleep  Promising           New
 *             R 1         R 2         R 3             R 4                 R 5
 *
 * The grid can be replaced by `options.segments` (list of rules
 * `{ name, r: [min, max], fm: [min, max] }`, inclusive integer ranges in
 * 1..5); it is validated so that each of the 25 cells is covered by exactly
 * one rule, and the error names every uncovered or doubly covered cell.
 *
 * ## Customers without purchases
 * Customers with frequency 0 are not ranked (they would otherwise distort the
 * quintiles of purchasers): their r / f / m / fm are null and their segment is
 * `options.noPurchaseSegment` (default "No purchase").
 */

export interface RfmCustomer {
  /** Unique customer id; also the deterministic tie-breaker. */
  readonly customerId: string;
  /** Days since the last purchase (≥ 0). May be null when frequency is 0. */
  readonly recencyDays: number | null;
  /** Number of purchases (orders). 0 = never purchased. */
  readonly frequency: number;
  /** Total (or average — caller's choice) spend. Any finite number. */
  readonly monetary: number;
}

export interface RfmSegmentRule {
  readonly name: string;
  /** Inclusive range of R scores, 1..5. */
  readonly r: readonly [number, number];
  /** Inclusive range of FM scores (ceil((F+M)/2)), 1..5. */
  readonly fm: readonly [number, number];
}

export type TieMode = 'split' | 'shared';

export interface RfmOptions {
  /** Segment grid; defaults to DEFAULT_RFM_SEGMENTS. Validated. */
  readonly segments?: readonly RfmSegmentRule[];
  /** Tie handling for quintiles; default 'split' (see module doc). */
  readonly ties?: TieMode;
  /** Segment name for customers with frequency 0; default "No purchase". */
  readonly noPurchaseSegment?: string;
}

export interface RfmScore {
  readonly customerId: string;
  /** Scores 1–5, or null for customers without purchases. */
  readonly r: number | null;
  readonly f: number | null;
  readonly m: number | null;
  /** ceil((f + m) / 2), or null. */
  readonly fm: number | null;
  /** e.g. "545" (R, F, M), or null. */
  readonly rfm: string | null;
  readonly segment: string;
}

export interface RfmResult {
  /** One entry per input customer, in input order. */
  readonly scores: RfmScore[];
  /** Number of customers per segment, in grid rule order, then the no-purchase segment. */
  readonly segmentCounts: Record<string, number>;
  /** Number of customers that were scored (frequency > 0). */
  readonly scored: number;
}

export const NO_PURCHASE_SEGMENT = 'No purchase';

export const DEFAULT_RFM_SEGMENTS: readonly RfmSegmentRule[] = Object.freeze([
  { name: 'Champions', r: [5, 5], fm: [4, 5] },
  { name: 'Loyal', r: [3, 4], fm: [4, 5] },
  { name: 'Potential loyalist', r: [4, 5], fm: [2, 3] },
  { name: 'New', r: [5, 5], fm: [1, 1] },
  { name: 'Promising', r: [4, 4], fm: [1, 1] },
  { name: 'Need attention', r: [3, 3], fm: [3, 3] },
  { name: 'About to sleep', r: [3, 3], fm: [1, 2] },
  { name: 'At risk', r: [1, 2], fm: [3, 4] },
  { name: "Can't lose", r: [1, 2], fm: [5, 5] },
  { name: 'Hibernating', r: [2, 2], fm: [1, 2] },
  { name: 'Lost', r: [1, 1], fm: [1, 2] },
] as const satisfies readonly RfmSegmentRule[]);

export class RfmConfigError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'RfmConfigError';
  }
}

/** Lookup table: grid[(r - 1) * 5 + (fm - 1)] = segment name. */
export type SegmentGrid = readonly string[];

/**
 * Validates segment rules (also at runtime, for rules coming from YAML/JSON)
 * and returns the 5×5 lookup grid. Throws RfmConfigError listing every
 * problem: malformed rules, uncovered cells and cells covered more than once.
 */
export function buildSegmentGrid(rules: readonly RfmSegmentRule[]): SegmentGrid {
  const problems: string[] = [];
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new RfmConfigError('RFM segment rules: expected a non-empty list of rules', [
      'expected a non-empty list of rules',
    ]);
  }
  const cover: string[][] = Array.from({ length: 25 }, () => []);
  rules.forEach((rule: unknown, idx) => {
    const where = `rule #${idx + 1}`;
    if (typeof rule !== 'object' || rule === null) {
      problems.push(`${where}: expected an object { name, r: [min, max], fm: [min, max] }`);
      return;
    }
    const { name, r, fm } = rule as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '') {
      problems.push(`${where}: "name" must be a non-empty string`);
      return;
    }
    const label = `${where} "${name}"`;
    const rr = checkRange(r, `${label}: r`, problems);
    const ff = checkRange(fm, `${label}: fm`, problems);
    if (!rr || !ff) return;
    for (let ri = rr[0]; ri <= rr[1]; ri++) {
      for (let fi = ff[0]; fi <= ff[1]; fi++) (cover[(ri - 1) * 5 + (fi - 1)] as string[]).push(name);
    }
  });
  if (problems.length === 0) {
    for (let ri = 1; ri <= 5; ri++) {
      for (let fi = 1; fi <= 5; fi++) {
        const names = cover[(ri - 1) * 5 + (fi - 1)] as string[];
        if (names.length === 0) problems.push(`cell (R=${ri}, FM=${fi}) is not covered by any rule`);
        else if (names.length > 1) {
          problems.push(`cell (R=${ri}, FM=${fi}) is covered by ${names.length} rules: ${names.map((s) => `"${s}"`).join(', ')}`);
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new RfmConfigError(`invalid RFM segment rules:\n  - ${problems.join('\n  - ')}`, problems);
  }
  return Object.freeze(cover.map((names) => names[0] as string));
}

function checkRange(v: unknown, what: string, problems: string[]): [number, number] | null {
  if (!Array.isArray(v) || v.length !== 2) {
    problems.push(`${what} must be [min, max]`);
    return null;
  }
  const [lo, hi] = v as unknown[];
  if (!Number.isInteger(lo) || !Number.isInteger(hi)) {
    problems.push(`${what} must contain integers, got [${String(lo)}, ${String(hi)}]`);
    return null;
  }
  const a = lo as number;
  const b = hi as number;
  if (a < 1 || b > 5 || a > b) {
    problems.push(`${what} = [${a}, ${b}] must satisfy 1 ≤ min ≤ max ≤ 5`);
    return null;
  }
  return [a, b];
}

/** Segment for one (R, FM) pair, both integers 1..5. */
export function segmentOf(grid: SegmentGrid, r: number, fm: number): string {
  const name = grid[(r - 1) * 5 + (fm - 1)];
  if (name === undefined || !Number.isInteger(r) || !Number.isInteger(fm)) {
    throw new Error(`segmentOf: scores out of range (R=${r}, FM=${fm})`);
  }
  return name;
}

/** FM score: (F + M) / 2 rounded half up = ceil((F + M) / 2). */
export function fmScore(f: number, m: number): number {
  return Math.ceil((f + m) / 2);
}

/**
 * Quintile scores 1–5 for `values`, higher value → higher score (pass
 * `descending: true` for the opposite, as for recency in days). Ties are
 * broken by `ids` (code-unit order) in 'split' mode or share the mid-rank
 * score in 'shared' mode. See the module doc for the exact rule.
 * Returns scores aligned with the input.
 */
export function quintileScores(
  values: ArrayLike<number>,
  ids: ArrayLike<string>,
  options: { descending?: boolean; ties?: TieMode } = {},
): Uint8Array {
  const n = values.length;
  if (ids.length !== n) throw new Error('quintileScores: values and ids differ in length');
  const sign = options.descending ? -1 : 1;
  const ties = options.ties ?? 'split';
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new Error(`quintileScores: non-finite value ${v} for id "${ids[i]}"`);
    order[i] = i;
  }
  order.sort((x, y) => {
    const d = sign * ((values[x] as number) - (values[y] as number));
    if (d !== 0) return d < 0 ? -1 : 1;
    const ix = ids[x] as string;
    const iy = ids[y] as string;
    return ix < iy ? -1 : ix > iy ? 1 : x - y;
  });
  const scores = new Uint8Array(n);
  if (ties === 'split') {
    for (let r = 0; r < n; r++) scores[order[r] as number] = Math.floor(((2 * r + 1) * 5) / (2 * n)) + 1;
  } else {
    let start = 0;
    while (start < n) {
      const v = values[order[start] as number] as number;
      let end = start;
      while (end + 1 < n && values[order[end + 1] as number] === v) end++;
      // mid-rank (start + end) / 2, scored with the same midpoint rule
      const s = Math.floor(((start + end + 1) * 5) / (2 * n)) + 1;
      for (let r = start; r <= end; r++) scores[order[r] as number] = s;
      start = end + 1;
    }
  }
  return scores;
}

/** Computes R, F, M, FM scores and the named segment for every customer. */
export function computeRfm(customers: readonly RfmCustomer[], options: RfmOptions = {}): RfmResult {
  const grid = buildSegmentGrid(options.segments ?? DEFAULT_RFM_SEGMENTS);
  const noPurchase = options.noPurchaseSegment ?? NO_PURCHASE_SEGMENT;
  const ties = options.ties ?? 'split';

  const seen = new Set<string>();
  const buyers: number[] = [];
  customers.forEach((c, i) => {
    if (typeof c.customerId !== 'string') throw new Error(`computeRfm: customer #${i} has no string customerId`);
    if (seen.has(c.customerId)) throw new Error(`computeRfm: duplicate customerId "${c.customerId}"`);
    seen.add(c.customerId);
    if (!Number.isFinite(c.frequency) || c.frequency < 0) {
      throw new Error(`computeRfm: customer "${c.customerId}": frequency must be a finite number ≥ 0, got ${c.frequency}`);
    }
    if (c.frequency === 0) return;
    if (c.recencyDays === null || !Number.isFinite(c.recencyDays) || c.recencyDays < 0) {
      throw new Error(`computeRfm: customer "${c.customerId}" has purchases but recencyDays is ${c.recencyDays}`);
    }
    if (!Number.isFinite(c.monetary)) {
      throw new Error(`computeRfm: customer "${c.customerId}": monetary must be finite, got ${c.monetary}`);
    }
    buyers.push(i);
  });

  const ids = buyers.map((i) => (customers[i] as RfmCustomer).customerId);
  const rec = buyers.map((i) => (customers[i] as RfmCustomer).recencyDays as number);
  const freq = buyers.map((i) => (customers[i] as RfmCustomer).frequency);
  const mon = buyers.map((i) => (customers[i] as RfmCustomer).monetary);
  const R = quintileScores(rec, ids, { descending: true, ties });
  const F = quintileScores(freq, ids, { ties });
  const M = quintileScores(mon, ids, { ties });

  // Counts keyed in rule order, then the no-purchase segment (stable key order).
  const segmentCounts: Record<string, number> = {};
  for (const rule of options.segments ?? DEFAULT_RFM_SEGMENTS) segmentCounts[rule.name] = 0;
  segmentCounts[noPurchase] = 0;

  const scores: RfmScore[] = customers.map((c) => ({
    customerId: c.customerId,
    r: null,
    f: null,
    m: null,
    fm: null,
    rfm: null,
    segment: noPurchase,
  }));
  buyers.forEach((ci, k) => {
    const r = R[k] as number;
    const f = F[k] as number;
    const m = M[k] as number;
    const fm = fmScore(f, m);
    scores[ci] = { customerId: ids[k] as string, r, f, m, fm, rfm: `${r}${f}${m}`, segment: segmentOf(grid, r, fm) };
  });
  for (const s of scores) segmentCounts[s.segment] = (segmentCounts[s.segment] ?? 0) + 1;
  return { scores, segmentCounts, scored: buyers.length };
}
