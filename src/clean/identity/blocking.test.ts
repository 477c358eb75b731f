import { describe, expect, it } from 'vitest';
import { generateCandidatePairs } from './blocking.js';
import { syntheticPeople, S } from './synthetic.js';
import type { BlockingRule, LinkMode, LinkRecord } from './types.js';

const rec = (idx: number, source: string, values: (string | null)[]): LinkRecord => ({ idx, source, sourceId: `${source}${idx}`, values });

/** All pairs any rule produces, by brute force (no window): the reference for small blocks. */
function bruteForce(records: readonly LinkRecord[], rules: readonly BlockingRule[], mode: LinkMode): Set<string> {
  const keys = (r: LinkRecord, rule: BlockingRule): string[] => {
    if (rule.key) {
      const k = rule.key(r);
      return k === null ? [] : (typeof k === 'string' ? [k] : [...k]).filter((s) => s !== '');
    }
    const vs = rule.fields!.map((f) => r.values[f]);
    return vs.some((v) => v === null || v === '') ? [] : [vs.join('\u001f')];
  };
  const out = new Set<string>();
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      if (mode === 'link' && records[i]!.source === records[j]!.source) continue;
      if (rules.some((rule) => keys(records[i]!, rule).some((k) => keys(records[j]!, rule).includes(k)))) out.add(`${i},${j}`);
    }
  }
  return out;
}

function emitted(records: readonly LinkRecord[], rules: readonly BlockingRule[], mode: LinkMode): string[] {
  const pairs = generateCandidatePairs(records, rules, mode);
  const out: string[] = [];
  for (let p = 0; p < pairs.count; p++) {
    expect(pairs.a[p]!).toBeLessThan(pairs.b[p]!);
    out.push(`${pairs.a[p]},${pairs.b[p]}`);
  }
  return out;
}

describe('generateCandidatePairs', () => {
  const records = [
    rec(0, 'a', ['wei', 'wang', '1990']),
    rec(1, 'b', ['wei', 'wang', '1991']),
    rec(2, 'a', ['wei', 'li', '1990']),
    rec(3, 'b', ['min', 'wang', '1990']),
    rec(4, 'a', [null, 'wang', '1990']),
    rec(5, 'b', ['wei', null, null]),
  ];
  const rules: BlockingRule[] = [
    { name: 'given+surname', fields: [0, 1] },
    { name: 'year', fields: [2] },
    { name: 'surname', fields: [1] },
  ];

  it('should emit the union of the rules, each pair once', () => {
    const got = emitted(records, rules, 'dedupe');
    expect(new Set(got).size).toBe(got.length);
    expect(new Set(got)).toEqual(bruteForce(records, rules, 'dedupe'));
    expect(got.sort()).toEqual(['0,1', '0,2', '0,3', '0,4', '1,3', '1,4', '2,3', '2,4', '3,4']);
  });

  it('should count pairs by the first rule producing them and mark every rule that does', () => {
    const pairs = generateCandidatePairs(records, rules, 'dedupe');
    expect(pairs.stats.pairsByRule).toEqual([1, 6, 2]);
    expect(pairs.stats.totalPairs).toBe(9);
    const p01 = [...pairs.a].findIndex((a, p) => a === 0 && pairs.b[p] === 1);
    expect(pairs.ruleMask[p01]).toBe(0b101); // given+surname and surname, not year
  });

  it('should only pair records of different sources in link mode', () => {
    const got = emitted(records, rules, 'link');
    expect(new Set(got)).toEqual(bruteForce(records, rules, 'link'));
    for (const pair of got) {
      const [i, j] = pair.split(',').map(Number);
      expect(records[i!]!.source).not.toBe(records[j!]!.source);
    }
  });

  it('should deduplicate multi-key rules and pairs shared by several rules', () => {
    const initials: BlockingRule = {
      name: 'name tokens',
      key: (r) => [r.values[0], r.values[1]].filter((v): v is string => v !== null),
      usesFields: [0, 1],
    };
    const all = [...rules, initials];
    const got = emitted(records, all, 'dedupe');
    expect(new Set(got).size).toBe(got.length);
    expect(new Set(got)).toEqual(bruteForce(records, all, 'dedupe'));
  });

  it('should window oversized blocks instead of expanding them', () => {
    const many = Array.from({ length: 500 }, (_, i) => rec(i, 'a', ['x', String(i).padStart(3, '0')]));
    const pairs = generateCandidatePairs(many, [{ name: 'x', fields: [0], maxBlockSize: 100, window: 5, sortKey: (r) => r.values[1]! }], 'dedupe');
    expect(pairs.stats.oversizedBlocksByRule).toEqual([1]);
    // Each record pairs with its next 5 neighbours in sort order.
    expect(pairs.count).toBe(500 * 5 - (5 * 6) / 2);
    const got = new Set<string>();
    for (let p = 0; p < pairs.count; p++) got.add(`${pairs.a[p]},${pairs.b[p]}`);
    expect(got.size).toBe(pairs.count);
  });

  it('should not drop pairs an earlier rule only windowed away', () => {
    const many = Array.from({ length: 50 }, (_, i) => rec(i, 'a', ['x', String(i % 2)]));
    const rules2: BlockingRule[] = [
      { name: 'x', fields: [0], maxBlockSize: 10, window: 1 },
      { name: 'parity', fields: [1] },
    ];
    const pairs = generateCandidatePairs(many, rules2, 'dedupe');
    const got = new Set<string>();
    for (let p = 0; p < pairs.count; p++) got.add(`${pairs.a[p]},${pairs.b[p]}`);
    expect(got.size).toBe(pairs.count);
    // parity blocks: 2 × C(25,2) = 600 pairs, plus windowed neighbours of different parity.
    for (let i = 0; i < 50; i++) for (let j = i + 2; j < 50; j += 2) expect(got.has(`${i},${j}`)).toBe(true);
  });

  it('should grow about linearly with the number of records', () => {
    const rulesS: BlockingRule[] = [
      { name: 'email', fields: [S.email] },
      { name: 'phone', fields: [S.phone] },
      { name: 'surname+dob', fields: [S.surname, S.dob] },
    ];
    const small = syntheticPeople({ people: 2000 });
    const large = syntheticPeople({ people: 8000 });
    const ps = generateCandidatePairs(small.records, rulesS, 'link_and_dedupe').count / small.records.length;
    const pl = generateCandidatePairs(large.records, rulesS, 'link_and_dedupe').count / large.records.length;
    expect(pl / ps).toBeLessThan(1.5);
  });
});
