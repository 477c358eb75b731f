import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../store/migrations.js';
import { COLLECT_SCHEMA } from '../../collect/schema.js';
import { CLEAN_SCHEMA } from '../schema.js';
import type { Pipeline } from '../../config/load.js';
import { cleanSchema } from '../clean-config.js';
import { writeAttributes } from './customer-attributes.js';

function setUp() {
  const db = new Database(':memory:');
  migrate(db, [COLLECT_SCHEMA, CLEAN_SCHEMA]);
  const customer = db.prepare('INSERT INTO raw_customers (source, line, source_id, created_at) VALUES (?, ?, ?, ?)');
  customer.run('crm', 2, 'A1', '2024-01-01T00:00:00Z');
  customer.run('crm', 3, 'A1', '2024-01-01T00:00:00Z'); // the same id again: its last line counts
  customer.run('shop', 2, 'S9', '2025-03-01T00:00:00Z');
  customer.run('crm', 4, 'B2', '2023-05-05T00:00:00Z');
  const map = db.prepare('INSERT INTO identity_map (source, source_id, customer_id) VALUES (?, ?, ?)');
  map.run('crm', 'A1', 'C1');
  map.run('shop', 'S9', 'C1');
  map.run('crm', 'B2', 'C2');
  const attribute = db.prepare('INSERT INTO raw_attributes (source, line, name, value) VALUES (?, ?, ?, ?)');
  attribute.run('crm', 2, 'income', 10_000);
  attribute.run('crm', 3, 'income', 40_000);
  attribute.run('crm', 3, 'education', 'PhD');
  attribute.run('shop', 2, 'income', 52_000);
  attribute.run('crm', 4, 'education', 'Basic');
  const pipeline = {
    sources: [
      { name: 'crm', kind: 'customers', columns: {}, attributes: { income: { column: 'I', type: 'number' }, education: { column: 'E', type: 'category' } } },
      { name: 'shop', kind: 'customers', columns: {}, attributes: { income: { column: 'inc', type: 'number' } } },
    ],
  } as unknown as Pipeline;
  return { db, pipeline };
}

describe('golden attributes', () => {
  it('picks the most recent record by default and traces every value to its record', () => {
    const { db, pipeline } = setUp();
    const stats = writeAttributes(db, pipeline, cleanSchema.parse({}));
    expect(stats).toEqual({ customers: 2, values: 3, orderValues: 0 });
    expect(db.prepare('SELECT customer_id, name, type, value FROM customer_attributes ORDER BY 1, 2').raw().all()).toEqual([
      ['C1', 'education', 'category', 'PhD'],
      ['C1', 'income', 'number', 52_000],
      ['C2', 'education', 'category', 'Basic'],
    ]);
    expect(db.prepare("SELECT customer_id, field, value, source, source_id, rule FROM customer_provenance ORDER BY 1, 2").raw().all()).toEqual([
      ['C1', 'attr.education', 'PhD', 'crm', 'A1', 'most_recent'],
      ['C1', 'attr.income', '52000', 'shop', 'S9', 'most_recent'],
      ['C2', 'attr.education', 'Basic', 'crm', 'B2', 'most_recent'],
    ]);
  });

  it('follows clean.survivorship.attributes', () => {
    const { db, pipeline } = setUp();
    writeAttributes(db, pipeline, cleanSchema.parse({ survivorship: { attributes: { income: { rule: 'source_priority', priority: ['crm', 'shop'] } } } }));
    expect(db.prepare("SELECT value, source, rule FROM customer_provenance WHERE customer_id = 'C1' AND field = 'attr.income'").raw().get()).toEqual(['40000', 'crm', 'source_priority']);
  });
});
