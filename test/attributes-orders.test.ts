/**
 * Per-order attributes (country, store, a gift flag, a weight) through the real binary: kept on
 * the order lines clean keeps (order_attributes), summarised per customer (top value and its
 * share of spend, share_true, mean) in feature_attributes and feature_shares, usable in tags;
 * null_values and their default; and the config errors of attributes (file, path, fix; exit 2).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

const CUSTOMERS = [
  'id,name,points,segment_code,vip',
  'c1,Anna Berg,120,A,yes',
  'c2,Ben Carl,NA,B,no',
  'c3,Cleo Dahl,n/a,A,maybe',
  'c4,Dan Eck,-,C,',
].join('\n');

const ORDERS = [
  'order,customer,qty,price,ts,country,store,gift,weight',
  'o1,c1,1,100,2025-01-05 10:00:00,DE,Berlin,1,2.5',
  'o2,c1,1,50,2025-02-05 10:00:00,FR,Paris,0,1.5',
  'o3,c1,1,30,2025-03-05 10:00:00,DE,Munich,0,NA',
  'o4,c2,2,20,2025-01-10 10:00:00,FR,Paris,1,1',
  'o5,c2,1,10,2025-06-10 10:00:00,,Paris,N/A,3',
  'o6,c3,1,70,2026-01-10 10:00:00,DE,Berlin,1,4',
].join('\n');

function pipelineYaml(extra = ''): string {
  return `
as_of: 2025-12-31
database: out.db
base_currency: EUR
sources:
  - name: crm
    kind: customers
    path: customers.csv
    columns: { source_id: id, full_name: name, loyalty_points: points }
    attributes:
      segment_code: { column: segment_code, type: category }
      vip: { column: vip, type: boolean }
  - name: orders
    kind: orders
    path: orders.csv
    customer_source: crm
    columns: { order_id: order, customer_ref: customer, quantity: qty, unit_price: price, ordered_at: ts }
    attributes:
      country: { column: country, type: category }
      store: { column: store, type: category }
      gift: { column: gift, type: boolean }
      weight: { column: weight, type: number }
features:
  tags:
    - { name: mostly_german, when: "share.country.DE >= 0.5" }
    - { name: berlin_top, when: "attr.orders.store.top = 'Berlin'" }
    - { name: vip, when: "attr.vip" }
${extra}`;
}

function setUp(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'attributes-'));
  writeFileSync(join(dir, 'customers.csv'), CUSTOMERS);
  writeFileSync(join(dir, 'orders.csv'), ORDERS);
  writeFileSync(join(dir, 'pipeline.yml'), yaml);
  return dir;
}

describe('order attributes and null values', () => {
  it('carries order-line attributes into features, shares and tags; NA-style markers are null without issues', () => {
    const dir = setUp(pipelineYaml());
    const run = persona(['run', join(dir, 'pipeline.yml'), '--to', 'features']);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(0);
    const d = new Database(join(dir, 'out.db'), { readonly: true });
    try {
      const all = (sql: string) => d.prepare(sql).raw().all();
      // The default null markers (NA, n/a, -) of a number field are null, not invalid_number;
      // "maybe" is still an unusable boolean, and it is named.
      expect(all('SELECT line, field, code, raw_value FROM field_issues ORDER BY source, line')).toEqual([[4, 'attr.vip', 'invalid_boolean', 'maybe']]);
      expect(all('SELECT source_id, loyalty_points FROM raw_customers ORDER BY line')).toEqual([['c1', 120], ['c2', null], ['c3', null], ['c4', null]]);
      expect(all("SELECT line, name, type, value FROM order_attributes WHERE line = 2 ORDER BY name")).toEqual([
        [2, 'country', 'category', 'DE'],
        [2, 'gift', 'boolean', 1],
        [2, 'store', 'category', 'Berlin'],
        [2, 'weight', 'number', 2.5],
      ]);
      const features = all(`SELECT m.source_id, a.name, a.kind, a.value FROM feature_attributes a JOIN identity_map m ON m.customer_id = a.customer_id
                             WHERE a.name LIKE 'orders.%' ORDER BY m.source_id, a.name`);
      expect(features).toEqual([
        ['c1', 'orders.country.top', 'category', 'DE'],
        ['c1', 'orders.country.top_share', 'number', 0.722222], // (100 + 30) / 180
        ['c1', 'orders.gift.share_true', 'number', 0.555556], // 100 / 180
        ['c1', 'orders.store.top', 'category', 'Berlin'],
        ['c1', 'orders.store.top_share', 'number', 0.555556],
        ['c1', 'orders.weight.mean', 'number', 2],
        ['c2', 'orders.country.top', 'category', 'FR'],
        ['c2', 'orders.country.top_share', 'number', 0.8], // 40 of 50: the line without a country counts in the total
        ['c2', 'orders.gift.share_true', 'number', 0.8],
        ['c2', 'orders.store.top', 'category', 'Paris'],
        ['c2', 'orders.store.top_share', 'number', 1],
        ['c2', 'orders.weight.mean', 'number', 2],
      ]); // c3's only order is after as_of
      expect(all("SELECT count(*) FROM feature_shares WHERE dimension IN ('country', 'store')")).toEqual([[7]]); // c1: DE, FR; Berlin, Paris, Munich. c2: FR; Paris
      const tagged = all(`SELECT t.tag, m.source_id FROM customer_tags t JOIN identity_map m ON m.customer_id = t.customer_id ORDER BY 1, 2`);
      expect(tagged).toEqual([['berlin_top', 'c1'], ['mostly_german', 'c1'], ['vip', 'c1']]);
      expect(all("SELECT field, value, source, source_id, rule FROM customer_provenance WHERE field LIKE 'attr.%' ORDER BY source_id, field")).toEqual([
        ['attr.segment_code', 'A', 'crm', 'c1', 'most_recent'],
        ['attr.vip', '1', 'crm', 'c1', 'most_recent'],
        ['attr.segment_code', 'B', 'crm', 'c2', 'most_recent'],
        ['attr.vip', '0', 'crm', 'c2', 'most_recent'],
        ['attr.segment_code', 'A', 'crm', 'c3', 'most_recent'],
        ['attr.segment_code', 'C', 'crm', 'c4', 'most_recent'],
      ]);
    } finally {
      d.close();
    }
  });

  it('a source\'s own null_values replace the default and apply to every field, text included', () => {
    const yaml = pipelineYaml().replace('    path: customers.csv\n', '    path: customers.csv\n    null_values: [NA, maybe]\n');
    const dir = setUp(yaml);
    expect(persona(['run', join(dir, 'pipeline.yml'), '--to', 'collect']).status).toBe(0);
    const d = new Database(join(dir, 'out.db'), { readonly: true });
    try {
      // "n/a" and "-" are not in the list: they are unusable numbers again; "maybe" is missing.
      expect(d.prepare('SELECT line, field, code FROM field_issues ORDER BY line').raw().all()).toEqual([
        [4, 'loyalty_points', 'invalid_number'],
        [5, 'loyalty_points', 'invalid_number'],
      ]);
    } finally {
      d.close();
    }
  });

  it('rejects wrong attribute declarations with the path and a fix (exit 2)', () => {
    const bad = pipelineYaml()
      .replace("segment_code: { column: segment_code, type: category }", "segment_code: { column: segment_code, type: categorie }")
      .replace("vip: { column: vip, type: boolean }", "vip: { column: vip, type: boolean, decimal_comma: true }\n      Full_Name: { column: name, type: category }\n      loyalty_points: { column: points, type: number }")
      .replace('columns: { source_id: id, full_name: name, loyalty_points: points }', 'columns: { source_id: id, full_name: name, loyalty_points: points, birth_date: { column: name, formats: [YYYY] } }');
    const dir = setUp(bad);
    const first = persona(['validate', join(dir, 'pipeline.yml')]);
    expect(first.status).toBe(2);
    expect(first.stderr).toMatch(/sources\[0\]\.attributes\.segment_code\.type: .*"categorie"/);
    expect(first.stderr).toMatch(/did you mean "category"\?/);
    const fixed = bad.replace('type: categorie', 'type: category');
    writeFileSync(join(dir, 'pipeline.yml'), fixed);
    const second = persona(['validate', join(dir, 'pipeline.yml')]);
    expect(second.status).toBe(2);
    expect(second.stderr).toContain('sources[0].attributes.vip.decimal_comma: "decimal_comma" does not apply to vip, a boolean attribute');
    expect(second.stderr).toContain('sources[0].attributes.Full_Name: "Full_Name" is not a usable attribute name');
    expect(second.stderr).toContain('sources[0].attributes.loyalty_points: "loyalty_points" is a field of a customers source, not an attribute');
    expect(second.stderr).toContain('sources[0].columns.birth_date.formats[0]: the date format "YYYY" is a year alone: a year of birth is not a birth date');
    expect(second.stderr).toContain('fix: map the column as birth_year instead');
    expect(second.stderr).not.toMatch(/\n\s+at /);
  });

  it('names an unknown attribute in a tag or a clustering feature', () => {
    const dir = setUp(pipelineYaml('segment: { clustering: { features: [frequency, attr.segment_code, attr.wieght] } }').replace('attr.vip"', 'attr.vipp"'));
    const result = persona(['validate', join(dir, 'pipeline.yml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/features\.tags\[2\]\.when: unknown attribute "attr\.vipp"[^\n]*\n\s+fix: did you mean "attr\.vip"\?/);
    writeFileSync(join(dir, 'pipeline.yml'), pipelineYaml('segment: { clustering: { features: [frequency, attr.segment_code, attr.wieght] } }'));
    const next = persona(['validate', join(dir, 'pipeline.yml')]);
    expect(next.status).toBe(2);
    expect(next.stderr).toMatch(/segment\.clustering\.features\[1\]: "attr\.segment_code" is a category: k-means needs numbers\n\s+fix: write "attr\.segment_code\.\*"/);
    expect(next.stderr).toMatch(/segment\.clustering\.features\[2\]: "attr\.wieght": no source declares the attribute "wieght"/);
  });
});
