/**
 * The mapping of environment faults to one-line messages, with the faults injected: tests run as
 * root, where chmod cannot make a file unreadable or a folder read-only, and a read-only or full
 * disk cannot be made on demand. test/environment-faults.test.ts runs the faults a test can make
 * for real through the CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { databaseError, EnvironmentError, explainFault, fileError, isExplained, sourceFileError } from './environment-errors.js';
import { DataError, UsageError } from './errors.js';
import { exitCodeOf } from '../cli/exit-codes.js';
import { makeFolder } from './make-folder.js';

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: something, ${syscall} '${path}'`);
  error.code = code;
  error.syscall = syscall;
  error.path = path;
  return error;
}

const source = { name: 'orders', absolutePath: '/data/orders.csv.gz' };

describe('sourceFileError', () => {
  it('names the source, the file and the fix for an unreadable file (exit 1)', () => {
    const e = sourceFileError(errno('EACCES', 'open', source.absolutePath), source);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e?.message).toBe('source orders: cannot read /data/orders.csv.gz: permission denied; give the user running persona read access to it');
    expect(exitCodeOf(e)).toBe(1);
    expect((e as Error).cause).toBeDefined();
  });

  it('says an I/O error is the disk’s', () => {
    expect(sourceFileError(errno('EIO', 'read', source.absolutePath), source)?.message).toBe(
      'source orders: cannot read /data/orders.csv.gz: input/output error; check the disk or network share, then run again',
    );
  });

  it('makes a folder or a vanished file a usage error (exit 2)', () => {
    const folder = sourceFileError(errno('EISDIR', 'read', source.absolutePath), source);
    expect(folder).toBeInstanceOf(UsageError);
    expect(folder?.message).toContain('is a folder, not a file');
    expect(exitCodeOf(folder)).toBe(2);
    expect(exitCodeOf(sourceFileError(errno('ENOENT', 'open', source.absolutePath), source))).toBe(2);
  });

  it('names the file of a truncated gzip and of a bad CRC', () => {
    for (const [code, message] of [
      ['Z_BUF_ERROR', 'unexpected end of file'],
      ['Z_DATA_ERROR', 'incorrect data check'],
    ] as const) {
      const zlib = Object.assign(new Error(message), { code });
      const e = sourceFileError(zlib, source);
      expect(e).toBeInstanceOf(DataError);
      expect(e?.message).toBe(`source orders: /data/orders.csv.gz is not valid gzip (${message}): the file is truncated or damaged; copy it again from where it came from`);
    }
  });

  it('leaves other errors alone', () => {
    expect(sourceFileError(new TypeError('x is undefined'), source)).toBeUndefined();
    expect(sourceFileError(new UsageError('already explained'), source)).toBeUndefined();
  });
});

describe('databaseError', () => {
  const db = '/srv/persona/shop.db';

  it('explains a read-only file system, a denied folder and a full disk while creating the database (exit 1)', () => {
    const readOnly = databaseError(errno('EROFS', 'open', `${db}.lock`), db);
    expect(readOnly).toBeInstanceOf(EnvironmentError);
    expect(readOnly?.message).toBe(
      'cannot create /srv/persona/shop.db.lock (for the database /srv/persona/shop.db): the file system is read-only; choose another place with --db or database: in the pipeline file',
    );
    expect(databaseError(errno('EACCES', 'mkdir', '/srv/persona'), db)?.message).toBe(
      'cannot create /srv/persona (for the database /srv/persona/shop.db): permission denied; give the user running persona write access to /srv, or choose another place with --db or database: in the pipeline file',
    );
    expect(databaseError(errno('ENOSPC', 'write', `${db}.lock`), db)?.message).toContain('no space left on the device; free some space and run again');
    expect(exitCodeOf(readOnly)).toBe(1);
  });

  it('explains SQLite faults by their code, naming the file', () => {
    const cases: [string, RegExp, number][] = [
      ['SQLITE_NOTADB', /^\/srv\/persona\/shop\.db is not a SQLite database: point --db/, 2],
      ['SQLITE_CORRUPT', /^the database \/srv\/persona\/shop\.db is damaged \(.*\): restore it from a backup, or move it away/, 1],
      ['SQLITE_READONLY_DBMOVED', /^cannot write the database \/srv\/persona\/shop\.db/, 1],
      ['SQLITE_FULL', /^the disk holding the database \/srv\/persona\/shop\.db is full/, 1],
      ['SQLITE_IOERR_WRITE', /^input\/output error on the database \/srv\/persona\/shop\.db/, 1],
      ['SQLITE_BUSY', /^the database \/srv\/persona\/shop\.db is locked by another program/, 1],
      ['SQLITE_CANTOPEN', /^cannot open the database \/srv\/persona\/shop\.db/, 1],
    ];
    for (const [code, message, exit] of cases) {
      const e = databaseError(new Database.SqliteError('low-level text', code), db);
      expect(e?.message, code).toMatch(message);
      expect(exitCodeOf(e), code).toBe(exit);
      expect(isExplained(e)).toBe(true);
    }
  });

  it('calls a folder given as the database a folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'persona-dbfolder-'));
    const e = databaseError(new Database.SqliteError('unable to open database file', 'SQLITE_CANTOPEN'), folder);
    expect(e).toBeInstanceOf(UsageError);
    expect(e?.message).toBe(`${folder} is a folder, not a database file: give a file path with --db or database: in the pipeline file`);
  });

  it('names the file on the way that is not a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'persona-dbparent-'));
    writeFileSync(join(dir, 'afile'), '');
    const path = join(dir, 'afile', 'sub', 'x.db');
    expect(databaseError(errno('ENOTDIR', 'mkdir', join(dir, 'afile', 'sub')), path)?.message).toBe(
      `cannot put the database at ${path}: ${join(dir, 'afile')} is a file, not a folder; choose another place with --db or database: in the pipeline file`,
    );
  });

  it('leaves the faults of other files to the caller', () => {
    expect(databaseError(errno('EACCES', 'open', '/data/orders.csv'), db)).toBeUndefined();
    expect(explainFault(errno('EACCES', 'open', '/data/orders.csv'), db)).toMatchObject({ message: 'cannot read /data/orders.csv: permission denied; give the user running persona read access to it' });
  });

  it('leaves bugs alone', () => {
    expect(databaseError(new Database.SqliteError('NOT NULL constraint failed: clv.x', 'SQLITE_CONSTRAINT_NOTNULL'), db)).toBeUndefined();
    expect(databaseError(new RangeError('bad'), db)).toBeUndefined();
    expect(explainFault(new RangeError('bad'), db)).toBeInstanceOf(RangeError);
    expect(isExplained(new RangeError('bad'))).toBe(false);
  });
});

describe('fileError', () => {
  it('explains any fs fault that names a path', () => {
    expect(fileError(errno('EACCES', 'open', '/x/y'))?.message).toBe('cannot read /x/y: permission denied; give the user running persona read access to it');
    expect(fileError(new Error('no code'))).toBeUndefined();
  });
});

describe('makeFolder', () => {
  it('makes the missing folders of a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'persona-mkdir-'));
    makeFolder(join(dir, 'a', 'b', 'c'));
    makeFolder(join(dir, 'a', 'b', 'c')); // again: nothing to do
    expect(() => makeFolder(join(dir, 'a', 'b'))).not.toThrow();
  });

  it('throws ENOTDIR through a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'persona-mkdir-'));
    writeFileSync(join(dir, 'f'), '');
    expect(() => makeFolder(join(dir, 'f', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it.skipIf(process.platform !== 'linux')('gives up at once where the file system refuses folders (/proc), instead of looping', () => {
    expect(() => makeFolder('/proc/persona-no-such/sub')).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'mkdir' }));
  });
});
