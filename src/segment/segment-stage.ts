/**
 * segment: RFM scores and named segments, behavioural clusters (k chosen from the data) and
 * customer lifetime value (BG/NBD + Gamma-Gamma), as of the pipeline's as_of. Reads `features`
 * and `feature_shares` (the features stage) and `orders` (clean); see docs/segment.md.
 */
import type { Stage, StageContext } from '../pipeline/stage.js';
import type { Pipeline } from '../config/load.js';
import type { Db } from '../store/database.js';
import type { StageOutcome } from '../store/ledger.js';
import { computeRfm } from './rfm.js';
import { attributeInputs, clusterCustomers, resolveFeatures, type ClusteringResult } from './clustering.js';
import { clusteringPopulation } from './clustering-population.js';
import { computeClv } from './clv-scores.js';
import { isAttributeSpec, segmentConfigOf, type NumericFeatureColumn, type SegmentConfig, type ShareDimension } from './segment-config.js';
import { hasAttributeFeatures, NO_ATTRIBUTE_FEATURES, readAttributeFeatures, readFeatures, readPurchaseDays, resetSegmentTables, writeClv, writeRfm, writeSegments, type CustomerFeatures } from './segment-store.js';

export interface SegmentRunSummary {
  readonly customers: number;
  readonly rfm: { readonly scored: number; readonly segments: Record<string, number> };
  readonly clustering:
    | { readonly clustered: number; readonly k: number; readonly rule: string; readonly sizes: readonly number[]; readonly features: readonly string[]; readonly dropped: readonly { readonly name: string; readonly modalShare: number }[]; readonly imputed: Record<string, number>; readonly sampleSize: number; readonly note?: string }
    | { readonly clustered: number; readonly skipped: string };
  readonly clv: {
    readonly customers: number;
    readonly model: string;
    readonly params: Record<string, number> | null;
    /** Source of p_alive and the expected purchases (the model or `empirical`); null when skipped. */
    readonly purchases: string | null;
    readonly purchaseModelProblem: string | null;
    readonly spend: string | null;
    readonly gammaGamma: Record<string, number> | null;
    readonly gammaGammaProblem: string | null;
    readonly holdout: { readonly days: number; readonly cutoff: string; readonly customers: number; readonly actualPurchases: number } | null;
    readonly checks: readonly { readonly model: string; readonly metrics: Record<string, number>; readonly failures: readonly string[] }[];
    readonly skipped: string | null;
  };
  /** What a person must know: a skipped step and why, a fallback, dropped features. */
  readonly notes: readonly string[];
  readonly timingsMs: Record<string, number>;
}

/** The steps of runSegment in the order they run (onStep is called after each): for the progress bar. */
export const SEGMENT_STEPS = ['read_features', 'rfm', 'clustering', 'clv'];

