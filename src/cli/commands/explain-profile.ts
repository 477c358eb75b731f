/**
 * The second half of `persona explain customer`: what the features and segment stages made of
 * the customer (the features row, tags, RFM segment, cluster, CLV), and, where a stage has not
 * run or left the customer out, why. Reads only.
 */
import type { Db } from '../../store/database.js';
import { Ledger } from '../../store/ledger.js';
import { formatTable } from '../format-table.js';

/** Which run of a stage the values come from, or why there are none. */
export interface StageRunRef {
  /** The run whose output is in the tables; null when the stage never succeeded on this database. */
  readonly run_id: number | null;
  readonly as_of: string | null;
  /** Set when a person should know something about these values (not run, out of date, left out). */
  readonly note: string | null;
}

export interface FeaturesSection extends StageRunRef {
  /** The customer's row of `features`, column by column (null without one). */
  readonly values: Record<string, unknown> | null;
  readonly tags: { tag: string; weight: number }[];
}

export interface ClusterOfCustomer {
  readonly segment_id: number;
  readonly distance: number | null;
  /** Customers in the cluster, and their share of the clustered customers. */
  readonly customers: number | null;
  readonly share: number | null;
}

export interface SegmentSection extends StageRunRef {
  readonly rfm: Record<string, unknown> | null;
  readonly cluster: ClusterOfCustomer | null;
  /** Why the customer has no cluster (null when it has one, or when segment has not run). */
  readonly cluster_note: string | null;
  readonly clv: Record<string, unknown> | null;
  readonly clv_note: string | null;
}

export interface CustomerProfile {
  readonly features: FeaturesSection;
  readonly segment: SegmentSection;
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/** The stage's last success, with a note when it never ran or ran before its upstream's last success. */
function stageRun(ledger: Ledger, stage: string, upstream: string): StageRunRef {
  const last = ledger.lastSuccess(stage);
  if (last === undefined) return { run_id: null, as_of: null, note: `the ${stage} stage has not run on this database (persona run PIPELINE)` };
  const before = ledger.lastSuccess(upstream);
  const stale = before !== undefined && before.run_id > last.run_id;
  return {
    run_id: last.run_id,
    as_of: last.as_of,
    note: stale ? `from run ${last.run_id}; ${upstream} has run again since (run ${before.run_id}), so these may be out of date: run ${stage} again` : null,
  };
}

export function customerProfile(db: Db, customerId: string): CustomerProfile {
  const ledger = new Ledger(db);
  const featuresRun = stageRun(ledger, 'features', 'clean');
  const segmentRun = stageRun(ledger, 'segment', 'features');
  const row = (table: string): Record<string, unknown> | null =>
    tableExists(db, table) ? ((db.prepare(`SELECT * FROM ${table} WHERE customer_id = ?`).get(customerId) as Record<string, unknown> | undefined) ?? null) : null;

  const featuresRan = featuresRun.run_id !== null;
  const values = featuresRan ? row('features') : null;
  const tags = featuresRan && tableExists(db, 'customer_tags')
    ? (db.prepare('SELECT tag, weight FROM customer_tags WHERE customer_id = ? ORDER BY weight DESC, tag').all(customerId) as { tag: string; weight: number }[])
    : [];
  const features: FeaturesSection = {
    ...featuresRun,
    note: featuresRan && values === null ? `no features row: the customer is not known as of ${featuresRun.as_of} (first contact after as_of)` : featuresRun.note,
    values,
    tags,
  };

  const segmentRan = segmentRun.run_id !== null;
  const rfm = segmentRan ? row('rfm') : null;
  const assigned = segmentRan ? row('segments') : null;
  let cluster: ClusterOfCustomer | null = null;
  let clusterNote: string | null = null;
  if (segmentRan) {
    const segmentId = assigned?.['segment_id'];
    if (typeof segmentId === 'number') {
      const size = db.prepare('SELECT customers, share FROM segment_clusters WHERE segment_id = ?').get(segmentId) as { customers: number; share: number } | undefined;
      cluster = { segment_id: segmentId, distance: (assigned?.['distance'] as number | null) ?? null, customers: size?.customers ?? null, share: size?.share ?? null };
    } else {
      const clustered = tableExists(db, 'segment_clusters') && db.prepare('SELECT 1 FROM segment_clusters LIMIT 1').get() !== undefined;
      clusterNote = !clustered
        ? 'clustering was skipped in that run (persona status shows why)'
        : rfm !== null && rfm['frequency'] === 0
          ? 'only customers with purchases are clustered'
          : 'the customer was not in the features table that segment read';
    }
  }
  const clv = segmentRan ? row('clv') : null;
  const clvNote = segmentRan && clv === null ? 'only customers with purchases before as_of get one' : null;
  const segment: SegmentSection = {
    ...segmentRun,
    note: segmentRan && rfm === null ? `no segment row: the customer is not in the features as of ${segmentRun.as_of}` : segmentRun.note,
    rfm,
    cluster,
    cluster_note: clusterNote,
    clv,
    clv_note: clvNote,
  };
  return { features, segment };
}

/** A value for a person: numbers with at most 4 decimals, null as '' (the column is blank). */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : String(Number(value.toFixed(4)));
  return String(value);
}

