import { loadPipeline } from '../../config/load.js';
import { runPipeline, type RunReport } from '../../pipeline/runner.js';
import { UsageError } from '../../util/errors.js';
import { ExitCode, exitCodeOf } from '../exit-codes.js';
import { explainFault } from '../../util/environment-errors.js';
import { createLogger, resolveLogFormat } from '../logger.js';
import { silentProgress } from '../../pipeline/progress.js';
import { terminalProgress } from '../progress.js';
import { formatTable } from '../format-table.js';
import { formatDuration } from '../../util/format-duration.js';
import { numberNotes, statusWithMark } from '../stage-notes.js';
import type { GlobalOptions } from '../main.js';

export interface RunFlags {
  db?: string;
  asOf?: string;
  from?: string;
  to?: string;
  only?: string;
  force: boolean;
  dryRun: boolean;
}

export async function runCommand(file: string, flags: RunFlags, global: GlobalOptions, argv: string[]): Promise<number> {
  if (flags.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.asOf)) throw new UsageError(`--as-of ${flags.asOf}: expected a date written YYYY-MM-DD`);
  const pipeline = loadPipeline(file, { asOf: flags.asOf, database: flags.db });
  const logger = createLogger(global.logFormat, global.logLevel, global.debug);
  const showBar = resolveLogFormat(global.logFormat, process.stderr.isTTY === true) === 'pretty';
  const report = await runPipeline(
    pipeline,
    { from: flags.from, to: flags.to, only: flags.only, force: flags.force, dryRun: flags.dryRun, command: argv },
    { logger, progress: showBar ? terminalProgress() : silentProgress },
  ).catch((error: unknown) => {
    throw explainFault(error, pipeline.databasePath); // the run lock, opening the database
  });
  process.stdout.write(renderReport(file, pipeline.asOf, report, flags.dryRun) + '\n');
  if (report.success) return ExitCode.Ok;
  return exitCodeOf(report.error);
}

export function renderReport(file: string, asOf: string, report: RunReport, dryRun: boolean): string {
  const head = dryRun
    ? `persona run --dry-run ${file} (as_of ${asOf}): nothing was written`
    : `persona run ${file} (as_of ${asOf}): run ${report.runId} ${report.success ? 'succeeded' : 'FAILED'}`;
  const notes = numberNotes(report.stages);
  const table = formatTable(
    ['stage', 'status', 'rows in', 'rows out', 'rejects', 'field issues', 'data issues', 'time', 'note'],
    report.stages.map((s, i) => [
      s.stage,
      statusWithMark(s.status, s.notes),
      s.rowsIn,
      s.rowsOut,
      s.rejects,
      s.fieldIssues,
      s.dataIssues,
      formatDuration(s.durationMs),
      [s.error ?? s.reason, notes.refs[i]].filter(Boolean).join('; '),
    ]),
  );
  return [head, `database: ${report.databasePath}`, '', table, ...notes.lines].join('\n');
}
