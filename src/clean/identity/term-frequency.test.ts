import { describe, expect, it } from 'vitest';
import { linkRecords } from './engine.js';
import { syntheticPeople, syntheticSpec, S } from './synthetic.js';
import { valueFrequencies } from './term-frequency.js';
import type { LinkRecord } from './types.js';

describe('valueFrequencies', () => {
  it('should give each record the share of present values equal to its own', () => {
    const records: LinkRecord[] = ['wang', 'wang', 'wang', 'li', null].map((v, idx) => ({ idx, source: 's', sourceId: String(idx), values: [v] }));
    const f = valueFrequencies(records, 0);
    expect([...f.subarray(0, 4)]).toEqual([0.75, 0.75, 0.75, 0.25]);
    expect(Number.isNaN(f[4]!)).toBe(true);
  });
});

describe('term-frequency adjustment', () => {
  const data = syntheticPeople({ people: 3000, seed: 5 });
  const result = linkRecords(data.records, syntheticSpec());
  const surname = result.comparisons.findIndex((c) => c.name === 'surname');
  const city = result.comparisons.findIndex((c) => c.name === 'city');
  const withSurname = (v: string): number => data.records.findIndex((r) => r.values[S.surname] === v);
  const count = (v: string): number => data.records.filter((r) => r.values[S.surname] === v).length;
  const present = data.records.filter((r) => r.values[S.surname] !== null).length;

  it('should weigh an exact match on a common surname less than on a rare one', () => {
    const common = withSurname('wang');
    const rare = withSurname('moore');
    expect(count('wang')).toBeGreaterThan(5 * count('moore'));
    const wCommon = result.scorer.fieldWeight(surname, 1, common, common);
    const wRare = result.scorer.fieldWeight(surname, 1, rare, rare);
    expect(wRare - wCommon).toBeCloseTo(Math.log2(count('wang') / count('moore')), 6);
  });

  it('should replace u by the value frequency: weight = log2(m_exact / frequency)', () => {
    const i = withSurname('wang');
    const expected = Math.log2(result.model.m[surname]![1]!) - Math.log2(count('wang') / present);
    expect(result.scorer.fieldWeight(surname, 1, i, i)).toBeCloseTo(expected, 9);
  });

  it('should leave comparisons without term frequencies at log2(m/u)', () => {
    const m = result.model.m[city]![1]!;
    const u = result.model.u[city]![1]!;
    expect(result.scorer.fieldWeight(city, 1, 0, 1)).toBeCloseTo(Math.log2(m / u), 9);
  });

  it('should mark term-frequency adjusted evidence in explanations', () => {
    const e = result.explain(0, 0);
    expect(e.fields.find((f) => f.comparison === 'surname')).toMatchObject({ label: 'exact', tfAdjusted: true });
  });
});
