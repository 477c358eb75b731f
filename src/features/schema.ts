/**
 * DDL of the features stage's tables (migration 4). Owned by the features stage; the columns of
 * `features` come from FEATURE_COLUMNS (columns.ts). Every statement is IF NOT EXISTS so the
 * stage can also run it (see ensureFeaturesSchema) on databases whose migration 4 predates it.
 */
import type { StageSchema } from '../store/migrations.js';
import { FEATURE_COLUMNS } from './columns.js';

const featureColumnsDdl = FEATURE_COLUMNS.map(
  (c) => `  ${c.name} ${c.sqlType}${c.name === 'customer_id' ? ' PRIMARY KEY' : ''}${c.notNull ? ' NOT NULL' : ''}`,
).join(',\n');

export const FEATURES_DDL = `
CREATE TABLE IF NOT EXISTS features (
${featureColumnsDdl}
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feature_shares (
  customer_id TEXT NOT NULL,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  share REAL NOT NULL,
  amount REAL NOT NULL,
  PRIMARY KEY (customer_id, dimension, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS customer_tags (
  customer_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  weight REAL NOT NULL,
  PRIMARY KEY (customer_id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS customer_tags_by_tag ON customer_tags(tag, customer_id);
`;

/** The tables the stage writes, in the order they are cleared. */
export const FEATURE_TABLES = ['customer_tags', 'feature_shares', 'features'] as const;

export const FEATURES_SCHEMA: StageSchema = { migrations: [{ id: 4, name: 'features', sql: FEATURES_DDL }] };
