/**
 * How far identity resolution can go on a retail data set: an oracle that knows which records are
 * one person (from the truth file) but links two of them only when the records themselves carry
 * evidence, and how much evidence a shared name and city carry.
 *
 *   node dist/bench/identity-ceiling.js DB TRUTH_DIR
 *   e.g. node dist/bench/identity-ceiling.js out/retail-20k.db ../shared/data/retail-20k/truth
 *
 * DB is a database after `persona run … --to clean` (its raw_customers and identity_map).
 *
 * - "any identifier": a person's records are linked (transitively) when two share an e-mail within
 *   two edits, the subscriber digits of a phone, or a birth date. Recall and customer count of that
 *   oracle bound every method that does not link on names alone.
 * - "strict": the same, but addresses that differ only in their number ("lucas.taylor18",
 *   "lucas.taylor8") do not count: among namesakes that is as likely a different person.
 * - name + city: pairs of different customers (of the clean stage) that share a normalised name
 *   and city, split into same person and different people. If the first is not far larger than
 *   the second, name + city cannot be used to link what the oracle could not.
 */
import Database from 'better-sqlite3';
import { distance } from 'fastest-levenshtein';
import { parseName, nameMatchKeys } from '../src/clean/normalize/name.js';
import { foldForMatch } from '../src/clean/normalize/fold.js';
import { readTruthIdentity } from './identity-retail.js';

interface Rec {
  readonly customerId: string;
  readonly email: string | null;
  readonly phoneDigits: string | null;
  readonly birthDate: string | null;
  readonly nameCity: string | null;
}

export interface Ceiling {
  persons: number;
  truePairs: number;
  anyIdentifier: { recall: number; customers: number };
  strict: { recall: number; customers: number };
  nameCity: { samePersonPairs: number; differentPeoplePairs: number };
}

const pairsIn = (n: number) => (n * (n - 1)) / 2;
const lettersOf = (email: string) => email.slice(0, email.indexOf('@')).replace(/[^a-z]/g, '');
const digitsOf = (email: string) => email.replace(/[^0-9]/g, '');

function shareIdentifier(a: Rec, b: Rec, strict: boolean): boolean {
  if (a.phoneDigits !== null && a.phoneDigits === b.phoneDigits) return true;
  if (a.birthDate !== null && a.birthDate === b.birthDate) return true;
  if (a.email === null || b.email === null) return false;
  if (a.email === b.email) return true;
  if (distance(a.email, b.email) > 2) return false;
  return !(strict && lettersOf(a.email) === lettersOf(b.email) && digitsOf(a.email) !== digitsOf(b.email));
}

/** Sizes of the connected components of `recs` under `linked`. */
function componentSizes(recs: readonly Rec[], linked: (a: Rec, b: Rec) => boolean): number[] {
  const parent = recs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < recs.length; i++) {
    for (let j = i + 1; j < recs.length; j++) if (linked(recs[i]!, recs[j]!)) parent[find(i)] = find(j);
  }
  const sizes = new Map<number, number>();
  recs.forEach((_, i) => sizes.set(find(i), (sizes.get(find(i)) ?? 0) + 1));
  return [...sizes.values()];
}

