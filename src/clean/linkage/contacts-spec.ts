/**
 * The `contacts` comparison set (people reached by e-mail and phone, as in the retail data). How
 * customer records are compared: the fields the linkage engine sees, the blocking rules that
 * pick candidate pairs (never all pairs: every rule is a shared key), and the comparison levels
 * whose m/u probabilities EM estimates from the data. Contacts (e-mail, phone) are
 * term-frequency adjusted and guarded, so a household's phone or a couple's e-mail alone never
 * merges two people whose names or birth dates disagree. Measured on retail-20k with
 * bench/identity-retail.ts; the reasoning behind each rule is in src/clean/identity/README.md.
 */
import type { ComparisonSpec, LinkMode, LinkRecord, LinkageSpec } from '../identity/types.js';
import { boundedLevenshtein } from '../identity/levenshtein.js';
import type { CustomerRecord } from '../customer-record.js';
import { CODE, STREET_LINE } from './address-spec.js';
import { organizationBlocking, organizationComparison, organizationValues } from './organization-spec.js';

export const CONTACT_FIELDS = [
  'given', 'family', 'nameSorted', 'dob', 'email', 'phone', 'city', 'givenSound', 'familySound', 'emailLocal', 'emailLetters', 'emailDigits',
  'emailKey', 'emailProvider', 'gender', 'emailStripped',
  // The postal address and national id, when a source maps them (people with contacts and an address).
  'streetNumber', 'address1', 'address2', 'postcode', 'state', 'nationalId',
  // Organisations (organization-spec.ts).
  'organization', 'organizationWords', 'organizationRare',
] as const;
const F = Object.fromEntries(CONTACT_FIELDS.map((f, i) => [f, i])) as Record<(typeof CONTACT_FIELDS)[number], number>;

export interface LinkageOptions {
  readonly matchProbability: number;
  readonly seed: number;
  /** Default link_and_dedupe. */
  readonly mode?: LinkMode;
  /** Canonical fields mapped by at least one customer source; undefined = all. */
  readonly mappedFields?: ReadonlySet<string>;
}

/** Every initial a name key can have (lower-case ASCII): a record without a name meets them all. */
const INITIALS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

const ORGANIZATION = { key: F.organization, words: F.organizationWords, rare: F.organizationRare };

/** The canonical customer fields (pipeline `columns`) each link field is built from. */
const SOURCE_FIELDS: Readonly<Record<(typeof CONTACT_FIELDS)[number], readonly string[]>> = {
  given: ['first_name', 'full_name'],
  family: ['last_name', 'full_name'],
  nameSorted: ['first_name', 'last_name', 'full_name'],
  dob: ['birth_date'],
  email: ['email'],
  phone: ['phone'],
  city: ['city'],
  givenSound: ['first_name', 'full_name'],
  familySound: ['last_name', 'full_name'],
  emailLocal: ['email'],
  emailLetters: ['email'],
  emailDigits: ['email'],
  emailKey: ['email'],
  emailProvider: ['email'],
  gender: ['gender'],
  emailStripped: ['email'],
  streetNumber: ['street_number'],
  address1: ['address_line1'],
  address2: ['address_line2'],
  postcode: ['postcode'],
  state: ['state'],
  nationalId: ['national_id'],
  organization: ['organization_name'],
  organizationWords: ['organization_name'],
  organizationRare: ['organization_name'],
};

/**
 * The part of an address that is evidence beyond the name. An address spelled from the person's
 * own name ("wang.wei12@qq.com" for Wei Wang) repeats the name comparison's evidence, so only its
 * residue is compared: the order of the name parts, the separators and digits, and the domain
 * ("~fg|.12@qq.com"). Namesakes then share an address by chance as often as their residues agree,
 * not as rarely as two random addresses. Other addresses are compared whole.
 */
function emailKeyOf(email: string, given: string, family: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const letters = local.replace(/[^a-z]/g, '');
  if (given === '' || family === '') return email;
  const order = letters === family + given ? 'fg' : letters === given + family ? 'gf' : null;
  if (order === null) return email;
  return `~${order}|${local.replace(/[a-z]+/g, '')}${email.slice(at)}`;
}

/**
 * A domain is an established provider when at least this many records (and one in a thousand)
 * use it: "163.com" and "126.com", not "gmial.com".
 */
const PROVIDER_MIN_RECORDS = 3;
const PROVIDER_MIN_SHARE = 0.001;

const domainOf = (email: string): string => email.slice(email.indexOf('@') + 1);

/** Separators of an address's local part: a dot typed one letter early ("chlo.eanderson") is no new address. */
const SEPARATORS = /[._-]/g;

/**
 * Link records of all customer records at once: whether an address's domain is an established
 * provider depends on how many records use it.
 */
