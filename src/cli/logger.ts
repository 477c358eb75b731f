/**
 * Logs go to stderr so stdout stays for results. JSON lines when stderr is not a terminal (cron,
 * pipes, log shippers) or with --log-format json; readable lines on a terminal.
 *
 * On a terminal each log call is one line: its message (which carries the counts a person needs),
 * and for warnings and errors the reason. The fields behind it (timings, parameters, per-step
 * counts) stay in the JSON log and in stage_runs.details; --log-level debug shows them here too.
 */
import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { writeAboveProgress } from './progress.js';

export type LogFormat = 'json' | 'pretty' | 'auto';

export function resolveLogFormat(format: LogFormat, isTty: boolean): 'json' | 'pretty' {
  if (format === 'auto') return isTty ? 'pretty' : 'json';
  return format;
}

/** Fields every line has, or that the terminal line already shows in its own way. */
const NOT_A_REASON = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'stage', 'err']);
const WARN = 40;

/**
 * The text of a terminal log line: the message; for warnings and errors also the error's message
 * and the line's other plain fields (a `reason`, a `source`), since those say why.
 */
export function terminalMessage(log: Record<string, unknown>, messageKey = 'msg'): string {
  let text = typeof log[messageKey] === 'string' ? (log[messageKey] as string) : '';
  if (typeof log['level'] !== 'number' || log['level'] < WARN) return text;
  const err = log['err'] as { message?: unknown } | undefined;
  if (err !== undefined && typeof err.message === 'string' && err.message !== '' && !text.includes(err.message)) text += `: ${err.message}`;
  const extra = Object.entries(log)
    .filter(([key, value]) => key !== messageKey && !NOT_A_REASON.has(key) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
    .filter(([, value]) => !text.includes(String(value)))
    .map(([key, value]) => `${key}: ${String(value)}`);
  return extra.length > 0 ? `${text} (${extra.join(', ')})` : text;
}

/**
 * Without `debug`, an error in a log line is its type, message and code, never a stack trace: the
 * message of a data or environment fault says what to do; --debug adds the stack (and its cause's).
 */
export function createLogger(format: LogFormat, level = 'info', debug = false): Logger {
  const resolved = resolveLogFormat(format, process.stderr.isTTY === true);
  const serializers = { err: debug ? pino.stdSerializers.err : errorWithoutStack };
  if (resolved === 'json') return pino({ level, base: { pid: process.pid }, serializers }, pino.destination({ fd: 2, sync: true }));
  // At debug level a terminal line shows every field; otherwise one line per log call.
  const verbose = level === 'debug' || debug;
  const prettify = prettyFactory({
    colorize: process.stderr.isTTY === true,
    ignore: 'pid,hostname',
    translateTime: 'HH:MM:ss',
    hideObject: !verbose,
    ...(verbose ? {} : { messageFormat: (log: Record<string, unknown>, messageKey: string) => terminalMessage(log, messageKey) }),
  });
  const stderr = pino.destination({ fd: 2, sync: true });
  const terminal = {
    write(line: string): void {
      writeAboveProgress((text) => stderr.write(text), prettify(line));
    },
  };
  return pino({ level, serializers }, terminal);
}

function errorWithoutStack(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}
