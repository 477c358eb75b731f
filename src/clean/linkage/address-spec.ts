/**
 * The `address` comparison set: people known by name, birth date, postal address and a national
 * id, without e-mail or phone (registers, patient and member lists, the FEBRL benchmark). Every
 * field is independent evidence that EM weighs from the data: names with term frequencies, the
 * street number, both street lines, city, postcode, state, birth date and national id, each with
 * typo-tolerant levels. Blocking is a union of shared keys, so one wrong field never hides a pair:
 * the national id; the name; the birth date; a name part with the postcode or the city; the street
 * number with the street.
 *
 * Comparisons and blocking rules on fields that no customer source maps are left out, so the same
 * set serves a file with only names, postcode and birth date.
 *
 * Measured on FEBRL3 (dedupe) and FEBRL4 (link) through the CLI by bench/identity-febrl-cli.ts.
 */
import type { BlockingRule, ComparisonSpec, LinkMode, LinkRecord, LinkageSpec, LevelSpec } from '../identity/types.js';
import type { CustomerRecord } from '../customer-record.js';
import { organizationBlocking, organizationComparison, organizationValues } from './organization-spec.js';

export const ADDRESS_FIELDS = [
  'given', 'family', 'streetNumber', 'address1', 'address2', 'city', 'postcode', 'state', 'dob', 'nationalId',
  'organization', 'organizationWords', 'organizationRare',
] as const;
type AddressField = (typeof ADDRESS_FIELDS)[number];
const F = Object.fromEntries(ADDRESS_FIELDS.map((f, i) => [f, i])) as Record<AddressField, number>;

const ORGANIZATION = { key: F.organization, words: F.organizationWords, rare: F.organizationRare };

/** The canonical customer fields (pipeline `columns`) each link field is built from. */
const SOURCE_FIELDS: Readonly<Record<AddressField, readonly string[]>> = {
  given: ['first_name', 'full_name'],
  family: ['last_name', 'full_name'],
  streetNumber: ['street_number'],
  address1: ['address_line1'],
  address2: ['address_line2'],
  city: ['city'],
  postcode: ['postcode'],
  state: ['state'],
  dob: ['birth_date'],
  nationalId: ['national_id'],
  organization: ['organization_name'],
  organizationWords: ['organization_name'],
  organizationRare: ['organization_name'],
};

export interface AddressLinkageOptions {
  readonly matchProbability: number;
  readonly seed: number;
  readonly mode: LinkMode;
  /** Canonical fields mapped by at least one customer source; undefined = all. */
  readonly mappedFields?: ReadonlySet<string>;
}

/** Link records of all customer records at once: an organisation name's rarest word depends on the others. */
export function addressLinkRecords(records: readonly CustomerRecord[]): LinkRecord[] {
  const organizations = organizationValues(records);
  return records.map((r, idx) => addressLinkRecord(r, idx, organizations[idx]));
}

export function addressLinkRecord(record: CustomerRecord, idx: number, organization: readonly (string | null)[] = organizationValues([record])[0]!): LinkRecord {
  const values: (string | null)[] = [
    record.givenKey,
    record.familyKey,
    record.streetNumberKey,
    record.addressLine1Key,
    record.addressLine2Key,
    record.cityKey,
    record.postcodeKey,
    record.stateKey,
    record.birthDate,
    record.nationalIdKey,
    ...organization,
  ];
  return { idx, source: record.source, sourceId: record.sourceId, values };
}

const nameComparison = (field: number, other: number): ComparisonSpec => ({
  name: ADDRESS_FIELDS[field]!,
  field,
  usesFields: [other],
  role: 'identity',
  termFrequency: true,
  levels: [
    { kind: 'exact' },
    { kind: 'jaroWinkler', min: 0.92 },
    { kind: 'jaroWinkler', min: 0.8 },
    // Given name and surname entered in each other's column.
    { kind: 'custom', label: 'swapped', test: (a, b) => a.values[field] === b.values[other] || a.values[other] === b.values[field] },
  ],
});

const textComparison = (field: number, levels: readonly LevelSpec[]): ComparisonSpec => ({ name: ADDRESS_FIELDS[field]!, field, levels });

export const STREET_LINE: readonly LevelSpec[] = [{ kind: 'exact' }, { kind: 'jaroWinkler', min: 0.9 }, { kind: 'jaroWinkler', min: 0.75 }];
export const CODE: readonly LevelSpec[] = [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }, { kind: 'levenshtein', max: 2 }];

export function addressLinkageSpec(options: AddressLinkageOptions): LinkageSpec {
  const comparisons: ComparisonSpec[] = [
    nameComparison(F.given, F.family),
    nameComparison(F.family, F.given),
    textComparison(F.streetNumber, [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }]),
    textComparison(F.address1, STREET_LINE),
    textComparison(F.address2, STREET_LINE),
    textComparison(F.city, STREET_LINE),
    textComparison(F.postcode, CODE),
    textComparison(F.state, [{ kind: 'exact' }]),
    {
      name: 'dob',
      field: F.dob,
      role: 'identity',
      // Dates are YYYY-MM-DD: one or two typed digits, or day and month swapped.
      levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }, { kind: 'dateDayMonthSwap' }, { kind: 'levenshtein', max: 2 }],
    },
    textComparison(F.nationalId, CODE),
    organizationComparison(ORGANIZATION),
  ];
  const blocking: BlockingRule[] = [
    { name: 'national id', fields: [F.nationalId] },
    { name: 'name', fields: [F.given, F.family] },
    { name: 'dob', fields: [F.dob] },
    { name: 'surname+postcode', fields: [F.family, F.postcode] },
    { name: 'given+postcode', fields: [F.given, F.postcode] },
    { name: 'street', fields: [F.streetNumber, F.address1] },
    { name: 'surname+city', fields: [F.family, F.city] },
    ...organizationBlocking(ORGANIZATION, { postcode: F.postcode, city: F.city, address1: F.address1 }),
  ];

  const mapped = options.mappedFields;
  const available = (field: number): boolean => mapped === undefined || SOURCE_FIELDS[ADDRESS_FIELDS[field]!].some((f) => mapped.has(f));
  return {
    fields: ADDRESS_FIELDS,
    mode: options.mode,
    blocking: blocking.filter((r) => (r.usesFields ?? r.fields ?? []).every(available)),
    comparisons: comparisons.filter((c) => available(c.field)),
    training: { seed: options.seed },
    clustering: { matchProbability: options.matchProbability },
  };
}
