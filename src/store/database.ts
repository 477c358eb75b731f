/**
 * Opens the pipeline's SQLite file with the settings every stage relies on: WAL so readers
 * (`persona status`) never block the writer, and a busy timeout so a second writer waits briefly
 * and then fails cleanly instead of corrupting anything.
 */
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { migrate, type StageSchema } from './migrations.js';
import { makeFolder } from '../util/make-folder.js';
import { databaseError } from '../util/environment-errors.js';

export type Db = Database.Database;

interface CommonOptions {
  /** Page cache in MiB; bounded because collect must stay under 300 MB whatever the input. */
  readonly cacheMiB?: number;
}

/**
 * A reader takes the database as it is; a writer brings it up to date first, with the tables of
 * every stage (src/pipeline/registry.ts has the pipeline's list).
 */
export type OpenOptions = (CommonOptions & { readonly readonly: true }) | (CommonOptions & { readonly readonly?: false; readonly schema: readonly StageSchema[] });

/**
 * Opens (creating it and its folder if need be) the database at `path`. A fault of the place or
 * the file (a read-only folder, a file that is not SQLite, a damaged one) is thrown as one line
 * naming the path and what to do (databaseError); the file is left as it was.
 */
export function openDatabase(path: string, options: OpenOptions): Db {
  let db: Db | undefined;
  try {
    if (!options.readonly) makeFolder(dirname(path));
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes (kill -9) in WAL mode; only an OS crash can
      // lose the last commit, never corrupt the file.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, options.schema);
    }
    db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
    return db;
  } catch (error) {
    db?.close();
    throw databaseError(error, path) ?? error;
  }
}

/** Runs `body` in one write transaction; BEGIN IMMEDIATE takes the write lock up front. */
export async function inWriteTransaction<T>(db: Db, body: () => Promise<T> | T): Promise<T> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = await body();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
