/**
 * The per-customer repeat-purchase summary every buy-till-you-die model is fitted on, and its
 * compression to distinct rows. Likelihoods depend on a customer only through (x, t_x, T), and
 * real cohorts repeat those triples a lot (CDNOW's 2,357 customers have 1,016 distinct ones;
 * everyone with x = 0 and the same T is one row), so fits loop over distinct rows with weights.
 */

/**
 * x: repeat purchases (purchase occasions after the first) in the calibration period;
 * t_x: time of the last purchase, measured from the first; T: time from the first purchase to
 * the end of calibration. t_x and T share one time unit (weeks for CDNOW) — every rate
 * parameter fitted from them (α in BG/NBD) is in that unit too.
 */
export interface RfmSummary {
  x: number;
  t_x: number;
  T: number;
}

/** Distinct (x, t_x, T) rows with their multiplicities, plus indexes into the distinct values
 * of each column so that a likelihood can take logs once per distinct value, not per row. */
export interface AggregatedRfm {
  rows: number;
  customers: number;
  weight: Float64Array;
  x: Float64Array;
  /** Index into distinctX / distinctTx / distinctT for each row. */
  xIndex: Int32Array;
  txIndex: Int32Array;
  TIndex: Int32Array;
  distinctX: Float64Array;
  distinctTx: Float64Array;
  distinctT: Float64Array;
}

/** Throws a RangeError naming the first customer whose summary is impossible. */
export function validateRfm(row: RfmSummary, index = 0): void {
  const { x, t_x, T } = row;
  const ok =
    Number.isInteger(x) && x >= 0 && Number.isFinite(t_x) && Number.isFinite(T) && t_x >= 0 && T >= t_x && T >= 0;
  if (!ok) {
    throw new RangeError(
      `customer ${index}: need integer x >= 0 and 0 <= t_x <= T, got x=${x}, t_x=${t_x}, T=${T}`,
    );
  }
}

/** Dense indexes of a column's distinct values, in order of first appearance. */
function indexColumn(values: Float64Array): { index: Int32Array; distinct: Float64Array } {
  const slot = new Map<number, number>();
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let k = slot.get(v);
    if (k === undefined) slot.set(v, (k = slot.size));
    index[i] = k;
  }
  return { index, distinct: Float64Array.from(slot.keys()) };
}

/**
 * Distinct rows by sorting one packed key per customer, (xIndex · nTx + txIndex) · nT + TIndex,
 * a native Float64Array sort (far cheaper than a Map over 200k composite keys). The key is an
 * exact integer while nX · nTx · nT < 2^53, which holds for any real summary in days or weeks.
 */
export function aggregateRfm(summary: readonly RfmSummary[]): AggregatedRfm {
  const n = summary.length;
  const xs = new Float64Array(n);
  const txs = new Float64Array(n);
  const Ts = new Float64Array(n);
  summary.forEach((row, i) => {
    validateRfm(row, i);
    xs[i] = row.x;
    txs[i] = row.x === 0 ? 0 : row.t_x; // x = 0 carries no recency; t_x is 0 by convention
    Ts[i] = row.T;
  });
  const X = indexColumn(xs);
  const TX = indexColumn(txs);
  const TT = indexColumn(Ts);
  const nTx = TX.distinct.length;
  const nT = TT.distinct.length;
  if (X.distinct.length * nTx * nT >= Number.MAX_SAFE_INTEGER) {
    throw new RangeError('too many distinct (x, t_x, T) combinations to pack into one key');
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (X.index[i]! * nTx + TX.index[i]!) * nT + TT.index[i]!;
  keys.sort();
  const weight: number[] = [];
  const unique: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && keys[i] === keys[i - 1]) weight[weight.length - 1]! += 1;
    else {
      unique.push(keys[i]!);
      weight.push(1);
    }
  }
  const rows = unique.length;
  const xIndex = new Int32Array(rows);
  const txIndex = new Int32Array(rows);
  const TIndex = new Int32Array(rows);
  unique.forEach((key, j) => {
    TIndex[j] = key % nT;
    const rest = (key - TIndex[j]!) / nT;
    txIndex[j] = rest % nTx;
    xIndex[j] = (rest - txIndex[j]!) / nTx;
  });
  return {
    rows,
    customers: n,
    weight: Float64Array.from(weight),
    x: Float64Array.from(xIndex, (k) => X.distinct[k]!),
    xIndex,
    txIndex,
    TIndex,
    distinctX: X.distinct,
    distinctTx: TX.distinct,
    distinctT: TT.distinct,
  };
}
