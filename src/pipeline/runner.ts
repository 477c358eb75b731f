/**
 * Runs the selected stages in order. A stage is skipped when its fingerprint (inputs, config,
 * as_of, persona version and the upstream stage's fingerprint) equals that of its last
 * successful run, so a run after a failure or a kill resumes at the first stage that is not up
 * to date. Each stage's outputs and its 'success' ledger row commit in one transaction.
 */
import type { Logger } from 'pino';
import type { Pipeline } from '../config/load.js';
import { configHash } from '../config/load.js';
import { inWriteTransaction, openDatabase, type Db } from '../store/database.js';
import { Ledger, type StageOutcome, type StagePlan } from '../store/ledger.js';
import { acquireRunLock } from '../store/run-lock.js';
import { hashValue } from '../util/hash.js';
import { UsageError } from '../util/errors.js';
import { explainFault } from '../util/environment-errors.js';
import { ConfigError } from '../config/errors.js';
import { didYouMean } from '../util/did-you-mean.js';
import { VERSION } from '../version.js';
import { PIPELINE_SCHEMA, STAGES } from './registry.js';
import { STAGE_ORDER, type Stage, type StageName } from './stage.js';
import { scopedProgress, type Progress } from './progress.js';
import { formatDuration } from '../util/format-duration.js';
import { existsSync } from 'node:fs';

export interface RunOptions {
  readonly from?: string;
  readonly to?: string;
  readonly only?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly command: readonly string[];
}

export type StageReportStatus = 'success' | 'failed' | 'skipped_up_to_date' | 'not_executed' | 'would_run';

export interface StageReport {
  readonly stage: StageName;
  readonly status: StageReportStatus;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly rejects?: number;
  readonly fieldIssues?: number;
  readonly dataIssues?: number;
  /** The stage's notes (StageOutcome.notes): skipped steps, fallbacks, warnings. */
  readonly notes?: readonly string[];
  readonly durationMs?: number;
  readonly error?: string;
  readonly reason?: string;
}

export interface RunReport {
  readonly runId: number | null;
  readonly databasePath: string;
  readonly stages: readonly StageReport[];
  readonly success: boolean;
  readonly error?: unknown;
}

function stageByName(name: string, flag: string): Stage {
  const stage = STAGES.find((s) => s.name === name);
  if (stage) return stage;
  if ((STAGE_ORDER as readonly string[]).includes(name)) {
    throw new UsageError(`${flag} ${name}: the ${name} stage is not implemented in persona ${VERSION} yet (stages: ${STAGES.map((s) => s.name).join(', ')})`);
  }
  const guess = didYouMean(name, STAGE_ORDER);
  throw new UsageError(`${flag} ${name}: no such stage${guess ? ` — did you mean "${guess}"?` : ''} (stages: ${STAGES.map((s) => s.name).join(', ')})`);
}

export function selectStages(options: Pick<RunOptions, 'from' | 'to' | 'only'>): Stage[] {
  if (options.only !== undefined) {
    if (options.from !== undefined || options.to !== undefined) throw new UsageError('--only cannot be combined with --from or --to');
    return [stageByName(options.only, '--only')];
  }
  const first = options.from === undefined ? 0 : STAGES.indexOf(stageByName(options.from, '--from'));
  const last = options.to === undefined ? STAGES.length - 1 : STAGES.indexOf(stageByName(options.to, '--to'));
  if (first > last) throw new UsageError(`--from ${options.from} comes after --to ${options.to}`);
  return STAGES.slice(first, last + 1);
}

export async function planStage(stage: Stage, pipeline: Pipeline, upstreamFingerprint: string | null): Promise<StagePlan> {
  const inputs = await stage.inputs(pipeline);
  const cfgHash = configHash(inputs.config);
  const fingerprint = hashValue({
    stage: stage.name,
    version: VERSION,
    inputs: inputs.inputHashes,
    config: cfgHash,
    asOf: inputs.usesAsOf ? pipeline.asOf : null,
    upstream: upstreamFingerprint,
  });
  return { fingerprint, inputHashes: inputs.inputHashes, configHash: cfgHash };
}

