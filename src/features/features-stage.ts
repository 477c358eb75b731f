/**
 * features: one row per customer computed as of `as_of` (point-in-time correct), the per-category
 * and per-channel shares of net spend, and the weighted tags of the pipeline file. See
 * docs/features.md.
 */
import type { Stage, StageContext } from '../pipeline/stage.js';
import type { Pipeline } from '../config/load.js';
import { featuresConfigOf } from './features-config.js';
import { computeFeatures } from './compute-features.js';
import { writeTags } from './write-tags.js';
import { writeAttributeFeatures } from './attribute-features.js';

/** The steps of computeFeatures in the order they run, then the tags: for the progress bar. */
const FEATURES_STEPS = ['clear', 'lines', 'orders', 'coupons', 'population_gap', 'shares', 'mix', 'events', 'features', 'stats', 'tags'];

export const featuresStage: Stage = {
  name: 'features',
  description: 'one row of behavioural, profile and lifecycle features per customer as of as_of; shares; tags',
  async inputs(pipeline: Pipeline) {
    return {
      inputHashes: {},
      config: { features: featuresConfigOf(pipeline).config },
      usesAsOf: true,
    };
  },
  async preflight(pipeline: Pipeline) {
    featuresConfigOf(pipeline);
  },
  async run(context: StageContext) {
    const { db, pipeline, logger } = context;
    const features = featuresConfigOf(pipeline);
    const started = performance.now();
    const steps = context.progress.steps('features', FEATURES_STEPS);
    const stats = computeFeatures(db, { asOf: pipeline.asOf, features, onStep: (step) => steps.done(step) });
    logger.info(
      { customers: stats.features, notYetKnown: stats.customersNotYetKnown, populationGapDays: stats.populationGapDays, lifecycle: stats.lifecycle, tiers: stats.tiers, timingsMs: stats.timingsMs },
      `features: ${stats.features} customers as of ${stats.asOf} (${stats.orderLinesRead} order lines, ${stats.eventsRead} events before ${stats.cutoff})`,
    );
    const attributeStart = performance.now();
    const attributes = writeAttributeFeatures(db, pipeline.sources, stats.cutoff);
    const attributesMs = Math.round(performance.now() - attributeStart);
    if (attributes.values > 0) logger.info({ attributes }, `attribute features: ${attributes.values} values`);
    const tagStart = performance.now();
    const tags = writeTags(db, features.tags);
    if (features.tags.length > 0) logger.info({ tags: tags.counts }, `tags: ${Object.entries(tags.counts).map(([tag, n]) => `${tag} ${n}`).join(', ')}`);
    const timingsMs = { ...stats.timingsMs, attributes: attributesMs, tags: Math.round(performance.now() - tagStart), total: Math.round(performance.now() - started) };
    return {
      rowsIn: stats.customersIn,
      rowsOut: stats.features,
      rejects: 0,
      notes: tags.warnings,
      details: { ...stats, attributes, timingsMs, tags: tags.counts, tagWarnings: tags.warnings },
    };
  },
};
