/**
 * I/O shell: golden attribute values per customer (customer_attributes), each traced to its
 * record in customer_provenance (field `attr.<name>`), and the attributes of the order lines
 * clean kept (order_attributes). Runs after identities are resolved and orders are cleaned; the
 * caller owns the transaction. Survivorship is the same pure code as the golden fields'.
 */
import type { Db } from '../../store/database.js';
import type { Pipeline } from '../../config/load.js';
import { BatchInsert } from '../../store/batch-insert.js';
import { buildGoldenRecord, type FieldRule, type GoldenValue, type MemberRecord } from '../golden/survivorship.js';
import type { CleanConfig } from '../clean-config.js';
import { declaredAttributes } from './declared.js';

export interface AttributeStats {
  /** Customers with at least one attribute value. */
  readonly customers: number;
  /** Golden attribute values written. */
  readonly values: number;
  /** Attribute values of kept order lines. */
  readonly orderValues: number;
}

/** The provenance field of an attribute (never a golden field's name). */
export function attributeProvenanceField(name: string): string {
  return `attr.${name}`;
}

/** Default survivorship of attributes: the latest statement (income, marital status and spends change). */
export const DEFAULT_ATTRIBUTE_RULE: FieldRule = { rule: 'most_recent' };

/** Customers whose attribute rows are read at once. */
const CUSTOMERS_PER_PAGE = 5_000;

type Row = [customerId: string, source: string, sourceId: string, createdAt: string | null, name: string, value: GoldenValue];

export function writeAttributes(db: Db, pipeline: Pipeline, config: CleanConfig): AttributeStats {
  db.exec('DELETE FROM customer_attributes; DELETE FROM order_attributes;');
  const customerTypes = declaredAttributes(pipeline.sources, 'customers');
  const orderTypes = declaredAttributes(pipeline.sources, 'orders');
  let customers = 0;
  let values = 0;
  if (customerTypes.size > 0) {
    // One record per (source, source_id): its last line, as identity resolution uses it. The
    // records are staged in a temporary table and read a page of customers at a time, so memory
    // stays bounded and no cursor is open while the golden values are written.
    db.exec('DROP TABLE IF EXISTS temp.attribute_records');
    db.exec(
      `CREATE TEMP TABLE attribute_records AS
       WITH latest AS (SELECT source, source_id, max(line) AS line FROM raw_customers GROUP BY source, source_id)
       SELECT m.customer_id, l.source, l.source_id, l.line, r.created_at
         FROM latest l
         JOIN raw_customers r ON r.source = l.source AND r.line = l.line
         JOIN identity_map m ON m.source = l.source AND m.source_id = l.source_id
        WHERE EXISTS (SELECT 1 FROM raw_attributes a WHERE a.source = l.source AND a.line = l.line)`,
    );
    db.exec('CREATE INDEX temp.attribute_records_by_customer ON attribute_records(customer_id)');
    const page = db.prepare(
      `SELECT t.customer_id, t.source, t.source_id, t.created_at, a.name, a.value
         FROM temp.attribute_records t JOIN raw_attributes a ON a.source = t.source AND a.line = t.line
        WHERE t.customer_id > ? AND t.customer_id <= ?
        ORDER BY t.customer_id, t.source, t.source_id, a.name`,
    );
    const customerIds = db.prepare('SELECT DISTINCT customer_id FROM temp.attribute_records ORDER BY customer_id').pluck().all() as string[];
    const names = [...customerTypes.keys()];
    const rules: Record<string, FieldRule> = {};
    for (const [name, rule] of Object.entries(config.survivorship.attributes)) rules[name] = typeof rule === 'string' ? { rule } : (rule as FieldRule);
    const priority = config.survivorship.priority ?? pipeline.sources.map((s) => s.name);
    const insertValue = new BatchInsert(db, 'customer_attributes', ['customer_id', 'name', 'type', 'value']);
    const insertProvenance = new BatchInsert(db, 'customer_provenance', ['customer_id', 'field', 'value', 'source', 'source_id', 'rule']);
    for (let from = 0; from < customerIds.length; from += CUSTOMERS_PER_PAGE) {
      const after = from === 0 ? '' : customerIds[from - 1]!;
      const last = customerIds[Math.min(from + CUSTOMERS_PER_PAGE, customerIds.length) - 1]!;
      const rows = page.raw().all(after, last) as Row[];
      for (let start = 0; start < rows.length; ) {
        const customerId = rows[start]![0];
        let end = start;
        const members: { source: string; sourceId: string; createdAt: string | null; values: Record<string, GoldenValue> }[] = [];
        for (; end < rows.length && rows[end]![0] === customerId; end++) {
          const [, source, sourceId, createdAt, name, value] = rows[end]!;
          let member = members[members.length - 1];
          if (member === undefined || member.source !== source || member.sourceId !== sourceId) members.push((member = { source, sourceId, createdAt, values: {} }));
          member.values[name] = value;
        }
        start = end;
        const golden = buildGoldenRecord(members as MemberRecord[], names, rules, { rule: DEFAULT_ATTRIBUTE_RULE, priority });
        let any = false;
        for (const p of golden.provenance) {
          if (p.value === null) continue;
          any = true;
          values++;
          insertValue.add(customerId, p.field, customerTypes.get(p.field)!, p.value);
          insertProvenance.add(customerId, attributeProvenanceField(p.field), String(p.value), p.source, p.sourceId, p.rule);
        }
        if (any) customers++;
      }
    }
    insertValue.flush();
    insertProvenance.flush();
    db.exec('DROP TABLE temp.attribute_records');
  }
  let orderValues = 0;
  const copy = db.prepare(
    `INSERT INTO order_attributes (source, line, name, type, value)
     SELECT a.source, a.line, a.name, ?, a.value FROM raw_attributes a JOIN orders o ON o.source = a.source AND o.line = a.line
      WHERE a.source = ? AND a.name = ?`,
  );
  for (const source of pipeline.sources) {
    if (source.kind !== 'orders') continue;
    for (const name of Object.keys(source.attributes ?? {})) orderValues += copy.run(orderTypes.get(name)!, source.name, name).changes;
  }
  return { customers, values, orderValues };
}
