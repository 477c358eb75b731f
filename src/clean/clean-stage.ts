/**
 * clean: identity resolution into golden customers, then orders and events keyed by customer,
 * with duplicates, returns, cancellations and outliers handled. See docs/clean.md.
 */
import type { Stage, StageContext } from '../pipeline/stage.js';
import type { Pipeline } from '../config/load.js';
import { cleanConfigOf, type CleanConfig } from './clean-config.js';
import { resolveIdentities } from './resolve-identities.js';
import { cleanEvents, cleanOrders, computeOrderRules, type CleanOrdersOptions, type OrderRules } from './orders/index.js';
import { writeAttributes } from './attributes/customer-attributes.js';
import { startOrderRules, type PendingOrderRules } from './orders/order-rules-thread.js';
import { pipelineExcludeSkuRules } from './orders/exclude-skus.js';

/** clean's steps in the order they run, for the progress bar (the names the steps report). */
const CLEAN_STEPS = [
  ...['read', 'link', 'stable_ids', 'golden', 'pairs', 'changes'].map((step) => `identity ${step}`),
  ...['rules', 'clear', 'duplicates', 'missing_price', 'insert', 'status_issues', 'line_issues', 'price_outliers', 'totals'].map((step) => `orders ${step}`),
  'events',
];
import { fieldIssueNote, mostlyFailedColumns } from './field-issue-notes.js';
import { DataError } from '../util/errors.js';
import type { IdentityStats } from './resolve-identities.js';

/** Page cache of the clean stage's connection, in MiB. */
const CLEAN_CACHE_MIB = 128;

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
        // Only when set, so that pipelines without it keep their fingerprint.
        ...(pipelineExcludeSkuRules(pipeline).length > 0 ? { exclude_skus: pipelineExcludeSkuRules(pipeline) } : {}),
      },
      usesAsOf: false,
    };
  },
  async preflight(pipeline: Pipeline) {
    cleanConfigOf(pipeline);
  },
  async run(context: StageContext) {
    const { db } = context;
    // clean rewrites every order and event line in one transaction: a larger page cache keeps
    // the rewrite and its index builds from spilling (retail-20k: about 1 s faster than 64 MiB;
    // 256 MiB gains nothing more). Bounded, so the 200,000-person run stays under 1.5 GB.
    const previousCache = db.pragma('cache_size', { simple: true }) as number;
    db.pragma(`cache_size = -${CLEAN_CACHE_MIB * 1024}`);
    try {
      return await runClean(context);
    } finally {
      db.pragma(`cache_size = ${previousCache}`);
    }
  },
};

/** The work of the clean stage (see the top of this file); run sets the page cache around it. */
async function runClean(context: StageContext) {
  const { db, pipeline } = context;
  const config = cleanConfigOf(pipeline);
  db.exec(`DELETE FROM data_issues WHERE stage = 'clean'`);
  const ordersOptions: CleanOrdersOptions = {
    baseCurrency: pipeline.config.base_currency,
    dropExactDuplicates: config.orders.drop_exact_duplicates,
    excludeSkus: pipelineExcludeSkuRules(pipeline),
    outlier: {
      quantityFloor: config.outliers.quantity_floor,
      iqrMultiplier: config.outliers.iqr_multiplier,
      priceRatio: config.outliers.price_ratio,
      priceMinSkuLines: config.outliers.price_min_sku_lines,
    },
  };
  // The orders' rule tables depend on the raw tables alone: another thread works them out
  // while this one resolves identities (they need nothing from each other).
  const rulesStart = performance.now();
  const pendingRules = db.memory ? undefined : startOrderRules(db.name, ordersOptions);
  try {
    return await cleanWithRules(context, config, ordersOptions, pendingRules, rulesStart);
  } finally {
    pendingRules?.terminate(); // a failure before the rules were used: do not leave the thread scanning
  }
}

