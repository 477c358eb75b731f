import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { DEFAULT_RFM_SEGMENTS } from './rfm.js';
import { DEFAULT_CLUSTER_FEATURES, parseFeatureName, parseSegmentConfig } from './segment-config.js';

function problems(section: unknown): string[] {
  try {
    parseSegmentConfig(section, 'p.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path.join('.')}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('parseSegmentConfig', () => {
  it('fills every default when the section is missing', () => {
    const c = parseSegmentConfig(undefined);
    expect(c.rfm.segments).toBe('default');
    expect(c.rfm.rules).toBe(DEFAULT_RFM_SEGMENTS);
    expect(c.rfm.ties).toBe('split');
    expect(c.clustering.features).toEqual([...DEFAULT_CLUSTER_FEATURES]);
    expect(c.clustering.specs.map((s) => s.kind)).toEqual([...DEFAULT_CLUSTER_FEATURES.map((f) => (f.startsWith('share.') ? 'shares' : 'column'))]);
    expect(c.clustering).toMatchObject({ scaling: 'zscore', log1p: 'auto', k: { min: 2, max: 10 }, sample_size: 5_000, seed: 42, runs: 3, share_prior: 3, share_block_weight: 3 });
    expect(c.clv).toEqual({ check: { holdout_days: 'auto', max_relative_error: 0.5, min_auc: 0.6 }, horizon_days: 365, discount_rate: 0.1, model: 'mbg_nbd' });
  });

  it('accepts an override grid and partial sections', () => {
    const grid = [
      { name: 'Best', r: [4, 5], fm: [1, 5] },
      { name: 'Rest', r: [1, 3], fm: [1, 5] },
    ];
    const c = parseSegmentConfig({ rfm: { segments: grid }, clustering: { k: { max: 6 }, features: ['frequency', 'share.channel.web'] }, clv: { model: 'bg_nbd' } });
    expect(c.rfm.rules).toEqual(grid);
    expect(c.clustering.k).toEqual({ min: 2, max: 6 });
    expect(c.clustering.specs).toEqual([
      { kind: 'column', name: 'frequency', column: 'frequency' },
      { kind: 'share', name: 'share.channel.web', dimension: 'channel', value: 'web' },
    ]);
    expect(c.clv.model).toBe('bg_nbd');
  });

  it('names every uncovered and doubly covered RFM cell', () => {
    const found = problems({ rfm: { segments: [{ name: 'A', r: [1, 5], fm: [1, 4] }, { name: 'B', r: [5, 5], fm: [4, 5] }] } });
    expect(found).toContain('segment.rfm.segments: cell (R=5, FM=4) is covered by 2 rules: "A", "B"');
    expect(found).toContain('segment.rfm.segments: cell (R=1, FM=5) is not covered by any rule');
    expect(found).toHaveLength(5);
  });

  it('rejects unknown features, duplicates, stray log1p keys, bad k and unknown keys', () => {
    expect(problems({ clustering: { features: ['frequency', 'shoe_size', 'share.brand.x', 'frequency'] } })).toEqual([
      'segment.clustering.features.1: "shoe_size" is not a numeric column of the features table nor share.<category|channel>.<value>',
      'segment.clustering.features.2: "share.brand.x": the share dimension must be category or channel, not "brand"',
      'segment.clustering.features.3: "frequency" is listed twice',
    ]);
    expect(problems({ clustering: { features: ['frequency'], log1p: { monetary: true } } })).toEqual(['segment.clustering.log1p.monetary: "monetary" is not one of the clustering features']);
    expect(problems({ clustering: { k: { min: 5, max: 3 } } })[0]).toMatch(/^segment\.clustering\.k/);
    expect(problems({ clv: { model: 'pareto' } })[0]).toMatch(/^segment\.clv\.model/);
    expect(problems({ clusters: {} })[0]).toMatch(/^segment/);
  });

  it('lets a per-feature log1p key name one value of an expanded share.<dimension>.*', () => {
    const c = parseSegmentConfig({ clustering: { features: ['monetary', 'share.category.*'], log1p: { monetary: false, 'share.category.toys': true } } });
    expect(c.clustering.log1p).toEqual({ monetary: false, 'share.category.toys': true });
  });
});

describe('parseFeatureName', () => {
  it('parses columns, one share and every share of a dimension', () => {
    expect(parseFeatureName('events_90d')).toEqual({ kind: 'column', name: 'events_90d', column: 'events_90d' });
    expect(parseFeatureName('share.category.home.garden')).toEqual({ kind: 'share', name: 'share.category.home.garden', dimension: 'category', value: 'home.garden' });
    expect(parseFeatureName('share.channel.*')).toEqual({ kind: 'shares', name: 'share.channel.*', dimension: 'channel' });
    expect(parseFeatureName('customer_id')).toMatch(/not a numeric column/);
  });
});
