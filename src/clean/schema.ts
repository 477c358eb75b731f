/**
 * The clean stage's tables: customers and their provenance, identity_map, match_pairs,
 * identity_changes, orders, events and data_issues (migration 3), and the typed attributes
 * (migration 9). The store runs them (src/store/migrations.ts) when the pipeline opens its
 * database (src/pipeline/registry.ts). See docs/clean.md for the columns.
 *
 * Migration 9 came with the attribute columns of every stage at once: raw_attributes is written by
 * collect and feature_attributes by features, the rest by clean. It stays one migration (a
 * released id and name never change); it alters customers (migration 3), and the store runs
 * migrations in id order, so it always runs after that one.
 */
import type { Migration, StageSchema } from '../store/migrations.js';

const MIGRATIONS: readonly Migration[] = [
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
];

export const CLEAN_SCHEMA: StageSchema = { migrations: MIGRATIONS };
