import { describe, expect, it } from 'vitest';
import { linkRecords } from './engine.js';
import { pairwiseMetrics } from './evaluate.js';
import { syntheticPeople, syntheticSpec } from './synthetic.js';

describe('guard (a) learned from the data', () => {
  it('should guard e-mail and phone where couples and households share them', () => {
    const data = syntheticPeople({ people: 3000, seed: 9, householdRate: 0.1, coupleRate: 0.1 });
    const result = linkRecords(data.records, syntheticSpec());
    const byName = new Map(result.sharedContacts.map((e) => [e.comparison, e]));
    for (const contact of ['email', 'phone']) {
      const e = byName.get(contact)!;
      expect(e.disagreeingPairs).toBeGreaterThan(e.expectedIfPersonal * 2);
      expect(e.personalShare).toBeLessThan(0.5);
      expect(e.guarded).toBe(true);
    }
  });

  it('should not guard contacts that nobody shares, so a shared contact with a misspelt name still links', () => {
    const data = syntheticPeople({ people: 3000, seed: 9, householdRate: 0, coupleRate: 0 });
    const result = linkRecords(data.records, syntheticSpec());
    for (const e of result.sharedContacts) {
      expect(e.personalShare).toBeGreaterThanOrEqual(0.5);
      expect(e.guarded).toBe(false);
    }
    // Nothing to guard against: no pair is capped by guard (a).
    for (let p = 0; p < result.pairs.count; p++) expect(result.explainCandidate(p).sharedContactOnly).toBe(false);
    const m = pairwiseMetrics(data.records, result.clusters.clusterOf, data.truth, 'link_and_dedupe');
    expect(m.precision).toBeGreaterThan(0.99);
  });

  it('should follow the setting when it is not auto', () => {
    const data = syntheticPeople({ people: 500, seed: 3, householdRate: 0, coupleRate: 0 });
    const on = linkRecords(data.records, { ...syntheticSpec(), guards: { sharedContact: true } });
    expect(on.sharedContacts).toEqual([]);
    const off = linkRecords(data.records, { ...syntheticSpec(), guards: { sharedContact: false } });
    for (let p = 0; p < off.pairs.count; p++) expect(off.explainCandidate(p).sharedContactOnly).toBe(false);
  });
});
