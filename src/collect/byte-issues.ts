/**
 * Pure: NUL bytes and bytes that are not valid in the file's encoding, value by value. A NUL is
 * never data (it usually means a UTF-16 file read as UTF-8, or a broken export): it is removed
 * from the value, which is then used. A byte the decoder could not read became U+FFFD: the value
 * is kept as decoded, and both are reported as field issues of the mapped fields they touch.
 */
import type { SourceConfig } from '../config/schema.js';
import type { FieldIssue } from './row-mapper.js';

export const NUL_BYTES = 'nul_bytes';
export const INVALID_BYTES = 'invalid_bytes';

const MAX_ISSUE_VALUE = 200;

/** For each header column, the persona fields (and `customer_source`) read from it. */
export function fieldsByColumn(source: Pick<SourceConfig, 'columns' | 'customer_source' | 'attributes'>, header: readonly string[]): string[][] {
  const names = header.map((h) => h.trim());
  const byColumn: string[][] = names.map(() => []);
  const add = (field: string, column: string): void => {
    const index = names.indexOf(column);
    if (index >= 0) byColumn[index]!.push(field);
  };
  for (const [field, spec] of Object.entries(source.columns)) add(field, typeof spec === 'string' ? spec : spec.column);
  for (const [name, spec] of Object.entries(source.attributes ?? {})) add(`attr.${name}`, spec.column);
  if (typeof source.customer_source === 'object' && source.customer_source.column !== undefined) add('customer_source', source.customer_source.column);
  return byColumn;
}

function countNul(value: string): number {
  let n = 0;
  for (let at = value.indexOf('\u0000'); at !== -1; at = value.indexOf('\u0000', at + 1)) n++;
  return n;
}

export interface ByteFindings {
  /** NUL bytes removed from the record. */
  nulBytes: number;
  /** Whether some value of the record (mapped or not) holds U+FFFD. */
  invalid: boolean;
}

/**
 * Removes the NULs of `record` in place and appends one issue per mapped field whose value had
 * NULs or U+FFFD. `encoding` names the declared encoding in messages.
 */
export function inspectRecord(record: string[], header: readonly string[], fields: readonly (readonly string[])[], encoding: string, issues: FieldIssue[]): ByteFindings {
  const found: ByteFindings = { nulBytes: 0, invalid: false };
  for (let i = 0; i < record.length; i++) {
    let value = record[i]!;
    const nul = value.indexOf('\u0000') === -1 ? 0 : countNul(value);
    const shown = nul > 0 ? value.replaceAll('\u0000', '\\0') : value;
    if (nul > 0) {
      value = value.replaceAll('\u0000', '');
      record[i] = value;
      found.nulBytes += nul;
    }
    const invalid = value.indexOf('\uFFFD') !== -1;
    if (invalid) found.invalid = true;
    if (nul === 0 && !invalid) continue;
    const mapped = fields[i] ?? [];
    if (mapped.length === 0) continue;
    const column = (header[i] ?? '').trim();
    const message = invalid
      ? `bytes that are not valid ${encoding} (shown as \uFFFD)${nul > 0 ? ` and ${nul} NUL byte${nul === 1 ? '' : 's'} (removed)` : ''}; the value is kept as read: check the source's encoding`
      : `${nul} NUL byte${nul === 1 ? '' : 's'} removed from the value`;
    const rawValue = shown.length > MAX_ISSUE_VALUE ? `${shown.slice(0, MAX_ISSUE_VALUE)}…` : shown;
    for (const field of mapped) issues.push({ column, field, code: invalid ? INVALID_BYTES : NUL_BYTES, rawValue, message });
  }
  return found;
}

/**
 * One issue per (line, field), as field_issues is keyed: where the row mapper also found the
 * value unusable, the byte issue (the cause) absorbs the mapper's message.
 */
export function mergeIssues(byteIssues: readonly FieldIssue[], mapperIssues: FieldIssue[]): void {
  for (const issue of byteIssues) {
    const same = mapperIssues.findIndex((other) => other.field === issue.field);
    if (same === -1) mapperIssues.push(issue);
    else mapperIssues[same] = { ...issue, message: `${issue.message}; then: ${mapperIssues[same]!.message}` };
  }
}
