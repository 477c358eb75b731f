/**
 * Continuity across runs (docs/personas.md#continuity): this run's segments are matched to the
 * previous run's personas by member overlap. A segment and a persona match when they share at
 * least half of the members of each (so a match is one-to-one); a matched segment keeps the
 * persona's id and name. Pure.
 */
export interface PreviousPersona {
  readonly personaId: string;
  readonly name: string;
  readonly members: ReadonlySet<string>;
}

export interface Change {
  readonly kind: 'kept' | 'new' | 'retired' | 'merged' | 'split' | 'renamed';
  readonly personaId: string | null;
  readonly previousPersonaId: string | null;
  readonly previousName: string | null;
  /** Shared members over the larger of the two groups (kept, renamed), or over the previous persona's. */
  readonly overlap: number | null;
  readonly members: number | null;
  readonly groupKey: string | null;
}

export interface ContinuityResult {
  /** group key → persona id (kept or newly issued). */
  readonly ids: Map<string, string>;
  /** group key → previous name, for kept personas. */
  readonly keptNames: Map<string, string>;
  readonly changes: Change[];
}

const MATCH = 0.5;
/** A previous persona is split when two or more segments each hold at least this share of it. */
const SPLIT_PART = 0.25;

export function matchPersonas(groups: ReadonlyMap<string, readonly string[]>, previous: readonly PreviousPersona[], nextId: () => string): ContinuityResult {
  const pairs: { key: string; prev: PreviousPersona; shared: number; size: number }[] = [];
  const keys = [...groups.keys()];
  for (const key of keys) {
    const members = groups.get(key) as readonly string[];
    for (const prev of previous) {
      let shared = 0;
      for (const id of members) if (prev.members.has(id)) shared++;
      if (shared > 0) pairs.push({ key, prev, shared, size: members.length });
    }
  }
  pairs.sort((a, b) => b.shared - a.shared || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.prev.personaId < b.prev.personaId ? -1 : 1));
  const ids = new Map<string, string>();
  const keptNames = new Map<string, string>();
  const usedPrev = new Set<string>();
  const changes: Change[] = [];
  for (const p of pairs) {
    if (ids.has(p.key) || usedPrev.has(p.prev.personaId)) continue;
    const larger = Math.max(p.size, p.prev.members.size);
    if (p.shared < MATCH * larger) continue;
    ids.set(p.key, p.prev.personaId);
    keptNames.set(p.key, p.prev.name);
    usedPrev.add(p.prev.personaId);
    changes.push({ kind: 'kept', personaId: p.prev.personaId, previousPersonaId: p.prev.personaId, previousName: p.prev.name, overlap: p.shared / larger, members: p.size, groupKey: p.key });
  }
  for (const key of keys) {
    if (ids.has(key)) continue;
    const id = nextId();
    ids.set(key, id);
    changes.push({ kind: 'new', personaId: id, previousPersonaId: null, previousName: null, overlap: null, members: (groups.get(key) as readonly string[]).length, groupKey: key });
  }
  // What became of the previous personas that no segment kept.
  for (const prev of previous) {
    if (usedPrev.has(prev.personaId)) continue;
    const parts = pairs.filter((p) => p.prev === prev).sort((a, b) => b.shared - a.shared || (a.key < b.key ? -1 : 1));
    const big = parts.filter((p) => p.shared >= SPLIT_PART * prev.members.size);
    const main = parts[0];
    if (big.length >= 2) {
      for (const part of big) changes.push({ kind: 'split', personaId: ids.get(part.key) as string, previousPersonaId: prev.personaId, previousName: prev.name, overlap: part.shared / prev.members.size, members: part.shared, groupKey: part.key });
    } else if (main && main.shared >= MATCH * prev.members.size) {
      changes.push({ kind: 'merged', personaId: ids.get(main.key) as string, previousPersonaId: prev.personaId, previousName: prev.name, overlap: main.shared / prev.members.size, members: main.shared, groupKey: main.key });
    } else {
      changes.push({ kind: 'retired', personaId: null, previousPersonaId: prev.personaId, previousName: prev.name, overlap: main ? main.shared / prev.members.size : 0, members: prev.members.size, groupKey: null });
    }
  }
  return { ids, keptNames, changes };
}
