/**
 * DDL of the raw_* tables, generated from the canonical fields so the schema, the validator and
 * the docs cannot drift apart.
 */
import { CANONICAL_FIELDS, hasCustomerRef, type FieldType, type SourceKind, SOURCE_KINDS } from '../config/canonical-fields.js';

export function sqlType(type: FieldType): 'TEXT' | 'REAL' | 'INTEGER' {
  switch (type) {
    case 'number':
      return 'REAL';
    case 'integer':
    case 'year':
    case 'boolean':
      return 'INTEGER';
    default:
      return 'TEXT';
  }
}

export function rawTableName(kind: SourceKind): string {
  return `raw_${kind}`;
}

/** Columns of a raw table after (source, line), in insert order. */
export function rawColumns(kind: SourceKind): string[] {
  const names = CANONICAL_FIELDS[kind].map((f) => f.name);
  return hasCustomerRef(kind) ? ['customer_source', ...names] : names;
}

export function rawTableDdl(kind: SourceKind): string {
  const columns = CANONICAL_FIELDS[kind].map((f) => `  ${f.name} ${sqlType(f.type)}${f.required ? ' NOT NULL' : ''}`);
  const ref = hasCustomerRef(kind) ? ['  customer_source TEXT'] : [];
  return [
    `CREATE TABLE IF NOT EXISTS ${rawTableName(kind)} (`,
    '  source TEXT NOT NULL,',
    '  line INTEGER NOT NULL,',
    [...ref, ...columns].join(',\n') + ',',
    '  PRIMARY KEY (source, line)',
    ') WITHOUT ROWID;',
  ].join('\n');
}

export const RAW_TABLES_DDL = SOURCE_KINDS.map(rawTableDdl).join('\n');
