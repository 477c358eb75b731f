/**
 * SQLite I/O of the personas stage: reads features, feature_shares, customer_tags,
 * feature_attributes, rfm, segments, clv and the consent and contact columns of customers (never
 * a name, an address or a birth date); replaces the persona tables; appends persona_changes.
 * Every read has a total ORDER BY.
 */
import type { Db } from '../store/database.js';
import { BatchInsert } from '../store/batch-insert.js';
import type { GroupProfile, ProfileCustomer } from './profile.js';
import type { Change, PreviousPersona } from './continuity.js';
import { PERSONAS_DDL, PERSONA_TABLES } from './schema.js';

export const NUMERIC_FEATURES = [
  'recency_days', 'frequency', 'monetary', 'avg_order_value', 'avg_items_per_order', 'coupon_order_share', 'avg_discount_depth',
  'return_rate', 'category_count', 'events_90d', 'cart_adds_without_purchase_90d', 'avg_interpurchase_days', 'tenure_days', 'age',
  'top_channel_share', 'tier_spend',
] as const;
export const CATEGORICAL_FEATURES = ['top_category', 'top_channel', 'lifecycle_stage', 'tier', 'age_band', 'gender', 'city'] as const;

export interface CustomerRow extends ProfileCustomer {
  readonly segmentId: number | null;
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function readCustomers(db: Db): CustomerRow[] {
  const rows = db
    .prepare(
      `SELECT f.customer_id, ${NUMERIC_FEATURES.map((c) => `f.${c}`).join(', ')},
              julianday(substr(f.as_of, 1, 10)) - julianday(substr(f.first_order_at, 1, 10)) AS days_since_first_order,
              ${CATEGORICAL_FEATURES.map((c) => `f.${c}`).join(', ')},
              r.segment AS rfm_segment, s.segment_id, v.clv, v.p_alive,
              (cu.consent_email = 1 AND cu.email IS NOT NULL AND cu.email <> '') AS reach_email,
              (cu.consent_sms = 1 AND cu.phone IS NOT NULL AND cu.phone <> '') AS reach_sms,
              (cu.consent_push = 1) AS reach_push
         FROM features f
         LEFT JOIN rfm r ON r.customer_id = f.customer_id
         LEFT JOIN segments s ON s.customer_id = f.customer_id
         LEFT JOIN clv v ON v.customer_id = f.customer_id
         LEFT JOIN customers cu ON cu.customer_id = f.customer_id
        ORDER BY f.customer_id`,
    )
    .all() as Record<string, unknown>[];
  const tags = new Map<string, Record<string, string>>();
  for (const t of db.prepare('SELECT customer_id, tag FROM customer_tags ORDER BY customer_id, tag').all() as { customer_id: string; tag: string }[]) {
    let m = tags.get(t.customer_id);
    if (!m) tags.set(t.customer_id, (m = {}));
    m[`tag.${t.tag}`] = 'yes';
  }
  const attrNumeric = new Map<string, Record<string, number>>();
  const attrCategory = new Map<string, Record<string, string>>();
  if (tableExists(db, 'feature_attributes')) {
    for (const a of db.prepare("SELECT customer_id, name, kind, value FROM feature_attributes WHERE kind IN ('number', 'year', 'boolean', 'category') ORDER BY customer_id, name").all() as { customer_id: string; name: string; kind: string; value: unknown }[]) {
      if (a.kind === 'category') {
        let m = attrCategory.get(a.customer_id);
        if (!m) attrCategory.set(a.customer_id, (m = {}));
        if (a.value !== null) m[`attr.${a.name}`] = String(a.value);
      } else {
        const n = Number(a.value);
        if (!Number.isFinite(n)) continue;
        let m = attrNumeric.get(a.customer_id);
        if (!m) attrNumeric.set(a.customer_id, (m = {}));
        m[`attr.${a.name}`] = n;
      }
    }
  }
  const spend = new Map<string, Record<string, Record<string, number>>>();
  for (const s of db.prepare("SELECT customer_id, dimension, value, amount FROM feature_shares WHERE dimension IN ('category', 'channel') AND amount > 0 ORDER BY customer_id, dimension, value").all() as { customer_id: string; dimension: string; value: string; amount: number }[]) {
    let m = spend.get(s.customer_id);
    if (!m) spend.set(s.customer_id, (m = {}));
    (m[s.dimension] ??= {})[s.value] = s.amount;
  }
  const attributeNames = { numeric: new Set<string>(), category: new Set<string>() };
  for (const m of attrNumeric.values()) for (const k of Object.keys(m)) attributeNames.numeric.add(k);
  for (const m of attrCategory.values()) for (const k of Object.keys(m)) attributeNames.category.add(k);
  const tagNames = new Set<string>();
  for (const m of tags.values()) for (const k of Object.keys(m)) tagNames.add(k);

  return rows.map((r) => {
    const id = String(r['customer_id']);
    const numeric: Record<string, number | null> = {};
    for (const c of [...NUMERIC_FEATURES, 'days_since_first_order']) numeric[c] = num(r[c]);
    const an = attrNumeric.get(id) ?? {};
    for (const k of attributeNames.numeric) numeric[k] = an[k] ?? null;
    const categorical: Record<string, string | null> = {};
    for (const c of CATEGORICAL_FEATURES) categorical[c] = r[c] == null ? null : String(r[c]);
    categorical['rfm_segment'] = r['rfm_segment'] == null ? null : String(r['rfm_segment']);
    const ac = attrCategory.get(id) ?? {};
    for (const k of attributeNames.category) categorical[k] = ac[k] ?? null;
    // A tag is yes or no for every customer (so its share is over the whole group).
    const t = tags.get(id) ?? {};
    for (const k of tagNames) categorical[k] = t[k] ?? 'no';
    return {
      customerId: id,
      numeric,
      categorical,
      spend: spend.get(id) ?? {},
      revenue: num(r['monetary']) ?? 0,
      clv: num(r['clv']),
      pAlive: num(r['p_alive']),
      reach: { email: r['reach_email'] === 1, sms: r['reach_sms'] === 1, push: r['reach_push'] === 1 },
      segmentId: r['segment_id'] == null ? null : Number(r['segment_id']),
    };
  });
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The previous run's cluster personas and their members (none on a first run). */
export function readPreviousPersonas(db: Db): PreviousPersona[] {
  const names = db.prepare("SELECT persona_id, name FROM personas WHERE grouping = 'cluster' ORDER BY persona_id").all() as { persona_id: string; name: string }[];
  const members = new Map<string, Set<string>>();
  for (const m of db.prepare('SELECT persona_id, customer_id FROM persona_members ORDER BY persona_id, customer_id').all() as { persona_id: string; customer_id: string }[]) {
    let s = members.get(m.persona_id);
    if (!s) members.set(m.persona_id, (s = new Set()));
    s.add(m.customer_id);
  }
  return names.map((n) => ({ personaId: n.persona_id, name: n.name, members: members.get(n.persona_id) ?? new Set() }));
}

/** The largest persona number ever issued (ids are never reused). */
export function lastPersonaNumber(db: Db): number {
  const row = db
    .prepare(
      `SELECT MAX(n) AS n FROM (
         SELECT CAST(substr(persona_id, 2) AS INTEGER) AS n FROM personas WHERE grouping = 'cluster'
         UNION ALL SELECT CAST(substr(persona_id, 2) AS INTEGER) FROM persona_changes WHERE persona_id LIKE 'P%'
         UNION ALL SELECT CAST(substr(previous_persona_id, 2) AS INTEGER) FROM persona_changes WHERE previous_persona_id LIKE 'P%')`,
    )
    .get() as { n: number | null };
  return row.n ?? 0;
}

export function resetPersonaTables(db: Db): void {
  for (const t of PERSONA_TABLES) db.exec(`DROP TABLE IF EXISTS ${t}`);
  db.exec(PERSONAS_DDL);
}

export interface PersonaRecord {
  readonly grouping: 'cluster' | 'rfm' | 'tier';
  readonly personaId: string;
  readonly name: string;
  readonly profile: GroupProfile;
  readonly description: string | null;
  readonly approach: { channel: string; offer: string; timing: string } | null;
  readonly position: number;
}

export function writePersonas(db: Db, records: readonly PersonaRecord[]): void {
  const personas = new BatchInsert(db, 'personas', ['grouping', 'persona_id', 'group_key', 'name', 'customers', 'share', 'revenue', 'revenue_share', 'clv', 'clv_share', 'description', 'approach_channel', 'approach_offer', 'approach_timing', 'suppressed', 'position']);
  const traits = new BatchInsert(db, 'persona_traits', ['grouping', 'persona_id', 'feature', 'value', 'kind', 'rank', 'members', 'in_mean', 'in_median', 'rest_mean', 'rest_median', 'in_share', 'rest_share', 'effect', 'lift', 'statistic', 'suppressed']);
  const mixes = new BatchInsert(db, 'persona_mixes', ['grouping', 'persona_id', 'mix', 'value', 'customers', 'share', 'suppressed']);
  const quantiles = new BatchInsert(db, 'persona_quantiles', ['grouping', 'persona_id', 'measure', 'q', 'value', 'suppressed']);
  const reach = new BatchInsert(db, 'persona_reach', ['grouping', 'persona_id', 'channel', 'customers', 'share', 'suppressed']);
  const members = new BatchInsert(db, 'persona_members', ['persona_id', 'customer_id']);
  for (const r of records) {
    const p = r.profile;
    const g = r.grouping;
    // A suppressed persona shows no count either: only that it has fewer than min_group_size.
    personas.add(g, r.personaId, p.key, r.name, p.suppressed ? 0 : p.customers, p.share, p.revenue, p.revenueShare, p.clv, p.clvShare, r.description, r.approach?.channel ?? null, r.approach?.offer ?? null, r.approach?.timing ?? null, p.suppressed ? 1 : 0, r.position);
    for (const t of p.traits) traits.add(g, r.personaId, t.feature, t.value, t.kind, t.rank, t.suppressed ? 0 : t.members, t.inMean, t.inMedian, t.restMean, t.restMedian, t.inShare, t.restShare, t.effect, t.lift, t.statistic, t.suppressed ? 1 : 0);
    for (const m of p.mixes) mixes.add(g, r.personaId, m.mix, m.value, m.customers, m.share, m.suppressed ? 1 : 0);
    for (const q of p.quantiles) quantiles.add(g, r.personaId, q.measure, q.q, q.value, q.suppressed ? 1 : 0);
    for (const c of p.reach) reach.add(g, r.personaId, c.channel, c.customers, c.share, c.suppressed ? 1 : 0);
    if (g === 'cluster') for (const id of p.memberIds) members.add(r.personaId, id);
  }
  for (const b of [personas, traits, mixes, quantiles, reach, members]) b.flush();
}

export function writeChanges(db: Db, runId: number, changes: readonly (Change & { name: string | null; detail: string | null })[]): void {
  db.prepare('DELETE FROM persona_changes WHERE run_id = ?').run(runId);
  const insert = db.prepare('INSERT INTO persona_changes (run_id, seq, kind, persona_id, name, previous_persona_id, previous_name, overlap, members, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  changes.forEach((c, i) => insert.run(runId, i + 1, c.kind, c.personaId, c.name, c.previousPersonaId, c.previousName, c.overlap === null ? null : Math.round(c.overlap * 10000) / 10000, c.members, c.detail));
}

export function writeSettings(db: Db, settings: Record<string, string>): void {
  const insert = db.prepare('INSERT INTO persona_settings (key, value) VALUES (?, ?)');
  for (const k of Object.keys(settings).sort()) insert.run(k, settings[k] as string);
}
