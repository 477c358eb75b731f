/** DDL of the features stage's tables (migration 4). Owned by the features stage. */
export const FEATURES_DDL = `SELECT 1;`;
