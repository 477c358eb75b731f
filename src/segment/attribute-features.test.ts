import { describe, expect, it } from 'vitest';
import { attributeInputs, featureWeights, resolveFeatures, type AttributeFeatureCatalog } from './clustering.js';
import { clusteringPopulation } from './clustering-population.js';
import { parseFeatureName, parseSegmentConfig } from './segment-config.js';
import { ConfigError } from '../config/errors.js';

const catalog: AttributeFeatureCatalog = new Map([
  ['income', { type: 'number', values: [] }],
  ['education', { type: 'category', values: ['Basic', 'PhD'] }],
  ['response', { type: 'boolean', values: [] }],
  ['since', { type: 'date', values: [] }],
  ['year_birth', { type: 'year', values: [] }],
]);
const declared = new Map([
  ['income', 'number'],
  ['education', 'category'],
  ['response', 'boolean'],
] as const);

describe('attribute clustering features', () => {
  it('parses attr.<name>, attr.<category>.* and attr.*', () => {
    expect(parseFeatureName('attr.income')).toEqual({ kind: 'attribute', name: 'attr.income', attribute: 'income' });
    expect(parseFeatureName('attr.orders.country.top_share')).toEqual({ kind: 'attribute', name: 'attr.orders.country.top_share', attribute: 'orders.country.top_share' });
    expect(parseFeatureName('attr.education.*')).toEqual({ kind: 'attribute_values', name: 'attr.education.*', attribute: 'education' });
    expect(parseFeatureName('attr.*')).toEqual({ kind: 'attributes', name: 'attr.*' });
  });

  it('expands attr.* to the numeric attributes (each a whole feature) and a category to a 0/1 block', () => {
    const config = parseSegmentConfig({ clustering: { features: ['attr.*', 'attr.education.*', 'attr.response'] } }, 'p.yml', declared);
    const features = resolveFeatures(config.clustering.specs, {}, catalog);
    expect(features.map((f) => f.name)).toEqual(['attr.income', 'attr.since', 'attr.year_birth', 'attr.education.Basic', 'attr.education.PhD', 'attr.response']);
    const weights = featureWeights(features, 2);
    expect(weights.slice(0, 3)).toEqual([1, 1, 1]);
    expect(weights[3]).toBeCloseTo(1, 10); // sqrt(2 / 2): the two education values weigh as 2 features
    expect(weights[5]).toBe(1);
    expect(attributeInputs(features, new Map<string, string | number>([['income', 50_000], ['education', 'PhD'], ['response', 1]]))).toEqual({
      'attr.income': 50_000,
      'attr.since': null,
      'attr.year_birth': null,
      'attr.education.Basic': 0,
      'attr.education.PhD': 1,
      'attr.response': 1,
    });
    expect(attributeInputs(features, undefined)['attr.education.PhD']).toBe(0);
  });

  it('checks attribute features against the declared attributes, with a fix', () => {
    const problems = (section: unknown): string[] => {
      try {
        parseSegmentConfig(section, 'p.yml', declared);
        return [];
      } catch (error) {
        return (error as ConfigError).problems.map((p) => `${p.path.join('.')}: ${p.message} | ${p.fix ?? ''}`);
      }
    };
    expect(problems({ clustering: { features: ['attr.educaton.*', 'attr.education', 'attr.income.*'] } })).toEqual([
      'segment.clustering.features.0: "attr.educaton.*": no source declares the attribute "educaton" | did you mean "attr.education.*"?',
      'segment.clustering.features.1: "attr.education" is a category: k-means needs numbers | write "attr.education.*" (one 0/1 feature per value)',
      'segment.clustering.features.2: "attr.income.*": income is a number, not a category | write "attr.income"',
    ]);
    expect(problems({ clustering: { features_without_orders: ['frequency'] } })[0]).toMatch(/^segment\.clustering\.features_without_orders: "frequency" needs orders/);
  });

  it('clusters buyers on behaviour, everyone on attributes only, and everyone on features_without_orders when nobody bought', () => {
    const rows = [{ frequency: 0 }, { frequency: 2 }, { frequency: 0 }];
    const behaviour = parseSegmentConfig({}, 'p.yml', declared);
    expect(clusteringPopulation(behaviour, rows, true).rows).toEqual([{ frequency: 2 }]);
    const attributesOnly = parseSegmentConfig({ clustering: { features: ['attr.income'] } }, 'p.yml', declared);
    expect(clusteringPopulation(attributesOnly, rows, true).rows).toHaveLength(3);
    const nobody = rows.map(() => ({ frequency: 0 }));
    const fallback = clusteringPopulation(behaviour, nobody, true);
    expect(fallback.rows).toHaveLength(3);
    expect(fallback.specs.map((s) => s.name)).toEqual(['attr.*']);
    expect(fallback.note).toMatch(/^no customer has a purchase: clustered all 3 customers on their attributes/);
    expect(clusteringPopulation(behaviour, nobody, false).rows).toEqual([]); // no attributes: nothing to cluster on
  });
});