/** An amount in the base currency: two decimals. */
function money(value: unknown): string {
  return typeof value === 'number' ? value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : shown(value);
}

function heading(title: string, run: StageRunRef): string {
  return run.run_id === null ? `${title}:` : `${title} (as of ${run.as_of}, run ${run.run_id}):`;
}

export function renderProfile(profile: CustomerProfile): string[] {
  const out: string[] = [];
  const { features, segment } = profile;

  out.push('', heading('features', features));
  if (features.note !== null) out.push(`  ${features.note}`);
  if (features.values !== null) {
    const rows = Object.entries(features.values)
      .filter(([name]) => name !== 'customer_id' && name !== 'as_of')
      .map(([name, value]) => [name, shown(value)]);
    out.push(formatTable(['feature', 'value'], rows).replace(/^/gm, '  '));
  }
  if (features.run_id !== null) out.push(`  tags: ${features.tags.length === 0 ? '(none)' : features.tags.map((t) => `${t.tag} (weight ${shown(t.weight)})`).join(', ')}`);

  out.push('', heading('segment', segment));
  if (segment.note !== null) out.push(`  ${segment.note}`);
  if (segment.run_id === null) return out;
  const rfm = segment.rfm;
  if (rfm !== null) {
    const scores = rfm['r'] === null
      ? 'not scored: no purchases before as_of'
      : `R ${shown(rfm['r'])}, F ${shown(rfm['f'])}, M ${shown(rfm['m'])}, code ${shown(rfm['rfm_code'])}; recency ${shown(rfm['recency_days'])} days, frequency ${shown(rfm['frequency'])}, monetary ${money(rfm['monetary'])}`;
    out.push(`  RFM segment: ${shown(rfm['segment'])} (${scores})`);
  }
  const c = segment.cluster;
  if (c !== null) {
    const size = c.customers === null ? '' : `, ${c.customers.toLocaleString('en-US')} customers (${((c.share ?? 0) * 100).toFixed(1)} % of those clustered)`;
    out.push(`  cluster: ${c.segment_id}${size}; distance to its centroid ${shown(c.distance)}`);
  } else if (segment.cluster_note !== null) out.push(`  cluster: none (${segment.cluster_note})`);
  const clv = segment.clv;
  if (clv !== null) {
    out.push(
      `  CLV: expected purchases ${shown(clv['expected_purchases_90d'])} in 90 days, ${shown(clv['expected_purchases_365d'])} in 365 days; P(alive) ${shown(clv['p_alive'])}; ` +
        `expected average spend ${money(clv['expected_avg_spend']) || '- (no spend model)'}; CLV ${money(clv['clv']) || '- (no spend model)'}`,
    );
    out.push(`       from ${shown(clv['x'])} repeat purchase day${clv['x'] === 1 ? '' : 's'}, the last ${shown(clv['t_x'])} weeks after the first, which was ${shown(clv['t_cal'])} weeks before as_of; mean repeat spend ${money(clv['zbar'])}`);
  } else if (segment.clv_note !== null) out.push(`  CLV: none (${segment.clv_note})`);
  return out;
}
