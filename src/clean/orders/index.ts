/**
 * The orders and events half of the clean stage: raw_orders → orders, raw_events → events, with
 * data_issues for every line that was removed, excluded from revenue or left without a customer.
 * The rules are in README.md beside this file.
 */
export {
  cleanOrders,
  computeOrderRules,
  type OrderRules,
  ORDER_ISSUE_CODES,
  type CleanOrdersOptions,
  type OrderIssueCode,
  type OrdersCleanStats,
  type QuantityLimitStats,
  type RevenueTotals,
} from './clean-orders.js';
export { cleanEvents, type EventsCleanStats } from './clean-events.js';
export { excludeSkuRules, pipelineExcludeSkuRules, DEFAULT_EXCLUDE_REASON, type ExcludeSkuEntry, type ExcludeSkuRule } from './exclude-skus.js';
export {
  DEFAULT_OUTLIER_OPTIONS,
  resolveOutlierOptions,
  quartilesFromHistogram,
  quantityLimit,
  isQuantityOutlier,
  priceOutlier,
  type OutlierOptions,
  type ResolvedOutlierOptions,
  type Quartiles,
  type HistogramBucket,
} from './outliers.js';
export { classifyLine, statusWord, STATUS_WORDS, type LineClass, type OrderStatus, type StatusIssue, type StatusIssueCode } from './status.js';
