/**
 * I/O shell of identity resolution: raw customer rows → normalised records → linkage →
 * clusters with stable ids → identity_map, customers (golden), customer_provenance, match_pairs,
 * identity_changes. The caller owns the transaction.
 */
import type { Db } from '../store/database.js';
import type { Pipeline } from '../config/load.js';
import { normalizeCustomer, type CustomerRecord, type RawCustomerRow } from './customer-record.js';
import { linkRecords } from './identity/engine.js';
import { clusterMembers } from './identity/cluster.js';
import { assignStableIds, type PreviousAssignment, type SourceKey } from './identity/stable-ids.js';
import { chooseLinkage, type ComparisonSet } from './linkage/choose-spec.js';
import type { LinkMode } from './identity/types.js';
import { buildGoldenRecord, type FieldRule, type MemberRecord } from './golden/survivorship.js';
import { citySpellings } from './golden/city-spelling.js';
import { collectGarbage } from '../util/collect-garbage.js';
import { BatchInsert } from '../store/batch-insert.js';
import { MIN_INTERNATIONAL, PhoneRegionCounter } from '../normalize/phone-regions.js';
import { normalizationIssues, type IssueReport, type SourceRegion } from '../normalize/issues.js';
import { DEFAULT_FIELD_RULES, GOLDEN_FIELDS, type CleanConfig, type GoldenField } from './clean-config.js';

export interface IdentityStats {
  /** The comparison set used and why, and which pairs were compared (clean.identity). */
  comparisons: ComparisonSet;
  comparisonsReason: string;
  mode: LinkMode;
  records: number;
  duplicateSourceIds: number;
  candidatePairs: number;
  /** What the cluster guards refused: merges of disagreeing same-source records (b), weak chains (c), ambiguous records left alone (d), groups that disagree as wholes (e). */
  guarded: { sameSource: number; weakLink: number; ambiguousRecords: number; wholeGroups: number };
  /** Guard (a) per contact: how often records sharing it disagree on a name or birth date, and whether it is guarded. */
  sharedContacts: { comparison: string; sharedPairs: number; disagreeingPairs: number; expectedIfPersonal: number; personalShare: number; guarded: boolean }[];
  /** The estimated priors: probability that two records of different sources, or of one source, are one person. */
  priors: { acrossSources: number; withinSource: number };
  linkedPairs: number;
  customers: number;
  idOnlyCustomers: number;
  recordsSeenBefore: number;
  recordsKeptId: number;
  changes: Record<string, number>;
  timingsMs: Record<string, number>;
  /** Per source: phones written and how many could not be read, and the region they were read in. */
  phones: IssueReport['phones'];
  /** What a person must know (StageOutcome notes): a source whose phones mostly fail, a region inferred. */
  notes: string[];
}

/**
 * Sources without default_region read their phones without a country code in the region of the
 * numbers they write with one (src/normalize/phone-regions.ts), when one region dominates.
 */
function phoneRegions(db: Db, pipeline: Pipeline): { pipeline: Pipeline; regionOf: (source: string) => SourceRegion; notes: string[] } {
  const without = pipeline.sources.filter((s) => s.kind === 'customers' && s.default_region === undefined).map((s) => s.name);
  const inferred = new Map<string, string>();
  const notes: string[] = [];
  if (without.length > 0) {
    const counter = new PhoneRegionCounter();
    const rows = db.prepare('SELECT source, phone FROM raw_customers WHERE phone IS NOT NULL ORDER BY source, line').all() as { source: string; phone: string }[];
    for (const r of rows) counter.add(r.source, r.phone);
    const own = counter.regions();
    const overall = counter.overall();
    for (const source of without) {
      const r = own.get(source);
      if (r !== undefined) {
        inferred.set(source, r.region);
        notes.push(`source ${source}: phones without a country code are read in ${r.region}, the region of ${r.inRegion} of the ${r.international} numbers it writes with one (no default_region)`);
      } else if (overall !== null && counter.international(source) < MIN_INTERNATIONAL) {
        inferred.set(source, overall.region);
        notes.push(`source ${source}: phones without a country code are read in ${overall.region}, the region of ${overall.inRegion} of the ${overall.international} numbers the customer sources write with one (no default_region)`);
      }
    }
  }
  const declared = new Map(pipeline.sources.map((s) => [s.name, s.default_region]));
  const regionOf = (source: string): SourceRegion => {
    const d = declared.get(source);
    if (d !== undefined) return { region: d, from: 'default_region' };
    const i = inferred.get(source);
    return i === undefined ? { region: undefined, from: 'none' } : { region: i, from: 'inferred' };
  };
  const withRegions = inferred.size === 0 ? pipeline : { ...pipeline, sources: pipeline.sources.map((s) => (inferred.has(s.name) ? { ...s, default_region: inferred.get(s.name)! } : s)) };
  return { pipeline: withRegions, regionOf, notes };
}