export function identityCeiling(dbPath: string, truthDir: string): Ceiling {
  const personOf = readTruthIdentity(truthDir);
  const db = new Database(dbPath, { readonly: true });
  const rows = db
    .prepare(
      `SELECT m.source, m.source_id, m.customer_id, r.full_name, r.first_name, r.last_name, r.email, r.phone, r.birth_date, r.city
         FROM raw_customers r
        -- CROSS JOIN fixes the order: raw_customers has no index on source_id, identity_map's key is it.
        CROSS JOIN identity_map m ON m.source = r.source AND m.source_id = r.source_id
        ORDER BY m.source, m.source_id`,
    )
    .all() as Record<string, string | null>[];
  db.close();

  const byPerson = new Map<string, Rec[]>();
  for (const r of rows) {
    const person = personOf.get(`${r.source}|${r.source_id}`);
    if (person === undefined) continue;
    const digits = r.phone?.replace(/\D/g, '') ?? '';
    const name = nameMatchKeys(parseName({ full: r.full_name, first: r.first_name, last: r.last_name })).sorted;
    const city = r.city ? foldForMatch(r.city) : null; // 杭州 → hangzhou, as the matcher sees it
    const rec: Rec = {
      customerId: r.customer_id!,
      email: r.email ? r.email.trim().toLowerCase() : null,
      phoneDigits: digits.length >= 9 ? digits.slice(-9) : null,
      birthDate: r.birth_date ?? null,
      nameCity: name !== '' && city ? `${name}|${city}` : null,
    };
    const list = byPerson.get(person);
    if (list === undefined) byPerson.set(person, [rec]);
    else list.push(rec);
  }

  let truePairs = 0;
  const any = { pairs: 0, customers: 0 };
  const strict = { pairs: 0, customers: 0 };
  for (const recs of byPerson.values()) {
    truePairs += pairsIn(recs.length);
    for (const [tally, isStrict] of [[any, false], [strict, true]] as const) {
      const sizes = componentSizes(recs, (a, b) => shareIdentifier(a, b, isStrict));
      tally.customers += sizes.length;
      for (const s of sizes) tally.pairs += pairsIn(s);
    }
  }

  // Name + city between different customers: whom would it link, and how rightly?
  const customers = new Map<string, { persons: Map<string, number>; keys: Set<string> }>();
  for (const [person, recs] of byPerson) {
    for (const rec of recs) {
      let c = customers.get(rec.customerId);
      if (c === undefined) customers.set(rec.customerId, (c = { persons: new Map(), keys: new Set() }));
      c.persons.set(person, (c.persons.get(person) ?? 0) + 1);
      if (rec.nameCity !== null) c.keys.add(rec.nameCity);
    }
  }
  const byKey = new Map<string, string[]>();
  for (const [id, c] of customers) for (const k of c.keys) byKey.set(k, [...(byKey.get(k) ?? []), id]);
  let samePersonPairs = 0;
  let differentPeoplePairs = 0;
  const counted = new Set<string>();
  for (const ids of byKey.values()) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const key = ids[i]! < ids[j]! ? `${ids[i]}|${ids[j]}` : `${ids[j]}|${ids[i]}`;
        if (counted.has(key)) continue;
        counted.add(key);
        const a = customers.get(ids[i]!)!;
        const b = customers.get(ids[j]!)!;
        let all = 0;
        let same = 0;
        for (const [p, n] of a.persons) {
          for (const [q, m] of b.persons) {
            all += n * m;
            if (p === q) same += n * m;
          }
        }
        samePersonPairs += same;
        differentPeoplePairs += all - same;
      }
    }
  }

  return {
    persons: byPerson.size,
    truePairs,
    anyIdentifier: { recall: any.pairs / truePairs, customers: any.customers },
    strict: { recall: strict.pairs / truePairs, customers: strict.customers },
    nameCity: { samePersonPairs, differentPeoplePairs },
  };
}

if (process.argv[1]?.endsWith('identity-ceiling.js')) {
  const [dbPath, truthDir] = process.argv.slice(2);
  if (!dbPath || !truthDir) {
    console.error('usage: node dist/bench/identity-ceiling.js DB TRUTH_DIR');
    process.exit(2);
  }
  const c = identityCeiling(dbPath, truthDir);
  const excess = (n: number) => `${(((n - c.persons) / c.persons) * 100).toFixed(2)} %`;
  console.log(`persons ${c.persons}  true pairs ${c.truePairs}`);
  console.log(`oracle, any shared identifier:  recall ${c.anyIdentifier.recall.toFixed(4)}  customers ${c.anyIdentifier.customers} (+${excess(c.anyIdentifier.customers)})`);
  console.log(`oracle, strict:                 recall ${c.strict.recall.toFixed(4)}  customers ${c.strict.customers} (+${excess(c.strict.customers)})`);
  console.log(`name + city across customers:   same person ${c.nameCity.samePersonPairs} record pairs, different people ${c.nameCity.differentPeoplePairs}`);
}
