/**
 * A deterministic synthetic population for tests and scale benchmarks of the identity engine:
 * people seen in up to three sources with typos and missing values, common names (Zipf-like),
 * households sharing one phone and couples sharing one email (different people).
 */
import { mulberry32 } from './em.js';
import type { ComparisonSpec, LinkMode, LinkRecord, LinkageSpec } from './types.js';

export const SYNTHETIC_FIELDS = ['given', 'surname', 'dob', 'email', 'phone', 'city'] as const;
export const S = { given: 0, surname: 1, dob: 2, email: 3, phone: 4, city: 5 } as const;

const GIVEN = [
  'wei', 'fang', 'min', 'jing', 'li', 'yan', 'lei', 'jun', 'yang', 'hui', 'ming', 'xin', 'hong', 'tao', 'ping', 'hua',
  'james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth', 'david',
  'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'chloe', 'oliver',
  'amelia', 'harry', 'isla', 'jack', 'emily', 'noah', 'sophia', 'liam', 'mia', 'lucas', 'ella', 'mason',
];
const SURNAMES = [
  'wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'ma', 'zhu', 'hu', 'guo',
  'smith', 'jones', 'williams', 'brown', 'taylor', 'davies', 'evans', 'wilson', 'thomas', 'johnson', 'roberts',
  'walker', 'wright', 'robinson', 'thompson', 'white', 'hughes', 'edwards', 'green', 'hall', 'wood', 'harris',
  'lewis', 'martin', 'jackson', 'clarke', 'clark', 'turner', 'hill', 'scott', 'cooper', 'morris', 'ward', 'moore',
];
const CITIES = ['shanghai', 'beijing', 'shenzhen', 'guangzhou', 'chengdu', 'wuhan', 'london', 'manchester', 'leeds', 'bristol'];

export interface SyntheticOptions {
  readonly people: number;
  readonly seed?: number;
  /** Share of people who share their phone with another person of the same surname. Default 0.06. */
  readonly householdRate?: number;
  /** Share of people who share their email with a partner. Default 0.04. */
  readonly coupleRate?: number;
}

export interface SyntheticData {
  readonly records: LinkRecord[];
  /** Person id of each record. */
  readonly truth: string[];
}

interface Person {
  given: string;
  surname: string;
  dob: string;
  email: string;
  phone: string;
  city: string;
}

export function syntheticPeople(options: SyntheticOptions): SyntheticData {
  const rand = mulberry32(options.seed ?? 7);
  const pick = <T>(xs: readonly T[], skew = 1.2): T => xs[Math.min(xs.length - 1, Math.floor(xs.length * rand() ** skew))]!;
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const people: Person[] = [];
  const householdRate = options.householdRate ?? 0.06;
  const coupleRate = options.coupleRate ?? 0.04;
  for (let p = 0; p < options.people; p++) {
    const given = pick(GIVEN);
    const surname = pick(SURNAMES, 2);
    const y = 1950 + Math.floor(rand() * 55);
    const m = 1 + Math.floor(rand() * 12);
    const d = 1 + Math.floor(rand() * 28);
    const person: Person = {
      given,
      surname,
      dob: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      email: `${given}.${surname}${digits(4)}@mail${Math.floor(rand() * 5)}.com`,
      phone: `1${digits(10)}`,
      city: pick(CITIES),
    };
    const prev = people[p - 1];
    const r = rand();
    if (prev !== undefined && r < householdRate) {
      person.surname = prev.surname;
      person.phone = prev.phone;
      person.city = prev.city;
    } else if (prev !== undefined && r < householdRate + coupleRate) {
      person.email = prev.email;
      person.city = prev.city;
    }
    people.push(person);
  }
  const typo = (s: string): string => {
    if (s.length < 3) return s;
    const i = 1 + Math.floor(rand() * (s.length - 1));
    const c = String.fromCharCode(97 + Math.floor(rand() * 26));
    return rand() < 0.5 ? s.slice(0, i) + c + s.slice(i + 1) : s.slice(0, i) + s.slice(i + 1);
  };
  const records: LinkRecord[] = [];
  const truth: string[] = [];
  const sources = ['crm', 'shop', 'loyalty'];
  const counters = [0, 0, 0];
  people.forEach((person, p) => {
    const inSources = sources.map(() => rand() < 0.6);
    if (!inSources.some(Boolean)) inSources[Math.floor(rand() * 3)] = true;
    inSources.forEach((present, s) => {
      const copies = present ? (rand() < 0.03 ? 2 : 1) : 0;
      for (let c = 0; c < copies; c++) {
        const values: (string | null)[] = [
          rand() < 0.08 ? typo(person.given) : person.given,
          rand() < 0.04 ? typo(person.surname) : person.surname,
          rand() < 0.1 ? null : rand() < 0.04 ? `${person.dob.slice(0, 8)}${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}` : person.dob,
          rand() < 0.15 ? null : rand() < 0.03 ? typo(person.email) : person.email,
          rand() < 0.15 ? null : person.phone,
          rand() < 0.1 ? null : person.city,
        ];
        records.push({ idx: records.length, source: sources[s]!, sourceId: `${sources[s]}-${counters[s]!++}`, values });
        truth.push(`P${p}`);
      }
    });
  });
  return { records, truth };
}

const nameComparison = (name: string, field: number, min: number): ComparisonSpec => ({
  name,
  field,
  role: 'identity',
  termFrequency: true,
  levels: [{ kind: 'exact' }, { kind: 'jaroWinkler', min }, { kind: 'jaroWinkler', min: 0.7 }],
});

export function syntheticSpec(mode: LinkMode = 'link_and_dedupe'): LinkageSpec {
  return {
    fields: SYNTHETIC_FIELDS,
    mode,
    blocking: [
      { name: 'email', fields: [S.email] },
      { name: 'phone', fields: [S.phone] },
      { name: 'surname+dob', fields: [S.surname, S.dob] },
      { name: 'given+dob', fields: [S.given, S.dob] },
      { name: 'given+surname+city', fields: [S.given, S.surname, S.city] },
    ],
    comparisons: [
      nameComparison('given', S.given, 0.88),
      nameComparison('surname', S.surname, 0.9),
      {
        name: 'dob',
        field: S.dob,
        role: 'identity',
        levels: [{ kind: 'exact' }, { kind: 'dateOneComponent' }, { kind: 'dateWithinYears', years: 1 }],
      },
      { name: 'email', field: S.email, role: 'contact', termFrequency: true, levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }] },
      { name: 'phone', field: S.phone, role: 'contact', termFrequency: true, levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }] },
      { name: 'city', field: S.city, levels: [{ kind: 'exact' }] },
    ],
  };
}
