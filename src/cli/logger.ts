/**
 * Logs go to stderr so stdout stays for results. JSON lines when stderr is not a terminal (cron,
 * pipes, log shippers) or with --log-format json; readable lines on a terminal.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty' | 'auto';

export function resolveLogFormat(format: LogFormat, isTty: boolean): 'json' | 'pretty' {
  if (format === 'auto') return isTty ? 'pretty' : 'json';
  return format;
}

/**
 * Without `debug`, an error in a log line is its type, message and code, never a stack trace: the
 * message of a data or environment fault says what to do; --debug adds the stack (and its cause's).
 */
export function createLogger(format: LogFormat, level = 'info', debug = false): Logger {
  const resolved = resolveLogFormat(format, process.stderr.isTTY === true);
  const serializers = { err: debug ? pino.stdSerializers.err : errorWithoutStack };
  if (resolved === 'json') return pino({ level, base: { pid: process.pid }, serializers }, pino.destination({ fd: 2, sync: true }));
  return pino(
    { level, serializers },
    pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }),
  );
}

function errorWithoutStack(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}
