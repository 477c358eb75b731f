import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../config/schema.js';
import { rawColumns } from './raw-tables.js';
import { compileRowMapper, rowLayout, type FieldIssue } from './row-mapper.js';
import type { StoredValue } from './value-parsers.js';

const orders: SourceConfig = {
  name: 'orders',
  kind: 'orders',
  path: 'orders.csv',
  encoding: 'utf-8',
  timezone: '+08:00',
  customer_source: { column: 'system', values: { crm: 'crm', shop: 'shop' } },
  columns: {
    order_id: 'order',
    customer_ref: 'customer',
    quantity: 'qty',
    unit_price: 'price',
    currency: 'cur',
    ordered_at: 'ts',
    line_no: 'line',
  },
};
const header = ['order', 'customer', 'system', 'qty', 'price', 'cur', 'ts', 'line'];

const anonymousRetail: SourceConfig = {
  name: 'retail',
  kind: 'orders',
  path: 'r.csv',
  encoding: 'utf-8',
  currency: 'GBP',
  customer_source: 'retail',
  columns: { order_id: 'Invoice', quantity: 'Qty', unit_price: 'Price', ordered_at: 'Date' },
};

describe('rowLayout', () => {
  it('has one entry per raw column: per-row values, or one value for every row', () => {
    const layout = rowLayout(anonymousRetail, 'CNY');
    const columns = rawColumns('orders');
    expect(layout).toHaveLength(columns.length);
    const constants = Object.fromEntries(columns.flatMap((name, i) => (layout[i]!.perRow ? [] : [[name, (layout[i] as { value: StoredValue }).value]])));
    expect(constants['customer_source']).toBe('retail');
    expect(constants['currency']).toBe('GBP');
    expect(constants['customer_ref']).toBeNull();
    expect(columns.filter((_, i) => layout[i]!.perRow)).toEqual(['order_id', 'quantity', 'unit_price', 'ordered_at']);
  });

  it('reads customer_source per row when it comes from a column', () => {
    expect(rowLayout(orders, 'CNY')[0]).toEqual({ perRow: true });
  });
});

describe('compileRowMapper', () => {
  const mapper = compileRowMapper(orders, header, 'CNY');

  it('writes just the per-row values, at the offset asked, and map() gives the full row', () => {
    const out: StoredValue[] = ['untouched'];
    const issues: FieldIssue[] = [];
    const record = ['SO1', ' C-9 ', 'crm', '2', '10.50', '', '2024-01-02 03:04:05', '1'];
    expect(mapper.mapInto(record, out, 1, issues)).toBeUndefined();
    expect(out).toEqual(['untouched', 'crm', 'SO1', 1, 'C-9', 2, 10.5, 'CNY', '2024-01-01T19:04:05Z']);
    expect(mapper.width).toBe(8);
    expect(issues).toEqual([]);
    const mapped = mapper.map(record);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    const row = Object.fromEntries(rawColumns('orders').map((name, i) => [name, mapped.values[i]]));
    expect(row).toMatchObject({ customer_source: 'crm', order_id: 'SO1', line_no: 1, customer_ref: 'C-9', product_name: null, quantity: 2, unit_price: 10.5, currency: 'CNY', discount: null });
    expect(mapped.anonymous).toBe(false);
  });

  it('marks a row without a customer reference anonymous; a source that maps none is all anonymous', () => {
    const out: StoredValue[] = [];
    expect(mapper.mapInto(['SO2', '', 'shop', '1', '1', 'USD', '2024-01-02', ''], out, 0, [])).toBeUndefined();
    expect(mapper.isAnonymous(out, 0)).toBe(true);
    const retail = compileRowMapper(anonymousRetail, ['Invoice', 'Qty', 'Price', 'Date'], 'CNY');
    const mapped = retail.map(['1', '2', '3', '2024-01-02']);
    expect(mapped.ok && mapped.anonymous).toBe(true);
  });

  it('rejects a record and forgets the field issues it had collected', () => {
    const issues: FieldIssue[] = [{ column: 'x', field: 'y', code: 'kept', rawValue: '', message: '' }];
    const reject = mapper.mapInto(['SO3', 'C', 'crm', '1', '1', 'CNY', 'not a time', 'one'], [], 0, issues);
    expect(reject).toMatchObject({ column: 'ts', code: 'invalid_timestamp' });
    expect(issues.map((i) => i.code)).toEqual(['kept']);
  });

  it('keeps a row with a bad optional field as null plus a field issue', () => {
    const issues: FieldIssue[] = [];
    const out: StoredValue[] = [];
    expect(mapper.mapInto(['SO4', 'C', 'crm', '1', '1', 'CNY', '2024-01-02', '1.5'], out, 0, issues)).toBeUndefined();
    expect(out[2]).toBeNull();
    expect(issues).toEqual([{ column: 'line', field: 'line_no', code: 'invalid_integer', rawValue: '1.5', message: '"1.5" is not a whole number' }]);
  });

  it('rejects a customer_source value the mapping does not know, even one named like an Object member', () => {
    expect(mapper.map(['SO5', 'C', 'constructor', '1', '1', 'CNY', '2024-01-02', '1'])).toMatchObject({ ok: false, code: 'unknown_customer_source' });
    expect(mapper.map(['SO5', 'C', '', '1', '1', 'CNY', '2024-01-02', '1'])).toMatchObject({ ok: false, code: 'missing_customer_source' });
  });
});
