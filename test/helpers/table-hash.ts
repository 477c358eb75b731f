/** A content hash of every data table (ledger excluded), independent of physical row order. */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

// persona_changes is a history keyed by run_id like the ledger: a second run adds its rows.
const LEDGER = new Set(['runs', 'stage_runs', 'schema_migrations', 'persona_changes']);

export function tableHashes(dbPath: string): Record<string, string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => !LEDGER.has(t));
    const out: Record<string, string> = {};
    for (const table of tables) {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      const hash = createHash('sha256');
      let rows = 0;
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`).raw().iterate()) {
        hash.update(JSON.stringify(row));
        hash.update('\n');
        rows++;
      }
      out[table] = `${rows}:${hash.digest('hex').slice(0, 16)}`;
    }
    return out;
  } finally {
    db.close();
  }
}
