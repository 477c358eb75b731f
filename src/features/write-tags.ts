/**
 * customer_tags from the tag definitions of the pipeline file: one INSERT … SELECT per tag over
 * `features`, its condition compiled by tag-expr.ts with every value bound as a parameter.
 * Runs inside the stage's transaction, after features and feature_shares are written.
 */
import type { Db } from '../store/database.js';
import { didYouMean } from '../util/did-you-mean.js';
import type { ResolvedTag } from './features-config.js';
import { compileCondition, shareReferences } from './tag-expr.js';

export interface TagStats {
  /** Customers given each tag, in the order of the pipeline file. */
  readonly counts: Record<string, number>;
  /** Share values a condition names that no customer has (probably a typo), with a suggestion. */
  readonly warnings: readonly string[];
}

export function writeTags(db: Db, tags: readonly ResolvedTag[]): TagStats {
  db.exec('DELETE FROM main.customer_tags');
  const counts: Record<string, number> = {};
  const warnings: string[] = [];
  const valueExists = db.prepare('SELECT 1 FROM main.feature_shares WHERE dimension = ? AND value = ? LIMIT 1').pluck();
  const valuesOf = db.prepare('SELECT DISTINCT value FROM main.feature_shares WHERE dimension = ? ORDER BY value').pluck();
  tags.forEach((tag, index) => {
    for (const ref of shareReferences(tag.condition)) {
      if (valueExists.get(ref.dimension, ref.value) !== undefined) continue;
      const known = valuesOf.all(ref.dimension) as string[];
      const guess = didYouMean(ref.value, known);
      warnings.push(
        `features.tags[${index}].when (${tag.name}): no customer has any ${ref.dimension} "${ref.value}", so share.${ref.dimension}.${ref.value} is 0 for everyone` +
          (guess ? ` — did you mean "${guess}"?` : known.length > 0 ? ` (values: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})` : ''),
      );
    }
    const compiled = compileCondition(tag.condition, { alias: 'f', sharesTable: 'feature_shares' });
    const result = db
      .prepare(`INSERT INTO main.customer_tags (customer_id, tag, weight) SELECT f.customer_id, ?, ? FROM main.features f WHERE ${compiled.sql}`)
      .run(tag.name, tag.weight, ...compiled.params);
    counts[tag.name] = result.changes;
  });
  return { counts, warnings };
}
