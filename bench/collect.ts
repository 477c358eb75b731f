/**
 * Collect throughput against its ceiling, and its peak memory.
 *
 *   npm run build && node dist/bench/collect.js [--runs N] [pipeline.yml ...]
 *
 * For each pipeline (default: pipelines/retail-20k.yml and pipelines/online-retail.yml):
 *  - bare csv-parse: every source file read, gunzipped, decoded and parsed in array mode, one
 *    file after the other on this thread, no validation, no inserts: rows/s is the single-core
 *    ceiling;
 *  - collect: `persona run <pipeline> --only collect --force` in a child process on a temporary
 *    database; rows/s = data rows read (stage_runs.rows_in) / stage_runs.duration_ms from the
 *    ledger, peak RSS = the child's ru_maxrss (all its threads: reader workers and SQLite's page
 *    cache included), reported by a one-line --import hook so no flag is added to the CLI.
 * With --runs N each measurement is repeated and the best rate (and the highest RSS) is kept.
 * The machine's cores and load average are printed: on a shared 2-core box the load moves these
 * numbers more than most code changes do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { loadPipeline, type ResolvedSource } from '../src/config/load.js';
import { openSource } from '../src/collect/open-source-stream.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json)');
    dir = up;
  }
  return dir;
}

const ROOT = repoRoot();
const BIN = join(ROOT, 'bin', 'persona');

interface Args {
  runs: number;
  pipelines: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const pipelines: string[] = [];
  let runs = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--runs') runs = Math.max(1, Number(argv[++i] ?? '1') || 1);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: node dist/bench/collect.js [--runs N] [pipeline.yml ...]\n');
      process.exit(0);
    } else pipelines.push(resolve(arg));
  }
  if (pipelines.length === 0) pipelines.push(join(ROOT, 'pipelines', 'retail-20k.yml'), join(ROOT, 'pipelines', 'online-retail.yml'));
  return { runs, pipelines };
}

const load = (): string => loadavg()[0]!.toFixed(2);

interface BareResult {
  rows: number;
  seconds: number;
  cpuSeconds: number;
}

/** Data rows (header and empty lines excluded) of one file through gunzip + decode + csv-parse. */
async function bareFile(source: ResolvedSource): Promise<number> {
  const opened = await openSource(source.absolutePath, source.encoding);
  let records = 0;
  const parser = parse({
    bom: true,
    delimiter: source.delimiter ?? ',',
    quote: source.quote ?? '"',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
  });
  await new Promise<void>((done, fail) => {
    parser.on('readable', () => {
      let record: string[] | null;
      while ((record = parser.read() as string[] | null) !== null) {
        if (record.length !== 1 || record[0] !== '') records++;
      }
    });
    parser.on('error', fail);
    parser.on('end', done);
    opened.stream.on('error', fail);
    opened.stream.pipe(parser);
  });
  return Math.max(records - 1, 0);
}

async function bare(sources: readonly ResolvedSource[]): Promise<BareResult> {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let rows = 0;
  for (const source of sources) rows += await bareFile(source);
  const cpu = process.cpuUsage(cpu0);
  return { rows, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

interface CollectResult {
  rows: number;
  stageSeconds: number;
  processSeconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
}

/** Printed by the child at exit: its own peak RSS and CPU time (all threads). */
const REPORT_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    'process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write(`\\nBENCH_CHILD maxRSS=${u.maxRSS} cpuMicros=${u.userCPUTime+u.systemCPUTime}\\n`)});',
  );

function collect(pipeline: string): CollectResult {
  const dir = mkdtempSync(join(tmpdir(), 'persona-bench-'));
  const db = join(dir, 'bench.db');
  try {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--import', REPORT_HOOK, BIN, 'run', pipeline, '--db', db, '--force', '--only', 'collect', '--log-format', 'json', '--log-level', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const processSeconds = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`persona run ${pipeline} failed (exit ${child.status}):\n${child.stderr}`);
    const report = /BENCH_CHILD maxRSS=(\d+) cpuMicros=(\d+)/.exec(child.stderr);
    if (report === null) throw new Error(`the child did not report its memory:\n${child.stderr}`);
    const ledger = new Database(db, { readonly: true });
    try {
      const stage = ledger.prepare(`SELECT rows_in, duration_ms FROM stage_runs WHERE stage = 'collect' AND status = 'success' ORDER BY run_id DESC LIMIT 1`).get() as
        | { rows_in: number; duration_ms: number }
        | undefined;
      if (stage === undefined) throw new Error('no successful collect in the ledger');
      return {
        rows: stage.rows_in,
        stageSeconds: stage.duration_ms / 1000,
        processSeconds,
        cpuSeconds: Number(report[2]) / 1e6,
        maxRssMiB: Number(report[1]) / 1024,
      };
    } finally {
      ledger.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = Object.entries(process.env)
    .filter(([k]) => k.startsWith('PERSONA_COLLECT_'))
    .map(([k, v]) => `${k}=${v}`);
  console.log(`collect bench: node ${process.version}, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, best of ${args.runs} run(s)${env.length > 0 ? `, ${env.join(' ')}` : ''}`);
  const rows: string[][] = [];
  for (const file of args.pipelines) {
    const pipeline = loadPipeline(file);
    const name = pipeline.config.name ?? relative(ROOT, file);
    let best: BareResult | undefined;
    let bestCollect: CollectResult | undefined;
    let peak = 0;
    const loads: string[] = [];
    for (let run = 0; run < args.runs; run++) {
      loads.push(load());
      const b = await bare(pipeline.sources);
      if (best === undefined || b.rows / b.seconds > best.rows / best.seconds) best = b;
      loads.push(load());
      const c = collect(file);
      if (bestCollect === undefined || c.rows / c.stageSeconds > bestCollect.rows / bestCollect.stageSeconds) bestCollect = c;
      peak = Math.max(peak, c.maxRssMiB);
      console.log(
        `  ${name} run ${run + 1}: bare ${int(b.rows / b.seconds)} rows/s (${b.seconds.toFixed(2)} s, ${b.cpuSeconds.toFixed(2)} s cpu); ` +
          `collect ${int(c.rows / c.stageSeconds)} rows/s (stage ${c.stageSeconds.toFixed(2)} s, process ${c.processSeconds.toFixed(2)} s, ${c.cpuSeconds.toFixed(2)} s cpu), ` +
          `peak RSS ${c.maxRssMiB.toFixed(0)} MB; load ${loads.slice(-2).join(' → ')}`,
      );
    }
    if (best!.rows !== bestCollect!.rows) console.log(`  warning: ${name}: csv-parse read ${best!.rows} data rows, collect ${bestCollect!.rows}`);
    const bareRate = best!.rows / best!.seconds;
    const collectRate = bestCollect!.rows / bestCollect!.stageSeconds;
    rows.push([name, int(bestCollect!.rows), int(bareRate), int(collectRate), (collectRate / bareRate).toFixed(2), peak.toFixed(0), loads.join(' ')]);
  }
  console.log('');
  console.log(table(['data set', 'rows', 'bare csv-parse rows/s', 'collect rows/s', 'ratio', 'peak RSS MB', 'load (1 min) at each step'], rows));
  console.log('\ntarget: ratio ≥ 0.60 (collect on 2 cores vs csv-parse alone on one), peak RSS < 300 MB');
}

await main();
