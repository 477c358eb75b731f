/**
 * `exclude_skus` of an orders source: the lines that are not merchandise (postage, fees, manual
 * adjustments, gift vouchers) and must not count as sales. Each entry of the pipeline file is an
 * exact SKU, or { sku | skus | pattern, reason }; this flattens them into one rule per SKU or
 * pattern, numbered in file order (the first rule that matches a line is the one named in its
 * data issue). Patterns are globs matched against the whole SKU: `*` any text, `?` one
 * character, `[…]` one of a set; SKUs and patterns are case-sensitive, as SKUs are codes.
 */
import type { Pipeline } from '../../config/load.js';

/** An entry of exclude_skus as the pipeline file writes it. */
export type ExcludeSkuEntry = string | { readonly sku?: string; readonly skus?: readonly string[]; readonly pattern?: string; readonly reason?: string };

/** One exact SKU or one pattern of one orders source. */
export interface ExcludeSkuRule {
  readonly source: string;
  readonly sku: string | null;
  readonly pattern: string | null;
  readonly reason: string;
}

/** The reason of an entry that gives none. */
export const DEFAULT_EXCLUDE_REASON = 'not merchandise';

export function excludeSkuRules(source: string, entries: readonly ExcludeSkuEntry[]): ExcludeSkuRule[] {
  const rules: ExcludeSkuRule[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      rules.push({ source, sku: entry, pattern: null, reason: DEFAULT_EXCLUDE_REASON });
      continue;
    }
    const reason = entry.reason?.trim() || DEFAULT_EXCLUDE_REASON;
    for (const sku of [...(entry.sku === undefined ? [] : [entry.sku]), ...(entry.skus ?? [])]) rules.push({ source, sku, pattern: null, reason });
    if (entry.pattern !== undefined) rules.push({ source, sku: null, pattern: entry.pattern, reason });
  }
  return rules;
}

/** The rules of every orders source of the pipeline, in source and file order. */
export function pipelineExcludeSkuRules(pipeline: Pick<Pipeline, 'sources'>): ExcludeSkuRule[] {
  return pipeline.sources.flatMap((s) => (s.kind === 'orders' && s.exclude_skus !== undefined ? excludeSkuRules(s.name, s.exclude_skus) : []));
}
