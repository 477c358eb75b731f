/**
 * Coverage of measure's 95 % intervals over simulator seeds, with and without CUPED.
 *
 *   npm run build && node bin/persona run pipelines/retail-20k.yml --db /tmp/r20k.db --to features
 *   node dist/bench/measure-simulator.js /tmp/r20k.db ../shared/data/retail-20k /tmp/measure-sim [SEEDS]
 *
 * For each seed s = 1..SEEDS (default 20):
 * - every customer of the database is assigned to treatment or holdout, 50/50, by a salted hash
 *   of its customer id (salt s), and exported as one row (campaign, group, source, source_id:
 *   the customer's first source record) — what a campaign export will give the simulator;
 * - ../shared/tools/simulate_responses.py runs with --seed s and writes responses and the truth;
 * - responses are joined back to customers by source + source_id, and measured with
 *   ExperimentAccumulator: conversion (0/1) and revenue per head, plain and CUPED-adjusted by
 *   the customer's spend in the 365 days before the campaign start (orders counted for revenue);
 * - each interval is checked against the truth's expected uplift for that exact assignment.
 * The seed varies both the assignment and the simulated responses.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sha256 } from '../src/util/hash.js';
import { ExperimentAccumulator, type ResultRow } from '../src/measure/experiment.js';

const [dbPath, dataDir, outDir, seedsArg] = process.argv.slice(2);
if (!dbPath || !dataDir || !outDir) {
  console.error('usage: node dist/bench/measure-simulator.js DB DATA_DIR OUT_DIR [SEEDS]');
  process.exit(2);
}
const SEEDS = Number(seedsArg ?? 20);
const START = '2026-01-05';
const PRE_FROM = '2025-01-05';
const SIMULATOR = join(dataDir, '..', '..', 'tools', 'simulate_responses.py');
mkdirSync(outDir, { recursive: true });

const db = new Database(dbPath, { readonly: true });
const customers = db
  .prepare('SELECT customer_id, MIN(source) AS source FROM identity_map GROUP BY customer_id ORDER BY customer_id')
  .all() as { customer_id: string; source: string }[];
const firstRecord = db.prepare('SELECT source, source_id FROM identity_map WHERE customer_id = ? ORDER BY source, source_id LIMIT 1');
const record = new Map<string, { source: string; source_id: string }>();
for (const c of customers) record.set(c.customer_id, firstRecord.get(c.customer_id) as { source: string; source_id: string });
const customerOf = new Map<string, string>();
for (const [customer, r] of record) customerOf.set(`${r.source}\u0000${r.source_id}`, customer);
const preSpend = new Map<string, number>();
for (const row of db
  .prepare('SELECT customer_id, SUM(amount) AS spend FROM orders WHERE customer_id IS NOT NULL AND counts_for_revenue = 1 AND order_date >= ? AND order_date < ? GROUP BY customer_id ORDER BY customer_id')
  .all(PRE_FROM, START) as { customer_id: string; spend: number }[])
  preSpend.set(row.customer_id, row.spend);
db.close();

interface Truth {
  unmatched_rows: number;
  campaigns: Record<string, { treatment_n: number; holdout_n: number; expected_uplift_abs: number; expected_revenue_per_head_treatment: number; expected_revenue_per_head_holdout: number }>;
}

const lines: string[] = [];
const tally = { conv: [0, 0], rev: [0, 0] };
const widths = { conv: [0, 0], rev: [0, 0] };
const covers = (r: ResultRow, truth: number) => r.uplift_low! <= truth && truth <= r.uplift_high!;
for (let seed = 1; seed <= SEEDS; seed++) {
  const assignment = new Map<string, string>();
  const rows = ['campaign,group,source,source_id'];
  for (const { customer_id } of customers) {
    const group = parseInt(sha256(`spring-${seed}:${customer_id}`).slice(0, 8), 16) / 2 ** 32 < 0.5 ? 'treatment' : 'holdout';
    assignment.set(customer_id, group);
    const r = record.get(customer_id)!;
    rows.push(`spring,${group},${r.source},${r.source_id}`);
  }
  const assignPath = join(outDir, `assignments-${seed}.csv`);
  const outPath = join(outDir, `responses-${seed}.csv`);
  writeFileSync(assignPath, rows.join('\n') + '\n');
  execFileSync('python3', [SIMULATOR, dataDir, assignPath, outPath, '--seed', String(seed), '--start', START], { stdio: ['ignore', 'ignore', 'inherit'] });
  const truth = (JSON.parse(readFileSync(outPath.replace(/\.csv$/, '.truth.json'), 'utf8')) as Truth).campaigns['spring']!;

  const converted = new Map<string, number>();
  const revenue = new Map<string, number>();
  const [header, ...responseLines] = readFileSync(outPath, 'utf8').trim().split(/\r?\n/);
  const cols = header!.split(',');
  const at = (name: string) => cols.indexOf(name);
  for (const line of responseLines) {
    const f = line.split(',');
    const customer = customerOf.get(`${f[at('source')]}\u0000${f[at('source_id')]}`);
    if (customer === undefined) throw new Error(`response for an unknown record: ${line}`);
    converted.set(customer, 1);
    revenue.set(customer, (revenue.get(customer) ?? 0) + Number(f[at('revenue_cny')]));
  }
  const acc = new ExperimentAccumulator({
    campaign: 'spring',
    control: 'holdout',
    metrics: [
      { name: 'converted', role: 'conversion' },
      { name: 'revenue', role: 'value' },
    ],
    covariate: 'spend_365d',
  });
  for (const [customer, group] of assignment) acc.add(group, null, [converted.get(customer) ?? 0, revenue.get(customer) ?? 0], preSpend.get(customer) ?? 0);
  const results = acc.results();
  const pick = (metric: string, adjusted: number) => results.find((r) => r.metric === metric && r.adjusted === adjusted)!;
  const trueRevenue = truth.expected_revenue_per_head_treatment - truth.expected_revenue_per_head_holdout;
  const cells: string[] = [String(seed), `${truth.treatment_n}/${truth.holdout_n}`];
  for (const [metric, key, t] of [['converted', 'conv', truth.expected_uplift_abs], ['revenue', 'rev', trueRevenue]] as const) {
    for (const adjusted of [0, 1]) {
      const r = pick(metric, adjusted);
      const ok = covers(r, t);
      tally[key][adjusted]! += ok ? 1 : 0;
      widths[key][adjusted]! += r.uplift_high! - r.uplift_low!;
      const digits = metric === 'converted' ? 4 : 2;
      cells.push(`${t.toFixed(digits)} ${r.uplift!.toFixed(digits)} [${r.uplift_low!.toFixed(digits)}, ${r.uplift_high!.toFixed(digits)}] ${ok ? 'covers' : 'MISSES'}`);
    }
  }
  lines.push(cells.join(' | '));
  console.log(lines[lines.length - 1]);
}
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
console.log(`\nseed | treatment/holdout people (truth) | conversion: truth, plain estimate [95 %] | conversion: CUPED | revenue/head: plain | revenue/head: CUPED`);
console.log(`customers: ${customers.length}; covariate: spend ${PRE_FROM}..${START} (customers with any: ${preSpend.size})`);
console.log(`conversion uplift: plain covers ${tally.conv[0]}/${SEEDS}, mean width ${(widths.conv[0]! / SEEDS).toFixed(5)}; CUPED covers ${tally.conv[1]}/${SEEDS}, mean width ${(widths.conv[1]! / SEEDS).toFixed(5)} (${pct(1 - widths.conv[1]! / widths.conv[0]!)} narrower)`);
console.log(`revenue per head uplift: plain covers ${tally.rev[0]}/${SEEDS}, mean width ${(widths.rev[0]! / SEEDS).toFixed(3)}; CUPED covers ${tally.rev[1]}/${SEEDS}, mean width ${(widths.rev[1]! / SEEDS).toFixed(3)} (${pct(1 - widths.rev[1]! / widths.rev[0]!)} narrower)`);