/** Identities, then orders with the rules (from the thread, else computed here), then events. */
async function cleanWithRules(
  context: StageContext,
  config: CleanConfig,
  ordersOptions: CleanOrdersOptions,
  pendingRules: PendingOrderRules | undefined,
  rulesStart: number,
) {
  const { db, pipeline, logger, runId } = context;

  const steps = context.progress.steps('clean', CLEAN_STEPS);
  const identity = resolveIdentities(db, pipeline, config, runId, (step) => steps.done(`identity ${step}`));
  logger.info(identity, `identity: ${identity.records} records → ${identity.customers} customers (${identity.candidatePairs} pairs compared)`);
  const nothingLinked = nothingLinkedNote(identity);
  if (nothingLinked !== null && config.identity.on_nothing_linked === 'fail') {
    throw new DataError(`clean: ${nothingLinked} (clean.identity.on_nothing_linked: fail)`);
  }

  // Time of each orders step, kept in the ledger (stage_runs.details.orders.timingsMs).
  const orderTimings: Record<string, number> = {};
  let lap = performance.now();
  let rules: OrderRules;
  if (pendingRules === undefined) {
    rules = computeOrderRules(db, ordersOptions);
    orderTimings['rules'] = Math.round(performance.now() - lap);
  } else {
    // From the start of the thread until its rules are here. If the thread fails (it could not
    // open the file, ran out of memory), this thread computes them: a data error then surfaces
    // here with its own type.
    rules = await pendingRules.rules.catch((error: unknown) => {
      logger.warn({ err: error }, 'the orders rules thread failed; computing the rules on the main thread');
      return computeOrderRules(db, ordersOptions);
    });
    orderTimings['rules_thread'] = Math.round(performance.now() - rulesStart);
  }
  steps.done('orders rules');
  lap = performance.now();
  const orders = cleanOrders(
    db,
    {
      ...ordersOptions,
      onStep: (step) => {
        const now = performance.now();
        orderTimings[step] = Math.round(now - lap);
        lap = now;
        steps.done(`orders ${step}`);
      },
    },
    rules,
  );
  logger.info({ orders }, `orders: ${orders.linesIn} lines → ${orders.linesOut} (${orders.duplicatesRemoved} duplicates removed, ${orders.returns} returns, ${orders.outliers} outliers, ${orders.dataIssues} data issues)`);
  const attributes = writeAttributes(db, pipeline, config);
  if (attributes.values + attributes.orderValues > 0) logger.info({ attributes }, `attributes: ${attributes.values} golden values of ${attributes.customers} customers, ${attributes.orderValues} order-line values`);
  const eventsStart = performance.now();
  const events = cleanEvents(db);
  const eventsMs = Math.round(performance.now() - eventsStart);
  logger.info({ events }, `events: ${events.linesIn} lines, ${events.unknownCustomerRefs} without a known customer`);

  const issues = (db.prepare(`SELECT COUNT(*) AS n FROM data_issues WHERE stage = 'clean'`).get() as { n: number }).n;
  const rowsIn = identity.records + orders.linesIn + events.linesIn;
  const rowsOut = identity.customers + orders.linesOut + events.linesOut;
  const notes = [...(nothingLinked === null ? [] : [nothingLinked]), ...identity.notes, ...mostlyFailedColumns(db).map(fieldIssueNote)];
  return { rowsIn, rowsOut, rejects: issues, dataIssues: issues, notes, details: { identity, attributes, orders: { ...orders, timingsMs: orderTimings }, events: { ...events, timingsMs: { total: eventsMs } } } };
}

/**
 * Identity that compared no pair, or linked none, while there were records to compare: every
 * record became its own customer. Often right for a file without duplicates, but just as often a
 * mapping that leaves nothing to compare (phones that did not normalise, no name mapped).
 */
export function nothingLinkedNote(identity: Pick<IdentityStats, 'records' | 'candidatePairs' | 'linkedPairs' | 'phones'>): string | null {
  if (identity.records < 2) return null;
  const lostPhones = Object.entries(identity.phones).filter(([, p]) => p.invalid > 0).map(([s, p]) => `${p.invalid} phones of ${s}`);
  const hint = `check the column mapping (names, e-mail, phone, birth date, address)${lostPhones.length > 0 ? ` and the values that did not normalise (${lostPhones.join(', ')}; see data_issues)` : ''}`;
  if (identity.candidatePairs === 0) {
    return `identity compared no pair of the ${identity.records} customer records (no two share a name, e-mail, phone, birth date or address key), so each record is its own customer: ${hint}`;
  }
  if (identity.linkedPairs === 0) {
    return `identity linked none of the ${identity.candidatePairs} pairs it compared, so each of the ${identity.records} customer records is its own customer: if the data holds duplicates, ${hint}`;
  }
  return null;
}
