/**
 * Schema migrations, applied at open and recorded in schema_migrations. Append only: an existing
 * database is upgraded by running the migrations it has not seen.
 *
 * The store owns only its ledger (migration 1). Every stage owns its tables and contributes their
 * migrations as a StageSchema (src/<stage>/schema.ts); the pipeline lists them in stage order
 * (src/pipeline/registry.ts) and openDatabase hands them to migrate. Migration ids are global:
 * each change reserves the next free one, so a migration's id is higher than that of every
 * migration it builds on (whichever stage owns it), and migrate runs them all in id order.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** What a stage contributes to the database. */
export interface StageSchema {
  readonly migrations: readonly Migration[];
  /**
   * Brings the stage's tables in line with the code at every writable open, after the
   * migrations (e.g. columns added to the raw tables since the database was made). Idempotent.
   */
  readonly reconcile?: (db: Database.Database) => void;
}

const LEDGER: readonly Migration[] = [
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
];

/** The store's own migrations and the stages', in id order; two migrations with one id are a bug. */
export function migrationsInOrder(stages: readonly StageSchema[]): Migration[] {
  const all = [...LEDGER, ...stages.flatMap((s) => s.migrations)].sort((a, b) => a.id - b.id);
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.id === all[i - 1]!.id) throw new Error(`migrations "${all[i - 1]!.name}" and "${all[i]!.name}" both have id ${all[i]!.id}`);
  }
  return all;
}

export function migrate(db: Database.Database, stages: readonly StageSchema[]): void {
  const migrations = migrationsInOrder(stages);
  const reconcile = (): void => {
    for (const stage of stages) stage.reconcile?.(db);
  };
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));
  const pending = migrations.filter((m) => !applied.has(m.id));
  if (pending.length === 0) {
    reconcile();
    return;
  }
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name) VALUES (?, ?)').run(m.id, m.name);
    }
    reconcile();
  }).immediate();
}
