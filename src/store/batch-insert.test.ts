import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { BatchInsert } from './batch-insert.js';

describe('BatchInsert', () => {
  const table = () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
    return db;
  };

  it('should write every row, full statements and the rest on flush, in order', () => {
    const db = table();
    const insert = new BatchInsert(db, 't', ['k', 'v'], 4);
    for (let i = 0; i < 10; i++) insert.add(i, `v${i}`);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(8); // two full statements of 4
    expect(insert.rows).toBe(10);
    insert.flush();
    expect(db.prepare('SELECT k, v FROM t ORDER BY k').raw().all()).toEqual(Array.from({ length: 10 }, (_, i) => [i, `v${i}`]));
    insert.flush(); // nothing left: a no-op
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(10);
  });

  it('should refuse a row of the wrong width and cap rows per statement at SQLite’s parameter limit', () => {
    const db = table();
    const insert = new BatchInsert(db, 't', ['k', 'v'], 1_000_000);
    expect(() => insert.add(1)).toThrow(/1 values for 2 columns/);
    for (let i = 0; i < 20_000; i++) insert.add(i, null);
    insert.flush();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(20_000);
  });
});
