/**
 * Two SQLite helpers for the set-based clean of orders and events.
 */
import type { Db } from '../../store/database.js';

/**
 * Bulk writes into a table that has secondary indexes: the indexes are dropped, the rows
 * written, and the indexes created again from their own stored SQL. A row-by-row index update
 * touches random pages (orders_by_customer is keyed by customer), which is slow once the index
 * outgrows the page cache (3.8 M order lines); CREATE INDEX sorts once instead. The result is
 * the same schema and the same index contents; inside the caller's transaction nothing of this
 * is visible to readers.
 */
export function withIndexesRebuilt<T>(db: Db, table: string, write: () => T): T {
  const indexes = db
    .prepare(`SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`)
    .all(table) as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX main."${index.name.replaceAll('"', '""')}"`);
  let result: T;
  try {
    result = write();
  } catch (error) {
    // Put the schema back before the caller rolls back (a rollback would restore it anyway).
    try {
      for (const index of indexes) db.exec(index.sql);
    } catch {
      // The original error is the one worth reporting.
    }
    throw error;
  }
  for (const index of indexes) db.exec(index.sql);
  return result;
}

/**
 * A subquery giving the distinct `source` values of a raw table whose primary key starts with
 * source: one primary-key seek per source instead of a scan of every line ("skip scan").
 */
export function distinctSourcesSql(table: 'raw_orders' | 'raw_events'): string {
  return `WITH RECURSIVE s(source) AS (
            SELECT min(source) FROM ${table}
            UNION ALL
            SELECT (SELECT min(t.source) FROM ${table} t WHERE t.source > s.source) FROM s WHERE s.source IS NOT NULL
          ) SELECT source FROM s WHERE source IS NOT NULL`;
}
