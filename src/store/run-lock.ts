/**
 * One run at a time per database. A lock file next to the database holds the owner's pid; a lock
 * left by a process that no longer exists (kill -9, power loss) is taken over, so cron never
 * needs a human to delete a stale lock.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';

export class RunLockedError extends Error {
  readonly code = 'RUN_LOCKED';
  constructor(readonly lockFile: string, readonly owner: LockOwner) {
    super(
      `another persona run (pid ${owner.pid} on ${owner.hostname}, started ${owner.started_at}) is using this database; ` +
        `wait for it to finish. If no such process exists, delete ${lockFile}.`,
    );
  }
}

interface LockOwner {
  pid: number;
  hostname: string;
  started_at: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunLock {
  release(): void;
}

export function acquireRunLock(databasePath: string, clock: () => Date = () => new Date()): RunLock {
  const lockFile = `${databasePath}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  const me: LockOwner = { pid: process.pid, hostname: hostname(), started_at: clock().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(lockFile, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockFile);
      const stale = owner === undefined || (owner.hostname === me.hostname && !processAlive(owner.pid));
      if (!stale) throw new RunLockedError(lockFile, owner);
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not take the run lock ${lockFile}`);
}

function readOwner(lockFile: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner;
  } catch {
    return undefined; // half-written by a process that died: stale
  }
}
