/**
 * Writes a measurement to campaign_results: the campaign's previous rows are replaced in one
 * transaction, so a re-measurement never leaves old and new rows mixed.
 */
import type { Db } from '../store/database.js';
import type { ResultRow } from './experiment.js';

const COLUMNS = [
  'campaign', 'source', 'segment_by', 'segment', 'arm', 'control_arm', 'metric', 'role', 'kind', 'adjusted', 'method', 'covariate', 'theta', 'confidence',
  'n_arm', 'n_control', 'value_arm', 'value_control', 'uplift', 'uplift_low', 'uplift_high', 'uplift_rel', 'uplift_rel_low', 'uplift_rel_high', 'p_value',
  'incremental', 'incremental_low', 'incremental_high', 'width_saved', 'incremental_cost', 'roi', 'roi_low', 'roi_high', 'cost_per_incremental', 'suppressed',
] as const;

export function writeCampaignResults(db: Db, campaign: string, source: string, confidence: number, rows: readonly ResultRow[]): void {
  const insert = db.prepare(`INSERT INTO campaign_results (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
  db.transaction(() => {
    db.prepare('DELETE FROM campaign_results WHERE campaign = ?').run(campaign);
    for (const row of rows) insert.run({ ...row, source, confidence });
  }).immediate();
}