/** Near misses are kept too, so a reviewer can see what almost linked. */
const MIN_STORED_PROBABILITY = 0.01;

/**
 * The records of raw_customers, the last line of each (source, source_id): a later line with the
 * same id is the newer state of that record. Only reads: better-sqlite3 refuses a write while a
 * cursor of the connection is open, so the duplicates' issues are written afterwards, in SQL
 * (writeDuplicateSourceIdIssues), which holds none of them in memory however many there are.
 */
function readRecords(db: Db, pipeline: Pipeline): { records: CustomerRecord[]; duplicates: number } {
  const regionOf = new Map(pipeline.sources.map((s) => [s.name, s.default_region]));
  const latest = new Map<string, CustomerRecord>();
  let duplicates = 0;
  for (const row of db.prepare('SELECT * FROM raw_customers ORDER BY source, line').iterate() as IterableIterator<RawCustomerRow>) {
    const record = normalizeCustomer(row, regionOf.get(row.source));
    const key = `${record.source}\u0000${record.sourceId}`;
    if (latest.has(key)) duplicates++;
    latest.set(key, record);
  }
  return { records: [...latest.values()], duplicates };
}

/** One 'duplicate_source_id' issue for each line whose id appears again later in its source. */
function writeDuplicateSourceIdIssues(db: Db): number {
  return db
    .prepare(
      `INSERT OR IGNORE INTO data_issues (stage, source, line, code, detail)
       SELECT 'clean', source, line, 'duplicate_source_id',
              'source_id ' || source_id || ' appears again on line ' || next_line || '; that line is used'
         FROM (SELECT source, line, source_id, lead(line) OVER (PARTITION BY source, source_id ORDER BY line) AS next_line FROM raw_customers)
        WHERE next_line IS NOT NULL`,
    )
    .run().changes;
}

/**
 * Whether the pipeline file alone shows that every customer reference of orders and events
 * points into a customers source (customer_source names only those), so no reference can make
 * an id-only customer and readIdOnlyKeys need not scan the lines.
 */
export function referencesOnlyCustomerSources(pipeline: Pipeline): boolean {
  const customerSources = new Set(pipeline.sources.filter((s) => s.kind === 'customers').map((s) => s.name));
  return pipeline.sources.every((s) => {
    if (s.kind !== 'orders' && s.kind !== 'events') return true;
    if (!('customer_ref' in s.columns)) return true; // no references at all: every line is anonymous
    const ref = s.customer_source;
    if (ref === undefined) return false;
    const names = typeof ref === 'string' ? [ref] : ref.patterns !== undefined ? ref.patterns.map((p) => p.source) : Object.values(ref.values ?? {});
    return names.every((name) => customerSources.has(name));
  });
}

/** Customer references of orders/events whose namespace has no customer file: one customer each. */
function readIdOnlyKeys(db: Db, pipeline: Pipeline): SourceKey[] {
  if (referencesOnlyCustomerSources(pipeline)) return [];
  const customerSources = pipeline.sources.filter((s) => s.kind === 'customers').map((s) => s.name);
  // Filter before the DISTINCT: in the usual case every reference has a customer file and the
  // query touches no row at all (json_each keeps the list a bound parameter).
  const notACustomerSource = 'customer_source NOT IN (SELECT value FROM json_each(?))';
  return db
    .prepare(
      `SELECT customer_source AS source, customer_ref AS sourceId FROM raw_orders WHERE customer_ref IS NOT NULL AND ${notACustomerSource}
       UNION SELECT customer_source, customer_ref FROM raw_events WHERE customer_ref IS NOT NULL AND ${notACustomerSource}
       ORDER BY 1, 2`,
    )
    .all(JSON.stringify(customerSources), JSON.stringify(customerSources)) as SourceKey[];
}

/** A record's candidate golden values; its city in the spelling most records use (citySpellings). */
function goldenValues(record: CustomerRecord, cities: ReadonlyMap<string, string>): Record<GoldenField, string | number | null> {
  return {
    display_name: record.displayName,
    given_name: record.givenName,
    family_name: record.familyName,
    name_original: record.nameOriginal,
    email: record.email,
    phone: record.phone,
    birth_date: record.birthDate,
    gender: record.gender,
    city: record.cityKey === null ? record.city : (cities.get(record.cityKey) ?? record.city),
    country: record.country,
    consent_email: record.consentEmail,
    consent_sms: record.consentSms,
    consent_push: record.consentPush,
    loyalty_points: record.loyaltyPoints,
    birth_year: record.birthYear,
  };
}

