import { existsSync } from 'node:fs';
import { loadPipeline, type Pipeline } from '../../config/load.js';
import { openDatabase } from '../../store/database.js';
import { databaseError } from '../../util/environment-errors.js';
import { Ledger, reportedIssues, type StageRunRow } from '../../store/ledger.js';
import { STAGES } from '../../pipeline/registry.js';
import { planStage } from '../../pipeline/runner.js';
import { UsageError } from '../../util/errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../format-table.js';
import { formatDuration } from '../../util/format-duration.js';
import { numberNotes, statusWithMark } from '../stage-notes.js';

export interface StatusFlags {
  db?: string;
  json: boolean;
}

interface StageStatusLine {
  stage: string;
  last_status: string;
  run_id: number | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  rows_in: number | null;
  rows_out: number | null;
  rejects: number | null;
  field_issues: number | null;
  data_issues: number | null;
  /** The stage's notes in its last run (a step skipped and why, a fallback): see the run summary. */
  notes: string[];
  as_of: string | null;
  up_to_date: boolean | null;
  error: string | null;
}

export async function statusCommand(file: string | undefined, flags: StatusFlags): Promise<number> {
  if (file === undefined && flags.db === undefined) throw new UsageError('status needs a pipeline file or --db <file>');
  let pipeline: Pipeline | undefined = file === undefined ? undefined : loadPipeline(file, { database: flags.db });
  const dbPath = pipeline?.databasePath ?? flags.db!;
  if (!existsSync(dbPath)) throw new UsageError(`${dbPath}: no such database (has the pipeline run yet?)`);
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const ledger = new Ledger(db);
    if (pipeline === undefined) {
      // The ledger remembers which pipeline file wrote this database: use it to judge freshness.
      const last = db.prepare('SELECT pipeline_file, as_of FROM runs ORDER BY run_id DESC LIMIT 1').get() as { pipeline_file: string; as_of: string } | undefined;
      if (last && existsSync(last.pipeline_file)) {
        try {
          pipeline = loadPipeline(last.pipeline_file, { database: dbPath, asOf: last.as_of });
        } catch {
          pipeline = undefined;
        }
      }
    }
    const lines: StageStatusLine[] = [];
    let upstream: string | null = null;
    for (const stage of STAGES) {
      const attempt: StageRunRow | undefined = ledger.lastAttempt(stage.name);
      const success = ledger.lastSuccess(stage.name);
      let upToDate: boolean | null = null;
      if (pipeline && existsAll(pipeline)) {
        const plan = await planStage(stage, pipeline, upstream);
        upToDate = success?.fingerprint === plan.fingerprint;
        upstream = plan.fingerprint;
      }
      const issues = reportedIssues(attempt?.details ?? null);
      lines.push({
        stage: stage.name,
        last_status: attempt?.status ?? 'never run',
        run_id: attempt?.run_id ?? null,
        started_at: attempt?.started_at ?? null,
        finished_at: attempt?.finished_at ?? null,
        duration_ms: attempt?.duration_ms ?? null,
        rows_in: attempt?.rows_in ?? null,
        rows_out: attempt?.rows_out ?? null,
        rejects: attempt?.rejects ?? null,
        field_issues: issues.fieldIssues ?? null,
        data_issues: issues.dataIssues ?? null,
        notes: issues.notes ?? [],
        as_of: attempt?.as_of ?? null,
        up_to_date: upToDate,
        error: attempt?.error ?? null,
      });
    }
    if (flags.json) {
      process.stdout.write(JSON.stringify({ database: dbPath, stages: lines }, null, 2) + '\n');
    } else {
      const notes = numberNotes(lines.map((l) => ({ stage: l.stage, notes: l.notes })));
      const table = formatTable(
        ['stage', 'last run', 'status', 'finished', 'rows in', 'rows out', 'rejects', 'field issues', 'data issues', 'time', 'as_of', 'up to date', 'note'],
        lines.map((l, i) => [
          l.stage,
          l.run_id === null ? '' : `#${l.run_id}`,
          statusWithMark(l.last_status, l.notes),
          l.finished_at ?? '',
          l.rows_in,
          l.rows_out,
          l.rejects,
          l.field_issues,
          l.data_issues,
          formatDuration(l.duration_ms),
          l.as_of ?? '',
          l.up_to_date === null ? 'unknown' : l.up_to_date ? 'yes' : 'no',
          notes.refs[i],
        ]),
      );
      const errors = lines.filter((l) => l.error && l.last_status === 'failed').map((l) => `${l.stage}: ${l.error}`);
      process.stdout.write([`database: ${dbPath}`, '', table, ...notes.lines, ...(errors.length ? ['', ...errors] : [])].join('\n') + '\n');
    }
    return ExitCode.Ok;
  } catch (error) {
    throw databaseError(error, dbPath) ?? error; // a damaged file: one line naming it
  } finally {
    db.close();
  }
}

function existsAll(pipeline: Pipeline): boolean {
  return pipeline.sources.every((s) => existsSync(s.absolutePath));
}
