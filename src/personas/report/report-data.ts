/**
 * Reads what the cards and the report show from the persona tables (so `persona report` and the
 * stage write the same files). Only aggregate tables are read: never a customer row.
 */
import type { Db } from '../../store/database.js';
import type { Language } from '../vocabulary.js';

export interface TraitView { feature: string; value: string; kind: string; rank: number | null; members: number; in_mean: number | null; in_median: number | null; rest_mean: number | null; rest_median: number | null; in_share: number | null; rest_share: number | null; effect: number | null; lift: number | null; statistic: number | null; suppressed: number }
export interface MixView { mix: string; value: string; customers: number; share: number | null; suppressed: number }
export interface QuantileView { measure: string; q: number; value: number | null; suppressed: number }
export interface ReachView { channel: string; customers: number | null; share: number | null; suppressed: number }
export interface PersonaView {
  persona_id: string; name: string; customers: number; share: number | null; revenue: number | null; revenue_share: number | null; clv: number | null; clv_share: number | null;
  description: string | null; approach_channel: string | null; approach_offer: string | null; approach_timing: string | null; suppressed: number;
  traits: TraitView[]; mixes: MixView[]; quantiles: QuantileView[]; reach: ReachView[];
}
export interface ReportData { language: Language; minGroupSize: number; asOf: string; population: number; personas: PersonaView[] }

export function readReportData(db: Db): ReportData {
  const settings = Object.fromEntries((db.prepare('SELECT key, value FROM persona_settings ORDER BY key').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  const personas = db.prepare("SELECT persona_id, name, customers, share, revenue, revenue_share, clv, clv_share, description, approach_channel, approach_offer, approach_timing, suppressed FROM personas WHERE grouping = 'cluster' ORDER BY position").all() as PersonaView[];
  const traits = db.prepare("SELECT * FROM persona_traits WHERE grouping = 'cluster' AND persona_id = ? ORDER BY rank IS NULL, rank, feature, value");
  const mixes = db.prepare("SELECT mix, value, customers, share, suppressed FROM persona_mixes WHERE grouping = 'cluster' AND persona_id = ? ORDER BY mix, suppressed, value = 'other', share DESC, value");
  const quantiles = db.prepare("SELECT measure, q, value, suppressed FROM persona_quantiles WHERE grouping = 'cluster' AND persona_id = ? ORDER BY measure, q");
  const reach = db.prepare("SELECT channel, customers, share, suppressed FROM persona_reach WHERE grouping = 'cluster' AND persona_id = ? ORDER BY CASE channel WHEN 'email' THEN 1 WHEN 'sms' THEN 2 ELSE 3 END");
  for (const p of personas) {
    p.traits = traits.all(p.persona_id) as TraitView[];
    p.mixes = mixes.all(p.persona_id) as MixView[];
    p.quantiles = quantiles.all(p.persona_id) as QuantileView[];
    p.reach = reach.all(p.persona_id) as ReachView[];
  }
  return { language: (settings['language'] ?? 'en') as Language, minGroupSize: Number(settings['min_group_size'] ?? 10), asOf: settings['as_of'] ?? '', population: Number(settings['population'] ?? 0), personas };
}

/** Numeric features compared across personas in the overview table and map. */
export const KEY_FEATURES = ['recency_days', 'frequency', 'monetary', 'avg_order_value', 'coupon_order_share', 'return_rate', 'events_90d', 'days_since_first_order', 'avg_interpurchase_days'];
