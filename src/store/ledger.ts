/**
 * The run ledger: what ran, with which inputs, config and as_of, how long it took and how it
 * ended. Wall-clock time appears here and nowhere in computed tables.
 */
import { hostname } from 'node:os';
import type { Db } from './database.js';

export type StageStatus = 'running' | 'success' | 'failed' | 'skipped_up_to_date' | 'not_executed';

export interface RunInfo {
  readonly pipelineFile: string;
  readonly pipelineName: string | null;
  readonly configHash: string;
  readonly asOf: string;
  readonly version: string;
  readonly command: readonly string[];
}

export interface StageRunRow {
  run_id: number;
  stage: string;
  status: StageStatus;
  fingerprint: string | null;
  input_hashes: string | null;
  config_hash: string | null;
  as_of: string;
  persona_version: string;
  rows_in: number | null;
  rows_out: number | null;
  rejects: number | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  details: string | null;
}

export interface StageOutcome {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly rejects: number;
  /** Values that could not be used in rows that were kept (field_issues rows this stage wrote). */
  readonly fieldIssues?: number;
  /** data_issues rows this stage wrote (lines removed, excluded from revenue, left unmatched …). */
  readonly dataIssues?: number;
  /**
   * What a person must know about this run of the stage: a step skipped and why, a model that
   * fell back, a column that mostly failed to parse. One short sentence each; shown in the run
   * summary's note column, logged at warn level and kept in stage_runs.details.notes.
   */
  readonly notes?: readonly string[];
  readonly details?: unknown;
}

export interface StagePlan {
  readonly fingerprint: string;
  readonly inputHashes: Record<string, string>;
  readonly configHash: string;
}

/** details with the notes and issue counts beside them, so stage_runs holds what the summary showed. */
function detailsJson(outcome: StageOutcome): string | null {
  const extra: Record<string, unknown> = {};
  if (outcome.notes !== undefined && outcome.notes.length > 0) extra['notes'] = outcome.notes;
  if (outcome.fieldIssues !== undefined) extra['fieldIssues'] = outcome.fieldIssues;
  if (outcome.dataIssues !== undefined) extra['dataIssues'] = outcome.dataIssues;
  if (outcome.details === undefined && Object.keys(extra).length === 0) return null;
  const base = outcome.details !== null && typeof outcome.details === 'object' && !Array.isArray(outcome.details) ? (outcome.details as Record<string, unknown>) : outcome.details === undefined ? {} : { value: outcome.details };
  return JSON.stringify({ ...base, ...extra });
}

