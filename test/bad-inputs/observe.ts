/**
 * What a run of the real binary did to a case's database, gathered into one plain object so a case
 * can pin it: exit code, whether a stack trace leaked, integrity, stage statuses, what each stage
 * wrote, rejects and field issues with their line and column, data issues and notes.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { CliResult } from '../helpers/cli.js';

export interface Located {
  readonly source: string;
  readonly line: number;
  readonly column: string | null;
  readonly code: string;
}

export interface Observed {
  readonly exit: number;
  readonly output: string;
  readonly stackTrace: boolean;
  /** 'ok', the integrity_check's first problem, or null when no database file exists. */
  readonly integrity: string | null;
  readonly stages: Record<string, string>;
  /** Tables written by a stage that did not succeed (must be empty: a failed stage leaves nothing). */
  readonly partialOutput: readonly string[];
  readonly loaded: Record<string, number>;
  /** rows_read − rows_loaded − rows_rejected per source: a row neither kept nor rejected was lost. */
  readonly unaccounted: Record<string, number>;
  readonly rejects: readonly Located[];
  readonly fieldIssues: readonly Located[];
  readonly dataIssues: Record<string, number>;
  readonly notes: readonly string[];
}

/** Which tables each stage writes (a failed stage must leave all of them as they were: empty here). */
const STAGE_TABLES: Record<string, readonly string[]> = {
  collect: ['raw_customers', 'raw_orders', 'raw_events', 'raw_fx_rates', 'rejects', 'field_issues', 'source_files'],
  clean: ['customers', 'identity_map', 'customer_provenance', 'match_pairs', 'orders', 'events'],
  features: ['features', 'feature_shares', 'customer_tags'],
  segment: ['rfm', 'clusters', 'clv', 'clv_model'],
};

/** A V8 stack frame ("    at fn (file:1:2)") or a serialised one in a JSON log line. */
const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$|"stack":"/m;

export function observe(result: CliResult, dbPath: string): Observed {
  const output = `${result.stdout}\n${result.stderr}`;
  const base = { exit: result.status, output, stackTrace: STACK.test(output) };
  if (!existsSync(dbPath)) {
    return { ...base, integrity: null, stages: {}, partialOutput: [], loaded: {}, unaccounted: {}, rejects: [], fieldIssues: [], dataIssues: {}, notes: [] };
  }
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch {
    return { ...base, integrity: 'cannot open', stages: {}, partialOutput: [], loaded: {}, unaccounted: {}, rejects: [], fieldIssues: [], dataIssues: {}, notes: [] };
  }
  try {
    return observeDatabase(db, base);
  } catch (error) {
    // Not a database, or a damaged one: there is nothing more to observe (the run's message is pinned).
    return { ...base, integrity: `cannot read: ${(error as Error).message}`, stages: {}, partialOutput: [], loaded: {}, unaccounted: {}, rejects: [], fieldIssues: [], dataIssues: {}, notes: [] };
  } finally {
    db.close();
  }
}

function observeDatabase(db: Database.Database, base: Pick<Observed, 'exit' | 'output' | 'stackTrace'>): Observed {
  {
    const tableNames = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]));
    if (!tableNames.has('stage_runs')) {
      return { ...base, integrity: integrity(db), stages: {}, partialOutput: [], loaded: {}, unaccounted: {}, rejects: [], fieldIssues: [], dataIssues: {}, notes: [] };
    }
    const last = db.prepare('SELECT max(run_id) FROM runs').pluck().get() as number | null;
    const stageRows = db.prepare('SELECT stage, status, details FROM stage_runs WHERE run_id = ? ORDER BY stage').all(last) as { stage: string; status: string; details: string | null }[];
    const stages = Object.fromEntries(stageRows.map((r) => [r.stage, r.status]));
    const succeeded = new Set(db.prepare(`SELECT DISTINCT stage FROM stage_runs WHERE status = 'success'`).pluck().all() as string[]);
    const partialOutput: string[] = [];
    for (const [stage, tables] of Object.entries(STAGE_TABLES)) {
      if (succeeded.has(stage)) continue;
      for (const table of tables) {
        if (tableNames.has(table) && (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) > 0) partialOutput.push(`${stage}:${table}`);
      }
    }
    const files = tableNames.has('source_files')
      ? (db.prepare('SELECT source, rows_read, rows_loaded, rows_rejected FROM source_files ORDER BY source').all() as { source: string; rows_read: number; rows_loaded: number; rows_rejected: number }[])
      : [];
    const located = (table: string): Located[] =>
      tableNames.has(table) ? (db.prepare(`SELECT source, line, column_name AS "column", code FROM ${table} ORDER BY source, line, code`).all() as Located[]) : [];
    const dataIssues: Record<string, number> = {};
    if (tableNames.has('data_issues')) {
      for (const row of db.prepare('SELECT code, count(*) AS n FROM data_issues GROUP BY code ORDER BY code').all() as { code: string; n: number }[]) dataIssues[row.code] = row.n;
    }
    const notes = stageRows.flatMap((r) => {
      const details = r.details === null ? null : (JSON.parse(r.details) as { notes?: string[] } | null);
      return (details?.notes ?? []).map((n) => `${r.stage}: ${n}`);
    });
    return {
      ...base,
      integrity: integrity(db),
      stages,
      partialOutput,
      loaded: Object.fromEntries(files.map((f) => [f.source, f.rows_loaded])),
      unaccounted: Object.fromEntries(files.map((f) => [f.source, f.rows_read - f.rows_loaded - f.rows_rejected])),
      rejects: located('rejects'),
      fieldIssues: located('field_issues'),
      dataIssues,
      notes,
    };
  }
}

function integrity(db: Database.Database): string {
  return db.prepare('PRAGMA integrity_check').pluck().get() as string;
}
