/**
 * personas: a profile of every k-means cluster (and of every RFM segment and tier) against the
 * rest, a deterministic name, a story and an approach per cluster persona, continuity of ids and
 * names across runs, and persona cards and an HTML report. See docs/personas.md.
 */
import type { Stage, StageContext } from '../pipeline/stage.js';
import type { Pipeline } from '../config/load.js';
import type { Db } from '../store/database.js';
import type { StageOutcome } from '../store/ledger.js';
import { profileGroups, type GroupProfile } from './profile.js';
import { matchPersonas, type Change } from './continuity.js';
import { assignNames } from './naming.js';
import { storyOf } from './story.js';
import { approachOf } from './approach.js';
import { modalValue } from './traits.js';
import { personasConfigOf, reportFolder, type NameRule, type PersonasConfig } from './personas-config.js';
import { lastPersonaNumber, readCustomers, readPreviousPersonas, resetPersonaTables, writeChanges, writePersonas, writeSettings, type PersonaRecord } from './personas-store.js';
import { writeReport } from './report/write-report.js';

export interface PersonasRunSummary {
  readonly customers: number;
  readonly personas: number;
  readonly suppressed: number;
  readonly names: Record<string, string>;
  readonly changes: Record<string, number>;
  readonly notes: string[];
  readonly timingsMs: Record<string, number>;
}

/** The first naming rule that holds for a persona, or undefined. */
export function ruleName(rules: readonly NameRule[], personaId: string, profile: GroupProfile): string | undefined {
  for (const rule of rules) {
    if (rule.persona !== undefined && rule.persona !== personaId) continue;
    const when = Object.entries(rule.when ?? {});
    if (when.every(([feature, value]) => modalValue(profile, feature)?.value === value)) return rule.name;
  }
  return undefined;
}

/** The whole stage on an open database (inside the caller's transaction); writes no files. */
export function runPersonas(db: Db, config: PersonasConfig, runId: number, asOf: string): PersonasRunSummary {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const customers = readCustomers(db);
  lap('read');
  const min = config.min_group_size;
  const clusters = profileGroups(customers, (c) => (c.segmentId === null ? null : String(c.segmentId)), min);
  const rfm = profileGroups(customers, (c) => c.categorical['rfm_segment'] ?? null, min, ['rfm_segment']);
  const tiers = profileGroups(customers, (c) => c.categorical['tier'] ?? null, min, ['tier']);
  lap('profile');

  const previous = readPreviousPersonas(db);
  let last = lastPersonaNumber(db);
  const groups = new Map(clusters.map((p) => [p.key, p.memberIds] as const));
  const continuity = matchPersonas(groups, previous, () => `P${++last}`);
  const fixed = new Map<string, string>();
  const renamed = new Map<string, string>();
  for (const p of clusters) {
    const id = continuity.ids.get(p.key) as string;
    const byRule = ruleName(config.names, id, p);
    const kept = continuity.keptNames.get(p.key);
    if (byRule !== undefined) {
      fixed.set(p.key, byRule);
      if (kept !== undefined && kept !== byRule) renamed.set(p.key, kept);
    } else if (kept !== undefined) fixed.set(p.key, kept);
  }
  const names = assignNames(clusters.filter((p) => !p.suppressed), config.language, fixed);
  lap('continuity');

  const records: PersonaRecord[] = [];
  const order = [...clusters].sort((a, b) => b.customers - a.customers || (a.key < b.key ? -1 : 1));
  order.forEach((p, i) => {
    const personaId = continuity.ids.get(p.key) as string;
    const name = names.get(p.key) ?? (config.language === 'zh' ? `小群体 ${personaId}` : `Small group ${personaId}`);
    const approach = p.suppressed ? null : approachOf(p, config.language);
    records.push({ grouping: 'cluster', personaId, name, profile: p, description: p.suppressed ? null : storyOf(p, config.language), approach, position: i + 1 });
  });
  for (const [grouping, profiles] of [['rfm', rfm], ['tier', tiers]] as const) {
    [...profiles].sort((a, b) => b.customers - a.customers || (a.key < b.key ? -1 : 1)).forEach((p, i) => {
      records.push({ grouping, personaId: `${grouping}:${p.key}`, name: p.key, profile: p, description: p.suppressed ? null : storyOf(p, config.language), approach: p.suppressed ? null : approachOf(p, config.language), position: i + 1 });
    });
  }

  const changes: (Change & { name: string | null; detail: string | null })[] = continuity.changes.map((c) => ({ ...c, name: c.groupKey === null ? null : (records.find((r) => r.grouping === 'cluster' && r.profile.key === c.groupKey)?.name ?? null), detail: null }));
  for (const [key, before] of renamed) {
    const rec = records.find((r) => r.grouping === 'cluster' && r.profile.key === key) as PersonaRecord;
    changes.push({ kind: 'renamed', personaId: rec.personaId, previousPersonaId: rec.personaId, previousName: before, overlap: null, members: null, groupKey: key, name: rec.name, detail: 'a naming rule of the pipeline file' });
  }
  resetPersonaTables(db);
  writePersonas(db, records);
  writeChanges(db, runId, changes);
  writeSettings(db, { language: config.language, min_group_size: String(min), as_of: asOf, population: String(clusters.reduce((s, p) => s + p.customers, 0)) });
  lap('write');

  const notes: string[] = [];
  if (customers.length === 0) notes.push('the features table is empty, so there is nobody to profile (has the features stage run?)');
  else if (clusters.length === 0) notes.push('no clusters to profile (segment skipped clustering): only RFM segments and tiers are profiled');
  const small = clusters.filter((p) => p.suppressed).length;
  if (small > 0) notes.push(`${small} cluster(s) with fewer than ${min} customers: profile suppressed (min_group_size)`);
  const count: Record<string, number> = {};
  for (const c of changes) count[c.kind] = (count[c.kind] ?? 0) + 1;
  return {
    customers: customers.length,
    personas: clusters.length,
    suppressed: small,
    names: Object.fromEntries(records.filter((r) => r.grouping === 'cluster').map((r) => [r.personaId, r.name])),
    changes: count,
    notes,
    timingsMs: timings,
  };
}

export const personasStage: Stage = {
  name: 'personas',
  description: 'a profile, name, story and approach per segment; persona cards and an HTML report',
  async inputs(pipeline: Pipeline) {
    return { inputHashes: {}, config: { personas: personasConfigOf(pipeline) }, usesAsOf: true };
  },
  async preflight(pipeline: Pipeline) {
    personasConfigOf(pipeline);
  },
  async run(context: StageContext): Promise<StageOutcome> {
    const { db, pipeline, logger } = context;
    const config = personasConfigOf(pipeline);
    const steps = context.progress.steps('personas', ['profiles', 'report']);
    const summary = runPersonas(db, config, context.runId, pipeline.asOf);
    steps.done('profiles');
    const started = performance.now();
    const out = reportFolder(pipeline, config);
    const written = writeReport(db, out);
    steps.done('report');
    const timingsMs = { ...summary.timingsMs, report: Math.round(performance.now() - started) };
    logger.info({ names: summary.names, changes: summary.changes, out, files: written.length, timingsMs }, `personas: ${summary.personas} personas, cards and report in ${out}`);
    return { rowsIn: summary.customers, rowsOut: summary.personas, rejects: 0, notes: summary.notes, details: { ...summary, out, timingsMs } };
  },
};
