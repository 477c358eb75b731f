/**
 * SQL shared by the two halves of the orders clean (order-rules.ts and clean-orders.ts): the
 * expressions over raw_orders, built from the columns the table has, and the temp tables that
 * hold the rules while lines are written.
 */
import type { Db } from '../../store/database.js';

/** The scratch tables of the orders clean, in the connection's temp schema. */
const TEMP_TABLES = ['co_candidate', 'co_dup', 'co_excl_rule', 'co_excl', 'co_class', 'co_class_issue', 'co_fx', 'co_qty', 'co_flag', 'co_price_out'] as const;

/** SQL fragments over `raw_orders r`, built from the columns the table actually has. */
export interface RawOrdersSql {
  /** Every column but (source, line): what two lines must share to be exact duplicates. */
  readonly columns: readonly string[];
  /** The unit price of rule 3 (NULL when the line has none). */
  readonly unitPrice: string;
  /** quantity × unit price in the line currency, or the signed line_amount. */
  readonly lineTotal: string;
  /** The line is not a duplicate. */
  readonly notDuplicate: string;
  /** The line is neither a duplicate nor excluded by exclude_skus: it goes to orders (given a price). */
  readonly kept: string;
  readonly statusKey: string;
  readonly sign: string;
}

/** `excluding`: some source has exclude_skus (else `kept` spares every line a look-up in co_excl). */
export function rawOrdersSql(db: Db, excluding = false): RawOrdersSql {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info('raw_orders') ORDER BY cid`).pluck().all() as string[]).filter(
    (c) => c !== 'source' && c !== 'line',
  );
  // A database collected before line_amount existed has no such column: read it as empty.
  const lineAmount = columns.includes('line_amount') ? 'r.line_amount' : 'NULL';
  const notDuplicate = 'NOT EXISTS (SELECT 1 FROM temp.co_dup d WHERE d.source = r.source AND d.line = r.line)';
  const signedLineAmount = `(CASE WHEN r.quantity < 0 THEN -abs(${lineAmount}) ELSE ${lineAmount} END)`;
  return {
    columns,
    // q > 0: line_amount / q (a negative amount stays negative); q < 0: |line_amount| / |q|.
    unitPrice: `coalesce(r.unit_price, (CASE WHEN r.quantity < 0 THEN abs(${lineAmount}) ELSE ${lineAmount} END) / nullif(abs(r.quantity), 0))`,
    lineTotal: `(CASE WHEN r.unit_price IS NOT NULL THEN r.quantity * r.unit_price ELSE ${signedLineAmount} END)`,
    notDuplicate,
    kept: excluding ? `${notDuplicate} AND NOT EXISTS (SELECT 1 FROM temp.co_excl e WHERE e.source = r.source AND e.line = r.line)` : notDuplicate,
    statusKey: "coalesce(r.status, '')",
    sign: '((r.quantity > 0) - (r.quantity < 0))',
  };
}

export function dropTempTables(db: Db): void {
  for (const t of TEMP_TABLES) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}

export function createTempTables(db: Db): void {
  db.exec(`
    CREATE TEMP TABLE co_candidate (source TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (source, line)) WITHOUT ROWID;
    CREATE TEMP TABLE co_dup (source TEXT NOT NULL, line INTEGER NOT NULL, first_line INTEGER NOT NULL, PRIMARY KEY (source, line)) WITHOUT ROWID;
    CREATE TEMP TABLE co_excl_rule (rule_id INTEGER PRIMARY KEY, source TEXT NOT NULL, sku TEXT, pattern TEXT, reason TEXT NOT NULL);
    CREATE TEMP TABLE co_excl (source TEXT NOT NULL, line INTEGER NOT NULL, rule_id INTEGER NOT NULL, PRIMARY KEY (source, line)) WITHOUT ROWID;
    CREATE TEMP TABLE co_class (
      status_key TEXT NOT NULL, sign INTEGER NOT NULL,
      status TEXT NOT NULL, is_return INTEGER NOT NULL, counts_for_revenue INTEGER NOT NULL,
      PRIMARY KEY (status_key, sign)) WITHOUT ROWID;
    CREATE TEMP TABLE co_class_issue (
      status_key TEXT NOT NULL, sign INTEGER NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL,
      PRIMARY KEY (status_key, sign, code)) WITHOUT ROWID;
    CREATE TEMP TABLE co_fx (currency TEXT NOT NULL, order_date TEXT NOT NULL, rate REAL, problem TEXT, PRIMARY KEY (currency, order_date)) WITHOUT ROWID;
    CREATE TEMP TABLE co_qty (source TEXT PRIMARY KEY, limit_value REAL NOT NULL, limit_text TEXT NOT NULL) WITHOUT ROWID;
    CREATE TEMP TABLE co_price_out (
      source TEXT NOT NULL, line INTEGER NOT NULL, unit_base REAL NOT NULL, median REAL NOT NULL, lines INTEGER NOT NULL, sku TEXT NOT NULL,
      PRIMARY KEY (source, line)) WITHOUT ROWID;
  `);
}

/** A number as people write it: 9999, 12.5, 0.3333. */
export function fmt(x: number): string {
  return String(Math.round(x * 10_000) / 10_000);
}
