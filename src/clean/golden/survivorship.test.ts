import { describe, expect, it } from 'vitest';
import { buildGoldenRecord, type MemberRecord } from './survivorship.js';

const members: MemberRecord[] = [
  { source: 'crm', sourceId: 'C1', createdAt: '2021-01-01T00:00:00Z', values: { email: 'a@x.com', phone: '+8613800000001', name: 'Wei Wang', consent: 1 } },
  { source: 'shop', sourceId: 'S1', createdAt: '2024-05-01T00:00:00Z', values: { email: 'b@x.com', phone: '+8613800000002', name: 'W. Wang', consent: 0 } },
  { source: 'loyalty', sourceId: 'L1', createdAt: null, values: { email: null, phone: '+8613800000002', name: '王伟', consent: null } },
];
const defaults = { rule: { rule: 'source_priority' as const }, priority: ['shop', 'crm', 'loyalty'] };

describe('buildGoldenRecord', () => {
  it.each([
    ['source_priority', 'email', 'b@x.com', 'shop'],
    ['most_recent', 'consent', 0, 'shop'],
    ['most_frequent', 'phone', '+8613800000002', 'shop'],
    ['most_complete', 'name', 'Wei Wang', 'crm'],
  ] as const)('%s picks %s = %s from %s', (rule, field, value, source) => {
    const golden = buildGoldenRecord(members, [field], { [field]: { rule } }, defaults);
    expect(golden.values[field]).toBe(value);
    expect(golden.provenance[0]).toMatchObject({ field, value, source, rule });
  });

  it('gives the same answer whatever the order of the records', () => {
    const rules = { phone: { rule: 'most_frequent' as const }, name: { rule: 'most_complete' as const } };
    const a = buildGoldenRecord(members, ['email', 'phone', 'name', 'consent'], rules, defaults);
    const b = buildGoldenRecord([...members].reverse(), ['email', 'phone', 'name', 'consent'], rules, defaults);
    expect(b).toEqual(a);
  });

  it('leaves a field null with no source when no record has it', () => {
    const golden = buildGoldenRecord(members, ['birth_date'], {}, defaults);
    expect(golden.values.birth_date).toBeNull();
    expect(golden.provenance[0]).toMatchObject({ source: null, sourceId: null });
  });

  it('honours a per-field priority over the default one', () => {
    const golden = buildGoldenRecord(members, ['email'], { email: { rule: 'source_priority', priority: ['crm'] } }, defaults);
    expect(golden.values.email).toBe('a@x.com');
  });
});
