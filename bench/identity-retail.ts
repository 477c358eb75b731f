/**
 * Scores identity resolution of a database that has run clean against a retail truth folder:
 * pairwise precision/recall/F1 over the source records that reached clean, customers vs persons,
 * and merges between different people who share one phone (households) or one e-mail (couples).
 *
 *   node dist/bench/identity-retail.js DB TRUTH_DIR
 *   e.g. node dist/bench/identity-retail.js out/retail-20k.db ../shared/data/retail-20k/truth
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
}

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
}

const pairsIn = (n: number) => (n * (n - 1)) / 2;

export function scoreIdentity(dbPath: string, truthDir: string): IdentityScore {
  const personOf = new Map(readCsv(join(truthDir, 'identity.csv')).map(([s, id, p]) => [`${s}|${id}`, p!]));
  const db = new Database(dbPath, { readonly: true });
  const rows = db.prepare(`SELECT m.source, m.source_id, m.customer_id FROM identity_map m JOIN customers c USING (customer_id) WHERE c.id_only = 0`).all() as { source: string; source_id: string; customer_id: string }[];
  db.close();
  const byCustomer = new Map<string, string[]>();
  const byPerson = new Map<string, number>();
  const cell = new Map<string, number>();
  let records = 0;
  for (const r of rows) {
    const person = personOf.get(`${r.source}|${r.source_id}`);
    if (person === undefined) continue; // a planted bad record: not scored
    records++;
    byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), person]);
    byPerson.set(person, (byPerson.get(person) ?? 0) + 1);
    const key = `${r.customer_id}|${person}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
  }
  let predictedPairs = 0;
  for (const members of byCustomer.values()) predictedPairs += pairsIn(members.length);
  let truePairs = 0;
  for (const n of byPerson.values()) truePairs += pairsIn(n);
  let truePositives = 0;
  for (const n of cell.values()) truePositives += pairsIn(n);

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
  let sharedContactMerges = 0;
  for (const members of byCustomer.values()) {
    const persons = new Set(members);
    if (persons.size < 2) continue;
    for (const group of shared) {
      if ([...group].filter((p) => persons.has(p)).length > 1) sharedContactMerges++;
    }
  }
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  return {
    records,
    truePairs,
    predictedPairs,
    truePositives,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    customers: byCustomer.size,
    persons: byPerson.size,
    sharedContactGroups: shared.length,
    sharedContactMerges,
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
  console.log(`shared-contact groups ${s.sharedContactGroups}  merged across people ${s.sharedContactMerges}`);
}
