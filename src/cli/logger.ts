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

export function createLogger(format: LogFormat, level = 'info'): Logger {
  const resolved = resolveLogFormat(format, process.stderr.isTTY === true);
  if (resolved === 'json') return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  return pino(
    { level },
    pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }),
  );
}
