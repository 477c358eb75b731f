/**
 * Pure: builds a customer's golden record from its source records, one field at a time, by the
 * survivorship rule configured for that field, and says where every value came from.
 *
 * Rules:
 *  - source_priority: the first source in `priority` that has a value; within a source the most
 *    recent record wins.
 *  - most_recent: the value of the most recently created record that has one.
 *  - most_frequent: the value most records agree on (after normalisation); ties go to the most
 *    recent record.
 *  - most_complete: the longest value (more information: "Wei Wang" over "W. Wang"); ties go to
 *    source priority, then recency.
 * Every rule breaks its remaining ties by source priority, then source id, so the result never
 * depends on input order.
 */

export const SURVIVORSHIP_RULES = ['source_priority', 'most_recent', 'most_frequent', 'most_complete'] as const;
export type SurvivorshipRule = (typeof SURVIVORSHIP_RULES)[number];

export type GoldenValue = string | number | null;

export interface MemberRecord {
  readonly source: string;
  readonly sourceId: string;
  /** ISO timestamp the record was created in its system; null sorts oldest. */
  readonly createdAt: string | null;
  readonly values: Readonly<Record<string, GoldenValue>>;
}

export interface FieldRule {
  readonly rule: SurvivorshipRule;
  /** Source names, most trusted first (source_priority; a tie-breaker for the other rules). */
  readonly priority?: readonly string[];
}

export interface Provenance {
  readonly field: string;
  readonly value: GoldenValue;
  readonly source: string | null;
  readonly sourceId: string | null;
  readonly rule: SurvivorshipRule;
}

export interface GoldenRecord {
  readonly values: Record<string, GoldenValue>;
  readonly provenance: Provenance[];
}

function rank(priority: readonly string[], source: string): number {
  const i = priority.indexOf(source);
  return i === -1 ? priority.length : i;
}

/** Deterministic order: newest first, then source priority, then source id. */
function byRecency(priority: readonly string[]) {
  return (a: MemberRecord, b: MemberRecord): number => {
    const ta = a.createdAt ?? '';
    const tb = b.createdAt ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    const pa = rank(priority, a.source);
    const pb = rank(priority, b.source);
    if (pa !== pb) return pa - pb;
    if (a.source !== b.source) return a.source < b.source ? -1 : 1;
    return a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0;
  };
}

function byPriority(priority: readonly string[]) {
  const recency = byRecency(priority);
  return (a: MemberRecord, b: MemberRecord): number => rank(priority, a.source) - rank(priority, b.source) || recency(a, b);
}

function pick(field: string, members: readonly MemberRecord[], rule: FieldRule, defaultPriority: readonly string[]): MemberRecord | undefined {
  const priority = rule.priority ?? defaultPriority;
  const having = members.filter((m) => m.values[field] !== null && m.values[field] !== undefined && m.values[field] !== '');
  if (having.length === 0) return undefined;
  switch (rule.rule) {
    case 'source_priority':
      return [...having].sort(byPriority(priority))[0];
    case 'most_recent':
      return [...having].sort(byRecency(priority))[0];
    case 'most_frequent': {
      const counts = new Map<string, number>();
      for (const m of having) {
        const key = String(m.values[field]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const best = Math.max(...counts.values());
      return [...having].filter((m) => counts.get(String(m.values[field])) === best).sort(byRecency(priority))[0];
    }
    case 'most_complete': {
      const length = (m: MemberRecord) => String(m.values[field]).length;
      const longest = Math.max(...having.map(length));
      return [...having].filter((m) => length(m) === longest).sort(byPriority(priority))[0];
    }
  }
}

export function buildGoldenRecord(
  members: readonly MemberRecord[],
  fields: readonly string[],
  rules: Readonly<Record<string, FieldRule>>,
  defaults: { readonly rule: FieldRule; readonly priority: readonly string[] },
): GoldenRecord {
  const values: Record<string, GoldenValue> = {};
  const provenance: Provenance[] = [];
  for (const field of fields) {
    const rule = rules[field] ?? defaults.rule;
    const winner = pick(field, members, rule, defaults.priority);
    const value = winner ? (winner.values[field] ?? null) : null;
    values[field] = value;
    provenance.push({ field, value, source: winner?.source ?? null, sourceId: winner?.sourceId ?? null, rule: rule.rule });
  }
  return { values, provenance };
}
