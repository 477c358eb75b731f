/**
 * The stages own their tables now, and the store runs what they contribute: a database made
 * when the store still listed every migration itself (migrations 1 to 9, fixtures/schema/) must
 * open and keep its schema, and a new database must get exactly the tables such a one had.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.js';
import { migrate, migrationsInOrder, type StageSchema } from '../store/migrations.js';
import { PIPELINE_SCHEMA } from './registry.js';

const SCHEMA_1_TO_9 = readFileSync(new URL('../../fixtures/schema/migrations-1-to-9.sql', import.meta.url), 'utf8');

interface SchemaObject {
  readonly type: string;
  readonly name: string;
  readonly sql: string;
}

function schemaObjects(db: Db): SchemaObject[] {
  return db.prepare('SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name').all() as SchemaObject[];
}

function migrationRows(db: Db): { id: number; name: string }[] {
  return db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as { id: number; name: string }[];
}

function databaseUpTo9(): Db {
  const db = new Database(':memory:');
  db.exec(SCHEMA_1_TO_9);
  return db;
}

describe('the tables the stages contribute', () => {
  it('keep the migration ids and names they had', () => {
    const old = migrationRows(databaseUpTo9());
    expect(old.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 7, 9]);
    const now = migrationsInOrder(PIPELINE_SCHEMA).map((m) => ({ id: m.id, name: m.name }));
    expect(now.filter((m) => m.id <= 9)).toEqual(old);
  });

  it('make a new database with every table, index and column of a database made before, statement for statement', () => {
    const fresh = openDatabase(':memory:', { schema: PIPELINE_SCHEMA });
    const made = new Map(schemaObjects(fresh).map((o) => [o.name, o]));
    for (const object of schemaObjects(databaseUpTo9())) expect(made.get(object.name), object.name).toEqual(object);
    expect(migrationRows(fresh)).toEqual(migrationsInOrder(PIPELINE_SCHEMA).map((m) => ({ id: m.id, name: m.name })));
    fresh.close();
  });

  it('open a database made before without touching what it has, data included', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'persona-schema-')), 'old.db');
    const old = new Database(path);
    old.exec(SCHEMA_1_TO_9);
    old.prepare("INSERT INTO customers (customer_id, email, record_count, sources, birth_year) VALUES ('C1', 'a@b.cn', 1, 'crm', 1980)").run();
    const before = { objects: schemaObjects(old), migrations: migrationRows(old) };
    old.close();

    const db = openDatabase(path, { schema: PIPELINE_SCHEMA });
    const after = new Map(schemaObjects(db).map((o) => [o.name, o]));
    for (const object of before.objects) expect(after.get(object.name), object.name).toEqual(object);
    const migrations = migrationRows(db);
    expect(migrations.filter((m) => m.id <= 9)).toEqual(before.migrations);
    expect(migrations.map((m) => m.id)).toEqual(migrationsInOrder(PIPELINE_SCHEMA).map((m) => m.id)); // newer ones applied
    expect(db.prepare('SELECT customer_id, email, birth_year FROM customers').all()).toEqual([{ customer_id: 'C1', email: 'a@b.cn', birth_year: 1980 }]);
    db.close();
  });

  it('upgrade an older database in id order, whichever stage owns a migration', () => {
    // As a database made before migrations 7 and 9: they alter collect's and clean's tables,
    // so running them in another order would leave other columns or fail.
    const upTo5: StageSchema[] = PIPELINE_SCHEMA.map((s) => ({ migrations: s.migrations.filter((m) => m.id <= 5) }));
    const older = new Database(':memory:');
    migrate(older, upTo5);
    expect(migrationRows(older).map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
    migrate(older, PIPELINE_SCHEMA);
    const fresh = openDatabase(':memory:', { schema: PIPELINE_SCHEMA });
    expect(schemaObjects(older)).toEqual(schemaObjects(fresh));
    expect(migrationRows(older)).toEqual(migrationRows(fresh));
  });
});
