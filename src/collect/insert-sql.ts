/**
 * Pure: the SQL collect writes loaded rows with. Columns that hold the same value in every row of
 * a source are literals in the statement, so a row binds only what varies.
 */
import type { SourceConfig } from '../config/schema.js';
import { rawColumns, rawTableName } from './raw-tables.js';
import type { ColumnSource } from './row-mapper.js';
import type { StoredValue } from './value-parsers.js';

/** A constant as an SQL literal (text, number or NULL). */
export function sqlLiteral(value: StoredValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as an SQL literal`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The INSERT of `rows` rows of a source: the source name and the columns that are the same for
 * every row are literals, so each row binds just its line and its per-row values, in the order
 * SourceBatch chunks hold them.
 */
export function insertRowsSql(source: Pick<SourceConfig, 'name' | 'kind'>, layout: readonly ColumnSource[], rows: number): string {
  const columns = rawColumns(source.kind);
  if (columns.length !== layout.length) throw new Error(`row layout of ${source.name} has ${layout.length} columns, raw_${source.kind} ${columns.length}`);
  const one = `(${[sqlLiteral(source.name), '?', ...layout.map((column) => (column.perRow ? '?' : sqlLiteral(column.value)))].join(', ')})`;
  return `INSERT INTO ${rawTableName(source.kind)} (source, line, ${columns.join(', ')}) VALUES ${new Array<string>(rows).fill(one).join(', ')}`;
}
