import { describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDE_REASON, excludeSkuRules, pipelineExcludeSkuRules } from './exclude-skus.js';

describe('excludeSkuRules', () => {
  it('flattens the entries into one rule per SKU or pattern, in file order', () => {
    expect(excludeSkuRules('shop', ['POST', { skus: ['DOT', 'C2'], reason: ' postage ' }, { sku: 'M', reason: 'manual' }, { pattern: 'gift_*', reason: 'gift voucher' }, { sku: 'X' }])).toEqual([
      { source: 'shop', sku: 'POST', pattern: null, reason: DEFAULT_EXCLUDE_REASON },
      { source: 'shop', sku: 'DOT', pattern: null, reason: 'postage' },
      { source: 'shop', sku: 'C2', pattern: null, reason: 'postage' },
      { source: 'shop', sku: 'M', pattern: null, reason: 'manual' },
      { source: 'shop', sku: null, pattern: 'gift_*', reason: 'gift voucher' },
      { source: 'shop', sku: 'X', pattern: null, reason: DEFAULT_EXCLUDE_REASON },
    ]);
  });

  it('takes the rules of orders sources only', () => {
    const sources = [
      { name: 'crm', kind: 'customers' as const, exclude_skus: ['A'] },
      { name: 'web', kind: 'orders' as const, exclude_skus: ['B'] },
      { name: 'pos', kind: 'orders' as const },
    ];
    expect(pipelineExcludeSkuRules({ sources } as never).map((r) => [r.source, r.sku])).toEqual([['web', 'B']]);
  });
});
