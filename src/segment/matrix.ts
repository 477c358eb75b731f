/**
 * Minimal dense row-major matrix used by the segmentation building blocks.
 *
 * `data[i * cols + j]` is row i, column j. A flat Float64Array keeps the hot
 * loops (scaling, nearest-centroid assignment, silhouette) allocation-free.
 */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Anything the segmentation functions accept as a matrix. */
export type MatrixInput = DenseMatrix | readonly (readonly number[])[];

export function isDenseMatrix(x: MatrixInput): x is DenseMatrix {
  return !Array.isArray(x) && (x as DenseMatrix).data instanceof Float64Array;
}

/**
 * Converts `number[][]` (or an existing DenseMatrix) to a DenseMatrix.
 * A DenseMatrix is returned as is (not copied). Throws on ragged rows,
 * non-finite values, or inconsistent dimensions.
 */
export function toDenseMatrix(input: MatrixInput): DenseMatrix {
  if (isDenseMatrix(input)) {
    const { rows, cols, data } = input;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new Error(`invalid matrix dimensions ${rows}×${cols}`);
    }
    if (data.length !== rows * cols) {
      throw new Error(`matrix data length ${data.length} does not match ${rows}×${cols}`);
    }
    return input;
  }
  const rows = input.length;
  const first = input[0];
  const cols = first === undefined ? 0 : first.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = input[i] as readonly number[];
    if (row.length !== cols) {
      throw new Error(`ragged matrix: row ${i} has ${row.length} columns, expected ${cols}`);
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j] as number;
  }
  return { rows, cols, data };
}

/** Throws if any value is NaN or ±Infinity, naming the first offending cell. */
export function assertFinite(m: DenseMatrix, what = 'matrix'): void {
  const { data, cols } = m;
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p] as number)) {
      const i = Math.floor(p / cols);
      throw new Error(`${what}: non-finite value ${data[p]} at row ${i}, column ${p - i * cols}`);
    }
  }
}

/** Copies rows out as plain arrays (used for ml-kmeans, which wants number[][]). */
export function toRows(m: DenseMatrix, indices?: ArrayLike<number>): number[][] {
  const { cols, data } = m;
  const n = indices ? indices.length : m.rows;
  const out: number[][] = new Array(n);
  for (let t = 0; t < n; t++) {
    const i = indices ? (indices[t] as number) : t;
    const row = new Array<number>(cols);
    const base = i * cols;
    for (let j = 0; j < cols; j++) row[j] = data[base + j] as number;
    out[t] = row;
  }
  return out;
}
