/**
 * Faults of the environment, a file or database that cannot be read, written, created or opened,
 * turned into one line that names the path and says what to do. Node's fs errors (EACCES, EROFS,
 * ENOSPC …), zlib's (a truncated gzip, a bad CRC) and SQLite's (not a database, damaged, read-only,
 * full) are recognised by their codes; anything else is left as it is (undefined), because an
 * error this module does not know is not the environment's.
 *
 * Exit codes (README "Exit codes"): a path that points at the wrong kind of thing (a folder where
 * a file belongs, a file where a folder belongs, a file that is not a SQLite database) is a
 * UsageError, exit 2: fix the command or the pipeline file. A right path that cannot be used now
 * (permissions, a read-only or full disk, a damaged file, an I/O error) is an EnvironmentError,
 * exit 1: fix the machine and run again.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DataError, UsageError } from './errors.js';

/** A file or database the machine does not let persona use (exit 1). */
export class EnvironmentError extends Error {
  readonly code = 'ENVIRONMENT';
  /** `cause`: the original error, whose stack --debug shows. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}

interface ErrnoLike {
  code: string;
  path?: string;
  syscall?: string;
  message: string;
}

function errnoOf(error: unknown): ErrnoLike | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? (error as unknown as ErrnoLike) : undefined;
}

/** The errno codes this module explains, in words a person reads. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EIO: 'input/output error',
  ENXIO: 'no such device',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBUSY: 'the resource is busy',
  ETXTBSY: 'the file is busy',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something else already has that name',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ESTALE: 'stale network file handle',
};

/** What to do about an errno code, for a file persona reads or writes. */
function fixFor(code: string, access: 'read' | 'write', where: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `give the user running persona ${access} access to it${access === 'write' ? `, or ${where}` : ''}`;
    case 'EROFS':
      return where;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free some space and run again (finished stages are kept)';
    case 'EMFILE':
    case 'ENFILE':
      return 'raise the limit of open files (ulimit -n) and run again';
    default:
      return 'check the disk or network share, then run again';
  }
}

/** The fault of a source file that could not be read, or undefined when `error` is not one. */
export function sourceFileError(error: unknown, source: { readonly name: string; readonly absolutePath: string }): Error | undefined {
  if (error instanceof UsageError || error instanceof EnvironmentError || error instanceof DataError) return undefined;
  const path = source.absolutePath;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    // zlib: Z_BUF_ERROR "unexpected end of file" (truncated), Z_DATA_ERROR "incorrect data check" (bad CRC) …
    return new DataError(`source ${source.name}: ${path} is not valid gzip (${(error as Error).message}): the file is truncated or damaged; copy it again from where it came from`, { cause: error });
  }
  const errno = errnoOf(error);
  if (errno === undefined || REASONS[errno.code] === undefined) return undefined;
  if (errno.code === 'EISDIR') return new UsageError(`source ${source.name}: ${path} is a folder, not a file: point the source's path at the file`, { cause: error });
  if (errno.code === 'ENOENT' || errno.code === 'ENOTDIR') return new UsageError(`source ${source.name}: ${path} does not exist (was it moved or deleted?): check the source's path`, { cause: error });
  return new EnvironmentError(`source ${source.name}: cannot read ${path}: ${REASONS[errno.code]}; ${fixFor(errno.code, 'read', '')}`, { cause: error });
}

const ELSEWHERE = 'choose another place with --db or database: in the pipeline file';

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The fault of the database at `dbPath` (opening it, creating its folder or its run lock, or any
 * SQLite error while it is used), or undefined when `error` is not one.
 */
export function databaseError(error: unknown, dbPath: string): Error | undefined {
  if (error instanceof UsageError || error instanceof EnvironmentError) return undefined;
  if (error instanceof Error && error.name === 'SqliteError') return sqliteError(error, dbPath);
  const errno = errnoOf(error);
  if (errno === undefined || REASONS[errno.code] === undefined) return undefined;
  const path = errno.path ?? dbPath;
  // Only the database's own files (…, -wal, -shm, .lock) and its folders: a source file's fault is not the database's.
  if (!resolve(path).startsWith(resolve(dbPath)) && !isAncestor(path, dbPath)) return undefined;
  const what = path === dbPath ? `the database ${dbPath}` : `${path} (for the database ${dbPath})`;
  switch (errno.code) {
    case 'ENOTDIR':
    case 'EEXIST':
      // mkdir of a folder whose name a file has, or a path through a file.
      return new UsageError(`cannot put the database at ${dbPath}: ${firstFileOnPath(dirname(dbPath)) ?? dirname(dbPath)} is a file, not a folder; ${ELSEWHERE}`, { cause: error });
    case 'EISDIR':
      return new UsageError(`${path} is a folder, not a database file: give a file path with --db or database: in the pipeline file`, { cause: error });
    case 'ENOENT':
      // The folders exist (they were just made) but the file system refuses the file: /proc, /sys.
      return new EnvironmentError(`cannot create ${what}: this file system does not allow new files there; ${ELSEWHERE}`, { cause: error });
    default: {
      // A file or folder persona was creating: the folder it goes in needs the access; else the file itself.
      const creating = errno.syscall === 'mkdir' || !exists(path);
      const fix = errno.code === 'EACCES' || errno.code === 'EPERM' ? `give the user running persona write access to ${creating ? dirname(path) : 'it'}, or ${ELSEWHERE}` : fixFor(errno.code, 'write', ELSEWHERE);
      return new EnvironmentError(`cannot ${creating ? 'create' : 'write'} ${what}: ${REASONS[errno.code]}; ${fix}`, { cause: error });
    }
  }
}