/** The whole stage on an open database (inside the caller's transaction). */
export function runSegment(db: Db, config: SegmentConfig, asOf: string, onStep?: (step: string) => void): SegmentRunSummary {
  // Wall and CPU time per step (CPU shows the stage's own cost on a busy machine).
  const timings: Record<string, number> = {};
  let t = performance.now();
  let cpu = process.cpuUsage();
  const lap = (name: string): void => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    timings[name] = Math.round(now - t);
    timings[`${name}_cpu`] = Math.round((used.user + used.system) / 1000);
    t = now;
    cpu = process.cpuUsage();
    onStep?.(name);
  };

  const columns: NumericFeatureColumn[] = [];
  const dimensions: ShareDimension[] = [];
  for (const spec of config.clustering.specs) {
    if (spec.kind === 'column') columns.push(spec.column);
    else if (spec.kind === 'share' || spec.kind === 'shares') {
      if (!dimensions.includes(spec.dimension)) dimensions.push(spec.dimension);
    }
  }
  resetSegmentTables(db);
  const customers = readFeatures(db, columns, dimensions);
  lap('read_features');

  // RFM over every customer of the features table; customers without purchases are not scored.
  const rfm = computeRfm(
    customers.map((c) => ({ customerId: c.customerId, recencyDays: c.frequency > 0 ? c.recencyDays : null, frequency: c.frequency, monetary: c.monetary })),
    { segments: config.rfm.rules, ties: config.rfm.ties },
  );
  writeRfm(db, customers, rfm.scores);
  lap('rfm');

  // Clustering: buyers only, or everyone on attributes (clustering-population.ts, docs/segment.md);
  // the others get segment_id NULL.
  const population = clusteringPopulation(config, customers, hasAttributeFeatures(db));
  // Attribute features are read only when the chosen features use them (they can be many).
  const attributeData = population.specs.some(isAttributeSpec) ? readAttributeFeatures(db, asOf) : NO_ATTRIBUTE_FEATURES;
  const shareValues: Partial<Record<ShareDimension, string[]>> = {};
  for (const d of dimensions) {
    const values = new Set<string>();
    for (const c of population.rows) for (const v of Object.keys(c.shares[d] ?? {})) values.add(v);
    shareValues[d] = [...values];
  }
  const features = resolveFeatures(population.specs, shareValues, attributeData.catalog);
  const buyers = features.some((f) => f.kind === 'attribute')
    ? population.rows.map((row) => ({ ...row, attributes: attributeInputs(features, attributeData.byCustomer.get(row.customerId)) }))
    : population.rows;
  const c = config.clustering;
  const clustered = buyers.length >= c.k.min
    ? clusterCustomers(buyers, features, {
        scaling: c.scaling,
        log1p: c.log1p,
        kMin: c.k.min,
        kMax: c.k.max,
        sampleSize: c.sample_size,
        silhouetteSampleSize: c.silhouette_sample_size,
        seed: c.seed,
        runs: c.runs,
        stabilityThreshold: c.stability_threshold,
        sharePrior: c.share_prior,
        shareBlockWeight: c.share_block_weight,
      }, buyers.map((b) => b.frequency))
    : `${buyers.length} ${population.who}: fewer than k.min = ${c.k.min}`;
  const result: ClusteringResult | null = typeof clustered === 'string' ? null : clustered;
  const notes: string[] = [];
  if (population.note && result) notes.push(population.note);
  if (customers.length === 0) notes.push('the features table is empty, so there is nothing to score (has the features stage run?)');
  else if (!result) notes.push(`clustering skipped: ${clustered as string}`);
  else if (result.dropped.length > 0) {
    const shown = result.dropped.map((d) => `${d.name} (${d.modalShare === 1 ? 'constant' : `${(d.modalShare * 100).toFixed(1)} % share one value`})`);
    notes.push(`clustering: dropped ${shown.join(', ')}: a feature (nearly) everyone shares cannot separate customers`);
  }
  writeSegments(db, customers, buyers, result);
  lap('clustering');

  const check = config.clv.check;
  const clv = computeClv(readPurchaseDays(db, asOf), asOf, {
    model: config.clv.model,
    horizonDays: config.clv.horizon_days,
    discountRate: config.clv.discount_rate,
    check: { holdoutDays: check.holdout_days, maxRelativeError: check.max_relative_error, minAuc: check.min_auc },
  });
  writeClv(db, clv.rows, clv.model);
  if (customers.length > 0) notes.push(...clv.notes);
  lap('clv');

  return {
    customers: customers.length,
    rfm: { scored: rfm.scored, segments: rfm.segmentCounts },
    clustering: result
      ? {
          clustered: buyers.length,
          k: result.k,
          rule: result.rule,
          sizes: result.clusterSizes,
          features: result.features.map((f) => f.name),
          dropped: result.dropped,
          imputed: Object.fromEntries(result.features.map((f, j) => [f.name, result.imputed[j] as number]).filter(([, n]) => (n as number) > 0)),
          sampleSize: result.sampleSize,
          ...(population.note ? { note: population.note } : {}),
        }
      : { clustered: 0, skipped: clustered as string },
    clv: {
      customers: clv.rows.length,
      model: config.clv.model,
      params: clv.purchaseModel ? { r: clv.purchaseModel.r, alpha: clv.purchaseModel.alpha, a: clv.purchaseModel.a, b: clv.purchaseModel.b, logLikelihood: clv.purchaseModel.logLikelihood } : null,
      purchases: clv.purchases,
      purchaseModelProblem: clv.purchaseModelProblem,
      spend: clv.spend,
      gammaGamma: clv.gammaGamma ? { p: clv.gammaGamma.p, q: clv.gammaGamma.q, gamma: clv.gammaGamma.gamma, customers: clv.gammaGamma.customers } : null,
      gammaGammaProblem: clv.gammaGammaProblem,
      holdout: clv.holdout,
      checks: clv.checks.map((c) => ({ model: c.model, metrics: { ...c.metrics }, failures: c.failures })),
      skipped: clv.skipped,
    },
    notes,
    timingsMs: timings,
  };
}

export const segmentStage: Stage = {
  name: 'segment',
  description: 'RFM segments, behavioural clusters and customer lifetime value as of as_of',
  async inputs(pipeline: Pipeline) {
    return { inputHashes: {}, config: { segment: segmentConfigOf(pipeline) }, usesAsOf: true };
  },
  async preflight(pipeline: Pipeline) {
    segmentConfigOf(pipeline);
  },
  async run(context: StageContext): Promise<StageOutcome> {
    const { db, pipeline, logger } = context;
    const config = segmentConfigOf(pipeline);
    const steps = context.progress.steps('segment', SEGMENT_STEPS);
    const summary = runSegment(db, config, pipeline.asOf, (step) => steps.done(step));
    // Skips and fallbacks go out as notes (the runner logs them at warn level); the rest is info.
    if (!('skipped' in summary.clustering)) logger.info({ k: summary.clustering.k, rule: summary.clustering.rule, sizes: summary.clustering.sizes }, `clustering: k = ${summary.clustering.k}`);
    logger.info({ model: summary.clv.model, params: summary.clv.params, purchases: summary.clv.purchases, spend: summary.clv.spend, holdout: summary.clv.holdout, checks: summary.clv.checks, timingsMs: summary.timingsMs }, `clv: ${summary.clv.customers} customers`);
    return { rowsIn: summary.customers, rowsOut: summary.customers, rejects: 0, notes: summary.notes, details: summary };
  },
};
