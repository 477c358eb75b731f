import { describe, expect, it } from 'vitest';
import { comparisonSpaceSize } from './blocking.js';
import { exactAgreementRate, mulberry32 } from './em.js';
import { linkRecords } from './engine.js';
import { syntheticPeople, syntheticSpec } from './synthetic.js';

describe('mulberry32', () => {
  it('should be deterministic and roughly uniform', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});

describe('exactAgreementRate', () => {
  it('should count agreeing pairs among pairs with both values present', () => {
    const records = ['a', 'a', 'b', null].map((v, idx) => ({ idx, source: idx < 2 ? 's' : 't', sourceId: String(idx), values: [v] }));
    expect(exactAgreementRate(records, 0, 'dedupe')).toBeCloseTo(1 / 3); // 3 pairs, 1 agrees
    expect(exactAgreementRate(records, 0, 'link')).toBeCloseTo(0); // cross pairs: a-b, a-b
  });
});

describe('EM training on a synthetic population', () => {
  const data = syntheticPeople({ people: 1500, seed: 11 });
  const spec = syntheticSpec();
  const result = linkRecords(data.records, spec);
  const K = result.comparisons.length;

  it('should recover m of each comparison close to its true value among blocked true matches', () => {
    const counts = result.comparisons.map((c) => new Float64Array(c.nLevels));
    for (let p = 0; p < result.pairs.count; p++) {
      if (data.truth[result.pairs.a[p]!] !== data.truth[result.pairs.b[p]!]) continue;
      for (let k = 0; k < K; k++) counts[k]![result.levels[p * K + k]!]!++;
    }
    result.comparisons.forEach((c, k) => {
      const cnt = counts[k]!;
      let nonNull = 0;
      for (let l = 1; l < c.nLevels; l++) nonNull += cnt[l]!;
      const trueExact = cnt[1]! / nonNull;
      expect(Math.abs(result.model.m[k]![1]! - trueExact), c.name).toBeLessThan(0.05);
    });
  });

  it('should estimate the priors across and within sources near the true shares of matching pairs', () => {
    // Matching pairs of each kind, counted per person and source.
    const bySource = new Map<string, number>();
    for (let i = 0; i < data.records.length; i++) {
      const key = `${data.truth[i]}|${data.records[i]!.source}`;
      bySource.set(key, (bySource.get(key) ?? 0) + 1);
    }
    const persons = new Map<string, number>();
    for (const t of data.truth) persons.set(t, (persons.get(t) ?? 0) + 1);
    const pairsOf = (counts: Iterable<number>) => [...counts].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
    const within = pairsOf(bySource.values());
    const across = pairsOf(persons.values()) - within;
    const spaceAcross = comparisonSpaceSize(data.records, 'link');
    const spaceWithin = comparisonSpaceSize(data.records, 'link_and_dedupe') - spaceAcross;
    expect(result.model.priorWithinSource).toBeDefined();
    const ratios = { across: result.model.prior / (across / spaceAcross), within: result.model.priorWithinSource! / (within / spaceWithin) };
    expect(ratios.across).toBeGreaterThan(0.8);
    expect(ratios.across).toBeLessThan(1.25);
    expect(ratios.within).toBeGreaterThan(0.7);
    expect(ratios.within).toBeLessThan(1.4);
  });

  it('should estimate u from the sample close to the exact level counts', () => {
    // 'city' has 10 values: u(exact) ≈ Σ share², about 0.1.
    const city = result.comparisons.findIndex((c) => c.name === 'city');
    expect(result.model.u[city]![1]).toBeGreaterThan(0.08);
    expect(result.model.u[city]![1]).toBeLessThan(0.14);
  });

  it('should not train comparisons in sessions blocked on their own field', () => {
    const email = result.model.training.sessions.find((s) => s.rule === 'email')!;
    expect(email.trained).not.toContain('email');
    expect(email.trained).toContain('phone');
    expect(result.model.training.untrained).toEqual([]);
  });

  it('should explain a candidate pair from its stored levels exactly as from scratch', () => {
    for (let p = 0; p < result.pairs.count; p += 7) {
      expect(result.explainCandidate(p)).toEqual(result.explain(result.pairs.a[p]!, result.pairs.b[p]!));
    }
  });

  it('should be deterministic', () => {
    const again = linkRecords(data.records, spec);
    expect(again.model.prior).toBe(result.model.prior);
    expect(again.model.m.map((m) => [...m])).toEqual(result.model.m.map((m) => [...m]));
    expect([...again.clusters.clusterOf]).toEqual([...result.clusters.clusterOf]);
  });
});
