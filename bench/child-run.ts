/**
 * What the stage benchmarks share: generated retail data of any size, and running one stage of the
 * CLI in a child process whose peak RSS and CPU time are its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'persona');
/** Preloaded into the child: prints its peak RSS and CPU time on exit. */
const REPORT_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    'process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write(`\\nBENCH_CHILD maxRSS=${u.maxRSS} cpuMicros=${u.userCPUTime+u.systemCPUTime}\\n`)});',
  );

/** Folder of the generated retail data set of N people (made by scaledPipeline). */
export function scaledDataDir(people: number): string {
  return join(tmpdir(), 'persona-bench', `retail-${people}`);
}

/**
 * Generates (once, cached in /tmp/persona-bench/retail-N) a retail data set of N people with
 * ../shared/tools/make_retail_data.py and returns a copy of `pipeline` pointing at it.
 */
export function scaledPipeline(pipeline: string, people: number): string {
  const dir = scaledDataDir(people);
  if (!existsSync(join(dir, 'orders.csv.gz'))) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating ${people} people into ${dir} (once)…\n`);
    const gen = spawnSync('python3', [join(ROOT, '..', 'shared', 'tools', 'make_retail_data.py'), dir, '--people', String(people)], { stdio: 'inherit' });
    if (gen.status !== 0) throw new Error('data generation failed');
  }
  const yaml = readFileSync(pipeline, 'utf8').replace(/path: \S*\/(\w[\w.-]*\.(?:csv|gz))/g, (_, file: string) => `path: ${join(dir, file)}`);
  const out = join(dir, 'pipeline.yml');
  writeFileSync(out, yaml.replace(/^database: .*$/m, `database: ${join(dir, 'bench.db')}`));
  return out;
}

export interface ChildRun {
  readonly status: number | null;
  readonly stderr: string;
  /** Peak resident memory of the child, in MB (null if it did not report). */
  readonly peakRssMb: number | null;
  /** User + system CPU seconds of the child. */
  readonly cpuSeconds: number | null;
}

/** `persona run PIPELINE --db DB …extra` in a child process, logs as JSON at warn level. */
export function runPersona(pipeline: string, db: string, extra: readonly string[]): ChildRun {
  const child = spawnSync(process.execPath, ['--import', REPORT_HOOK, BIN, 'run', pipeline, '--db', db, ...extra, '--log-format', 'json', '--log-level', 'warn'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const report = /BENCH_CHILD maxRSS=(\d+) cpuMicros=(\d+)/.exec(child.stderr);
  return {
    status: child.status,
    stderr: child.stderr,
    peakRssMb: report ? Number(report[1]) / 1024 : null,
    cpuSeconds: report ? Number(report[2]) / 1e6 : null,
  };
}
