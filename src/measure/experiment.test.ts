import { describe, expect, it } from 'vitest';
import { ExperimentAccumulator, type ExperimentSpec } from './experiment.js';

const spec: ExperimentSpec = {
  campaign: 'spring',
  control: 'none',
  metrics: [
    { name: 'converted', role: 'conversion' },
    { name: 'revenue', role: 'value' },
  ],
  covariate: 'spend_before',
  segmentBy: 'persona',
  costs: true,
};

/** 3 arms × 2 personas; persona "few" has only 5 people in arm b. */
function filled(): ExperimentAccumulator {
  const acc = new ExperimentAccumulator(spec);
  const add = (arm: string, persona: string, n: number, buyers: number, basket: number, cost: number) => {
    for (let i = 0; i < n; i++) {
      const buys = i < buyers ? 1 : 0;
      acc.add(arm, persona, [buys, buys * basket], i % 7, cost);
    }
  };
  add('none', 'many', 400, 40, 50, 0);
  add('none', 'few', 100, 10, 50, 0);
  add('a', 'many', 400, 80, 50, 0.5);
  add('a', 'few', 100, 20, 50, 0.5);
  add('b', 'many', 400, 60, 50, 0.5);
  add('b', 'few', 5, 1, 50, 0.5);
  return acc;
}

describe('ExperimentAccumulator', () => {
  const rows = filled().results();

  it('compares each arm with the control, for everyone and per segment, plain and adjusted', () => {
    // 3 segments ('' + 2) × 2 arms × 2 metrics × 2 (plain, adjusted)
    expect(rows).toHaveLength(24);
    expect(rows.map((r) => `${r.segment}|${r.arm}|${r.metric}|${r.adjusted}`).slice(0, 4)).toEqual(['|a|converted|0', '|a|converted|1', '|a|revenue|0', '|a|revenue|1']);
    const overallA = rows.find((r) => r.segment === '' && r.arm === 'a' && r.metric === 'converted' && r.adjusted === 0)!;
    expect(overallA).toMatchObject({ n_arm: 500, n_control: 500, value_arm: 0.2, value_control: 0.1, kind: 'rate', method: 'newcombe', segment_by: '' });
    expect(overallA.uplift).toBeCloseTo(0.1, 12);
    expect(overallA.incremental).toBeCloseTo(50, 10);
  });

  it('suppresses a segment whose arm is under 10 people, keeping its counts', () => {
    const few = rows.filter((r) => r.segment === 'few' && r.arm === 'b');
    expect(few.every((r) => r.suppressed === 1 && r.uplift === null && r.n_arm === 5 && r.segment_by === 'persona')).toBe(true);
  });

  it('gives ROI on revenue and cost per incremental conversion on conversions', () => {
    const revenue = rows.find((r) => r.segment === '' && r.arm === 'a' && r.metric === 'revenue' && r.adjusted === 0)!;
    expect(revenue.kind).toBe('mean');
    expect(revenue.incremental_cost).toBeCloseTo(250, 10); // 0.5 per head × 500
    expect(revenue.incremental).toBeCloseTo(2500, 8); // 50 more buyers × 50
    expect(revenue.roi).toBeCloseTo(9, 10);
    expect(revenue.roi_low!).toBeLessThan(9);
    const converted = rows.find((r) => r.segment === '' && r.arm === 'a' && r.metric === 'converted' && r.adjusted === 0)!;
    expect(converted.cost_per_incremental).toBeCloseTo(5, 10);
  });

  it('gives the same rows for the same observations', () => {
    expect(JSON.stringify(filled().results())).toBe(JSON.stringify(rows));
  });
});
