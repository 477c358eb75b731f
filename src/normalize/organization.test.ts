import { describe, expect, it } from 'vitest';
import { organizationKeys } from './organization.js';

describe('organizationKeys', () => {
  it.each([
    ['Rossi Bakery Ltd.', 'rossi bakery'],
    ['ROSSI BAKERY LIMITED', 'rossi bakery'],
    ['The Rossi Bakery', 'rossi bakery'],
    ['Smith & Sons Co.', 'smith sons'],
    ['Müller GmbH & Co. KG', 'muller'],
    ['Acme S.A.', 'acme'],
    ['Café de Flore', 'cafe flore'],
    ['北京星辰科技有限公司', 'beijingxingchenkeji'], // pinyin, the legal form dropped,
    ['The Company', 'the company'],
  ])('should fold %j to %j', (raw, key) => {
    expect(organizationKeys(raw)?.key).toBe(key);
  });

  it('should give the same words whatever their order', () => {
    expect(organizationKeys('Bakery Rossi')?.words).toEqual(organizationKeys('Rossi Bakery Ltd')?.words);
  });

  it.each([[null], [''], ['  ']])('should give null for %j', (raw) => {
    expect(organizationKeys(raw)).toBeNull();
  });
});
