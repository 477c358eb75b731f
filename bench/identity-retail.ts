/**
 * Scores identity resolution of a database that has run clean against a retail truth folder:
 * pairwise precision/recall/F1 over the source records that reached clean, customers vs persons,
 * and merges between different people who share one phone (households) or one e-mail (couples).
 *
 * The truth files give no names, so a person's name is the most frequent normalised name of their
 * records (ties: the alphabetically first) and their birth dates are those of their records. A
 * shared-contact merge "differs" when the two persons' names are more than one edit apart or both
 * have birth dates and none agree; otherwise the two are namesakes (same name, no conflicting
 * birth date), which no evidence in the records can tell apart.
 *
 *   node dist/bench/identity-retail.js DB TRUTH_DIR
 *   e.g. node dist/bench/identity-retail.js out/retail-20k.db ../shared/data/retail-20k/truth
 *   PERSONA_BENCH_VERBOSE=1 also lists, on stderr, the merged people whose names or birth dates differ.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { parseName, nameMatchKeys } from '../src/normalize/name.js';
import { pairwiseFromLabels, type LabelledRecord } from '../src/clean/identity/evaluate.js';

export interface IdentityScore {
  records: number;
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  customers: number;
  persons: number;
  sharedContactGroups: number;
  sharedContactMerges: number;
  /** Shared-contact merges of people whose names or birth dates differ (the target is 0). */
  sharedContactMergesDiffering: number;
}

interface PersonTraits {
  names: Map<string, number>;
  births: Set<string>;
}

function modalName(t: PersonTraits): string {
  let best = '';
  let bestCount = -1;
  for (const [name, count] of t.names) {
    if (count > bestCount || (count === bestCount && name < best)) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}

/** Different people told apart by what they are: a name more than one edit apart, or no common birth date. */
function traitsDiffer(a: PersonTraits, b: PersonTraits): boolean {
  if (distance(modalName(a), modalName(b)) > 1) return true;
  if (a.births.size === 0 || b.births.size === 0) return false;
  return ![...a.births].some((d) => b.births.has(d));
}

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
}

/** truth/identity.csv as "source|source_id" → person id. */
export function readTruthIdentity(truthDir: string): Map<string, string> {
  return new Map(readCsv(join(truthDir, 'identity.csv')).map(([s, id, p]) => [`${s}|${id}`, p!]));
}


export function scoreIdentity(dbPath: string, truthDir: string): IdentityScore {
  const personOf = readTruthIdentity(truthDir);
  const db = new Database(dbPath, { readonly: true });
  const rows = db
    .prepare(
      `SELECT m.source, m.source_id, m.customer_id, r.full_name, r.first_name, r.last_name, r.birth_date
         FROM raw_customers r
        -- CROSS JOIN fixes the order: raw_customers has no index on source_id, identity_map's key is it.
        CROSS JOIN identity_map m ON m.source = r.source AND m.source_id = r.source_id
        CROSS JOIN customers c ON c.customer_id = m.customer_id
        WHERE c.id_only = 0`,
    )
    .all() as { source: string; source_id: string; customer_id: string; full_name: string | null; first_name: string | null; last_name: string | null; birth_date: string | null }[];
  db.close();
  const byCustomer = new Map<string, string[]>();
  const labelled: LabelledRecord[] = [];
  const traits = new Map<string, PersonTraits>();
  let records = 0;
  for (const r of rows) {
    const person = personOf.get(`${r.source}|${r.source_id}`);
    if (person === undefined) continue; // a planted bad record: not scored
    records++;
    const t = traits.get(person) ?? { names: new Map<string, number>(), births: new Set<string>() };
    traits.set(person, t);
    const name = nameMatchKeys(parseName({ full: r.full_name, first: r.first_name, last: r.last_name })).sorted;
    if (name !== '') t.names.set(name, (t.names.get(name) ?? 0) + 1);
    if (r.birth_date) t.births.add(r.birth_date);
    const members = byCustomer.get(r.customer_id);
    if (members === undefined) byCustomer.set(r.customer_id, [person]);
    else members.push(person);
    labelled.push({ cluster: r.customer_id, entity: person, source: r.source });
  }
  const pairwise = pairwiseFromLabels(labelled);

  // Households and couples: different persons sharing one true phone or e-mail.
  const people = readCsv(join(truthDir, 'people.csv'));
  const groups = new Map<string, Set<string>>();
  for (const [person, email, phone] of people) {
    for (const contact of [email ? `e:${email}` : '', phone ? `p:${phone}` : '']) {
      if (contact === '') continue;
      groups.set(contact, (groups.get(contact) ?? new Set()).add(person!));
    }
  }
  const shared = [...groups.values()].filter((g) => g.size > 1);
  const groupsOf = new Map<string, Set<string>[]>();
  for (const group of shared) for (const p of group) groupsOf.set(p, [...(groupsOf.get(p) ?? []), group]);
  let sharedContactMerges = 0;
  let sharedContactMergesDiffering = 0;
  for (const members of byCustomer.values()) {
    const persons = new Set(members);
    if (persons.size < 2) continue;
    const candidates = new Set([...persons].flatMap((p) => groupsOf.get(p) ?? []));
    for (const group of candidates) {
      const merged = [...group].filter((p) => persons.has(p));
      if (merged.length < 2) continue;
      sharedContactMerges++;
      const differ = merged.some((a, i) => merged.slice(i + 1).some((b) => traitsDiffer(traits.get(a)!, traits.get(b)!)));
      if (differ) sharedContactMergesDiffering++;
      if (differ && process.env.PERSONA_BENCH_VERBOSE) console.error(merged.map((p) => `${p} ${modalName(traits.get(p)!)} ${[...traits.get(p)!.births].join("/")}`).join("  |  "));
    }
  }
  return {
    records,
    ...pairwise,
    customers: byCustomer.size,
    persons: traits.size,
    sharedContactGroups: shared.length,
    sharedContactMerges,
    sharedContactMergesDiffering,
  };
}

if (process.argv[1]?.endsWith('identity-retail.js')) {
  const [dbPath, truthDir] = process.argv.slice(2);
  if (!dbPath || !truthDir) {
    console.error('usage: node dist/bench/identity-retail.js DB TRUTH_DIR');
    process.exit(2);
  }
  const s = scoreIdentity(dbPath, truthDir);
  console.log(`records ${s.records}  true pairs ${s.truePairs}  predicted ${s.predictedPairs}  TP ${s.truePositives}`);
  console.log(`precision ${s.precision.toFixed(4)}  recall ${s.recall.toFixed(4)}  F1 ${s.f1.toFixed(4)}`);
  console.log(`customers ${s.customers}  persons ${s.persons}  (${(((s.customers - s.persons) / s.persons) * 100).toFixed(2)} %)`);
  console.log(`shared-contact groups ${s.sharedContactGroups}  merged across people ${s.sharedContactMerges} (namesakes ${s.sharedContactMerges - s.sharedContactMergesDiffering}, names or birth dates differ ${s.sharedContactMergesDiffering})`);
}
