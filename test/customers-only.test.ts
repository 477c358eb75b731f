/**
 * A customers-only pipeline (deduplication) needs neither as_of nor base_currency; a pipeline with
 * orders or events still does, and the stages that use as_of say so.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

function write(pipeline: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'persona-customers-only-'));
  writeFileSync(join(dir, 'people.csv'), 'id,name,email\n1,Ann Lee,ann@example.com\n2,Ann Lee,ann@example.com\n3,Bo Chen,bo@example.com\n');
  writeFileSync(join(dir, 'orders.csv'), 'order,customer,qty,price,at\nO1,1,1,10,2025-01-01\n');
  const file = join(dir, 'p.yml');
  writeFileSync(file, pipeline);
  return file;
}

const PEOPLE = `  - name: people
    kind: customers
    path: people.csv
    columns: { source_id: id, full_name: name, email: email }
`;
const ORDERS = `  - name: orders
    kind: orders
    path: orders.csv
    customer_source: people
    columns: { order_id: order, customer_ref: customer, quantity: qty, unit_price: price, ordered_at: at }
`;

describe('customers-only pipelines', () => {
  it('validate and clean without as_of and base_currency; the stages that need as_of say so', () => {
    const file = write(`database: out.db\nsources:\n${PEOPLE}`);
    const validated = persona(['validate', file]);
    expect(validated.status, validated.stderr).toBe(0);
    expect(validated.stdout).toContain('ok (as_of none');
    const cleaned = persona(['run', file, '--to', 'clean']);
    expect(cleaned.status, cleaned.stderr).toBe(0);
    const all = persona(['run', file]);
    expect(all.status).toBe(2);
    expect(all.stderr).toContain('as_of: "as_of" is required by features, segment');
    expect(all.stderr).toContain('fix: add as_of: YYYY-MM-DD or pass --as-of, or stop before features (--to clean)');
    expect(persona(['run', file, '--as-of', '2025-12-31']).status).toBe(0);
  });

  it('still require both when there are orders', () => {
    const result = persona(['validate', write(`database: out.db\nsources:\n${PEOPLE}${ORDERS}`)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('base_currency: "base_currency" is required: the pipeline has order or exchange-rate sources (orders)');
    expect(result.stderr).toContain('as_of: "as_of" is required: the pipeline has order or event sources (orders)');
  });
});
