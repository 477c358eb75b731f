import { describe, expect, it } from 'vitest';
import { PhoneRegionCounter } from './phone-regions.js';

describe('PhoneRegionCounter', () => {
  it('should infer the region of a source from the numbers it writes with a country code', () => {
    const counter = new PhoneRegionCounter();
    for (let i = 0; i < 8; i++) counter.add('loyalty', `+86 138 0000 ${1000 + i}`);
    counter.add('loyalty', '0044 20 7946 0958');
    for (let i = 0; i < 50; i++) counter.add('loyalty', `1381234${String(i).padStart(4, '0')}`); // bare: not counted
    counter.add('loyalty', null);
    expect(counter.regions().get('loyalty')).toEqual({ region: 'CN', international: 9, inRegion: 8 });
  });

  it('should infer nothing from too few numbers or from a mix without a main region', () => {
    const counter = new PhoneRegionCounter();
    for (let i = 0; i < 4; i++) counter.add('few', `+86 138 0000 ${1000 + i}`);
    for (let i = 0; i < 5; i++) counter.add('mixed', `+86 138 0000 ${1000 + i}`);
    for (let i = 0; i < 5; i++) counter.add('mixed', `+44 20 7946 ${1000 + i}`);
    expect(counter.regions().size).toBe(0);
  });

  it('should give the region of all sources together for a source that writes no country codes', () => {
    const counter = new PhoneRegionCounter();
    for (let i = 0; i < 6; i++) counter.add('shop', `+86 138 0000 ${1000 + i}`);
    for (let i = 0; i < 6; i++) counter.add('loyalty', `1381234${String(i).padStart(4, '0')}`);
    expect(counter.regions().has('loyalty')).toBe(false);
    expect(counter.international('loyalty')).toBe(0);
    expect(counter.overall()).toEqual({ region: 'CN', international: 6, inRegion: 6 });
  });
});