function fieldRules(config: CleanConfig): { rules: Record<string, FieldRule>; defaultRule: FieldRule } {
  const toRule = (r: string | { rule: string; priority?: string[] }): FieldRule => (typeof r === 'string' ? { rule: r as FieldRule['rule'] } : (r as FieldRule));
  const rules: Record<string, FieldRule> = {};
  for (const field of GOLDEN_FIELDS) {
    const configured = config.survivorship.fields[field] ?? DEFAULT_FIELD_RULES[field];
    if (configured !== undefined) rules[field] = toRule(configured);
  }
  return { rules, defaultRule: toRule(config.survivorship.default) };
}

/** onStep: called after each step (read, link, stable_ids, golden, pairs, changes), for progress. */
export function resolveIdentities(db: Db, pipeline: Pipeline, config: CleanConfig, runId: number, onStep?: (step: string) => void): IdentityStats {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    // Resident memory after each step, in MiB: the 200,000-person run must stay under 1.5 GB.
    timings[`${name}_rss_mib`] = Math.round(process.memoryUsage.rss() / 1048576);
    t = now;
    onStep?.(name);
  };
  const previous = db.prepare('SELECT source, source_id AS sourceId, customer_id AS customerId FROM identity_map ORDER BY source, source_id').all() as PreviousAssignment[];
  for (const table of ['identity_map', 'customers', 'customer_provenance', 'match_pairs']) db.exec(`DELETE FROM ${table}`);

  const regions = phoneRegions(db, pipeline);
  const { records, duplicates } = readRecords(db, regions.pipeline);
  if (duplicates > 0) writeDuplicateSourceIdIssues(db);
  records.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.line - b.line));
  // Values that did not normalise: a data_issues row each, and a note where most phones of a source fail.
  const phonesGiven = new Map<string, number>();
  for (const r of records) if (r.phone !== null || r.issues.some((i) => i.field === 'phone')) phonesGiven.set(r.source, (phonesGiven.get(r.source) ?? 0) + 1);
  const issueReport = normalizationIssues(records, phonesGiven, regions.regionOf);
  const insertIssue = db.prepare(`INSERT OR IGNORE INTO data_issues (stage, source, line, code, detail) VALUES ('clean', ?, ?, ?, ?)`);
  for (const row of issueReport.rows) insertIssue.run(row.source, row.line, row.code, row.detail);
  lap('read');
  const choice = chooseLinkage(pipeline, config);
  const linkRecordsIn = choice.toLinkRecords(records);
  const linkage = linkRecords(linkRecordsIn, choice.spec);
  lap('link');

  const members = clusterMembers(linkage.clusters.clusterOf, linkage.clusters.clusterCount);
  const idOnly = readIdOnlyKeys(db, pipeline);
  const clusters: SourceKey[][] = [
    ...members.map((m) => m.map((i) => ({ source: records[i]!.source, sourceId: records[i]!.sourceId }))),
    ...idOnly.map((k) => [k]),
  ];
  const ids = assignStableIds(previous, clusters);
  lap('stable_ids');
  collectGarbage();

  // identity_map and golden records, many rows per statement (src/store/batch-insert.ts)
  const insertMap = new BatchInsert(db, 'identity_map', ['source', 'source_id', 'customer_id']);
  const insertCustomer = new BatchInsert(db, 'customers', ['customer_id', ...GOLDEN_FIELDS, 'created_at', 'record_count', 'sources', 'id_only']);
  // A field without a value has no provenance: only values are traced to their record.
  const insertProvenance = new BatchInsert(db, 'customer_provenance', ['customer_id', 'field', 'value', 'source', 'source_id', 'rule']);
  const priority = config.survivorship.priority ?? pipeline.sources.map((s) => s.name);
  const { rules, defaultRule } = fieldRules(config);
  const cities = citySpellings(records);
  members.forEach((memberIdx, c) => {
    if (c > 0 && c % 50_000 === 0) collectGarbage(); // see collect-garbage.ts
    const customerId = ids.clusterIds[c]!;
    const group = memberIdx.map((i) => records[i]!);
    for (const r of group) insertMap.add(r.source, r.sourceId, customerId);
    const golden = buildGoldenRecord(
      group.map((r): MemberRecord => ({ source: r.source, sourceId: r.sourceId, createdAt: r.createdAt, values: goldenValues(r, cities) })),
      GOLDEN_FIELDS,
      rules,
      { rule: defaultRule, priority },
    );
    // created_at is the customer's first contact with any system, not a survivorship choice.
    const created = group.map((r) => r.createdAt).filter((v): v is string => v !== null).sort()[0] ?? null;
    const values = golden.values as Record<string, string | number | null>;
    insertCustomer.add(customerId, ...GOLDEN_FIELDS.map((f) => values[f] ?? null), created, group.length, [...new Set(group.map((r) => r.source))].sort().join(','), 0);
    for (const p of golden.provenance) if (p.value !== null) insertProvenance.add(customerId, p.field, String(p.value), p.source, p.sourceId, p.rule);
  });
  idOnly.forEach((key, k) => {
    const customerId = ids.clusterIds[members.length + k]!;
    insertMap.add(key.source, key.sourceId, customerId);
    insertCustomer.add(customerId, ...GOLDEN_FIELDS.map(() => null), null, 0, key.source, 1);
  });
  for (const batch of [insertMap, insertCustomer, insertProvenance]) batch.flush();
  lap('golden');

  // match pairs: linked pairs and near misses, with per-field evidence
  const insertPair = new BatchInsert(db, 'match_pairs', ['left_source', 'left_id', 'right_source', 'right_id', 'match_weight', 'match_probability', 'linked', 'evidence']);
  const clusterOf = linkage.clusters.clusterOf;
  const ambiguous = linkage.clusters.ambiguous;
  let linkedPairs = 0;
  for (let p = 0; p < linkage.pairs.count; p++) {
    const a = linkage.pairs.a[p]!;
    const b = linkage.pairs.b[p]!;
    const weight = linkage.weights[p]!;
    const probability = 1 / (1 + 2 ** -weight);
    const linked = clusterOf[a] === clusterOf[b] ? 1 : 0;
    if (linked === 0 && probability < MIN_STORED_PROBABILITY) continue;
    linkedPairs += linked;
    const [left, right] = records[a]!.source < records[b]!.source || (records[a]!.source === records[b]!.source && records[a]!.sourceId <= records[b]!.sourceId) ? [records[a]!, records[b]!] : [records[b]!, records[a]!];
    const explanation = linkage.explainCandidate(p);
    const evidence = explanation.fields.map((f) => ({ field: f.comparison, level: f.label, weight: Math.round(f.weight * 1000) / 1000, tf: f.tfAdjusted || undefined }));
    const notLinkedBecause = linked === 1 || weight < linkage.clusters.thresholdWeight ? undefined : ambiguous?.has(a) || ambiguous?.has(b) ? 'ambiguous' : 'cluster_guard';
    insertPair.add(
      left.source,
      left.sourceId,
      right.source,
      right.sourceId,
      Math.round(weight * 1e6) / 1e6,
      Math.round(probability * 1e9) / 1e9,
      linked,
      JSON.stringify({
        prior: Math.round(explanation.priorWeight * 1000) / 1000,
        fields: evidence,
        shared_contact_only: explanation.sharedContactOnly || undefined,
        not_linked_because: notLinkedBecause,
      }),
    );
  }
  insertPair.flush();
  lap('pairs');

  // identity changes: appended, never rewritten (they are the history of ids)
  const changeCounts: Record<string, number> = {};
  if (previous.length > 0) {
    const insertChange = db.prepare('INSERT INTO identity_changes (run_id, seq, kind, customer_id, previous_customer_id, source, source_id, detail) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)');
    ids.changes.forEach((change, seq) => {
      changeCounts[change.kind] = (changeCounts[change.kind] ?? 0) + 1;
      insertChange.run(runId, seq, change.kind, change.customerId, change.previousCustomerId, `${change.records} record(s)`);
    });
  }
  lap('changes');

  return {
    comparisons: choice.comparisons,
    comparisonsReason: choice.reason,
    mode: choice.spec.mode,
    records: records.length,
    duplicateSourceIds: duplicates,
    candidatePairs: linkage.pairs.count,
    guarded: {
      sameSource: linkage.clusters.rejectedSameSource,
      weakLink: linkage.clusters.rejectedWeakLink,
      ambiguousRecords: linkage.clusters.ambiguousRecords ?? 0,
      wholeGroups: linkage.clusters.rejectedProfile,
    },
    sharedContacts: [...linkage.sharedContacts],
    priors: { acrossSources: linkage.model.prior, withinSource: linkage.model.priorWithinSource ?? linkage.model.prior },
    linkedPairs,
    customers: members.length + idOnly.length,
    idOnlyCustomers: idOnly.length,
    recordsSeenBefore: ids.recordsSeenBefore,
    recordsKeptId: ids.recordsKept,
    changes: changeCounts,
    phones: issueReport.phones,
    notes: [...regions.notes, ...issueReport.notes],
    timingsMs: { ...timings, ...Object.fromEntries(Object.entries(linkage.timings).map(([k, v]) => [`link_${k}`, Math.round(v)])) },
  };
}
