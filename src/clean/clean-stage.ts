/**
 * clean: identity resolution into golden customers, then orders and events keyed by customer,
 * with duplicates, returns, cancellations and outliers handled. See docs/clean.md.
 */
import type { Stage, StageContext } from '../pipeline/stage.js';
import type { Pipeline } from '../config/load.js';
import { cleanConfigOf } from './clean-config.js';
import { resolveIdentities } from './resolve-identities.js';
import { cleanEvents, cleanOrders } from './orders/index.js';

export const cleanStage: Stage = {
  name: 'clean',
  description: 'normalise, resolve identities into golden customers, clean orders and events',
  async inputs(pipeline: Pipeline) {
    return {
      inputHashes: {},
      config: {
        clean: cleanConfigOf(pipeline),
        base_currency: pipeline.config.base_currency,
        sources: pipeline.sources.map((s) => ({ name: s.name, kind: s.kind, default_region: s.default_region ?? null })),
      },
      usesAsOf: false,
    };
  },
  async preflight(pipeline: Pipeline) {
    cleanConfigOf(pipeline);
  },
  async run(context: StageContext) {
    const { db, pipeline, logger, runId } = context;
    const config = cleanConfigOf(pipeline);
    db.exec(`DELETE FROM data_issues WHERE stage = 'clean'`);

    const identity = resolveIdentities(db, pipeline, config, runId);
    logger.info(identity, `identity: ${identity.records} records → ${identity.customers} customers (${identity.candidatePairs} pairs compared)`);

    const orders = cleanOrders(db, {
      baseCurrency: pipeline.config.base_currency,
      dropExactDuplicates: config.orders.drop_exact_duplicates,
      outlier: {
        quantityFloor: config.outliers.quantity_floor,
        iqrMultiplier: config.outliers.iqr_multiplier,
        priceRatio: config.outliers.price_ratio,
        priceMinSkuLines: config.outliers.price_min_sku_lines,
      },
    });
    logger.info({ orders }, 'orders cleaned');
    const events = cleanEvents(db);
    logger.info({ events }, 'events cleaned');

    const issues = (db.prepare(`SELECT COUNT(*) AS n FROM data_issues WHERE stage = 'clean'`).get() as { n: number }).n;
    const rowsIn = identity.records + orders.linesIn + events.linesIn;
    const rowsOut = identity.customers + orders.linesOut + events.linesOut;
    return { rowsIn, rowsOut, rejects: issues, details: { identity, orders, events } };
  },
};
