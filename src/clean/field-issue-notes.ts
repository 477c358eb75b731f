/**
 * A mapped column whose values mostly failed to parse in collect (every `created` date in a format
 * the mapping does not list) leaves a field NULL on most rows: clean says so at the end of the run,
 * so it is not mistaken for missing data. Each value is in field_issues with its reason.
 */
import type { Db } from '../store/database.js';

/** A column gets a note when more than this share of the source's loaded rows has a field issue on it. */
export const MOSTLY_FAILED_SHARE = 0.5;

export interface FieldIssueCount {
  readonly source: string;
  readonly field: string;
  readonly column: string;
  readonly issues: number;
  readonly rows: number;
  /** The most frequent issue code on the column. */
  readonly code: string;
}

export function mostlyFailedColumns(db: Db): FieldIssueCount[] {
  return db
    .prepare(
      `SELECT f.source AS source, f.field AS field, MIN(f.column_name) AS "column", COUNT(*) AS issues, s.rows_loaded AS rows,
              (SELECT code FROM field_issues g WHERE g.source = f.source AND g.field = f.field GROUP BY code ORDER BY COUNT(*) DESC, code LIMIT 1) AS code
         FROM field_issues f JOIN source_files s ON s.source = f.source
        GROUP BY f.source, f.field
       HAVING COUNT(*) > ? * s.rows_loaded
        ORDER BY f.source, f.field`,
    )
    .all(MOSTLY_FAILED_SHARE) as FieldIssueCount[];
}

export function fieldIssueNote(c: FieldIssueCount): string {
  return `source ${c.source}: ${c.issues} of ${c.rows} values of ${c.field} (column "${c.column}") did not parse (${c.code}), so the field is empty on those rows; check its mapping (formats, values) — field_issues has each value`;
}
