/** What collect counts for each source (stored in source_files and logged). */
export interface SourceLoadStats {
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  fieldIssues: number;
  anonymousRows: number;
  emptyLines: number;
  gzip: boolean;
}
