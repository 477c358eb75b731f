import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RAW_TABLES_DDL } from './raw-tables.js';
import { insertRowsSql, sqlLiteral } from './insert-sql.js';
import { rowLayout } from './row-mapper.js';

describe('sqlLiteral', () => {
  it('quotes text, writes numbers and NULL', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(-1.5)).toBe('-1.5');
    expect(() => sqlLiteral(Number.NaN)).toThrow();
  });
});

describe('insertRowsSql', () => {
  it('binds the line and the per-row values of each row; the rest are literals', () => {
    const source = { name: 'app', kind: 'events' as const, path: 'e.csv', encoding: 'utf-8', customer_source: 'shop', columns: { occurred_at: 't', customer_ref: 'u', event_type: 'e' } };
    const layout = rowLayout(source, 'CNY');
    const sql = insertRowsSql(source, layout, 2);
    const row = "('app', ?, 'shop', ?, ?, ?, NULL, NULL)";
    expect(sql).toBe(`INSERT INTO raw_events (source, line, customer_source, occurred_at, customer_ref, event_type, sku, device) VALUES ${row}, ${row}`);
    const db = new Database(':memory:');
    db.exec(RAW_TABLES_DDL);
    db.prepare(sql).run([2, '2024-01-01T00:00:00Z', 'u1', 'view', 3, '2024-01-02T00:00:00Z', 'u2', 'buy']);
    expect(db.prepare('SELECT * FROM raw_events ORDER BY line').all()).toEqual([
      { source: 'app', line: 2, customer_source: 'shop', occurred_at: '2024-01-01T00:00:00Z', customer_ref: 'u1', event_type: 'view', sku: null, device: null },
      { source: 'app', line: 3, customer_source: 'shop', occurred_at: '2024-01-02T00:00:00Z', customer_ref: 'u2', event_type: 'buy', sku: null, device: null },
    ]);
    db.close();
  });
});
