/**
 * The small, well-formed pipeline every bad-input case starts from: one customers source, one
 * orders source and exchange rates, written as plain text so a case can break exactly one thing
 * (a byte, a line ending, a header, the database path) and pin what persona does about it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CUSTOMERS_HEADER = 'id,name,email,phone,birth,consent';

/** 30 customers; c01…c30. Phones are Chinese mobiles written without a country code. */
export function customerLines(): string[] {
  const given = ['Wei', 'Fang', 'Jing', 'Lei', 'Min', 'Tao', 'Yan', 'Hui', 'Jun', 'Li'];
  const family = ['Wang', 'Li', 'Zhang'];
  const lines: string[] = [];
  for (let i = 1; i <= 30; i++) {
    const id = `c${String(i).padStart(2, '0')}`;
    const name = `${given[i % 10]} ${family[i % 3]}${i}`;
    const email = `user${i}@example.com`;
    const phone = `138${String(10_000_000 + i * 7919).slice(0, 8)}`;
    const birth = `19${70 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`;
    lines.push([id, name, email, phone, birth, i % 4 === 0 ? 'N' : 'Y'].join(','));
  }
  return lines;
}

export const ORDERS_HEADER = 'order_id,customer,sku,qty,price,currency,ts';

/** 90 order lines over 2025: every customer buys three times (so CLV has repeat buyers). */
export function orderLines(): string[] {
  const lines: string[] = [];
  let n = 0;
  for (let round = 0; round < 3; round++) {
    for (let i = 1; i <= 30; i++) {
      n++;
      const month = String(1 + ((i + round * 4) % 12)).padStart(2, '0');
      const day = String(1 + ((i * 3 + round) % 28)).padStart(2, '0');
      const currency = i % 5 === 0 ? 'USD' : 'CNY';
      lines.push([`o${String(n).padStart(3, '0')}`, `c${String(i).padStart(2, '0')}`, `SKU${i % 7}`, String(1 + (i % 3)), (20 + i * 3.5).toFixed(2), currency, `2025-${month}-${day} 10:00:00`].join(','));
    }
  }
  return lines;
}

export const FX_HEADER = 'currency,date,rate';
export function fxLines(): string[] {
  return ['USD,2025-01-01,7.10', 'USD,2025-06-01,7.20', 'USD,2025-12-01,7.15'];
}

export interface CaseDir {
  readonly dir: string;
  readonly pipeline: string;
  readonly db: string;
}

export interface PipelineOptions {
  /** YAML lines added to the crm source (indented by the caller's own 4 spaces). */
  readonly crmExtra?: string;
  readonly ordersExtra?: string;
  readonly database?: string;
  /** Replaces the whole sources list when given. */
  readonly sourcesYaml?: string;
  readonly tail?: string;
}

export function pipelineYaml(options: PipelineOptions = {}): string {
  const sources =
    options.sourcesYaml ??
    `  - name: crm
    kind: customers
    path: crm.csv
    default_region: CN
${options.crmExtra ?? ''}    columns:
      source_id: id
      full_name: name
      email: email
      phone: phone
      birth_date: { column: birth, formats: [YYYY-MM-DD] }
      consent_email: { column: consent, true: [Y], false: [N] }
  - name: orders
    kind: orders
    path: orders.csv
    customer_source: crm
    timezone: "+08:00"
${options.ordersExtra ?? ''}    columns:
      order_id: order_id
      customer_ref: customer
      sku: sku
      quantity: qty
      unit_price: price
      currency: currency
      ordered_at: ts
  - name: fx
    kind: fx_rates
    path: fx.csv
    columns: { currency: currency, date: date, rate: rate }
`;
  return `name: bad-input
as_of: 2025-12-31
database: ${options.database ?? 'p.db'}
base_currency: CNY
sources:
${sources}${options.tail ?? ''}`;
}

/** A fresh folder with the base pipeline and files; a case then overwrites what it breaks. */
export function makeCaseDir(options: PipelineOptions = {}): CaseDir {
  const root = join(tmpdir(), 'bad-inputs');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'case-'));
  writeFileSync(join(dir, 'crm.csv'), [CUSTOMERS_HEADER, ...customerLines()].join('\n') + '\n');
  writeFileSync(join(dir, 'orders.csv'), [ORDERS_HEADER, ...orderLines()].join('\n') + '\n');
  writeFileSync(join(dir, 'fx.csv'), [FX_HEADER, ...fxLines()].join('\n') + '\n');
  const pipeline = join(dir, 'pipeline.yml');
  writeFileSync(pipeline, pipelineYaml(options));
  return { dir, pipeline, db: join(dir, options.database ?? 'p.db') };
}
