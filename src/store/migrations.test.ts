import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, migrationsInOrder, type StageSchema } from './migrations.js';

const a: StageSchema = { migrations: [{ id: 20, name: 'a later table', sql: 'CREATE TABLE later (x INTEGER)' }] };
const b: StageSchema = {
  migrations: [
    { id: 10, name: 'first table', sql: 'CREATE TABLE first (x INTEGER)' },
    { id: 30, name: 'alter the later table', sql: 'ALTER TABLE later ADD COLUMN y TEXT' },
  ],
};

describe('migrate', () => {
  it('runs the ledger and every contributed migration once, in id order, whatever the order given', () => {
    const db = new Database(':memory:');
    migrate(db, [b, a]);
    migrate(db, [b, a]);
    expect(db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all()).toEqual([
      { id: 1, name: 'ledger' },
      { id: 10, name: 'first table' },
      { id: 20, name: 'a later table' },
      { id: 30, name: 'alter the later table' },
    ]);
    expect((db.prepare('PRAGMA table_info(later)').all() as { name: string }[]).map((c) => c.name)).toEqual(['x', 'y']);
  });

  it('runs each stage’s reconcile step at every open', () => {
    const db = new Database(':memory:');
    let calls = 0;
    const counted: StageSchema = { ...a, reconcile: () => void calls++ };
    migrate(db, [counted]);
    migrate(db, [counted]);
    expect(calls).toBe(2);
  });

  it('refuses two migrations with one id, naming both', () => {
    const clash: StageSchema = { migrations: [{ id: 20, name: 'another', sql: 'SELECT 1' }] };
    expect(() => migrationsInOrder([a, clash])).toThrow('migrations "a later table" and "another" both have id 20');
    expect(() => migrationsInOrder([{ migrations: [{ id: 1, name: 'mine', sql: 'SELECT 1' }] }])).toThrow('both have id 1');
  });
});