/** The counts of a stage's "done" log line, e.g. "541,909 rows in, 541,013 out, 6,781 rejects, 6,781 data issues". */
export function outcomeCounts(outcome: Pick<StageOutcome, 'rowsIn' | 'rowsOut' | 'rejects' | 'fieldIssues' | 'dataIssues'>): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const parts = [`${n(outcome.rowsIn)} rows in`, `${n(outcome.rowsOut)} out`, `${n(outcome.rejects)} rejects`];
  if (outcome.fieldIssues !== undefined) parts.push(`${n(outcome.fieldIssues)} field issues`);
  if (outcome.dataIssues !== undefined) parts.push(`${n(outcome.dataIssues)} data issues`);
  return parts.join(', ');
}

function upstreamOf(stage: Stage): Stage | undefined {
  const i = STAGES.indexOf(stage);
  return i > 0 ? STAGES[i - 1] : undefined;
}

export interface RunDeps {
  readonly logger: Logger;
  readonly progress: Progress;
}

/** A pipeline without as_of (customers only) runs the stages that do not use it, and says which do. */
async function requireAsOf(pipeline: Pipeline, selected: readonly Stage[]): Promise<void> {
  if (pipeline.asOf !== '') return;
  const needing: string[] = [];
  for (const stage of selected) {
    // collect never uses as_of, and its inputs() hashes every source file: not worth doing twice.
    if (stage.name !== 'collect' && (await stage.inputs(pipeline)).usesAsOf) needing.push(stage.name);
  }
  if (needing.length === 0) return;
  throw new ConfigError(pipeline.file, [
    { path: ['as_of'], message: `"as_of" is required by ${needing.join(', ')} (the date the data is seen from)`, fix: `add as_of: YYYY-MM-DD or pass --as-of, or stop before ${needing[0]} (--to ${STAGES[STAGES.findIndex((s) => s.name === needing[0]) - 1]?.name ?? 'collect'})` },
  ]);
}

