/**
 * Reads a pipeline file (YAML, or JSON, which YAML also reads), validates it and resolves its
 * paths against the file's own folder. Every problem is collected before throwing one
 * ConfigError that names the file, the path inside it, its line, and a fix.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigPath, type ConfigProblem, type Locator } from './errors.js';
import { checkRules } from './rules.js';
import { pipelineSchema, type PipelineFileConfig, type SourceConfig } from './schema.js';
import { zodIssuesToProblems } from './zod-problems.js';
import { hashValue } from '../util/hash.js';
import { fileError } from '../util/environment-errors.js';

export interface ResolvedSource extends SourceConfig {
  /** Absolute path of the data file. */
  readonly absolutePath: string;
}

export interface Pipeline {
  readonly file: string;
  readonly config: PipelineFileConfig;
  readonly asOf: string;
  readonly databasePath: string;
  readonly sources: readonly ResolvedSource[];
}

export interface LoadOptions {
  /** Overrides as_of from the file (the CLI's --as-of). */
  readonly asOf?: string;
  /** Overrides database from the file (the CLI's --db). */
  readonly database?: string;
}

export function loadPipeline(file: string, options: LoadOptions = {}): Pipeline {
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR') throw fileError(error) ?? error; // unreadable: one line naming it
    const reason = code === 'ENOENT' ? 'the file does not exist' : 'it is a folder, not a file';
    throw new ConfigError(file, [{ path: [], message: reason, fix: 'pass the path of a pipeline .yml or .json file' }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return {
        path: [],
        message: `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${e.message.split('\n')[0]}`,
        fix: 'fix the YAML syntax (indentation, quotes, a missing colon)',
      };
    });
    throw new ConfigError(file, problems);
  }
  const locate = locatorFor(doc, lineCounter);
  const raw: unknown = doc.toJS();
  if (options.asOf !== undefined && raw !== null && typeof raw === 'object') (raw as Record<string, unknown>).as_of = options.asOf;
  const parsed = pipelineSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(file, zodIssuesToProblems(parsed.error.issues as z.core.$ZodIssue[], raw), locate);
  const config = parsed.data;
  const ruleProblems: ConfigProblem[] = checkRules(config);
  if (ruleProblems.length > 0) throw new ConfigError(file, ruleProblems, locate);

  const base = dirname(absolute);
  return {
    file: absolute,
    config,
    // '' when a pipeline without orders or events leaves it out: the stages that use it refuse to run (runner.ts).
    asOf: config.as_of ?? '',
    databasePath: resolve(options.database ?? resolve(base, config.database)),
    sources: config.sources.map((s) => ({ ...s, absolutePath: resolve(base, s.path) })),
  };
}

/** Hash of the parts of the configuration a stage depends on. */
export function configHash(part: unknown): string {
  return hashValue(part ?? null);
}

function locatorFor(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter): Locator {
  return (path: ConfigPath) => {
    // Walk up to the deepest part of the path that exists (a missing key points at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
}
