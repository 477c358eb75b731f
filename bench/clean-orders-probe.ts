/**
 * Probe of cleanOrders / cleanEvents on a database that collect has filled:
 *
 *   node dist/bench/clean-orders-probe.js DB [BASE_CURRENCY]
 *
 * Fills identity_map naively (every customer record is its own customer; for order/event refs
 * of a customer source that has no customer rows, each ref is an id-only customer), runs both
 * functions in one write transaction, prints their stats and timings, and commits. Planted
 * outliers of the retail generator (quantity 9999) are checked against the outlier flags.
 */
import Database from 'better-sqlite3';
import { cleanEvents } from '../src/clean/orders/clean-events.js';
import { cleanOrders } from '../src/clean/orders/clean-orders.js';
import { migrate } from '../src/store/migrations.js';
import { PIPELINE_SCHEMA } from '../src/pipeline/registry.js';

const [path, base = 'CNY'] = process.argv.slice(2);
if (path === undefined) {
  console.error('usage: clean-orders-probe DB [BASE_CURRENCY]');
  process.exit(2);
}
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma(`cache_size = -${process.env.CACHE_KIB ?? 65536}`);
migrate(db, PIPELINE_SCHEMA);

function time<T>(label: string, f: () => T): T {
  const t0 = process.hrtime.bigint();
  const result = f();
  console.log(`${label}: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
  return result;
}

db.exec('BEGIN IMMEDIATE');
time('identity_map (naive)', () => {
  db.exec('DELETE FROM identity_map');
  db.exec(`INSERT OR IGNORE INTO identity_map (source, source_id, customer_id)
           SELECT source, source_id, source || ':' || source_id FROM raw_customers`);
  // Id-only customers: refs of a customer source that has no customer file (Online Retail).
  db.exec(`INSERT OR IGNORE INTO identity_map (source, source_id, customer_id)
           SELECT DISTINCT customer_source, customer_ref, customer_source || ':' || customer_ref FROM raw_orders
            WHERE customer_ref IS NOT NULL AND customer_source NOT IN (SELECT DISTINCT source FROM raw_customers)`);
});
let cpu = process.cpuUsage();
let wall = process.hrtime.bigint();
function onStep(step: string): void {
  const c = process.cpuUsage(cpu);
  console.log(`  ${step.padEnd(16)} wall ${(Number(process.hrtime.bigint() - wall) / 1e6).toFixed(0).padStart(6)} ms  cpu ${((c.user + c.system) / 1000).toFixed(0).padStart(6)} ms`);
  cpu = process.cpuUsage();
  wall = process.hrtime.bigint();
}
const orders = time('cleanOrders', () => cleanOrders(db, { baseCurrency: base, onStep }));
const events = time('cleanEvents', () => cleanEvents(db));
time('commit', () => db.exec('COMMIT'));
console.log(JSON.stringify({ orders, events }, null, 2));

const q = (sql: string): unknown[] => db.prepare(sql).all();
console.log('issues by code:', q(`SELECT code, count(*) AS n FROM data_issues WHERE stage = 'clean' GROUP BY code ORDER BY code`));
console.log('quantity-9999 lines:', q(`SELECT count(*) AS lines, sum(is_outlier) AS flagged FROM orders WHERE abs(quantity) = 9999`));
console.log('outliers that are not 9999:', q(`SELECT count(*) AS n FROM orders WHERE is_outlier = 1 AND abs(quantity) <> 9999`));
console.log('largest other |quantity|:', q(`SELECT abs(quantity) AS q, count(*) AS n FROM orders WHERE is_outlier = 0 GROUP BY 1 ORDER BY 1 DESC LIMIT 5`));
console.log('sample issues:', q(`SELECT code, source, line, detail FROM data_issues WHERE stage = 'clean' GROUP BY code ORDER BY code`));
db.close();
