/**
 * The clean stage at scale: wall and CPU time, peak RSS, compared pairs, where the identity time
 * goes, and (when the data set has a truth folder) precision and recall against it.
 *
 *   npm run build && node dist/bench/clean.js [--people N] [--pipeline FILE] [--db FILE]
 *
 *   node dist/bench/clean.js                   # retail-20k from ../shared/data
 *   node dist/bench/clean.js --people 200000   # a generated 200,000-person set (≈ 370,000 customer
 *                                              # records, 3.8 M order lines; generated once into
 *                                              # /tmp/persona-bench/retail-200000)
 *
 * collect runs first when the database does not hold it up to date (not measured); clean then runs
 * with --force in a child process, so its peak RSS is its own.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, runPersona, scaledDataDir, scaledPipeline } from './child-run.js';
import { scoreIdentity } from './identity-retail.js';

interface Args {
  pipeline: string;
  people?: number;
  db?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { pipeline: join(ROOT, 'pipelines', 'retail-20k.yml') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--people') args.people = Number(argv[++i]);
    else if (a === '--pipeline') args.pipeline = resolve(argv[++i]!);
    else if (a === '--db') args.db = resolve(argv[++i]!);
    else {
      process.stderr.write('usage: node dist/bench/clean.js [--people N] [--pipeline FILE] [--db FILE]\n');
      process.exit(2);
    }
  }
  return args;
}

interface IdentityDetails {
  records: number;
  customers: number;
  candidatePairs: number;
  linkedPairs: number;
  guarded?: Record<string, number>;
  timingsMs: Record<string, number>;
}

function fail(what: string, stderr: string): never {
  process.stderr.write(`${what} failed\n${stderr.slice(-3000)}\n`);
  process.exit(1);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const pipeline = args.people ? scaledPipeline(args.pipeline, args.people) : args.pipeline;
  const truth = args.people ? join(scaledDataDir(args.people), 'truth') : join(ROOT, '..', 'shared', 'data', 'retail-20k', 'truth');
  const db = args.db ?? join(mkdtempSync(join(tmpdir(), 'persona-clean-')), 'bench.db');
  process.stdout.write(`pipeline ${pipeline}\ndatabase ${db}\ncores ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

  const collect = runPersona(pipeline, db, ['--to', 'collect']);
  if (collect.status !== 0) fail('collect', collect.stderr);
  const clean = runPersona(pipeline, db, ['--only', 'clean', '--force']);
  if (clean.status !== 0) fail('clean', clean.stderr);

  const sqlite = new Database(db, { readonly: true });
  const run = sqlite.prepare(`SELECT duration_ms, rows_in, details FROM stage_runs WHERE stage = 'clean' AND status = 'success' ORDER BY run_id DESC LIMIT 1`).get() as {
    duration_ms: number;
    rows_in: number;
    details: string;
  };
  sqlite.close();
  const identity = (JSON.parse(run.details) as { identity: IdentityDetails }).identity;
  const seconds = run.duration_ms / 1000;
  const t = identity.timingsMs;
  const s = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(1);

  process.stdout.write(`
clean            ${seconds.toFixed(1)} s wall, ${clean.cpuSeconds?.toFixed(1) ?? '?'} s CPU, peak RSS ${clean.peakRssMb?.toFixed(0) ?? '?'} MB
rows in          ${run.rows_in.toLocaleString('en-US')} (${Math.round(run.rows_in / seconds).toLocaleString('en-US')} rows/s)
records          ${identity.records.toLocaleString('en-US')} customer records -> ${identity.customers.toLocaleString('en-US')} customers
compared pairs   ${identity.candidatePairs.toLocaleString('en-US')} (${(identity.candidatePairs / identity.records).toFixed(2)} per record), linked ${identity.linkedPairs.toLocaleString('en-US')}
guards           ${Object.entries(identity.guarded ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}
identity time    read ${s(t.read)} s, blocking ${s(t.link_blockingMs)} s, compare ${s(t.link_compareMs)} s, train ${s(t.link_trainMs)} s, score ${s(t.link_scoreMs)} s, cluster ${s(t.link_clusterMs)} s, ids ${s(t.stable_ids)} s, golden ${s(t.golden)} s, pairs ${s(t.pairs)} s
`);
  if (existsSync(join(truth, 'identity.csv'))) {
    const score = scoreIdentity(db, truth);
    process.stdout.write(
      `identity         precision ${score.precision.toFixed(4)}  recall ${score.recall.toFixed(4)}  F1 ${score.f1.toFixed(4)}  ` +
        `customers ${score.customers} / persons ${score.persons} (${(((score.customers - score.persons) / score.persons) * 100).toFixed(2)} %)\n`,
    );
  }
}

main();
