/**
 * DDL of the segment stage's tables (migration 5). Owned by the segment stage; see
 * docs/segment.md for every column.
 *
 * The stage drops and re-creates these tables on every run (resetSegmentTables), so databases
 * whose migration 5 ran while it was still a stub get them too; hence `IF NOT EXISTS`.
 */
import type { StageSchema } from '../store/migrations.js';

export const SEGMENT_DDL = `
CREATE TABLE IF NOT EXISTS rfm (
  customer_id TEXT PRIMARY KEY,
  recency_days REAL,
  frequency INTEGER NOT NULL,
  monetary REAL NOT NULL,
  r INTEGER,
  f INTEGER,
  m INTEGER,
  fm INTEGER,
  rfm_code TEXT,
  segment TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rfm_by_segment ON rfm(segment, customer_id);

CREATE TABLE IF NOT EXISTS segment_model (
  k INTEGER PRIMARY KEY,
  silhouette REAL NOT NULL,
  stability REAL NOT NULL,
  min_pairwise_ari REAL NOT NULL,
  inertia REAL NOT NULL,
  best_seed INTEGER NOT NULL,
  iterations TEXT NOT NULL,
  chosen INTEGER NOT NULL,
  rule TEXT
);

CREATE TABLE IF NOT EXISTS segment_features (
  position INTEGER PRIMARY KEY,
  feature TEXT NOT NULL UNIQUE,
  method TEXT NOT NULL,
  log1p INTEGER NOT NULL,
  skewness REAL NOT NULL,
  center REAL NOT NULL,
  scale REAL NOT NULL,
  scale_source TEXT NOT NULL,
  weight REAL NOT NULL,
  imputed INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS segment_clusters (
  segment_id INTEGER PRIMARY KEY,
  customers INTEGER NOT NULL,
  share REAL NOT NULL,
  mean_distance REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS segment_centroids (
  segment_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  feature TEXT NOT NULL,
  value_scaled REAL NOT NULL,
  value_original REAL NOT NULL,
  PRIMARY KEY (segment_id, position)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS segments (
  customer_id TEXT PRIMARY KEY,
  segment_id INTEGER,
  distance REAL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS segments_by_segment ON segments(segment_id, customer_id);

CREATE TABLE IF NOT EXISTS clv (
  customer_id TEXT PRIMARY KEY,
  x INTEGER NOT NULL,
  t_x REAL NOT NULL,
  t_cal REAL NOT NULL,
  zbar REAL NOT NULL,
  -- NULL when the forecasts were skipped (the stage's note says why); never negative or
  -- infinite (9e999 is +Infinity in SQLite; NaN is bound as NULL)
  p_alive REAL CHECK (p_alive BETWEEN 0 AND 1),
  expected_purchases_90d REAL CHECK (expected_purchases_90d >= 0 AND expected_purchases_90d < 9e999),
  expected_purchases_365d REAL CHECK (expected_purchases_365d >= 0 AND expected_purchases_365d < 9e999),
  expected_avg_spend REAL CHECK (expected_avg_spend >= 0 AND expected_avg_spend < 9e999),
  clv REAL CHECK (clv >= 0 AND clv < 9e999)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS clv_model (
  model TEXT NOT NULL,
  parameter TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (model, parameter)
) WITHOUT ROWID;
`;

/** Tables the segment stage re-creates on every run. */
export const SEGMENT_TABLES = ['rfm', 'segment_model', 'segment_features', 'segment_clusters', 'segment_centroids', 'segments', 'clv', 'clv_model'] as const;

export const SEGMENT_SCHEMA: StageSchema = { migrations: [{ id: 5, name: 'segment', sql: SEGMENT_DDL }] };
