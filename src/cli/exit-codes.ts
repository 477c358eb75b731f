/** The CLI's three exit codes (README "Exit codes"). */
export const ExitCode = {
  /** Every selected stage succeeded or was up to date. */
  Ok: 0,
  /** A stage failed at run time: unreadable data, a locked database, a crash. */
  RuntimeFailure: 1,
  /** The command line or the pipeline file is wrong: fix it and run again. */
  UsageOrConfig: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of a failure: 2 for a mistake in the command or the pipeline file (UsageError,
 * ConfigError, also when they crossed from a worker thread as name and code), else 1.
 */
export function exitCodeOf(error: unknown): ExitCode {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 'USAGE' || code === 'CONFIG_INVALID' ? ExitCode.UsageOrConfig : ExitCode.RuntimeFailure;
}
