import { describe, expect, it } from 'vitest';
import { clusterPairs } from './cluster.js';
import { linkRecords } from './engine.js';
import { SHARED_CONTACT_CAP } from './score.js';
import { syntheticPeople, syntheticSpec } from './synthetic.js';
import type { LinkRecord } from './types.js';

/** A synthetic population plus hand-made hard cases appended at the end. */
function withCases(cases: { source: string; values: (string | null)[] }[]) {
  const base = syntheticPeople({ people: 3000, seed: 9 });
  const records: LinkRecord[] = [...base.records];
  const first = records.length;
  cases.forEach((c, i) => records.push({ idx: first + i, source: c.source, sourceId: `case-${i}`, values: c.values }));
  const result = linkRecords(records, syntheticSpec());
  const at = (i: number): number => first + i;
  const sameCluster = (i: number, j: number): boolean => result.clusters.clusterOf[at(i)] === result.clusters.clusterOf[at(j)];
  return { result, at, sameCluster };
}

describe('guard (a): one shared contact is not enough', () => {
  //                       given       surname      dob           email                  phone          city
  const { result, at, sameCluster } = withCases([
    { source: 'crm', values: ['anna', 'kowalczyk', '1981-02-03', 'kowalczyk.home@x.org', '13712345678', 'leeds'] },
    { source: 'shop', values: ['piotr', 'kowalczyk', '1979-11-30', 'kowalczyk.home@x.org', '15887654321', 'leeds'] },
    { source: 'crm', values: ['wei', 'zhang', '1960-05-05', 'wei.zhang.60@x.org', '13911112222', 'wuhan'] },
    { source: 'loyalty', values: ['min', 'zhang', '1992-08-19', null, '13911112222', 'wuhan'] },
    { source: 'shop', values: ['lan', 'zhang', null, 'lan.z@x.org', '13911112222', 'wuhan'] },
    // The same person twice, sharing one email and nothing contradicting: must still merge.
    { source: 'crm', values: ['oscar', 'featherby', '1970-01-09', 'oscar.f@x.org', null, 'bristol'] },
    { source: 'shop', values: ['oscar', 'featherby', null, 'oscar.f@x.org', null, null] },
    // A couple with a rare shared surname and no birth dates: the weights alone would merge them.
    { source: 'crm', values: ['agnes', 'quennell', null, 'quennells@x.org', null, 'leeds'] },
    { source: 'shop', values: ['bruno', 'quennell', null, 'quennells@x.org', null, 'leeds'] },
  ]);

  it('should not merge a couple sharing one email with different given names', () => {
    expect(sameCluster(0, 1)).toBe(false);
    const e = result.explain(at(0), at(1));
    expect(e.sharedContactOnly).toBe(true);
    expect(e.weight).toBeLessThanOrEqual(e.priorWeight + SHARED_CONTACT_CAP);
  });

  it('should not merge them even when the summed weights would', () => {
    expect(sameCluster(7, 8)).toBe(false);
    const e = result.explain(at(7), at(8));
    const summed = e.priorWeight + e.fields.reduce((s, f) => s + f.weight, 0);
    expect(summed).toBeGreaterThan(0);
    expect(e.sharedContactOnly).toBe(true);
    expect(e.weight).toBe(e.priorWeight + SHARED_CONTACT_CAP);
  });

  it('should not merge a household sharing one phone', () => {
    expect(sameCluster(2, 3)).toBe(false);
    expect(sameCluster(2, 4)).toBe(false);
    expect(sameCluster(3, 4)).toBe(false);
    expect(result.explain(at(2), at(3)).sharedContactOnly).toBe(true);
  });

  it('should still merge one person whose records share an email and agree on names', () => {
    expect(sameCluster(5, 6)).toBe(true);
    expect(result.explain(at(5), at(6)).sharedContactOnly).toBe(false);
  });
});

describe('clusterPairs guards (b) and (c)', () => {
  // Records 0, 1, 2: 0–1 and 1–2 strong, 0–2 strongly against (a chain through record 1).
  const weights = new Map([
    ['0,1', 12],
    ['1,2', 10],
    ['0,2', -20],
  ]);
  const input = (source: number[]) => ({
    n: 3,
    count: 3,
    a: Int32Array.from([0, 1, 0]),
    b: Int32Array.from([1, 2, 2]),
    weight: Float64Array.from([12, 10, -20]),
    source: Int32Array.from(source),
    pairWeight: (i: number, j: number) => weights.get(`${i},${j}`)!,
  });

  it('should not chain through a weak link (c)', () => {
    const r = clusterPairs(input([0, 1, 2]), { sameSourceMinEvidence: null, ambiguityMarginBits: null });
    expect([...r.clusterOf]).toEqual([0, 0, 1]);
    expect(r.rejectedWeakLink).toBe(1);
  });

  it('should keep apart two records of one source that disagree (b)', () => {
    weights.set('0,2', -1);
    const r = clusterPairs({ ...input([0, 1, 0]), weight: Float64Array.from([12, 10, -1]) }, { minAverageWeight: null, ambiguityMarginBits: null });
    expect([...r.clusterOf]).toEqual([0, 0, 1]);
    expect(r.rejectedSameSource).toBe(1);
  });

  it('should be plain connected components with both guards off', () => {
    const r = clusterPairs(input([0, 0, 0]), { sameSourceMinEvidence: null, minAverageWeight: null });
    expect([...r.clusterOf]).toEqual([0, 0, 0]);
  });
});

