/**
 * Pure: who is clustered and on what. Behavioural features describe buyers only, so by default
 * the buyers are clustered on `clustering.features`. Attributes describe every customer: when the
 * configured features are all attributes, everyone is clustered; and when nobody has a purchase
 * (a customers-only data set such as a marketing export with aggregate spends), everyone is
 * clustered on `clustering.features_without_orders` (default attr.*: the numeric attributes).
 */
import { isAttributeSpec, type FeatureSpec, type SegmentConfig } from './segment-config.js';

export interface ClusteringPopulation<Row> {
  readonly rows: readonly Row[];
  readonly specs: readonly FeatureSpec[];
  /** Who was clustered, in words (for the skip reason and the log). */
  readonly who: string;
  /** Set when the stage fell back to the attributes: a note for the run summary. */
  readonly note?: string;
}

export function clusteringPopulation<Row extends { readonly frequency: number }>(
  config: Pick<SegmentConfig, 'clustering'>,
  customers: readonly Row[],
  hasAttributeFeatures: boolean,
): ClusteringPopulation<Row> {
  const buyers = customers.filter((c) => c.frequency > 0);
  const specs = config.clustering.specs;
  if (specs.every(isAttributeSpec)) return { rows: customers, specs, who: 'customers' };
  if (buyers.length === 0 && hasAttributeFeatures && customers.length > 0) {
    return {
      rows: customers,
      specs: config.clustering.specsWithoutOrders,
      who: 'customers',
      note: `no customer has a purchase: clustered all ${customers.length} customers on their attributes (clustering.features_without_orders)`,
    };
  }
  return { rows: buyers, specs, who: 'customers with purchases' };
}