function isAncestor(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The first existing non-folder on the way from / to `dir`, if any. */
function firstFileOnPath(dir: string): string | undefined {
  const chain: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    chain.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of chain) {
    try {
      if (!statSync(d).isDirectory()) return d;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function sqliteError(error: Error, dbPath: string): Error | undefined {
  const code = String((error as { code?: unknown }).code ?? '');
  const primary = code.replace(/^(SQLITE_[A-Z]+)(_.*)?$/, '$1');
  // A folder fails as CANTOPEN, or as IOERR when opened read-only.
  if ((primary === 'SQLITE_CANTOPEN' || primary === 'SQLITE_IOERR') && isFolder(dbPath)) {
    return new UsageError(`${dbPath} is a folder, not a database file: give a file path with --db or database: in the pipeline file`, { cause: error });
  }
  switch (primary) {
    case 'SQLITE_NOTADB':
      return new UsageError(`${dbPath} is not a SQLite database: point --db (or database: in the pipeline file) at a persona database, or move that file away to start a new one`, { cause: error });
    case 'SQLITE_CORRUPT':
      return new EnvironmentError(`the database ${dbPath} is damaged (${error.message}): restore it from a backup, or move it away and run again to rebuild it from the sources`, { cause: error });
    case 'SQLITE_CANTOPEN':
      return new EnvironmentError(`cannot open the database ${dbPath} (${error.message}): check that persona may read and write it and its folder, or ${ELSEWHERE}`, { cause: error });
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return new EnvironmentError(`cannot write the database ${dbPath} (${error.message}): give the user running persona write access to it and its folder, or ${ELSEWHERE}`, { cause: error });
    case 'SQLITE_FULL':
      return new EnvironmentError(`the disk holding the database ${dbPath} is full: free some space and run again (finished stages are kept)`, { cause: error });
    case 'SQLITE_IOERR':
      return new EnvironmentError(`input/output error on the database ${dbPath} (${error.message}): check the disk or network share, then run again`, { cause: error });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new EnvironmentError(`the database ${dbPath} is locked by another program (${error.message}): close it (a SQLite browser, another persona run) and run again`, { cause: error });
    default:
      return undefined;
  }
}

/**
 * Any other fs error that names a path (a fallback for faults met where no caller added context),
 * or undefined.
 */
export function fileError(error: unknown): Error | undefined {
  if (error instanceof UsageError || error instanceof EnvironmentError) return undefined;
  const errno = errnoOf(error);
  if (errno === undefined || errno.path === undefined || REASONS[errno.code] === undefined) return undefined;
  const access = errno.syscall === 'open' || errno.syscall === 'read' || errno.syscall === 'stat' || errno.syscall === 'scandir' ? 'read' : 'write';
  if (errno.code === 'EISDIR' || errno.code === 'ENOENT' || errno.code === 'ENOTDIR') return new UsageError(`${errno.path}: ${REASONS[errno.code]}; check the path`, { cause: error });
  return new EnvironmentError(`cannot ${access} ${errno.path}: ${REASONS[errno.code]}; ${fixFor(errno.code, access, 'choose another place')}`, { cause: error });
}

/** Errors whose message is the whole story: shown as one line, never with a stack trace. */
const EXPLAINED = new Set(['ConfigError', 'UsageError', 'DataError', 'EnvironmentError', 'FxError', 'TagExprError', 'RfmConfigError']);

/** Whether `error` is one persona raised on purpose (its message says what to do), not a bug. */
export function isExplained(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return EXPLAINED.has(error.name) || (error as { code?: unknown }).code === 'RUN_LOCKED';
}

/** `error` as databaseError or fileError explain it, else as it is. */
export function explainFault(error: unknown, dbPath?: string): unknown {
  return (dbPath === undefined ? undefined : databaseError(error, dbPath)) ?? fileError(error) ?? error;
}
