/**
 * FEBRL through the CLI: runs `persona run pipelines/febrl3.yml --to clean` (deduplication of one
 * file) and `pipelines/febrl4.yml` (linkage of two files) on fresh databases, then scores the
 * identity_map pairwise against the truth in the record ids (rec-N-org and rec-N-dup-k with the
 * same N are one person). Unsupervised: the truth is only read here, after clean has run.
 *
 *   npm run build && node dist/bench/identity-febrl-cli.js [febrl3|febrl4 …] [--keep]
 *
 * Prints precision / recall / F1 over all record pairs in one customer (so in FEBRL4 two records
 * of one file in one customer count as a false pair), the candidate pairs compared, and the clean
 * stage's duration from the run ledger.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairwiseFromLabels } from '../src/clean/identity/evaluate.js';

export interface FebrlScore {
  records: number;
  customers: number;
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Candidate pairs the clean stage compared (stage_runs details). */
  comparedPairs: number;
  comparisons: string;
  mode: string;
  /** duration_ms of the clean stage's successful run. */
  cleanMs: number;
  linkTimingsMs: Record<string, number>;
}

/** The person of a FEBRL record id: the N of rec-N-org / rec-N-dup-k. */
export function febrlPerson(recId: string): string {
  const m = /^rec-(\d+)-/.exec(recId);
  if (m === null) throw new Error(`not a FEBRL record id: ${recId}`);
  return m[1]!;
}

/** Scores the identity_map of a database that has run clean on FEBRL sources. */
export function scoreFebrl(dbPath: string): FebrlScore {
  const db = new Database(dbPath, { readonly: true });
  const rows = db.prepare('SELECT source, source_id, customer_id FROM identity_map').all() as { source: string; source_id: string; customer_id: string }[];
  const stage = db
    .prepare(`SELECT duration_ms, details FROM stage_runs WHERE stage = 'clean' AND status = 'success' ORDER BY run_id DESC LIMIT 1`)
    .get() as { duration_ms: number; details: string } | undefined;
  db.close();
  if (stage === undefined) throw new Error(`${dbPath}: clean has not succeeded`);
  const details = JSON.parse(stage.details) as { identity: { candidatePairs: number; comparisons: string; mode: string; timingsMs: Record<string, number> } };

  const pairwise = pairwiseFromLabels(rows.map((r) => ({ cluster: r.customer_id, entity: febrlPerson(r.source_id), source: r.source })));
  return {
    records: rows.length,
    customers: new Set(rows.map((r) => r.customer_id)).size,
    ...pairwise,
    comparedPairs: details.identity.candidatePairs,
    comparisons: details.identity.comparisons,
    mode: details.identity.mode,
    cleanMs: stage.duration_ms,
    linkTimingsMs: Object.fromEntries(Object.entries(details.identity.timingsMs).filter(([k]) => k.startsWith('link'))),
  };
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `persona run PIPELINE --db DB --to clean --force` with the real binary; throws on a non-zero exit. */
export function runToClean(pipeline: string, db: string, repo = REPO): void {
  const result = spawnSync(process.execPath, [join(repo, 'bin', 'persona'), '--log-format', 'json', 'run', pipeline, '--db', db, '--to', 'clean', '--force'], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`persona run ${pipeline} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
}

export function formatScore(label: string, s: FebrlScore): string {
  const timings = Object.entries(s.linkTimingsMs)
    .map(([k, v]) => `${k.replace(/^link_/, '')} ${v}`)
    .join(', ');
  return [
    `${label} (${s.mode}, ${s.comparisons}): records ${s.records} → customers ${s.customers}, compared pairs ${s.comparedPairs}`,
    `  precision ${s.precision.toFixed(4)}  recall ${s.recall.toFixed(4)}  F1 ${s.f1.toFixed(4)}  (TP ${s.truePositives}, predicted ${s.predictedPairs}, true ${s.truePairs})`,
    `  clean ${s.cleanMs} ms (link: ${timings})`,
  ].join('\n');
}

if (process.argv[1]?.endsWith('identity-febrl-cli.js')) {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const names = args.filter((a) => !a.startsWith('--'));
  const dir = mkdtempSync(join(tmpdir(), 'persona-febrl-'));
  for (const name of names.length > 0 ? names : ['febrl3', 'febrl4']) {
    const db = join(dir, `${name}.db`);
    const t0 = performance.now();
    runToClean(join(REPO, 'pipelines', `${name}.yml`), db);
    const wall = Math.round(performance.now() - t0);
    console.log(formatScore(name.toUpperCase(), scoreFebrl(db)));
    console.log(`  whole run (collect + clean, process start to exit) ${wall} ms${keep ? `; database ${db}` : ''}`);
  }
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
