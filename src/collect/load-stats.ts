/** What collect counts for each source (stored in source_files and logged). */
export interface SourceLoadStats {
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  fieldIssues: number;
  anonymousRows: number;
  emptyLines: number;
  gzip: boolean;
  /** NUL bytes removed from values (and header names). */
  nulBytes: number;
  /** Data rows with a value holding bytes that are not valid in the declared encoding. */
  invalidByteRows: number;
  /** Data rows with NULs or invalid bytes (the rows the "most rows" encoding check counts). */
  rowsWithBadBytes: number;
  /** Lines the CSV reader could not read, by reject code (unclosed_quote, unreadable_csv, record_too_long). */
  badLines: Record<string, number>;
}

export function emptyLoadStats(): SourceLoadStats {
  return { rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, fieldIssues: 0, anonymousRows: 0, emptyLines: 0, gzip: false, nulBytes: 0, invalidByteRows: 0, rowsWithBadBytes: 0, badLines: {} };
}
