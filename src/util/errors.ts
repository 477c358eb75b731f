/**
 * Error classes the CLI maps to exit codes: usage and config mistakes exit 2, everything that goes
 * wrong while running (bad data, a locked database, a crash) exits 1.
 */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** Input data that cannot be processed at all (as opposed to bad rows, which go to rejects). */
export class DataError extends Error {
  readonly code = 'DATA';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DataError';
  }
}
