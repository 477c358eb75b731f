/** Runs the real built binary (bin/persona → dist/) the way a user or cron would. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO, 'bin', 'persona');
export const SHARED_DATA = join(REPO, '..', 'shared', 'data');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function persona(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, '--log-format', 'json', ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function personaAsync(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [BIN, '--log-format', 'json', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
}
