/**
 * DDL of the personas stage's tables (migration 12). Owned by the personas stage; see
 * docs/personas.md for every column. The stage replaces the profile tables on every run;
 * persona_changes keeps its history (one set of rows per run) and persona_members is what the
 * next run matches against (continuity).
 */
import type { StageSchema } from '../store/migrations.js';

export const PERSONAS_DDL = `
CREATE TABLE IF NOT EXISTS personas (
  grouping TEXT NOT NULL,
  persona_id TEXT NOT NULL,
  group_key TEXT NOT NULL,
  name TEXT NOT NULL,
  customers INTEGER NOT NULL,
  share REAL,
  revenue REAL,
  revenue_share REAL,
  clv REAL,
  clv_share REAL,
  description TEXT,
  approach_channel TEXT,
  approach_offer TEXT,
  approach_timing TEXT,
  suppressed INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (grouping, persona_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persona_traits (
  grouping TEXT NOT NULL,
  persona_id TEXT NOT NULL,
  feature TEXT NOT NULL,
  value TEXT NOT NULL,
  kind TEXT NOT NULL,
  rank INTEGER,
  members INTEGER NOT NULL,
  in_mean REAL,
  in_median REAL,
  rest_mean REAL,
  rest_median REAL,
  in_share REAL,
  rest_share REAL,
  effect REAL,
  lift REAL,
  statistic REAL,
  suppressed INTEGER NOT NULL,
  PRIMARY KEY (grouping, persona_id, feature, value)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persona_mixes (
  grouping TEXT NOT NULL,
  persona_id TEXT NOT NULL,
  mix TEXT NOT NULL,
  value TEXT NOT NULL,
  customers INTEGER NOT NULL,
  share REAL,
  suppressed INTEGER NOT NULL,
  PRIMARY KEY (grouping, persona_id, mix, value)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persona_quantiles (
  grouping TEXT NOT NULL,
  persona_id TEXT NOT NULL,
  measure TEXT NOT NULL,
  q REAL NOT NULL,
  value REAL,
  suppressed INTEGER NOT NULL,
  PRIMARY KEY (grouping, persona_id, measure, q)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persona_reach (
  grouping TEXT NOT NULL,
  persona_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  customers INTEGER,
  share REAL,
  suppressed INTEGER NOT NULL,
  PRIMARY KEY (grouping, persona_id, channel)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persona_members (
  persona_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  PRIMARY KEY (persona_id, customer_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persona_changes (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  persona_id TEXT,
  name TEXT,
  previous_persona_id TEXT,
  previous_name TEXT,
  overlap REAL,
  members INTEGER,
  detail TEXT,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persona_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Tables the stage replaces on every run (persona_changes is appended to). */
export const PERSONA_TABLES = ['personas', 'persona_traits', 'persona_mixes', 'persona_quantiles', 'persona_reach', 'persona_members', 'persona_settings'] as const;

/** The personas stage's tables (migration 12). */
export const PERSONAS_SCHEMA: StageSchema = { migrations: [{ id: 12, name: 'personas', sql: PERSONAS_DDL }] };
