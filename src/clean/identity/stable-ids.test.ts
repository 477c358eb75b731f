import { describe, expect, it } from 'vitest';
import { clusterMembers } from './cluster.js';
import { mulberry32 } from './em.js';
import { linkRecords } from './engine.js';
import { assignStableIds, type PreviousAssignment, type SourceKey } from './stable-ids.js';
import { syntheticPeople, syntheticSpec } from './synthetic.js';
import type { LinkRecord } from './types.js';

const k = (sourceId: string, source = 's'): SourceKey => ({ source, sourceId });
const prev = (sourceId: string, customerId: string): PreviousAssignment => ({ source: 's', sourceId, customerId });

describe('assignStableIds', () => {
  it('should give fresh ids on a first run, in order of the smallest member', () => {
    const r = assignStableIds([], [[k('b'), k('c')], [k('a')]]);
    expect(r.clusterIds).toEqual(['C00000002', 'C00000001']);
    expect(r.changes).toEqual([
      { kind: 'new', customerId: 'C00000002', previousCustomerId: null, records: 2 },
      { kind: 'new', customerId: 'C00000001', previousCustomerId: null, records: 1 },
    ]);
  });

  it('should keep the majority id and log the merged one', () => {
    const r = assignStableIds(
      [prev('a', 'C00000007'), prev('b', 'C00000007'), prev('c', 'C00000003')],
      [[k('a'), k('b'), k('c'), k('d')]],
    );
    expect(r.clusterIds).toEqual(['C00000007']);
    expect(r.changes).toEqual([{ kind: 'merge', customerId: 'C00000007', previousCustomerId: 'C00000003', records: 1 }]);
    expect(r.recordsKept).toBe(2);
    expect(r.recordsSeenBefore).toBe(3);
  });

  it('should break ties by the smaller id, deterministically', () => {
    const r = assignStableIds([prev('a', 'C00000009'), prev('b', 'C00000004')], [[k('a'), k('b')]]);
    expect(r.clusterIds).toEqual(['C00000004']);
  });

  it('should log a split with a fresh id continuing from the largest previous number', () => {
    const r = assignStableIds(
      [prev('a', 'C00000005'), prev('b', 'C00000005'), prev('c', 'C00000005'), prev('z', 'C00000011')],
      [[k('a'), k('b')], [k('c')], [k('z')]],
    );
    expect(r.clusterIds).toEqual(['C00000005', 'C00000012', 'C00000011']);
    expect(r.changes).toEqual([{ kind: 'split', customerId: 'C00000012', previousCustomerId: 'C00000005', records: 1 }]);
  });

  it('should log moves between surviving ids and retired ids', () => {
    const r = assignStableIds(
      [prev('a', 'C1'), prev('b', 'C1'), prev('c', 'C2'), prev('d', 'C2'), prev('e', 'C2'), prev('gone', 'C3')],
      [[k('a'), k('b'), k('c')], [k('d'), k('e')]],
      { prefix: 'C', width: 1 },
    );
    expect(r.clusterIds).toEqual(['C1', 'C2']);
    expect(r.changes).toEqual([
      { kind: 'move', customerId: 'C1', previousCustomerId: 'C2', records: 1 },
      { kind: 'retire', customerId: null, previousCustomerId: 'C3', records: 1 },
    ]);
  });

  it('should keep at least 99.5% of ids when 1% new records arrive', () => {
    const data = syntheticPeople({ people: 3000, seed: 21 });
    const rand = mulberry32(99);
    const isNew = data.records.map(() => rand() < 0.01);
    const reindex = (rs: LinkRecord[]): LinkRecord[] => rs.map((r, idx) => ({ ...r, idx }));
    const before = reindex(data.records.filter((_, i) => !isNew[i]));
    const after = reindex(data.records);
    const spec = syntheticSpec();
    const clustersOf = (rs: LinkRecord[]): SourceKey[][] => {
      const res = linkRecords(rs, spec);
      return clusterMembers(res.clusters.clusterOf, res.clusters.clusterCount).map((m) => m.map((i) => rs[i]!));
    };
    const first = clustersOf(before);
    const firstIds = assignStableIds([], first);
    const previous: PreviousAssignment[] = first.flatMap((members, c) =>
      members.map((r) => ({ source: r.source, sourceId: r.sourceId, customerId: firstIds.clusterIds[c]! })),
    );
    const second = assignStableIds(previous, clustersOf(after));
    expect(second.recordsSeenBefore).toBe(before.length);
    expect(second.recordsKept / second.recordsSeenBefore).toBeGreaterThanOrEqual(0.995);
    const merges = second.changes.filter((c) => c.kind === 'merge' || c.kind === 'move');
    const moved = merges.reduce((s, c) => s + c.records, 0) + second.changes.filter((c) => c.kind === 'split').reduce((s, c) => s + c.records, 0);
    expect(moved).toBe(second.recordsSeenBefore - second.recordsKept);
    const ids = new Set(second.clusterIds);
    expect(ids.size).toBe(second.clusterIds.length);
  });
});