/** The issue counts and notes a stage run kept in its details (what the run summary showed). */
export function reportedIssues(details: string | null): { fieldIssues?: number; dataIssues?: number; notes?: string[] } {
  if (details === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object') return {};
  const d = parsed as Record<string, unknown>;
  return {
    ...(typeof d['fieldIssues'] === 'number' ? { fieldIssues: d['fieldIssues'] } : {}),
    ...(typeof d['dataIssues'] === 'number' ? { dataIssues: d['dataIssues'] } : {}),
    ...(Array.isArray(d['notes']) ? { notes: d['notes'].map(String) } : {}),
  };
}

export class Ledger {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  /** Runs and stages left 'running' by a process that died are marked failed, so status is honest. */
  markInterrupted(): number {
    const now = this.now();
    const stages = this.db
      .prepare(`UPDATE stage_runs SET status = 'failed', finished_at = ?, error = 'interrupted: the process died before the stage finished' WHERE status = 'running'`)
      .run(now).changes;
    this.db.prepare(`UPDATE runs SET status = 'failed', finished_at = ?, error = 'interrupted' WHERE status = 'running'`).run(now);
    return stages;
  }

  startRun(info: RunInfo): number {
    const result = this.db
      .prepare(
        `INSERT INTO runs (pipeline_file, pipeline_name, config_hash, as_of, persona_version, command, status, pid, hostname, started_at)
         VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(info.pipelineFile, info.pipelineName, info.configHash, info.asOf, info.version, JSON.stringify(info.command), process.pid, hostname(), this.now());
    return Number(result.lastInsertRowid);
  }

  finishRun(runId: number, status: 'success' | 'failed', error?: string): void {
    this.db.prepare('UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE run_id = ?').run(status, this.now(), error ?? null, runId);
  }

  startStage(runId: number, stage: string, plan: StagePlan, asOf: string, version: string): void {
    this.db
      .prepare(
        `INSERT INTO stage_runs (run_id, stage, status, fingerprint, input_hashes, config_hash, as_of, persona_version, started_at)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(runId, stage, plan.fingerprint, JSON.stringify(plan.inputHashes), plan.configHash, asOf, version, this.now());
  }

  /** Called inside the stage's output transaction, so outputs and 'success' commit together. */
  completeStage(runId: number, stage: string, outcome: StageOutcome): void {
    const finished = this.clock();
    const row = this.db.prepare('SELECT started_at FROM stage_runs WHERE run_id = ? AND stage = ?').get(runId, stage) as { started_at: string };
    this.db
      .prepare(
        `UPDATE stage_runs SET status = 'success', rows_in = ?, rows_out = ?, rejects = ?, finished_at = ?, duration_ms = ?, details = ?
         WHERE run_id = ? AND stage = ?`,
      )
      .run(
        outcome.rowsIn,
        outcome.rowsOut,
        outcome.rejects,
        finished.toISOString(),
        finished.getTime() - Date.parse(row.started_at),
        detailsJson(outcome),
        runId,
        stage,
      );
  }

  /**
   * After the stage's transaction committed: finished_at and duration_ms move to now, so the
   * ledger's duration includes writing the outputs to disk (COMMIT and its checkpoint: seconds on
   * millions of rows). Its own small transaction: if the process dies before it, the stage stays a
   * success with the time measured before COMMIT.
   */
  markCommitted(runId: number, stage: string): void {
    const finished = this.clock();
    const row = this.db.prepare('SELECT started_at FROM stage_runs WHERE run_id = ? AND stage = ?').get(runId, stage) as { started_at: string } | undefined;
    if (row === undefined) return;
    this.db
      .prepare(`UPDATE stage_runs SET finished_at = ?, duration_ms = ? WHERE run_id = ? AND stage = ? AND status = 'success'`)
      .run(finished.toISOString(), finished.getTime() - Date.parse(row.started_at), runId, stage);
  }

  failStage(runId: number, stage: string, error: string): void {
    const finished = this.clock();
    const row = this.db.prepare('SELECT started_at FROM stage_runs WHERE run_id = ? AND stage = ?').get(runId, stage) as { started_at: string } | undefined;
    this.db
      .prepare(`UPDATE stage_runs SET status = 'failed', finished_at = ?, duration_ms = ?, error = ? WHERE run_id = ? AND stage = ?`)
      .run(finished.toISOString(), row ? finished.getTime() - Date.parse(row.started_at) : null, error, runId, stage);
  }

  recordStage(runId: number, stage: string, status: 'skipped_up_to_date' | 'not_executed', plan: StagePlan | undefined, asOf: string, version: string, note?: string): void {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO stage_runs (run_id, stage, status, fingerprint, input_hashes, config_hash, as_of, persona_version, started_at, finished_at, duration_ms, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      )
      .run(runId, stage, status, plan?.fingerprint ?? null, plan ? JSON.stringify(plan.inputHashes) : null, plan?.configHash ?? null, asOf, version, now, now, note ?? null);
  }

  lastSuccess(stage: string): StageRunRow | undefined {
    return this.db
      .prepare(`SELECT * FROM stage_runs WHERE stage = ? AND status = 'success' ORDER BY run_id DESC LIMIT 1`)
      .get(stage) as StageRunRow | undefined;
  }

  lastAttempt(stage: string): StageRunRow | undefined {
    return this.db
      .prepare(`SELECT * FROM stage_runs WHERE stage = ? AND status <> 'skipped_up_to_date' ORDER BY run_id DESC LIMIT 1`)
      .get(stage) as StageRunRow | undefined;
  }

  stagesOfRun(runId: number): StageRunRow[] {
    return this.db.prepare('SELECT * FROM stage_runs WHERE run_id = ? ORDER BY rowid').all(runId) as StageRunRow[];
  }
}
