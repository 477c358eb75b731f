import { describe, expect, it } from 'vitest';
import { profileGroups, type ProfileCustomer } from './profile.js';

function customer(i: number, group: string, spend: number, coupon: number, city: string): ProfileCustomer & { group: string } {
  return {
    customerId: `C${String(i).padStart(4, '0')}`,
    group,
    numeric: { monetary: spend, coupon_order_share: coupon },
    categorical: { city, top_category: group === 'a' ? 'beauty' : 'home' },
    spend: { category: { [group === 'a' ? 'beauty' : 'home']: spend } },
    revenue: spend,
    clv: spend / 2,
    pAlive: 0.5,
    reach: { email: i % 2 === 0, sms: i % 3 === 0, push: false },
  };
}

describe('profileGroups', () => {
  const rows = [
    ...Array.from({ length: 40 }, (_, i) => customer(i, 'a', 100 + i, 0.8, i < 5 ? 'Lhasa' : 'Beijing')),
    ...Array.from({ length: 60 }, (_, i) => customer(100 + i, 'b', 50 + (i % 7), 0.1, 'Shanghai')),
    ...Array.from({ length: 4 }, (_, i) => customer(200 + i, 'c', 10, 0, 'Shanghai')),
  ];
  const profiles = profileGroups(rows, (c) => (c as ProfileCustomer & { group: string }).group, 10);

  it('measures size, value held and effect sizes against the rest', () => {
    const a = profiles.find((p) => p.key === 'a')!;
    expect(a.customers).toBe(40);
    expect(a.share).toBeCloseTo(40 / 104, 6);
    const monetary = a.traits.find((t) => t.feature === 'monetary')!;
    expect(monetary.inMean).toBeCloseTo(119.5, 6);
    const restValues = rows.filter((r) => r.group !== 'a').map((r) => r.numeric['monetary'] as number).sort((x, y) => x - y);
    expect(monetary.restMean).toBeCloseTo(restValues.reduce((s, v) => s + v, 0) / restValues.length, 6);
    expect(monetary.restMedian).toBe((restValues[31]! + restValues[32]!) / 2);
    expect(monetary.effect!).toBeGreaterThan(2);
    const beauty = a.traits.find((t) => t.feature === 'top_category' && t.value === 'beauty')!;
    expect(beauty.inShare).toBe(1);
    expect(beauty.rank).not.toBeNull();
  });

  it('suppresses every figure about fewer than min_group_size customers', () => {
    const a = profiles.find((p) => p.key === 'a')!;
    const lhasa = a.traits.find((t) => t.feature === 'city' && t.value === 'Lhasa')!;
    expect(lhasa.suppressed).toBe(true);
    expect(lhasa.inShare).toBeNull();
    expect(a.reach.find((r) => r.channel === 'push')!.suppressed).toBe(true);
    const c = profiles.find((p) => p.key === 'c')!;
    expect(c.suppressed).toBe(true);
    expect(c.share).toBeNull();
    expect(c.traits).toEqual([]);
  });
});