export async function runPipeline(pipeline: Pipeline, options: RunOptions, deps: RunDeps): Promise<RunReport> {
  const selected = selectStages(options);
  for (const stage of selected) await stage.preflight?.(pipeline);
  await requireAsOf(pipeline, selected);
  if (options.dryRun) return dryRun(pipeline, selected, options);

  const lock = acquireRunLock(pipeline.databasePath);
  let db: Db | undefined;
  try {
    db = openDatabase(pipeline.databasePath, { schema: PIPELINE_SCHEMA });
    const ledger = new Ledger(db);
    const interrupted = ledger.markInterrupted();
    if (interrupted > 0) deps.logger.warn({ stages: interrupted }, 'an earlier run was interrupted; resuming from the first stage that is not up to date');
    const runId = ledger.startRun({
      pipelineFile: pipeline.file,
      pipelineName: pipeline.config.name ?? null,
      configHash: configHash(pipeline.config),
      asOf: pipeline.asOf,
      version: VERSION,
      command: options.command,
    });
    const reports: StageReport[] = [];
    const fingerprints = new Map<StageName, string>();
    let failure: unknown;
    for (const stage of selected) {
      if (failure !== undefined) {
        ledger.recordStage(runId, stage.name, 'not_executed', undefined, pipeline.asOf, VERSION, 'an earlier stage failed');
        reports.push({ stage: stage.name, status: 'not_executed', reason: 'an earlier stage failed' });
        continue;
      }
      const upstream = upstreamOf(stage);
      let upstreamFingerprint: string | null = null;
      if (upstream) {
        upstreamFingerprint = fingerprints.get(upstream.name) ?? ledger.lastSuccess(upstream.name)?.fingerprint ?? null;
        if (upstreamFingerprint === null) {
          failure = new UsageError(`the ${stage.name} stage needs the output of ${upstream.name}, which has never run on this database: run without --from/--only first`);
          ledger.recordStage(runId, stage.name, 'not_executed', undefined, pipeline.asOf, VERSION, String((failure as Error).message));
          reports.push({ stage: stage.name, status: 'not_executed', error: (failure as Error).message });
          continue;
        }
      }
      const plan = await planStage(stage, pipeline, upstreamFingerprint);
      fingerprints.set(stage.name, plan.fingerprint);
      const last = ledger.lastSuccess(stage.name);
      if (!options.force && last?.fingerprint === plan.fingerprint) {
        ledger.recordStage(runId, stage.name, 'skipped_up_to_date', plan, pipeline.asOf, VERSION);
        reports.push({ stage: stage.name, status: 'skipped_up_to_date', reason: `up to date with run ${last.run_id}` });
        deps.logger.info({ stage: stage.name, lastRun: last.run_id }, `${stage.name}: up to date with run ${last.run_id}; skipped`);
        continue;
      }
      ledger.startStage(runId, stage.name, plan, pipeline.asOf, VERSION);
      const started = Date.now();
      deps.logger.info({ stage: stage.name }, `${stage.name}: started`);
      try {
        const progress = scopedProgress(deps.progress);
        const outcome = await inWriteTransaction(db, async () => {
          try {
            const result = await stage.run({ db: db!, pipeline, runId, logger: deps.logger.child({ stage: stage.name }), progress, inputHashes: plan.inputHashes });
            ledger.completeStage(runId, stage.name, result);
            return result;
          } finally {
            progress.stopAll(); // the stage's bars leave the screen before its "done" or "failed" line
          }
        });
        try {
          ledger.markCommitted(runId, stage.name);
        } catch (error) {
          // The outputs and 'success' are committed; only the timing update was lost.
          deps.logger.warn({ stage: stage.name, err: error }, `${stage.name}: could not record the time of its commit`);
        }
        const durationMs = Date.now() - started;
        deps.logger.info(
          { stage: stage.name, rowsIn: outcome.rowsIn, rowsOut: outcome.rowsOut, rejects: outcome.rejects, fieldIssues: outcome.fieldIssues, dataIssues: outcome.dataIssues, durationMs },
          `${stage.name}: done in ${formatDuration(durationMs)}: ${outcomeCounts(outcome)}`,
        );
        for (const note of outcome.notes ?? []) deps.logger.warn({ stage: stage.name }, `${stage.name}: ${note}`);
        reports.push({
          stage: stage.name,
          status: 'success',
          rowsIn: outcome.rowsIn,
          rowsOut: outcome.rowsOut,
          rejects: outcome.rejects,
          ...(outcome.fieldIssues === undefined ? {} : { fieldIssues: outcome.fieldIssues }),
          ...(outcome.dataIssues === undefined ? {} : { dataIssues: outcome.dataIssues }),
          ...(outcome.notes === undefined || outcome.notes.length === 0 ? {} : { notes: outcome.notes }),
          durationMs,
        });
      } catch (error) {
        failure = explainFault(error, pipeline.databasePath); // a full disk, a damaged file: one line naming it
        const message = failure instanceof Error ? failure.message : String(failure);
        ledger.failStage(runId, stage.name, message);
        deps.logger.error({ stage: stage.name, err: failure }, `${stage.name}: failed: ${message}`);
        reports.push({ stage: stage.name, status: 'failed', error: message, durationMs: Date.now() - started });
      }
    }
    ledger.finishRun(runId, failure === undefined ? 'success' : 'failed', failure === undefined ? undefined : String((failure as Error).message ?? failure));
    return { runId, databasePath: pipeline.databasePath, stages: reports, success: failure === undefined, error: failure };
  } finally {
    db?.close();
    lock.release();
  }
}

async function dryRun(pipeline: Pipeline, selected: Stage[], _options: RunOptions): Promise<RunReport> {
  const exists = existsSync(pipeline.databasePath);
  const db = exists ? openDatabase(pipeline.databasePath, { readonly: true }) : undefined;
  try {
    const ledger = db ? new Ledger(db) : undefined;
    const fingerprints = new Map<StageName, string>();
    const reports: StageReport[] = [];
    for (const stage of selected) {
      const upstream = upstreamOf(stage);
      const upstreamFingerprint = upstream ? (fingerprints.get(upstream.name) ?? ledger?.lastSuccess(upstream.name)?.fingerprint ?? null) : null;
      const plan = await planStage(stage, pipeline, upstreamFingerprint);
      fingerprints.set(stage.name, plan.fingerprint);
      const last = ledger?.lastSuccess(stage.name);
      const upToDate = !_options.force && last?.fingerprint === plan.fingerprint;
      reports.push({
        stage: stage.name,
        status: upToDate ? 'skipped_up_to_date' : 'would_run',
        reason: upToDate ? `up to date with run ${last!.run_id}` : last ? 'inputs, config or as_of changed since the last success' : 'never ran successfully',
      });
    }
    return { runId: null, databasePath: pipeline.databasePath, stages: reports, success: true };
  } finally {
    db?.close();
  }
}
