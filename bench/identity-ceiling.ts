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
 *   and city, split into same person and different people; and the same among the pairs where
 *   nothing disagrees (no e-mail, phone, birth date or gender that both have and none in common).
 *   Name + city alone is wrong far more often than right; with nothing disagreeing it is what
 *   the clean stage still links, and this shows how much of it is the same person.
 */
import Database from 'better-sqlite3';
import { distance } from 'fastest-levenshtein';
import { parseName, nameMatchKeys } from '../src/normalize/name.js';
import { foldForMatch } from '../src/normalize/fold.js';
import { readTruthIdentity } from './identity-retail.js';

interface Rec {
  readonly customerId: string;
  readonly email: string | null;
  readonly phoneDigits: string | null;
  readonly birthDate: string | null;
  readonly nameCity: string | null;
  readonly name: string | null;
  readonly city: string | null;
  readonly gender: string | null;
}

export interface Ceiling {
  persons: number;
  truePairs: number;
  anyIdentifier: { recall: number; customers: number };
  strict: { recall: number; customers: number };
  nameCity: { samePersonPairs: number; differentPeoplePairs: number };
  /** Name + city pairs of customers where no e-mail, phone, birth date or gender disagrees. */
  nameCityAgreeing: { samePersonPairs: number; differentPeoplePairs: number };
  /** Pairs of customers sharing a name where nothing disagrees, city included (most have no city: shop accounts). */
  nameAgreeing: { samePersonPairs: number; differentPeoplePairs: number };
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
      `SELECT m.source, m.source_id, m.customer_id, r.full_name, r.first_name, r.last_name, r.email, r.phone, r.birth_date, r.city, r.gender
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
      name: name !== '' ? name : null,
      city,
      gender: r.gender ?? null,
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
  interface CustomerTraits {
    persons: Map<string, number>;
    keys: Set<string>;
    names: Set<string>;
    values: Record<'email' | 'phone' | 'birth' | 'gender' | 'city', Set<string>>;
  }
  const customers = new Map<string, CustomerTraits>();
  for (const [person, recs] of byPerson) {
    for (const rec of recs) {
      let c = customers.get(rec.customerId);
      if (c === undefined) {
        c = { persons: new Map(), keys: new Set(), names: new Set(), values: { email: new Set(), phone: new Set(), birth: new Set(), gender: new Set(), city: new Set() } };
        customers.set(rec.customerId, c);
      }
      c.persons.set(person, (c.persons.get(person) ?? 0) + 1);
      if (rec.nameCity !== null) c.keys.add(rec.nameCity);
      if (rec.email !== null) c.values.email.add(rec.email);
      if (rec.phoneDigits !== null) c.values.phone.add(rec.phoneDigits);
      if (rec.birthDate !== null) c.values.birth.add(rec.birthDate);
      if (rec.gender !== null) c.values.gender.add(rec.gender);
      if (rec.city !== null) c.values.city.add(rec.city);
      if (rec.name !== null) c.names.add(rec.name);
    }
  }
  const disagree = (a: CustomerTraits, b: CustomerTraits): boolean =>
    (['email', 'phone', 'birth', 'gender'] as const).some((f) => a.values[f].size > 0 && b.values[f].size > 0 && ![...a.values[f]].some((v) => b.values[f].has(v)));
  const all = { samePersonPairs: 0, differentPeoplePairs: 0 };
  const agreeing = { samePersonPairs: 0, differentPeoplePairs: 0 };
  const nameAgreeing = { samePersonPairs: 0, differentPeoplePairs: 0 };
  const cityDisagrees = (a: CustomerTraits, b: CustomerTraits): boolean =>
    a.values.city.size > 0 && b.values.city.size > 0 && ![...a.values.city].some((v) => b.values.city.has(v));
  forEachPairSharing(customers, (c) => c.keys, (a, b, same, pairs) => {
    for (const tally of disagree(a, b) ? [all] : [all, agreeing]) {
      tally.samePersonPairs += same;
      tally.differentPeoplePairs += pairs - same;
    }
  });
  forEachPairSharing(customers, (c) => c.names, (a, b, same, pairs) => {
    if (disagree(a, b) || cityDisagrees(a, b)) return;
    nameAgreeing.samePersonPairs += same;
    nameAgreeing.differentPeoplePairs += pairs - same;
  });

  return {
    persons: byPerson.size,
    truePairs,
    anyIdentifier: { recall: any.pairs / truePairs, customers: any.customers },
    strict: { recall: strict.pairs / truePairs, customers: strict.customers },
    nameCity: all,
    nameCityAgreeing: agreeing,
    nameAgreeing,
  };
}

const MAX_GROUP = 2000;

/**
 * Each pair of different customers sharing one of their keys, once, with the record pairs
 * between them that are one person (`same`) and all their record pairs (`pairs`).
 */
function forEachPairSharing<C extends { persons: Map<string, number> }>(
  customers: ReadonlyMap<string, C>,
  keysOf: (c: C) => Iterable<string>,
  visit: (a: C, b: C, same: number, pairs: number) => void,
): void {
  const byKey = new Map<string, string[]>();
  for (const [id, c] of customers) for (const k of keysOf(c)) byKey.set(k, [...(byKey.get(k) ?? []), id]);
  const counted = new Set<string>();
  for (const ids of byKey.values()) {
    // A name held by thousands of customers (a 200,000-person set) would make millions of pairs;
    // this bench is for sets the size of retail-20k, where the largest group is a few hundred.
    if (ids.length > MAX_GROUP) throw new Error(`a key is shared by ${ids.length} customers (more than ${MAX_GROUP}): run this on a smaller set`);
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const key = ids[i]! < ids[j]! ? `${ids[i]}|${ids[j]}` : `${ids[j]}|${ids[i]}`;
        if (counted.has(key)) continue;
        counted.add(key);
        const a = customers.get(ids[i]!)!;
        const b = customers.get(ids[j]!)!;
        let pairs = 0;
        let same = 0;
        for (const [p, n] of a.persons) {
          for (const [q, m] of b.persons) {
            pairs += n * m;
            if (p === q) same += n * m;
          }
        }
        visit(a, b, same, pairs);
      }
    }
  }
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
  console.log(`  … where nothing disagrees:    same person ${c.nameCityAgreeing.samePersonPairs} record pairs, different people ${c.nameCityAgreeing.differentPeoplePairs}`);
  console.log(`name alone, nothing disagrees:  same person ${c.nameAgreeing.samePersonPairs} record pairs, different people ${c.nameAgreeing.differentPeoplePairs}`);
}
