import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import type { Pipeline } from '../config/load.js';
import { checkFeaturesSection, DEFAULT_TIER_LEVELS, featuresConfigOf } from './features-config.js';

function pipelineWith(features: unknown): Pipeline {
  return { file: '/p/shop.yml', config: { features }, asOf: '2025-12-31', databasePath: '/p/shop.db', sources: [] } as unknown as Pipeline;
}

function problemsOf(features: unknown) {
  return checkFeaturesSection(features).problems.map((p) => ({ path: p.path.join('.'), message: p.message, fix: p.fix }));
}

describe('the features: section', () => {
  it('has defaults for everything when absent', () => {
    const resolved = featuresConfigOf(pipelineWith(undefined));
    expect(resolved.config.tiers).toEqual({ window_days: 365, levels: DEFAULT_TIER_LEVELS });
    expect(resolved.lifecycle).toEqual({ activeFactor: 1.5, atRiskFactor: 3, lapsedFactor: 6, newFactor: 2, newMaxPurchaseDays: 2, ownRhythmMinPurchaseDays: 3, priorWeight: 2 });
    expect(resolved.config.events).toEqual({ cart_event_types: ['add_to_cart'], cart_purchase_window_days: 7 });
    expect(resolved.tags).toEqual([]);
  });

  it('reads tiers, lifecycle factors and tags', () => {
    const resolved = featuresConfigOf(
      pipelineWith({
        tiers: { window_days: 180, levels: [{ name: 'member', min_orders: 1 }, { name: 'vip', min_spend: 5000, min_orders: 4 }] },
        lifecycle: { active_factor: 2, at_risk_factor: 4, lapsed_factor: 8 },
        tags: [{ name: 'big_spender', when: 'monetary >= 20000' }, { name: 'fashion_fan', when: 'share.category.apparel >= 0.5', weight: 0.7 }],
      }),
    );
    expect(resolved.tierLevels).toEqual([
      { name: 'member', minSpend: 0, minOrders: 1 },
      { name: 'vip', minSpend: 5000, minOrders: 4 },
    ]);
    expect(resolved.lifecycle.activeFactor).toBe(2);
    expect(resolved.tags.map((t) => [t.name, t.weight])).toEqual([
      ['big_spender', 1],
      ['fashion_fan', 0.7],
    ]);
  });

  it.each([
    [{ tags: [{ name: 'a', when: 'monetary > 1' }, { name: 'b', when: 'frequency > 1' }, { name: 'c', when: 'monetry >= 20000' }] }, 'features.tags.2.when', 'unknown feature "monetry" (at character 1 of "monetry >= 20000")', 'did you mean "monetary"?'],
    [{ tags: [{ name: 'a', when: 'monetary > 1', weight: 1.5 }] }, 'features.tags.0.weight', 'Too big', undefined],
    [{ tags: [{ name: 'a', when: 'monetary > 1' }, { name: 'a', when: 'frequency > 1' }] }, 'features.tags.1.name', 'tag "a" is already defined at features.tags[0]', undefined],
    [{ tags: [{ name: 'Big Spender', when: 'monetary > 1' }] }, 'features.tags.0.name', 'expected a lower-case name', undefined],
    [{ tags: [{ name: 'a', when: 'monetary > 1', wieght: 1 }] }, 'features.tags.0.wieght', 'unknown key "wieght"', 'did you mean "weight"?'],
    [{ tags: [{ name: 'a' }] }, 'features.tags.0.when', '"when" is required (expected string)', 'add when'],
    [{ teirs: {} }, 'features.teirs', 'unknown key "teirs"', 'did you mean "tiers"?'],
    [{ lifecycle: { active_factor: 4 } }, 'features.lifecycle', 'the factors must grow: active_factor 4 < at_risk_factor 3 < lapsed_factor 6', undefined],
    [{ lifecycle: { active_facter: 1 } }, 'features.lifecycle.active_facter', 'unknown key "active_facter"', 'did you mean "active_factor"?'],
    [{ tiers: { levels: [{ name: 'gold', min_spend: 8000, min_orders: 6 }, { name: 'silver', min_spend: 2000, min_orders: 3 }] } }, 'features.tiers.levels.1', 'lower threshold than "gold"', 'list the levels from lowest to highest'],
    [{ tiers: { levels: [] } }, 'features.tiers.levels', 'list at least one level', undefined],
    [{ tiers: { window_days: 0 } }, 'features.tiers.window_days', 'Too small', undefined],
    [{ events: { cart_event_types: [] } }, 'features.events.cart_event_types', 'Too small', undefined],
  ])('%j → %s: %s', (features, path, message, fix) => {
    const problems = problemsOf(features);
    const problem = problems.find((p) => p.path === path);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.message).toContain(message);
    if (fix !== undefined) expect(problem!.fix).toBe(fix);
  });

  it('throws one ConfigError naming the file and every problem', () => {
    const features = { tags: [{ name: 'a', when: 'monetry > 1' }, { name: 'b', when: "city = 'x" }] };
    expect(() => featuresConfigOf(pipelineWith(features))).toThrow(ConfigError);
    try {
      featuresConfigOf(pipelineWith(features));
    } catch (error) {
      const text = (error as ConfigError).message;
      expect(text).toContain('/p/shop.yml: 2 problems in the pipeline file');
      expect(text).toContain('features.tags[0].when: unknown feature "monetry"');
      expect(text).toContain('fix: did you mean "monetary"?');
      expect(text).toContain('features.tags[1].when: unterminated string');
    }
  });
});
