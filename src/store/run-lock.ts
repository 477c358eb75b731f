/**
 * One run at a time per database. A lock file next to the database holds the owner's pid; a lock
 * left by a process that no longer exists (kill -9, power loss) is taken over, so cron never
 * needs a human to delete a stale lock.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { makeFolder } from '../util/make-folder.js';
import { databaseError, EnvironmentError } from '../util/environment-errors.js';

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
  try {
    makeFolder(dirname(lockFile));
  } catch (error) {
    throw databaseError(error, databasePath) ?? error;
  }
  const me: LockOwner = { pid: process.pid, hostname: hostname(), started_at: clock().toISOString() };
  // Two attempts: the second follows the removal of a stale lock. Bounded: a lock that another
  // run takes in between is that run's, and this one stops.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockFile, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw databaseError(error, databasePath) ?? error;
      const owner = readOwner(lockFile);
      if (owner === undefined && justWritten(lockFile)) {
        // Created a moment ago and not yet written: a run that is starting, not a dead one.
        throw new EnvironmentError(`another persona run is starting on this database (${lockFile} was just created); wait for it to finish`);
      }
      const stale = owner === undefined || (owner.hostname === me.hostname && !processAlive(owner.pid));
      if (!stale) throw new RunLockedError(lockFile, owner);
      rmSync(lockFile, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } catch (error) {
      rmSync(lockFile, { force: true }); // an empty lock would look like a run starting
      throw databaseError(error, databasePath) ?? error;
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        rmSync(lockFile, { force: true });
      },
    };
  }
  throw new EnvironmentError(`another persona run took the lock ${lockFile} while this one was starting; wait for it to finish`);
}

/** A lock file modified within the last few seconds (by the clock of the file system). */
function justWritten(lockFile: string): boolean {
  try {
    return Math.abs(Date.now() - statSync(lockFile).mtimeMs) < 5_000;
  } catch {
    return false;
  }
}

function readOwner(lockFile: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner;
  } catch {
    return undefined; // half-written by a process that died: stale
  }
}
