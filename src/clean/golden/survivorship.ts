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

type Order = (a: MemberRecord, b: MemberRecord) => number;

/** Deterministic order: newest first, then source priority, then source id. */
function byRecency(priority: readonly string[]): Order {
  return (a, b) => {
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

function byPriority(priority: readonly string[]): Order {
  const recency = byRecency(priority);
  return (a, b) => rank(priority, a.source) - rank(priority, b.source) || recency(a, b);
}

/*
 * Golden records are built for every customer (hundreds of thousands per run), so picking a
 * winner allocates nothing: the orders are made once per priority list, and each rule is one or
 * two scans over the (few) members instead of filter, copy and sort.
 */
const orders = new WeakMap<readonly string[], { recency: Order; priority: Order }>();

function ordersFor(priority: readonly string[]): { recency: Order; priority: Order } {
  let o = orders.get(priority);
  if (o === undefined) {
    o = { recency: byRecency(priority), priority: byPriority(priority) };
    orders.set(priority, o);
  }
  return o;
}

function present(value: GoldenValue | undefined): boolean {
  return value !== null && value !== undefined && value !== '';
}

/** The first member in `order` among those with a value that `eligible` accepts. */
function first(members: readonly MemberRecord[], field: string, order: Order, eligible: (m: MemberRecord) => boolean): MemberRecord | undefined {
  let best: MemberRecord | undefined;
  for (const m of members) {
    if (!present(m.values[field]) || !eligible(m)) continue;
    if (best === undefined || order(m, best) < 0) best = m;
  }
  return best;
}

const anyMember = () => true;

function pick(field: string, members: readonly MemberRecord[], rule: FieldRule, defaultPriority: readonly string[]): MemberRecord | undefined {
  const o = ordersFor(rule.priority ?? defaultPriority);
  switch (rule.rule) {
    case 'source_priority':
      return first(members, field, o.priority, anyMember);
    case 'most_recent':
      return first(members, field, o.recency, anyMember);
    case 'most_frequent': {
      // Members are few: counting by pairwise comparison beats building a map.
      const count = (m: MemberRecord) => {
        const key = String(m.values[field]);
        let n = 0;
        for (const other of members) if (present(other.values[field]) && String(other.values[field]) === key) n++;
        return n;
      };
      let best = 0;
      for (const m of members) if (present(m.values[field])) best = Math.max(best, count(m));
      return first(members, field, o.recency, (m) => count(m) === best);
    }
    case 'most_complete': {
      const length = (m: MemberRecord) => String(m.values[field]).length;
      let longest = 0;
      for (const m of members) if (present(m.values[field])) longest = Math.max(longest, length(m));
      return first(members, field, o.priority, (m) => length(m) === longest);
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
