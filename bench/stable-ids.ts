/**
 * Stable customer ids across runs, as the clean issue asks: run clean without 1 % of the customer
 * records, then again with them (1 % more records arrive), and count how many existing ids survive.
 *
 *   npm run build && node dist/bench/stable-ids.js [PIPELINE.yml]     # default pipelines/retail-20k.yml
 *
 * The held-back records are 1 % of all customer records, taken as every k-th data row of the first
 * customers source (the CRM export of the retail sets; its BOM and line ends are kept). Prints:
 * - records: source records of the first run whose customer id is the same after the second;
 * - customers: ids of the first run that still name a customer holding most of the same records;
 * - identity_changes of the second run, by kind.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, runPersona } from './child-run.js';
import { loadPipeline } from '../src/config/load.js';

/** Share of all customer records held back in the first run. */
const HOLD_BACK_SHARE = 0.01;

type Assignment = Map<string, string>; // "source|source_id" → customer id

function assignment(dbPath: string): Assignment {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT source, source_id, customer_id FROM identity_map ORDER BY source, source_id').raw().all() as [string, string, string][];
    return new Map(rows.map(([s, id, c]) => [`${s}|${id}`, c]));
  } finally {
    db.close();
  }
}

/** Data rows of a CSV file, gzipped or not, in any encoding that keeps the newline byte (UTF-8, GBK). */
function dataRows(path: string): number {
  let bytes = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  let lines = 0;
  for (const b of bytes) if (b === 0x0a) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) lines++;
  return lines - 1;
}

/** Copies the pipeline's files into a scratch folder: the copied pipeline, its customer files in order. */
function scratchPipeline(pipelinePath: string): { pipeline: string; customerFiles: string[] } {
  const config = loadPipeline(pipelinePath);
  const dir = mkdtempSync(join(tmpdir(), 'persona-stable-ids-'));
  const copies = new Map<string, string>();
  for (const source of config.sources) {
    const to = join(dir, `${source.name}-${basename(source.absolutePath)}`);
    cpSync(source.absolutePath, to);
    copies.set(source.name, to);
  }
  let yaml = readFileSync(pipelinePath, 'utf8');
  for (const source of config.sources) {
    const from = `path: ${source.path}`;
    if (!yaml.includes(from)) throw new Error(`${pipelinePath}: cannot find "${from}" to point it at the copy (write paths unquoted)`);
    yaml = yaml.replace(from, `path: ${copies.get(source.name)}`);
  }
  const first = config.sources.find((s) => s.kind === 'customers');
  // The held-back rows are cut out of the first customers file as text.
  if (first === undefined || first.encoding.toLowerCase() !== 'utf-8' || readFileSync(first.absolutePath).subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))) {
    throw new Error(`${pipelinePath}: the first customers source must be a plain UTF-8 CSV file (it is where the records are held back)`);
  }
  const pipeline = join(dir, 'pipeline.yml');
  writeFileSync(pipeline, yaml.replace(/^database: .*$/m, `database: ${join(dir, 'bench.db')}`));
  return { pipeline, customerFiles: config.sources.filter((s) => s.kind === 'customers').map((s) => copies.get(s.name)!) };
}

const pipelinePath = resolve(process.argv[2] ?? join(ROOT, 'pipelines', 'retail-20k.yml'));
const { pipeline, customerFiles } = scratchPipeline(pipelinePath);
const firstCustomers = customerFiles[0]!;
const totalRecords = customerFiles.reduce((sum, f) => sum + dataRows(f), 0);
const full = readFileSync(firstCustomers);
const text = full.toString('utf8');
const newline = text.includes('\r\n') ? '\r\n' : '\n';
const lines = text.split(newline);
const every = Math.max(1, Math.floor(dataRows(firstCustomers) / (HOLD_BACK_SHARE * totalRecords)));
const held = (i: number) => i > 0 && i % every === 0 && lines[i] !== '';
const heldBack = lines.filter((_, i) => held(i)).length;
writeFileSync(firstCustomers, lines.filter((_, i) => !held(i)).join(newline));

const db = join(dirname(pipeline), 'bench.db');
const first = runPersona(pipeline, db, ['--to', 'clean']);
if (first.status !== 0) throw new Error(`first run failed:\n${first.stderr}`);
const before = assignment(db);

writeFileSync(firstCustomers, full);
const second = runPersona(pipeline, db, ['--to', 'clean']);
if (second.status !== 0) throw new Error(`second run failed:\n${second.stderr}`);
const after = assignment(db);

let kept = 0;
for (const [key, id] of before) if (after.get(key) === id) kept++;

// A customer id survives when it still names a customer that holds most of its first-run records.
const membersBefore = new Map<string, string[]>();
for (const [key, id] of before) membersBefore.set(id, [...(membersBefore.get(id) ?? []), key]);
let customersKept = 0;
for (const [id, keys] of membersBefore) {
  const stayed = keys.filter((k) => after.get(k) === id).length;
  if (stayed * 2 > keys.length) customersKept++;
}

const sqlite = new Database(db, { readonly: true });
const changes = sqlite
  .prepare(`SELECT kind, count(*) AS n FROM identity_changes WHERE run_id = (SELECT max(run_id) FROM identity_changes) GROUP BY kind ORDER BY kind`)
  .all() as { kind: string; n: number }[];
sqlite.close();

const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(2)} %`;
console.log(`pipeline ${pipelinePath}`);
console.log(`held back, then added: ${heldBack} rows of ${basename(firstCustomers)} (${pct(heldBack, totalRecords)} of ${totalRecords} customer records)`);
console.log(`records:   ${kept} of ${before.size} keep their customer id (${pct(kept, before.size)})`);
console.log(`customers: ${customersKept} of ${membersBefore.size} ids still name most of their records (${pct(customersKept, membersBefore.size)})`);
console.log(`identity_changes of the second run: ${changes.map((c) => `${c.kind} ${c.n}`).join(', ') || 'none'}`);
rmSync(dirname(pipeline), { recursive: true, force: true }); // the copies of the data and the database
