/**
 * Customers that are organisations (companies, shops, sites): the comparison of their names and
 * the blocking rules on them, shared by the comparison sets. Names are compared on their folded
 * words (src/normalize/organization.ts): the same name, the same words in another order, a
 * typo, most words in common ("Rossi Bakery Leeds" / "Rossi Bakery"), one word in common. EM
 * weighs each level from the data; an exact match on a common name ("Tesco") counts for less
 * (term frequencies).
 */
import type { BlockingRule, ComparisonSpec, LinkRecord } from '../identity/types.js';
import { boundedLevenshtein } from '../identity/levenshtein.js';
import type { CustomerRecord } from '../customer-record.js';

/** Indexes of the organisation fields in a LinkRecord. */
export interface OrganizationFields {
  /** The name's words in order. */
  readonly key: number;
  /** Distinct words, sorted, joined by spaces. */
  readonly words: number;
  /** The name's rarest word among all records (a blocking key that a typo elsewhere does not break). */
  readonly rare: number;
}

/** Values of the three fields for each record, in record order. */
export function organizationValues(records: readonly CustomerRecord[]): [string | null, string | null, string | null][] {
  const counts = new Map<string, number>();
  for (const r of records) for (const w of r.organizationWords) counts.set(w, (counts.get(w) ?? 0) + 1);
  return records.map((r) => {
    if (r.organizationKey === null) return [null, null, null];
    let rare: string | null = null;
    let rareCount = Infinity;
    for (const w of r.organizationWords) {
      const n = counts.get(w)!;
      if (w.length >= 3 && (n < rareCount || (n === rareCount && w < rare!))) {
        rare = w;
        rareCount = n;
      }
    }
    return [r.organizationKey, r.organizationWords.join(' '), rare];
  });
}

/** Words of one name with an equal word, or one edit away for words of 5+ letters, in the other. */
function sharedWords(a: string, b: string): { shared: number; most: number } {
  const wa = a.split(' ');
  const wb = b.split(' ');
  let shared = 0;
  for (const x of wa) {
    if (wb.some((y) => x === y || (x.length >= 5 && y.length >= 5 && boundedLevenshtein(x, y, 1) <= 1))) shared++;
  }
  return { shared, most: Math.max(wa.length, wb.length) };
}

const MOST_WORDS_SHARE = 0.6;

export function organizationComparison(f: OrganizationFields): ComparisonSpec {
  const words = (r: LinkRecord): string => r.values[f.words] ?? '';
  return {
    name: 'organization',
    field: f.key,
    usesFields: [f.words],
    role: 'identity',
    termFrequency: true,
    levels: [
      { kind: 'exact' },
      { kind: 'custom', label: 'same words', test: (a, b) => words(a) === words(b) },
      { kind: 'jaroWinkler', min: 0.92 },
      {
        kind: 'custom',
        label: 'most words',
        test: (a, b) => {
          const s = sharedWords(words(a), words(b));
          return s.shared >= MOST_WORDS_SHARE * s.most;
        },
      },
      { kind: 'custom', label: 'a word in common', test: (a, b) => sharedWords(words(a), words(b)).shared > 0 },
    ],
  };
}

/** The name's words; its rarest word with the postcode, and with the city. */
export function organizationBlocking(f: OrganizationFields, place: { postcode: number; city: number; address1: number }): BlockingRule[] {
  return [
    { name: 'organization', fields: [f.words], usesFields: [f.words, f.key], maxBlockSize: 50, window: 10, sortKey: (r) => `${r.values[place.postcode] ?? ''}|${r.values[place.address1] ?? ''}` },
    { name: 'organization word+postcode', fields: [f.rare, place.postcode], usesFields: [f.rare, f.key, f.words, place.postcode], maxBlockSize: 50, window: 10 },
    { name: 'organization word+city', fields: [f.rare, place.city], usesFields: [f.rare, f.key, f.words, place.city], maxBlockSize: 50, window: 10, trainSession: false },
  ];
}
