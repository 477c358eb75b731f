/**
 * Splink's synthetic persons (fake_1000) through the CLI: runs `persona run pipelines/fake-1000.yml
 * --to clean` on fresh databases and scores the identity_map pairwise against the `cluster`
 * column of the data file (never read by the pipeline). Unsupervised: the truth is only read here.
 *
 *   npm run build && node dist/bench/identity-fake-1000.js [--pipeline FILE] [--keep]
 *
 * Prints the result at the pipeline's own settings, then F1 at a sweep of match probabilities
 * (each a full run of clean with `clean.identity.match_probability` set). Splink's published
 * figures on the same data: F1 0.806 at match probability 0.5, 0.862 at its best threshold.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { pairwiseFromLabels } from '../src/clean/identity/evaluate.js';
import { runToClean } from './identity-febrl-cli.js';
import { ROOT } from './child-run.js';

const SWEEP = [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99];

export interface Score {
  records: number;
  customers: number;
  persons: number;
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  comparedPairs: number;
  notes: string[];
}

/** unique_id → cluster, from the data file's header and rows (plain CSV without quotes). */
export function readTruth(csvPath: string): Map<string, string> {
  const lines = readFileSync(csvPath, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',');
  const id = header.indexOf('unique_id');
  const cluster = header.indexOf('cluster');
  if (id < 0 || cluster < 0) throw new Error(`${csvPath}: no unique_id or cluster column`);
  return new Map(lines.slice(1).map((l) => l.split(',')).map((cells) => [cells[id]!, cells[cluster]!]));
}

export function scoreFake1000(dbPath: string, truth: ReadonlyMap<string, string>): Score {
  const db = new Database(dbPath, { readonly: true });
  const rows = db.prepare('SELECT source, source_id, customer_id FROM identity_map ORDER BY source, source_id').all() as { source: string; source_id: string; customer_id: string }[];
  const stage = db.prepare(`SELECT details FROM stage_runs WHERE stage = 'clean' AND status = 'success' ORDER BY run_id DESC LIMIT 1`).get() as { details: string };
  db.close();
  const details = JSON.parse(stage.details) as { identity: { candidatePairs: number }; notes?: string[] };
  const labelled = rows.map((r) => {
    const entity = truth.get(r.source_id);
    if (entity === undefined) throw new Error(`record ${r.source_id} is not in the truth`);
    return { cluster: r.customer_id, entity, source: r.source };
  });
  return {
    records: rows.length,
    customers: new Set(rows.map((r) => r.customer_id)).size,
    persons: new Set(truth.values()).size,
    ...pairwiseFromLabels(labelled),
    comparedPairs: details.identity.candidatePairs,
    notes: details.notes ?? [],
  };
}

/** The pipeline with absolute paths and the given identity settings, written into `dir`. */
function variant(pipelinePath: string, dir: string, name: string, identity: Record<string, unknown>): string {
  const doc = parseYaml(readFileSync(pipelinePath, 'utf8')) as { sources: { path: string }[]; clean?: { identity?: Record<string, unknown> } };
  for (const s of doc.sources) if (!isAbsolute(s.path)) s.path = resolve(dirname(pipelinePath), s.path);
  doc.clean = { ...doc.clean, identity: { ...doc.clean?.identity, ...identity } };
  const out = join(dir, `${name}.yml`);
  writeFileSync(out, stringifyYaml(doc));
  return out;
}

if (process.argv[1]?.endsWith('identity-fake-1000.js')) {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const at = args.indexOf('--pipeline');
  const pipeline = at >= 0 ? resolve(args[at + 1]!) : join(ROOT, 'pipelines', 'fake-1000.yml');
  const doc = parseYaml(readFileSync(pipeline, 'utf8')) as { sources: { path: string }[] };
  const truth = readTruth(resolve(dirname(pipeline), doc.sources[0]!.path));
  const dir = mkdtempSync(join(tmpdir(), 'persona-fake-1000-'));

  const db = join(dir, 'default.db');
  const t0 = performance.now();
  runToClean(pipeline, db);
  const s = scoreFake1000(db, truth);
  console.log(`fake_1000 (${pipeline}), default settings: ${s.records} records -> ${s.customers} customers (${s.persons} persons), ${s.comparedPairs} pairs compared, ${Math.round(performance.now() - t0)} ms`);
  console.log(`  precision ${s.precision.toFixed(4)}  recall ${s.recall.toFixed(4)}  F1 ${s.f1.toFixed(4)}  (TP ${s.truePositives}, predicted ${s.predictedPairs}, true ${s.truePairs})`);
  for (const note of s.notes) console.log(`  note: ${note}`);
  console.log('Splink: F1 0.806 at match probability 0.5, 0.862 at its best threshold\n');
  console.log('match_probability  precision  recall   F1      customers');
  for (const p of SWEEP) {
    const sweepDb = join(dir, `p${p}.db`);
    runToClean(variant(pipeline, dir, `p${p}`, { match_probability: p }), sweepDb);
    const r = scoreFake1000(sweepDb, truth);
    console.log(`${p.toFixed(2).padStart(17)}  ${r.precision.toFixed(4).padStart(9)}  ${r.recall.toFixed(4)}  ${r.f1.toFixed(4)}  ${String(r.customers).padStart(9)}`);
  }
  if (keep) console.log(`\ndatabases in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
