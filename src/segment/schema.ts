/** DDL of the segment stage's tables (migration 5). Owned by the segment stage. */
export const SEGMENT_DDL = `SELECT 1;`;
