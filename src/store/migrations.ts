/**
 * Schema migrations, applied in order at open and recorded in schema_migrations. Append only:
 * an existing database is upgraded by running the migrations it has not seen.
 */
import type Database from 'better-sqlite3';
import { RAW_TABLES_DDL, rawTableName, sqlType } from './raw-tables.js';
import { CANONICAL_FIELDS, SOURCE_KINDS } from '../config/canonical-fields.js';
import { FEATURES_DDL } from '../features/schema.js';
import { SEGMENT_DDL } from '../segment/schema.js';
import { MEASURE_DDL } from '../measure/schema.js';

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
  {
    id: 3,
    name: 'clean',
    sql: `
      CREATE TABLE customers (
        customer_id TEXT PRIMARY KEY,
        display_name TEXT,
        given_name TEXT,
        family_name TEXT,
        name_original TEXT,
        email TEXT,
        phone TEXT,
        birth_date TEXT,
        gender TEXT,
        city TEXT,
        country TEXT,
        consent_email INTEGER,
        consent_sms INTEGER,
        consent_push INTEGER,
        created_at TEXT,
        loyalty_points REAL,
        record_count INTEGER NOT NULL,
        sources TEXT NOT NULL,
        id_only INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE TABLE customer_provenance (
        customer_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT,
        source TEXT,
        source_id TEXT,
        rule TEXT NOT NULL,
        PRIMARY KEY (customer_id, field)
      ) WITHOUT ROWID;
      CREATE TABLE identity_map (
        source TEXT NOT NULL,
        source_id TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        PRIMARY KEY (source, source_id)
      ) WITHOUT ROWID;
      CREATE INDEX identity_map_by_customer ON identity_map(customer_id, source, source_id);
      CREATE TABLE match_pairs (
        left_source TEXT NOT NULL,
        left_id TEXT NOT NULL,
        right_source TEXT NOT NULL,
        right_id TEXT NOT NULL,
        match_weight REAL NOT NULL,
        match_probability REAL NOT NULL,
        linked INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (left_source, left_id, right_source, right_id)
      ) WITHOUT ROWID;
      CREATE TABLE identity_changes (
        run_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        customer_id TEXT,
        previous_customer_id TEXT,
        source TEXT,
        source_id TEXT,
        detail TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE orders (
        source TEXT NOT NULL,
        line INTEGER NOT NULL,
        customer_id TEXT,
        customer_source TEXT,
        customer_ref TEXT,
        order_id TEXT NOT NULL,
        line_no INTEGER,
        sku TEXT,
        product_name TEXT,
        category TEXT,
        channel TEXT,
        coupon_code TEXT,
        status TEXT NOT NULL,
        quantity REAL NOT NULL,
        unit_price REAL NOT NULL,
        currency TEXT NOT NULL,
        fx_rate REAL,
        amount REAL,
        discount REAL,
        ordered_at TEXT NOT NULL,
        order_date TEXT NOT NULL,
        is_return INTEGER NOT NULL,
        is_outlier INTEGER NOT NULL,
        counts_for_revenue INTEGER NOT NULL,
        PRIMARY KEY (source, line)
      ) WITHOUT ROWID;
      CREATE INDEX orders_by_customer ON orders(customer_id, ordered_at, order_id, amount, status);
      CREATE TABLE events (
        source TEXT NOT NULL,
        line INTEGER NOT NULL,
        customer_id TEXT,
        occurred_at TEXT NOT NULL,
        event_type TEXT NOT NULL,
        sku TEXT,
        device TEXT,
        PRIMARY KEY (source, line)
      ) WITHOUT ROWID;
      CREATE INDEX events_by_customer ON events(customer_id, occurred_at, event_type);
      CREATE TABLE data_issues (
        stage TEXT NOT NULL,
        source TEXT NOT NULL,
        line INTEGER NOT NULL,
        code TEXT NOT NULL,
        detail TEXT NOT NULL,
        PRIMARY KEY (stage, source, line, code)
      ) WITHOUT ROWID;
    `,
  },
  { id: 4, name: 'features', sql: FEATURES_DDL },
  { id: 5, name: 'segment', sql: SEGMENT_DDL },
  {
    id: 7,
    name: 'collect byte counts',
    sql: `
      ALTER TABLE source_files ADD COLUMN nul_bytes INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE source_files ADD COLUMN invalid_byte_rows INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    id: 9,
    name: 'attributes',
    // value has no declared type: a number stays a number, a category or date stays text.
    sql: `
      CREATE TABLE raw_attributes (
        source TEXT NOT NULL,
        line INTEGER NOT NULL,
        name TEXT NOT NULL,
        value,
        PRIMARY KEY (source, line, name)
      ) WITHOUT ROWID;
      CREATE TABLE customer_attributes (
        customer_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        value,
        PRIMARY KEY (customer_id, name)
      ) WITHOUT ROWID;
      CREATE TABLE order_attributes (
        source TEXT NOT NULL,
        line INTEGER NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        value,
        PRIMARY KEY (source, line, name)
      ) WITHOUT ROWID;
      CREATE TABLE feature_attributes (
        customer_id TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        value,
        PRIMARY KEY (customer_id, name)
      ) WITHOUT ROWID;
      CREATE INDEX feature_attributes_by_name ON feature_attributes(name, customer_id);
      ALTER TABLE customers ADD COLUMN birth_year INTEGER;
    `,
  },
  { id: 14, name: 'campaign results', sql: MEASURE_DDL },
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

export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));
  const pending = MIGRATIONS.filter((m) => !applied.has(m.id));
  if (pending.length === 0) {
    addMissingRawColumns(db);
    return;
  }
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name) VALUES (?, ?)').run(m.id, m.name);
    }
    addMissingRawColumns(db);
  }).immediate();
}
