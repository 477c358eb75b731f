/**
 * Attribute features (feature_attributes): every golden attribute of a customer as it is, and a
 * summary of each order-line attribute over the customer's revenue lines before the cutoff:
 *
 *   category  orders.<name>.top (the value with the most net spend) and orders.<name>.top_share
 *             (its share of the net spend), plus one feature_shares row per value
 *             (dimension <name>), so tags can say share.<name>.<value>
 *   boolean   orders.<name>.share_true: the share of net spend on lines where it is true
 *   number    orders.<name>.mean: the mean over the lines that have a value
 *   date/year orders.<name>.latest: the latest value
 *
 * Customer attributes carry no date of their own: they are the latest values clean knows.
 * Runs inside the stage's transaction, after features (only customers in `features` get rows).
 */
import type { Db } from '../store/database.js';
import type { AttributeType, SourceConfig } from '../config/schema.js';
import { declaredAttributes } from '../clean/attributes/declared.js';
import type { ValueKind } from './columns.js';

/** Name (without `attr.`) → the type of the feature's values. */
export function attributeFeatureTypes(sources: readonly Pick<SourceConfig, 'kind' | 'attributes'>[]): Map<string, AttributeType> {
  const out = new Map<string, AttributeType>(declaredAttributes(sources, 'customers'));
  for (const [name, type] of declaredAttributes(sources, 'orders')) {
    const base = `orders.${name}`;
    switch (type) {
      case 'category':
        out.set(`${base}.top`, 'category');
        out.set(`${base}.top_share`, 'number');
        break;
      case 'boolean':
        out.set(`${base}.share_true`, 'number');
        break;
      case 'number':
        out.set(`${base}.mean`, 'number');
        break;
      case 'date':
      case 'year':
        out.set(`${base}.latest`, type);
        break;
    }
  }
  return out;
}

/** How a tag condition uses an attribute of this type. */
export function attributeValueKind(type: AttributeType): ValueKind {
  return type === 'number' || type === 'year' ? 'number' : type === 'boolean' ? 'boolean' : 'text';
}

/** Order attributes of type category: the extra share dimensions of feature_shares. */
export function orderShareDimensions(sources: readonly Pick<SourceConfig, 'kind' | 'attributes'>[]): string[] {
  return [...declaredAttributes(sources, 'orders')].filter(([, type]) => type === 'category').map(([name]) => name);
}

export interface AttributeFeatureStats {
  /** Rows of feature_attributes. */
  readonly values: number;
  /** Rows added to feature_shares for order attributes. */
  readonly shares: number;
}

export function writeAttributeFeatures(db: Db, sources: readonly Pick<SourceConfig, 'kind' | 'attributes'>[], cutoff: string): AttributeFeatureStats {
  db.exec('DELETE FROM main.feature_attributes');
  let values = db
    .prepare(
      `INSERT INTO main.feature_attributes (customer_id, name, kind, value)
       SELECT a.customer_id, a.name, a.type, a.value FROM main.customer_attributes a JOIN main.features f ON f.customer_id = a.customer_id
        ORDER BY a.customer_id, a.name`,
    )
    .run().changes;
  let shares = 0;
  // The revenue lines of customers in features before the cutoff, with the attribute's value (or NULL).
  const lines = `SELECT o.customer_id, o.amount, oa.value
                   FROM main.orders o JOIN main.features f ON f.customer_id = o.customer_id
                   LEFT JOIN main.order_attributes oa ON oa.source = o.source AND oa.line = o.line AND oa.name = @name
                  WHERE o.counts_for_revenue = 1 AND o.ordered_at < @cutoff`;
  for (const [name, type] of declaredAttributes(sources, 'orders')) {
    const params = { name, cutoff, feature: `orders.${name}` };
    switch (type) {
      case 'category': {
        const spend = `WITH l AS (${lines}),
          t AS (SELECT customer_id, total(amount) AS total FROM l GROUP BY customer_id HAVING total > 0),
          s AS (SELECT l.customer_id, l.value, total(l.amount) AS amount, total(l.amount) / t.total AS share
                  FROM l JOIN t ON t.customer_id = l.customer_id WHERE l.value IS NOT NULL GROUP BY l.customer_id, l.value HAVING amount > 0)`;
        shares += db
          .prepare(`INSERT INTO main.feature_shares (customer_id, dimension, value, share, amount) ${spend} SELECT customer_id, @name, value, round(share, 6), round(amount, 2) FROM s ORDER BY customer_id, value`)
          .run(params).changes;
        const top = `${spend}, r AS (SELECT customer_id, value, share, row_number() OVER (PARTITION BY customer_id ORDER BY amount DESC, value) AS rank FROM s)`;
        values += db.prepare(`INSERT INTO main.feature_attributes (customer_id, name, kind, value) ${top} SELECT customer_id, @feature || '.top', 'category', value FROM r WHERE rank = 1`).run(params).changes;
        values += db
          .prepare(`INSERT INTO main.feature_attributes (customer_id, name, kind, value) ${top} SELECT customer_id, @feature || '.top_share', 'number', round(share, 6) FROM r WHERE rank = 1`)
          .run(params).changes;
        break;
      }
      case 'boolean':
        values += db
          .prepare(
            `INSERT INTO main.feature_attributes (customer_id, name, kind, value)
             SELECT customer_id, @feature || '.share_true', 'number', round(total(CASE WHEN value = 1 THEN amount ELSE 0 END) / total(amount), 6)
               FROM (${lines}) GROUP BY customer_id HAVING total(amount) > 0 AND count(value) > 0`,
          )
          .run(params).changes;
        break;
      case 'number':
        values += db
          .prepare(`INSERT INTO main.feature_attributes (customer_id, name, kind, value) SELECT customer_id, @feature || '.mean', 'number', avg(value) FROM (${lines}) WHERE value IS NOT NULL GROUP BY customer_id`)
          .run(params).changes;
        break;
      case 'date':
      case 'year':
        values += db
          .prepare(`INSERT INTO main.feature_attributes (customer_id, name, kind, value) SELECT customer_id, @feature || '.latest', @type, max(value) FROM (${lines}) WHERE value IS NOT NULL GROUP BY customer_id`)
          .run({ ...params, type }).changes;
        break;
    }
  }
  return { values, shares };
}
