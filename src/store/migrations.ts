/**
 * Schema migrations, applied in order at open and recorded in schema_migrations. Append only:
 * an existing database is upgraded by running the migrations it has not seen.
 */
import type Database from 'better-sqlite3';
import { RAW_TABLES_DDL } from './raw-tables.js';

interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'ledger',
    sql: `
      CREATE TABLE runs (
        run_id INTEGER PRIMARY KEY,
        pipeline_file TEXT NOT NULL,
        pipeline_name TEXT,
        config_hash TEXT NOT NULL,
        as_of TEXT NOT NULL,
        persona_version TEXT NOT NULL,
        command TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','success','failed')),
        pid INTEGER NOT NULL,
        hostname TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT
      );
      CREATE TABLE stage_runs (
        run_id INTEGER NOT NULL REFERENCES runs(run_id),
        stage TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','success','failed','skipped_up_to_date','not_executed')),
        fingerprint TEXT,
        input_hashes TEXT,
        config_hash TEXT,
        as_of TEXT NOT NULL,
        persona_version TEXT NOT NULL,
        rows_in INTEGER,
        rows_out INTEGER,
        rejects INTEGER,
        started_at TEXT,
        finished_at TEXT,
        duration_ms INTEGER,
        error TEXT,
        details TEXT,
        PRIMARY KEY (run_id, stage)
      );
      CREATE INDEX stage_runs_by_stage ON stage_runs(stage, status, run_id);
    `,
  },
  {
    id: 2,
    name: 'collect',
    sql: `
      ${RAW_TABLES_DDL}
      CREATE TABLE rejects (
        source TEXT NOT NULL,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        column_name TEXT,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        raw TEXT,
        PRIMARY KEY (source, line)
      ) WITHOUT ROWID;
      CREATE TABLE field_issues (
        source TEXT NOT NULL,
        line INTEGER NOT NULL,
        column_name TEXT NOT NULL,
        field TEXT NOT NULL,
        code TEXT NOT NULL,
        raw_value TEXT,
        message TEXT NOT NULL,
        PRIMARY KEY (source, line, field)
      ) WITHOUT ROWID;
      CREATE TABLE source_files (
        source TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        encoding TEXT NOT NULL,
        gzip INTEGER NOT NULL,
        rows_read INTEGER NOT NULL,
        rows_loaded INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        field_issues INTEGER NOT NULL,
        empty_lines INTEGER NOT NULL,
        anonymous_rows INTEGER NOT NULL
      );
    `,
  },
];

export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));
  const pending = MIGRATIONS.filter((m) => !applied.has(m.id));
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name) VALUES (?, ?)').run(m.id, m.name);
    }
  }).immediate();
}