export function contactsLinkRecords(records: readonly CustomerRecord[]): LinkRecord[] {
  const domainCounts = new Map<string, number>();
  for (const r of records) if (r.emailKey !== null) domainCounts.set(domainOf(r.emailKey), (domainCounts.get(domainOf(r.emailKey)) ?? 0) + 1);
  const minRecords = Math.max(PROVIDER_MIN_RECORDS, PROVIDER_MIN_SHARE * records.length);
  const providers = new Set([...domainCounts].filter(([, n]) => n >= minRecords).map(([d]) => d));
  const organizations = organizationValues(records);
  return records.map((r, idx) => contactsLinkRecord(r, idx, providers, organizations[idx]));
}

export function contactsLinkRecord(
  record: CustomerRecord,
  idx: number,
  providers: ReadonlySet<string> = new Set(),
  organization: readonly (string | null)[] = organizationValues([record])[0]!,
): LinkRecord {
  const email = record.emailKey;
  const local = email === null ? null : email.slice(0, email.indexOf('@'));
  const domain = email === null ? null : domainOf(email);
  return {
    idx,
    source: record.source,
    sourceId: record.sourceId,
    values: [
      record.givenKey,
      record.familyKey,
      record.sortedNameKey,
      record.birthDate,
      email,
      record.phone,
      record.cityKey,
      record.givenSound,
      record.familySound,
      local,
      local === null ? null : local.replace(/[^a-z]/g, ''),
      local === null ? null : local.replace(/[^0-9]/g, ''),
      email === null ? null : emailKeyOf(email, record.givenKey ?? '', record.familyKey ?? ''),
      domain !== null && providers.has(domain) ? domain : null,
      record.gender,
      email === null ? null : `${local!.replace(SEPARATORS, '')}@${domain}`,
      record.streetNumberKey,
      record.addressLine1Key,
      record.addressLine2Key,
      record.postcodeKey,
      record.stateKey,
      record.nationalIdKey,
      ...organization,
    ],
  };
}

/** Country codes are 1–3 digits; the last 9 digits of an E.164 number are the subscriber's. */
const SUBSCRIBER_DIGITS = 9;

function phoneDigitsKey(e164: string | null | undefined): string | null {
  if (!e164 || e164.length < SUBSCRIBER_DIGITS + 2) return null;
  return e164.slice(-SUBSCRIBER_DIGITS);
}

function samePhoneDigits(a: string, b: string): boolean {
  const ka = phoneDigitsKey(a);
  return ka !== null && ka === phoneDigitsKey(b);
}

/** Two different established providers ("leili41@163.com", "leili41@126.com"): two addresses, not a typo. */
function differentProviders(a: LinkRecord, b: LinkRecord): boolean {
  const pa = a.values[F.emailProvider];
  const pb = b.values[F.emailProvider];
  return pa !== null && pa !== undefined && pb !== null && pb !== undefined && pa !== pb;
}

/** Within two edits, as typed or with separators dropped, at one provider. */
function emailTypo(a: LinkRecord, b: LinkRecord): boolean {
  if (boundedLevenshtein(a.values[F.email]!, b.values[F.email]!, 2) <= 2) return true;
  const sa = a.values[F.emailStripped];
  const sb = b.values[F.emailStripped];
  if (!sa || !sb || sa.slice(sa.indexOf('@')) !== sb.slice(sb.indexOf('@'))) return false;
  return boundedLevenshtein(sa, sb, 2) <= 2;
}

function sameLettersOtherNumber(a: LinkRecord, b: LinkRecord): boolean {
  const la = a.values[F.emailLetters];
  return la !== null && la !== undefined && la !== '' && la === b.values[F.emailLetters] && a.values[F.emailDigits] !== b.values[F.emailDigits];
}

const nameLevels = (field: number, other: number): ComparisonSpec['levels'] => [
  { kind: 'exact' },
  { kind: 'jaroWinkler', min: 0.92 },
  { kind: 'jaroWinkler', min: 0.8 },
  { kind: 'custom', label: 'swapped', test: (a, b) => a.values[field] === b.values[other] || a.values[other] === b.values[field] },
  // Two typos in a long name, one on each record ("Mlller" and "Miuler" for Miller): Jaro-Winkler
  // falls below 0.8, yet the names are two edits apart. Short names are left out: at two edits
  // "wu", "xu" and "hu", or "wang" and "yang", are different names.
  { kind: 'custom', label: 'two edits', test: (a, b) => twoEditsApart(a.values[field], b.values[field]) },
];

const TWO_EDITS_MIN_LENGTH = 5;

function twoEditsApart(x: string | null | undefined, y: string | null | undefined): boolean {
  if (!x || !y || x.length < TWO_EDITS_MIN_LENGTH || y.length < TWO_EDITS_MIN_LENGTH) return false;
  return boundedLevenshtein(x, y, 2) <= 2;
}

