/**
 * The segment stage's CLV forecast against what happened after as_of: the purchase days each
 * customer of `clv` made in the holdout (as_of, holdout end], the sum of the model's expected
 * purchases over the same span, and the AUC of "buys again in the holdout".
 *
 *   npm run build && node bin/persona run pipelines/cdnow.yml --db /tmp/cdnow.db
 *   node dist/bench/clv-holdout.js /tmp/cdnow.db [HOLDOUT_END]
 *
 * as_of is the one of the last successful segment run; the holdout ends at HOLDOUT_END
 * (YYYY-MM-DD), by default the last order_date in `orders` (CDNOW: 1998-06-30, 39 weeks).
 * Purchase days are counted exactly as the stage counts them (readPurchaseDays). The expected
 * purchases use the purchase model of clv_model (bg_nbd or mbg_nbd) with each customer's
 * x, t_x and t_cal from `clv`.
 * CDNOW with the published BG/NBD: 1,882 actual purchase days, ≈ 1,653 expected, AUC ≈ 0.77.
 */
import Database from 'better-sqlite3';
import { auc } from '../src/segment/clv/auc.js';
import { conditionalExpectedPurchases, type BgNbdParams } from '../src/segment/clv/bg-nbd.js';
import { dayNumber } from '../src/segment/clv/customer-summary.js';
import { mbgNbdConditionalExpectedPurchases } from '../src/segment/clv/mbg-nbd.js';
import { readPurchaseDays } from '../src/segment/segment-store.js';

const [dbPath, endArg] = process.argv.slice(2);
if (!dbPath) {
  console.error('usage: node dist/bench/clv-holdout.js DB [HOLDOUT_END]');
  process.exit(2);
}
const db = new Database(dbPath, { readonly: true });
const run = db
  .prepare(`SELECT run_id, as_of FROM stage_runs WHERE stage = 'segment' AND status = 'success' ORDER BY run_id DESC LIMIT 1`)
  .get() as { run_id: number; as_of: string } | undefined;
if (!run) throw new Error(`${dbPath}: the segment stage has never succeeded`);
const asOf = run.as_of;
const holdoutEnd = endArg ?? (db.prepare('SELECT max(order_date) FROM orders').pluck().get() as string);
const weeks = (dayNumber(holdoutEnd) - dayNumber(asOf)) / 7;

const modelRows = db.prepare(`SELECT model, parameter, value FROM clv_model WHERE model IN ('bg_nbd', 'mbg_nbd')`).all() as { model: string; parameter: string; value: number }[];
const modelName = modelRows[0]?.model;
if (!modelName) throw new Error(`${dbPath}: clv_model has no purchase model`);
const param = (name: string): number => {
  const row = modelRows.find((r) => r.parameter === name);
  if (!row) throw new Error(`clv_model has no ${modelName}.${name}`);
  return row.value;
};
const params: BgNbdParams = { r: param('r'), alpha: param('alpha'), a: param('a'), b: param('b') };
const expectedOf = modelName === 'bg_nbd' ? conditionalExpectedPurchases : mbgNbdConditionalExpectedPurchases;

const holdoutDays = new Map<string, number>();
for (const d of readPurchaseDays(db, holdoutEnd, asOf)) holdoutDays.set(d.customerId, (holdoutDays.get(d.customerId) ?? 0) + 1);

const customers = db.prepare('SELECT customer_id, x, t_x, t_cal FROM clv ORDER BY customer_id').all() as { customer_id: string; x: number; t_x: number; t_cal: number }[];
const expected = customers.map((c) => expectedOf(params, weeks, c.x, c.t_x, c.t_cal));
const actual = customers.map((c) => holdoutDays.get(c.customer_id) ?? 0);
const sum = (v: number[]): number => v.reduce((s, e) => s + e, 0);
const outsideCohort = [...holdoutDays.entries()].filter(([id]) => !customers.some((c) => c.customer_id === id)).length;

console.log(`clv-holdout: ${dbPath} (segment run ${run.run_id})`);
console.log(`model ${modelName}: r=${params.r.toFixed(4)} α=${params.alpha.toFixed(4)} a=${params.a.toFixed(4)} b=${params.b.toFixed(4)} LL=${param('log_likelihood').toFixed(2)} on ${param('customers')} customers`);
console.log(`calibration to ${asOf}; holdout ${asOf} < day <= ${holdoutEnd}: ${weeks.toFixed(2)} weeks`);
console.log(`holdout purchase days: actual ${sum(actual)}, expected ${sum(expected).toFixed(1)} (${customers.length} customers${outsideCohort ? `; ${outsideCohort} buyers of the holdout had no purchase by as_of and are not counted` : ''})`);
console.log(`AUC of expected purchases for "buys again in the holdout": ${auc(expected, actual.map((n) => n > 0)).toFixed(4)}`);
db.close();
