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

export function createLogger(format: LogFormat, level = 'info'): Logger {
  const resolved = resolveLogFormat(format, process.stderr.isTTY === true);
  if (resolved === 'json') return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  const debug = level === 'debug';
  const prettify = prettyFactory({
    colorize: process.stderr.isTTY === true,
    ignore: 'pid,hostname',
    translateTime: 'HH:MM:ss',
    hideObject: !debug,
    ...(debug ? {} : { messageFormat: (log: Record<string, unknown>, messageKey: string) => terminalMessage(log, messageKey) }),
  });
  const stderr = pino.destination({ fd: 2, sync: true });
  const terminal = {
    write(line: string): void {
      writeAboveProgress((text) => stderr.write(text), prettify(line));
    },
  };
  return pino({ level }, terminal);
}
