/**
 * The segment stage's CLV self-check as stored by its last run: the holdout figures of each
 * forecaster checked (clv_model), which one was published, and the mean published P(alive)
 * and expected purchases per RFM segment (does P(alive) rank lost customers below champions?).
 *
 *   npm run build && node bin/persona run pipelines/online-retail.yml
 *   node dist/bench/clv-check.js out/online-retail.db
 */
import Database from 'better-sqlite3';

const [dbPath] = process.argv.slice(2);
if (!dbPath) {
  console.error('usage: node dist/bench/clv-check.js DB');
  process.exit(2);
}
const db = new Database(dbPath, { readonly: true });
const rows = db.prepare('SELECT model, parameter, value FROM clv_model ORDER BY model, parameter').all() as { model: string; parameter: string; value: number }[];
const value = (model: string, parameter: string): number | undefined => rows.find((r) => r.model === model && r.parameter === parameter)?.value;
const notes = db.prepare(`SELECT json_extract(details, '$.notes') FROM stage_runs WHERE stage = 'segment' AND status = 'success' ORDER BY run_id DESC LIMIT 1`).pluck().get() as string | null;

console.log(`clv-check: ${dbPath}`);
console.log(`holdout: H = ${value('holdout', 'days') ?? '-'} days, ${value('holdout', 'customers') ?? '-'} customers at the cut, ${value('holdout', 'actual_purchases') ?? '-'} purchase days made`);
const fmt = (v: number | undefined, digits: number): string => (v === undefined ? '-' : v.toFixed(digits));
console.log('forecaster    used  expected  rel.error     MAE  AUC purch.  AUC P(alive)  passed');
for (const model of [...new Set(rows.filter((r) => r.parameter === 'holdout_passed' || r.parameter === 'used').map((r) => r.model))]) {
  console.log(
    `${model.padEnd(12)}  ${fmt(value(model, 'used'), 0).padStart(4)}  ${fmt(value(model, 'holdout_expected_purchases'), 1).padStart(8)}  ${fmt(value(model, 'holdout_relative_error'), 3).padStart(9)}  ${fmt(value(model, 'holdout_mae'), 3).padStart(6)}  ${fmt(value(model, 'holdout_auc_purchases'), 3).padStart(10)}  ${fmt(value(model, 'holdout_auc_p_alive'), 3).padStart(12)}  ${fmt(value(model, 'holdout_passed'), 0).padStart(6)}`,
  );
}
console.log(`notes: ${notes ?? '[]'}`);
console.log('\nRFM segment          customers  mean p_alive  mean E[purchases 90d]');
const bySegment = db
  .prepare(`SELECT r.segment, count(*) AS n, avg(c.p_alive) AS p, avg(c.expected_purchases_90d) AS e FROM clv c JOIN rfm r USING (customer_id) GROUP BY r.segment ORDER BY avg(c.p_alive), r.segment`)
  .all() as { segment: string; n: number; p: number | null; e: number | null }[];
for (const s of bySegment) console.log(`${s.segment.padEnd(20)} ${String(s.n).padStart(9)}  ${fmt(s.p ?? undefined, 3).padStart(12)}  ${fmt(s.e ?? undefined, 3).padStart(21)}`);
db.close();
