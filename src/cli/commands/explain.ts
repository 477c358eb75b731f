/**
 * `persona explain customer ID`: the source records behind a customer, why they were linked (each
 * field's evidence and weight), where each golden value came from, and what features and segment
 * made of the customer (explain-profile.ts). Reads only.
 */
import { existsSync } from 'node:fs';
import { loadPipeline } from '../../config/load.js';
import { openDatabase, type Db } from '../../store/database.js';
import { databaseError } from '../../util/environment-errors.js';
import { UsageError } from '../../util/errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../format-table.js';
import { customerProfile, renderProfile } from './explain-profile.js';

export interface ExplainFlags {
  db?: string;
  pipeline?: string;
  json: boolean;
}

interface Evidence {
  /** log2 prior odds of the pair: within one source or across sources (absent in databases cleaned by persona 0.1). */
  prior?: number;
  fields: { field: string; level: string; weight: number; tf?: boolean }[];
  shared_contact_only?: boolean;
  /** Why a pair at or above the threshold is not in one customer (clean's cluster guards). */
  not_linked_because?: 'ambiguous' | 'cluster_guard';
}

interface PairRow {
  left_source: string;
  left_id: string;
  right_source: string;
  right_id: string;
  match_weight: number;
  match_probability: number;
  linked: number;
  evidence: string;
}

const NOT_LINKED_REASON: Record<string, string> = {
  ambiguous: '  (the record fits two different customers about equally well: left on its own)',
  cluster_guard: "  (kept apart: other records of the two customers disagree)",
};

export function explainCustomer(db: Db, customerId: string) {
  const customer = db.prepare('SELECT * FROM customers WHERE customer_id = ?').get(customerId) as Record<string, unknown> | undefined;
  if (!customer) return undefined;
  const records = db
    .prepare(
      `SELECT m.source, m.source_id, r.line, r.full_name, r.first_name, r.last_name, r.email, r.phone, r.birth_date, r.city, r.created_at
       FROM identity_map m LEFT JOIN raw_customers r ON r.source = m.source AND r.source_id = m.source_id
       WHERE m.customer_id = ? ORDER BY m.source, m.source_id, r.line`,
    )
    .all(customerId) as Record<string, unknown>[];
  const pairs = (
    db
      .prepare(
        `SELECT p.* FROM match_pairs p
         JOIN identity_map a ON a.source = p.left_source AND a.source_id = p.left_id
         JOIN identity_map b ON b.source = p.right_source AND b.source_id = p.right_id
         WHERE a.customer_id = ? OR b.customer_id = ?
         ORDER BY p.linked DESC, p.match_weight DESC, p.left_source, p.left_id, p.right_source, p.right_id`,
      )
      .all(customerId, customerId) as PairRow[]
  ).map((p) => ({ ...p, evidence: JSON.parse(p.evidence) as Evidence }));
  const provenance = db.prepare('SELECT field, value, source, source_id, rule FROM customer_provenance WHERE customer_id = ? ORDER BY field').all(customerId) as Record<string, unknown>[];
  return { customer, records, pairs, provenance, ...customerProfile(db, customerId) };
}

/**
 * The customer id behind `id`: itself when it is a customer id, else the customer of the source
 * record `SOURCE:ID` (split at the first colon: source names have none, record ids may).
 */
export function resolveCustomerId(db: Db, id: string): string | undefined {
  if (db.prepare('SELECT 1 FROM customers WHERE customer_id = ?').get(id) !== undefined) return id;
  const colon = id.indexOf(':');
  if (colon <= 0) return undefined;
  return db.prepare('SELECT customer_id FROM identity_map WHERE source = ? AND source_id = ?').pluck().get(id.slice(0, colon), id.slice(colon + 1)) as string | undefined;
}

export async function explainCommand(kind: string, id: string, flags: ExplainFlags): Promise<number> {
  if (kind !== 'customer') throw new UsageError(`explain ${kind}: only "explain customer ID" exists`);
  const dbPath = flags.db ?? (flags.pipeline ? loadPipeline(flags.pipeline).databasePath : undefined);
  if (dbPath === undefined) throw new UsageError('explain needs --db <file> or --pipeline <file>');
  if (!existsSync(dbPath)) throw new UsageError(`${dbPath}: no such database`);
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const customerId = resolveCustomerId(db, id);
    const found = customerId === undefined ? undefined : explainCustomer(db, customerId);
    if (!found) {
      process.stderr.write(`persona: no customer ${id} in ${dbPath} (give a customer id such as C00000042, or a source record as SOURCE:ID)\n`);
      return ExitCode.RuntimeFailure;
    }
    if (flags.json) {
      process.stdout.write(JSON.stringify(found, null, 2) + '\n');
      return ExitCode.Ok;
    }
    const out: string[] = [`customer ${customerId}: ${found.customer.display_name ?? '(no name)'} — ${found.records.length} source record(s)`, ''];
    out.push(
      formatTable(
        ['source', 'id', 'line', 'name', 'email', 'phone', 'birth date', 'city'],
        found.records.map((r) => [
          r.source as string,
          r.source_id as string,
          r.line === null ? '' : String(r.line),
          ((r.full_name as string | null) ?? [r.first_name, r.last_name].filter(Boolean).join(' ')) || '',
          (r.email as string | null) ?? '',
          (r.phone as string | null) ?? '',
          (r.birth_date as string | null) ?? '',
          (r.city as string | null) ?? '',
        ]),
      ),
    );
    out.push('', 'why they were linked (weight = prior log2 odds + log2 Bayes factor per field; above 0 is evidence for a match):');
    if (found.pairs.length === 0) out.push('  (a single record: nothing to link)');
    for (const p of found.pairs) {
      const verdict = p.linked ? 'linked' : 'not linked';
      out.push(
        `  ${p.left_source}:${p.left_id} ~ ${p.right_source}:${p.right_id}  weight ${p.match_weight.toFixed(2)}  probability ${p.match_probability.toFixed(4)}  ${verdict}${p.evidence.shared_contact_only ? '  (one shared contact only: guarded)' : ''}${NOT_LINKED_REASON[p.evidence.not_linked_because ?? ''] ?? ''}`,
      );
      const prior = p.evidence.prior === undefined ? '' : `prior ${p.evidence.prior.toFixed(2)}  `;
      out.push(`    ${prior}${p.evidence.fields.map((f) => `${f.field}=${f.level} (${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)}${f.tf ? ', term-frequency adjusted' : ''})`).join('  ')}`);
    }
    out.push('', 'golden record (value ← source record, by rule):');
    out.push(
      formatTable(
        ['field', 'value', 'from', 'rule'],
        found.provenance.map((p) => [p.field as string, (p.value as string | null) ?? '', p.source ? `${p.source}:${p.source_id}` : '', p.rule as string]),
      ),
    );
    out.push(...renderProfile(found));
    process.stdout.write(out.join('\n') + '\n');
    return ExitCode.Ok;
  } catch (error) {
    throw databaseError(error, dbPath) ?? error; // a damaged file: one line naming it
  } finally {
    db.close();
  }
}
