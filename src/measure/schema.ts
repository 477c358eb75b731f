/**
 * DDL of campaign_results (migration 14): what a campaign or an experiment really added, one row
 * per campaign × segment × arm × metric × (plain | adjusted). Written by `persona measure` from an
 * experiment file; a campaign measured from persona's own assignments and responses fills the
 * same rows (source 'campaign'). See docs/measure.md for every column.
 */
import type { StageSchema } from '../store/migrations.js';

export const MEASURE_DDL = `
CREATE TABLE IF NOT EXISTS campaign_results (
  campaign TEXT NOT NULL,
  source TEXT NOT NULL,
  segment_by TEXT NOT NULL,
  segment TEXT NOT NULL,
  arm TEXT NOT NULL,
  control_arm TEXT NOT NULL,
  metric TEXT NOT NULL,
  role TEXT NOT NULL,
  kind TEXT NOT NULL,
  adjusted INTEGER NOT NULL,
  method TEXT,
  covariate TEXT,
  theta REAL,
  confidence REAL NOT NULL,
  n_arm INTEGER NOT NULL,
  n_control INTEGER NOT NULL,
  value_arm REAL,
  value_control REAL,
  uplift REAL,
  uplift_low REAL,
  uplift_high REAL,
  uplift_rel REAL,
  uplift_rel_low REAL,
  uplift_rel_high REAL,
  p_value REAL,
  incremental REAL,
  incremental_low REAL,
  incremental_high REAL,
  width_saved REAL,
  incremental_cost REAL,
  roi REAL,
  roi_low REAL,
  roi_high REAL,
  cost_per_incremental REAL,
  suppressed INTEGER NOT NULL,
  PRIMARY KEY (campaign, segment_by, segment, arm, metric, adjusted)
) WITHOUT ROWID;
`;

/** Measurement's table (migration 14): written by `persona measure` and, later, the measurement stage. */
export const MEASURE_SCHEMA: StageSchema = { migrations: [{ id: 14, name: 'campaign results', sql: MEASURE_DDL }] };
