/**
 * Rows written many at a time: one multi-row INSERT per `rowsPerStatement` rows instead of one
 * statement per row. Each statement call crosses from JavaScript into SQLite once, so golden
 * records (a customer row, a dozen provenance rows, its identity_map rows) cost a fraction of
 * the per-row calls. The caller owns the transaction and must call `flush()` at the end.
 */
import type { Db } from './database.js';

type SqlValue = string | number | bigint | null;

export class BatchInsert {
  readonly #db: Db;
  readonly #head: string;
  readonly #row: string;
  readonly #width: number;
  readonly #rowsPerStatement: number;
  readonly #full: ReturnType<Db['prepare']>;
  readonly #buffer: SqlValue[] = [];
  #written = 0;

  constructor(db: Db, table: string, columns: readonly string[], rowsPerStatement = 200) {
    if (columns.length === 0) throw new Error(`BatchInsert into ${table}: no columns`);
    // SQLite binds at most 32,766 parameters per statement.
    this.#rowsPerStatement = Math.max(1, Math.min(rowsPerStatement, Math.floor(32_766 / columns.length)));
    this.#db = db;
    this.#width = columns.length;
    this.#head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.#row = `(${columns.map(() => '?').join(', ')})`;
    this.#full = db.prepare(this.#sql(this.#rowsPerStatement));
  }

  /** Rows written so far (flushed or not). */
  get rows(): number {
    return this.#written + this.#buffer.length / this.#width;
  }

  add(...values: SqlValue[]): void {
    if (values.length !== this.#width) throw new Error(`BatchInsert: ${values.length} values for ${this.#width} columns`);
    for (const v of values) this.#buffer.push(v);
    if (this.#buffer.length === this.#width * this.#rowsPerStatement) {
      this.#full.run(this.#buffer);
      this.#written += this.#rowsPerStatement;
      this.#buffer.length = 0;
    }
  }

  /** Writes the rows still buffered. */
  flush(): void {
    const rows = this.#buffer.length / this.#width;
    if (rows === 0) return;
    this.#db.prepare(this.#sql(rows)).run(this.#buffer);
    this.#written += rows;
    this.#buffer.length = 0;
  }

  #sql(rows: number): string {
    return this.#head + new Array<string>(rows).fill(this.#row).join(', ');
  }
}
