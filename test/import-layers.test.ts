/**
 * Imports run one way between the folders of src/: cli → pipeline → stages → the stage contract
 * → store, config, normalize, util. A stage may use an earlier stage (segment reads what features
 * declares) but never a later one, and nothing below the stages knows a stage or the command line.
 * It keeps new stages (personas, campaigns) from tangling with the ones they build on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { STAGE_ORDER } from '../src/pipeline/stage.js';
import { REPO } from './helpers/cli.js';

const SRC = join(REPO, 'src');

/**
 * What the stages implement and call, so it sits below them though it lives in src/pipeline/
 * beside the runner: it imports only from the foundation.
 */
const STAGE_CONTRACT = new Set(['pipeline/stage.ts', 'pipeline/progress.ts']);

/** Below the stages, in order: each may import only those after it. */
const FOUNDATION = ['store', 'config', 'normalize', 'util', 'version.ts'];

/** Imports that break the order on purpose; each one must still exist (no stale entries). */
const EXCEPTIONS: readonly { readonly from: string; readonly to: string; readonly reason: string }[] = [
  {
    from: 'segment/segment-cdnow-pipeline.test.ts',
    to: 'pipeline/runner.ts',
    reason: 'checks the segment stage end to end: runs collect → segment on CDNOW through the runner',
  },
  {
    from: 'util/environment-errors.test.ts',
    to: 'cli/exit-codes.ts',
    reason: 'checks that each explained environment fault ends in the exit code the README promises',
  },
];

/** The unit a file belongs to: its top folder under src/, the stage contract, or a file at the root. */
function unitOf(file: string): string {
  if (STAGE_CONTRACT.has(file)) return 'stage contract';
  return file.split('/')[0]!;
}

/** measure: today a command (persona measure), the measurement stage after campaigns once it runs in the pipeline. */
const STAGES: readonly string[] = [...STAGE_ORDER, 'measure'];

function rank(unit: string): number {
  if (unit === 'cli') return 0;
  if (unit === 'pipeline') return 1;
  if (STAGES.includes(unit)) return 2;
  if (unit === 'stage contract') return 3;
  const f = FOUNDATION.indexOf(unit);
  if (f >= 0) return 4 + f;
  throw new Error(`src/${unit} is in no layer: add it to the stages (src/pipeline/stage.ts) or to FOUNDATION in test/import-layers.test.ts`);
}

function allowed(from: string, to: string): boolean {
  if (from === to) return true;
  if (STAGES.includes(from) && STAGES.includes(to)) return STAGES.indexOf(to) < STAGES.indexOf(from);
  return rank(to) > rank(from);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every relative import of a file under src/, as paths relative to src/ (".js" read as ".ts"). */
function importsOf(path: string): Edge[] {
  const from = relative(SRC, path).split(sep).join('/');
  return ts
    .preProcessFile(readFileSync(path, 'utf8'), true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(path), name.replace(/\.js$/, '.ts')))
    .filter((target) => target.startsWith(SRC + sep))
    .map((target) => ({ from, to: relative(SRC, target).split(sep).join('/') }));
}

const EDGES = sourceFiles(SRC).sort().flatMap(importsOf);
const isException = (e: Edge): boolean => EXCEPTIONS.some((x) => x.from === e.from && x.to === e.to);

describe('imports between the folders of src/', () => {
  it('finds the imports (the parser sees them)', () => {
    expect(EDGES.length).toBeGreaterThan(500);
    expect(EDGES).toContainEqual({ from: 'pipeline/registry.ts', to: 'segment/segment-stage.ts' });
  });

  it('run cli → pipeline → stages (an earlier stage only) → stage contract → store, config, normalize, util', () => {
    const wrong = EDGES.filter((e) => !isException(e) && !allowed(unitOf(e.from), unitOf(e.to))).map((e) => `src/${e.from} imports src/${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('lists only exceptions that are still needed', () => {
    for (const x of EXCEPTIONS) {
      expect(EDGES, `${x.from} → ${x.to}`).toContainEqual({ from: x.from, to: x.to });
      expect(allowed(unitOf(x.from), unitOf(x.to)), `${x.from} → ${x.to} is allowed now: remove the exception`).toBe(false);
    }
  });

  it('has no cycle between folders outside tests (the stage contract counted apart from the runner)', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of EDGES) {
      if (e.from.endsWith('.test.ts')) continue;
      const [a, b] = [unitOf(e.from), unitOf(e.to)];
      if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    }
    const cycles: string[] = [];
    const walk = (node: string, path: readonly string[]): void => {
      for (const next of graph.get(node) ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(' → '));
        else if (!path.includes(next) && next > path[0]!) walk(next, [...path, next]);
      }
    };
    for (const start of [...graph.keys()].sort()) walk(start, [start]);
    expect(cycles).toEqual([]);
  });
});
