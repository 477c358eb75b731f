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
