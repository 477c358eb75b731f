/**
 * The collect stage's tables: raw_* (one per source kind, from the canonical fields), rejects,
 * field_issues and source_files (migrations 2 and 7). The store runs them (src/store/migrations.ts)
 * when the pipeline opens its database (src/pipeline/registry.ts). See docs/pipeline.md.
 */
import type Database from 'better-sqlite3';
import type { Migration, StageSchema } from '../store/migrations.js';
import { CANONICAL_FIELDS, SOURCE_KINDS } from '../config/canonical-fields.js';
import { RAW_TABLES_DDL, rawTableName, sqlType } from './raw-tables.js';

const MIGRATIONS: readonly Migration[] = [
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
  {
    id: 7,
    name: 'collect byte counts',
    sql: `
      ALTER TABLE source_files ADD COLUMN nul_bytes INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE source_files ADD COLUMN invalid_byte_rows INTEGER NOT NULL DEFAULT 0;
    `,
  },
];

/**
 * raw_* tables follow the canonical fields: a field added in a later persona version is added
 * as a nullable column to an existing database, so old databases keep working.
 */
function addMissingRawColumns(db: Database.Database): void {
  for (const kind of SOURCE_KINDS) {
    const table = rawTableName(kind);
    const present = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    for (const field of CANONICAL_FIELDS[kind]) {
      if (!present.has(field.name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${field.name} ${sqlType(field.type)}`);
    }
  }
}

export const COLLECT_SCHEMA: StageSchema = { migrations: MIGRATIONS, reconcile: addMissingRawColumns };