describe('clusterPairs guard (d): ambiguous records', () => {
  // Record 1 links to 0 and to 2; 0 and 2 are different people (−20). Record 1 fits both.
  const input = (w01: number, w12: number) => {
    const weights = new Map([
      ['0,1', w01],
      ['1,2', w12],
      ['0,2', -20],
    ]);
    return {
      n: 3,
      count: 3,
      a: Int32Array.from([0, 1, 0]),
      b: Int32Array.from([1, 2, 2]),
      weight: Float64Array.from([w01, w12, -20]),
      source: Int32Array.from([0, 1, 2]),
      pairWeight: (i: number, j: number) => weights.get(`${i},${j}`)!,
    };
  };

  it('should leave a record that fits two people about equally well on its own', () => {
    const r = clusterPairs(input(12, 10), {});
    expect([...r.clusterOf]).toEqual([0, 1, 2]);
    expect(r.ambiguousRecords).toBe(1);
    expect([...r.ambiguous!]).toEqual([1]);
  });

  it('should keep a record with its clearly better match', () => {
    const r = clusterPairs(input(12, 5), {});
    expect([...r.clusterOf]).toEqual([0, 0, 1]);
    expect(r.ambiguousRecords).toBeUndefined();
  });

  it('should honour the margin and be off when null', () => {
    expect([...clusterPairs(input(12, 5), { ambiguityMarginBits: 8 }).clusterOf]).toEqual([0, 1, 2]);
    expect([...clusterPairs(input(12, 10), { ambiguityMarginBits: null }).clusterOf]).toEqual([0, 0, 1]);
  });
});

describe('clusterPairs guard (e): groups compared as wholes', () => {
  // Two comparisons: name and e-mail. Records 0 (crm) and 1 (shop) are person A: same name and
  // e-mail. Records 2 (crm) and 3 (shop) are B, a namesake with another e-mail. Record 4
  // (loyalty) has only the name and links to A's shop account (1–4) and to B's crm (2–4). The
  // groups {0,1,4} and {2,3} share the name, but every cross pair with e-mails on both sides
  // disagrees, so the merge proposed by 2–4, which is silent on e-mail, is refused.
  const prior = -15;
  // evidence per pair: [name, email] (NaN = no evidence on that field)
  const evidence = new Map<string, [number, number]>([
    ['0,1', [10, 12]],
    ['2,3', [10, 12]],
    ['1,4', [16, Number.NaN]],
    ['2,4', [16, Number.NaN]],
    ['0,2', [10, -8]],
    ['0,3', [10, -8]],
    ['1,2', [10, -8]],
    ['1,3', [10, -8]],
    ['0,4', [10, Number.NaN]],
    ['3,4', [10, Number.NaN]],
  ]);
  const weightOf = (k: string) => prior + evidence.get(k)!.filter((e) => !Number.isNaN(e)).reduce((s, e) => s + e, 0);
  const pairs = ['0,1', '2,3', '1,4', '2,4'];
  const input = {
    n: 5,
    count: pairs.length,
    a: Int32Array.from(pairs.map((k) => Number(k.split(',')[0]))),
    b: Int32Array.from(pairs.map((k) => Number(k.split(',')[1]))),
    weight: Float64Array.from(pairs.map(weightOf)),
    source: Int32Array.from([0, 1, 0, 1, 2]),
    pairWeight: (i: number, j: number) => weightOf(`${i},${j}`),
    priorWeight: prior,
    profile: {
      comparisons: 2,
      accumulate: (i: number, j: number, best: Float64Array) => {
        evidence.get(`${i},${j}`)!.forEach((e, k) => {
          if (!Number.isNaN(e) && !(e <= best[k]!)) best[k] = e;
        });
        return weightOf(`${i},${j}`);
      },
    },
  };

  it('should refuse a merge whose groups disagree on a field the linking pair does not see', () => {
    // Without (e) the average of the cross pairs (all positive evidence: names agree) lets it through.
    const off = clusterPairs(input, { profileGuard: false, ambiguityMarginBits: null });
    expect(new Set(off.clusterOf).size).toBe(1);
    const on = clusterPairs(input, { ambiguityMarginBits: null });
    expect(on.rejectedProfile).toBeGreaterThan(0);
    expect(on.clusterOf[0]).toBe(on.clusterOf[1]);
    expect(on.clusterOf[2]).toBe(on.clusterOf[3]);
    expect(on.clusterOf[0]).not.toBe(on.clusterOf[2]);
  });

  it('should see the linking pair even when the cross pairs are capped', () => {
    // Merging {0,1} with {4} through the edge 1–4, one cross pair allowed scans only 0–4, which
    // shares just the name (−15 + 10 < 0). The edge's own evidence (+16) must still count.
    const r = clusterPairs(input, { ambiguityMarginBits: null, maxCrossPairs: 1 });
    expect(r.clusterOf[1]).toBe(r.clusterOf[4]);
    expect(r.clusterOf[2]).not.toBe(r.clusterOf[4]);
  });

  it('should run with guards (b) and (c) off', () => {
    const r = clusterPairs(input, { ambiguityMarginBits: null, sameSourceMinEvidence: null, minAverageWeight: null });
    expect(r.rejectedProfile).toBeGreaterThan(0);
  });

  it('should then leave the record that fits both groups equally on its own (d)', () => {
    const r = clusterPairs(input, {});
    expect(r.ambiguous?.has(4)).toBe(true);
    expect(r.clusterOf[4]).not.toBe(r.clusterOf[1]);
    expect(r.clusterOf[4]).not.toBe(r.clusterOf[2]);
  });
});