export function contactsLinkageSpec(options: LinkageOptions): LinkageSpec {
  const mapped = options.mappedFields;
  const available = (field: number): boolean => mapped === undefined || SOURCE_FIELDS[CONTACT_FIELDS[field]!].some((f) => mapped.has(f));
  // A rule or comparison on a field no source maps would only ever see nulls: left out, so that
  // EM trains nothing on it and the stage details list only what was compared.
  const spec = fullContactsSpec(options);
  return {
    ...spec,
    blocking: spec.blocking.filter((r) => (r.usesFields ?? r.fields ?? []).some(available) && (r.fields ?? []).every(available)),
    comparisons: spec.comparisons.filter((c) => available(c.field)),
  };
}

function fullContactsSpec(options: LinkageOptions): LinkageSpec {
  return {
    fields: CONTACT_FIELDS,
    mode: options.mode ?? 'link_and_dedupe',
    blocking: [
      { name: 'email', fields: [F.email] },
      // On the subscriber digits, so that a number under a wrong country code meets the right one.
      { name: 'phone', key: (r) => phoneDigitsKey(r.values[F.phone]), usesFields: [F.phone] },
      { name: 'name+dob', fields: [F.nameSorted, F.dob] },
      // Email typos: same name and the same last three characters of the local part, or for
      // numeric (QQ-style) addresses the same first four digits. Not the first letters: namesakes
      // share those ("wang.wei12", "wang.wei87"), which would make large blocks.
      {
        name: 'name+email end',
        key: (r) => {
          const name = r.values[F.nameSorted];
          const local = r.values[F.emailLocal];
          if (!name || !local) return null;
          const keys = [`${name}|>${local.slice(-3)}`];
          if (/^[0-9]{4}/.test(local)) keys.push(`${name}|<${local.slice(0, 4)}`);
          return keys;
        },
        usesFields: [F.nameSorted, F.given, F.family, F.email],
      },
      // Typos in one name part and in the email at once: the other name part, the initial of the
      // typo'd one, the digits and the domain of the address.
      {
        name: 'name part+email digits',
        key: (r) => {
          const digits = r.values[F.emailDigits];
          const email = r.values[F.email];
          if (!digits || digits.length < 2 || !email) return null;
          const domain = email.slice(email.indexOf('@'));
          const keys: string[] = [];
          const g = r.values[F.given];
          const f = r.values[F.family];
          if (g && f) keys.push(`g${g}|${f[0]}|${digits}${domain}`, `f${f}|${g[0]}|${digits}${domain}`);
          return keys;
        },
        usesFields: [F.given, F.family, F.email],
        maxBlockSize: 50,
        window: 10,
        sortKey: (r) => r.values[F.email] ?? '',
      },
      // Records with no contact in common: the same name in the same city. Which of them are one
      // person is left to the model (gender, birth date, contacts that disagree) and to guards
      // (d) and (e) when the city holds namesakes. A block grows with the population (retail-20k:
      // about 3 records, 200,000 people: about 30), and the more namesakes share a city the less
      // their name and city say: a block of more than 12 only pairs neighbours by gender and
      // birth date, so the compared pairs stay about linear in the records.
      {
        name: 'name+city',
        fields: [F.nameSorted, F.city],
        maxBlockSize: 12,
        window: 3,
        sortKey: (r) => `${r.values[F.gender] ?? ''}|${r.values[F.dob] ?? ''}`,
      },
      // Typos in names with a birth date: the date and one name sound.
      {
        name: 'dob+name sound',
        key: (r) => {
          const dob = r.values[F.dob];
          if (!dob) return null;
          const keys: string[] = [];
          const gs = r.values[F.givenSound];
          const fs = r.values[F.familySound];
          if (gs) keys.push(`g${gs}|${dob}`);
          if (fs) keys.push(`f${fs}|${dob}`);
          return keys;
        },
        usesFields: [F.dob, F.givenSound, F.familySound, F.given, F.family],
      },
      // Heavy typos (names misspelt, given and family name swapped or missing, another e-mail
      // domain) leave a person's records sharing no key above; the birth date alone and the
      // e-mail's local part alone still meet. These rules train no EM session of their own (see
      // sessionRules below): their pairs are mostly strangers who share a birthday or a common
      // local part, which would teach the model nothing about matches. A birth date is shared by
      // few records until the population is large: a block of more than 8 only pairs neighbours
      // by name sound, so the compared pairs stay linear in the records.
      {
        name: 'dob',
        key: (r) => {
          const dob = r.values[F.dob];
          if (!dob) return null;
          const g = r.values[F.given];
          const f = r.values[F.family];
          if (!g && !f) return INITIALS.map((c) => `${dob}|${c}`);
          const keys: string[] = [];
          if (g) keys.push(`${dob}|${g[0]}`);
          if (f && f[0] !== g?.[0]) keys.push(`${dob}|${f[0]}`);
          return keys;
        },
        usesFields: [F.dob],
        maxBlockSize: 8,
        window: 3,
        sortKey: (r) => `${r.values[F.familySound] ?? ''}|${r.values[F.givenSound] ?? ''}`,
        trainSession: false,
      },
      { name: 'email local part', fields: [F.emailLocal], usesFields: [F.emailLocal, F.email], maxBlockSize: 20, window: 5, trainSession: false },
      // The address, when mapped (as in the address set): the national id; a name part with the
      // postcode; the street number with the street.
      { name: 'national id', fields: [F.nationalId] },
      { name: 'surname+postcode', fields: [F.family, F.postcode], maxBlockSize: 50, window: 10 },
      { name: 'given+postcode', fields: [F.given, F.postcode], maxBlockSize: 50, window: 10 },
      { name: 'street', fields: [F.streetNumber, F.address1], maxBlockSize: 50, window: 10 },
      // The address line alone (sites and shops without a person's name), and the postcode alone
      // for records whose address line has a typo: a postcode holds many addresses, so its
      // pairs are neighbours by address line and train no session.
      { name: 'address line', fields: [F.address1], maxBlockSize: 20, window: 5 },
      { name: 'postcode', fields: [F.postcode], maxBlockSize: 20, window: 4, sortKey: (r) => r.values[F.address1] ?? '', trainSession: false },
      ...organizationBlocking(ORGANIZATION, { postcode: F.postcode, city: F.city, address1: F.address1 }),
    ],
    comparisons: [
      { name: 'given', field: F.given, usesFields: [F.family], role: 'identity', termFrequency: true, levels: nameLevels(F.given, F.family) },
      { name: 'family', field: F.family, usesFields: [F.given], role: 'identity', termFrequency: true, levels: nameLevels(F.family, F.given) },
      {
        name: 'dob',
        field: F.dob,
        role: 'identity',
        levels: [{ kind: 'exact' }, { kind: 'dateDayMonthSwap' }, { kind: 'dateOneComponent' }, { kind: 'dateWithinYears', years: 1 }, { kind: 'dateWithinYears', years: 10 }],
      },
      {
        name: 'email',
        field: F.emailKey,
        role: 'contact',
        termFrequency: true,
        usesFields: [F.email, F.emailLocal, F.emailLetters, F.emailDigits, F.emailProvider, F.emailStripped],
        levels: [
          // Exact on the key: the same address, or for name-spelled addresses the same residue.
          { kind: 'exact' },
          // The same address whose keys differ: one record's name has a typo, so only the other's
          // address reads as spelled from the name ("LUO Fung" and "Fang Luo", both luo.fang69@…).
          { kind: 'custom', label: 'same address', test: (a, b) => a.values[F.email] === b.values[F.email] },
          // Name-based addresses that differ only in their number belong to namesakes, not typos:
          // they fall to the else level (among candidate pairs 3 matches against 902 non-matches).
          // Two established providers are two addresses: typos happen in what people type, and
          // "163.com" for "126.com" is another mailbox that a namesake may well hold.
          {
            kind: 'custom',
            label: 'typo (lev<=2)',
            test: (a, b) => !sameLettersOtherNumber(a, b) && !differentProviders(a, b) && emailTypo(a, b),
          },
        ],
      },
      {
        name: 'phone',
        field: F.phone,
        role: 'contact',
        termFrequency: true,
        levels: [
          { kind: 'exact' },
          // The same subscriber digits under another country code: a number written with the
          // wrong prefix ("0086 4955748394" for +44 4955748394), or a bare "8678508479" whose
          // leading 86 libphonenumber took for China's code. Not the same number, but the same
          // digits by chance are as rare as an exact match.
          { kind: 'custom', label: 'same last 9 digits', test: (a, b) => samePhoneDigits(a.values[F.phone]!, b.values[F.phone]!) },
          { kind: 'levenshtein', max: 1 },
        ],
      },
      { name: 'city', field: F.city, levels: [{ kind: 'exact' }] },
      { name: 'gender', field: F.gender, levels: [{ kind: 'exact' }] },
      { name: 'streetNumber', field: F.streetNumber, levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }] },
      { name: 'address1', field: F.address1, levels: STREET_LINE },
      { name: 'address2', field: F.address2, levels: STREET_LINE },
      { name: 'postcode', field: F.postcode, levels: CODE },
      { name: 'state', field: F.state, levels: [{ kind: 'exact' }] },
      { name: 'nationalId', field: F.nationalId, levels: CODE },
      organizationComparison(ORGANIZATION),
    ],
    training: { seed: options.seed, uSampleSize: 100_000 },
    clustering: { matchProbability: options.matchProbability },
  };
}
