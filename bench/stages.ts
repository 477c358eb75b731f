/**
 * Time and peak memory of each stage of a pipeline, each stage in its own child process so its
 * peak RSS is its own.
 *
 *   npm run build && node dist/bench/stages.js PIPELINE.yml [--people N] [--db FILE] [--stages collect,clean,…]
 *
 * With --people N the pipeline's retail data is generated first (once, cached in
 * /tmp/persona-bench/retail-N) with ../shared/tools/make_retail_data.py, and a copy of the
 * pipeline pointing at it is written beside it: `node dist/bench/stages.js pipelines/retail-20k.yml
 * --people 200000` is the 200,000-person run of the issues (≈ 370,000 customer records, 3.8 M order
 * lines). Prints a table: stage, wall seconds (from the ledger), CPU seconds, peak RSS, rows in/out.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { runPersona, scaledPipeline } from './child-run.js';

interface Args {
  pipeline: string;
  people?: number;
  db?: string;
  stages?: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--people') args.people = Number(argv[++i]);
    else if (a === '--db') args.db = resolve(argv[++i]!);
    else if (a === '--stages') args.stages = argv[++i]!.split(',');
    else args.pipeline = resolve(a);
  }
  if (!args.pipeline) {
    process.stderr.write('usage: node dist/bench/stages.js PIPELINE.yml [--people N] [--db FILE] [--stages a,b]\n');
    process.exit(2);
  }
  return args as Args;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const pipeline = args.people ? scaledPipeline(args.pipeline, args.people) : args.pipeline;
  const db = args.db ?? join(mkdtempSync(join(tmpdir(), 'persona-stages-')), 'bench.db');
  const stages = args.stages ?? ['collect', 'clean', 'features', 'segment'];
  process.stdout.write(`pipeline ${pipeline}\ndatabase ${db}\ncores ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n\n`);
  const rows: string[][] = [];
  for (const stage of stages) {
    const child = runPersona(pipeline, db, ['--only', stage, '--force']);
    if (child.status !== 0) {
      process.stdout.write(`${stage}: exit ${child.status}\n${child.stderr.slice(-3000)}\n`);
      break;
    }
    const sqlite = new Database(db, { readonly: true });
    const run = sqlite.prepare(`SELECT duration_ms, rows_in, rows_out, details FROM stage_runs WHERE stage = ? AND status = 'success' ORDER BY run_id DESC LIMIT 1`).get(stage) as {
      duration_ms: number;
      rows_in: number;
      rows_out: number;
    };
    sqlite.close();
    rows.push([
      stage,
      (run.duration_ms / 1000).toFixed(1),
      child.cpuSeconds?.toFixed(1) ?? '?',
      child.peakRssMb?.toFixed(0) ?? '?',
      String(run.rows_in),
      String(run.rows_out),
    ]);
  }
  const header = ['stage', 'wall s', 'cpu s (process)', 'peak RSS MB', 'rows in', 'rows out'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
}

main();
