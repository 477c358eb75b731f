/**
 * How customer records are compared: the fields the linkage engine sees, the blocking rules that
 * pick candidate pairs (never all pairs), and the comparison levels whose m/u probabilities EM
 * estimates from the data. Contacts (e-mail, phone) are term-frequency adjusted and guarded, so a
 * household's phone or a couple's e-mail alone never merges two people whose names disagree.
 */
import type { ComparisonSpec, LinkRecord, LinkageSpec } from './identity/types.js';
import type { CustomerRecord } from './customer-record.js';

export const LINK_FIELDS = ['given', 'family', 'nameSorted', 'dob', 'email', 'phone', 'city', 'givenSound', 'familySound', 'emailLocal'] as const;
const F = Object.fromEntries(LINK_FIELDS.map((f, i) => [f, i])) as Record<(typeof LINK_FIELDS)[number], number>;

export function toLinkRecord(record: CustomerRecord, idx: number): LinkRecord {
  const emailKey = record.emailKey;
  const at = emailKey === null ? -1 : emailKey.indexOf('@');
  return {
    idx,
    source: record.source,
    sourceId: record.sourceId,
    values: [
      record.givenKey,
      record.familyKey,
      record.sortedNameKey,
      record.birthDate,
      emailKey,
      record.phone,
      record.cityKey,
      record.givenSound,
      record.familySound,
      at > 0 ? emailKey!.slice(0, at) : null,
    ],
  };
}

const nameLevels = (field: number, other: number): ComparisonSpec['levels'] => [
  { kind: 'exact' },
  { kind: 'jaroWinkler', min: 0.92 },
  { kind: 'jaroWinkler', min: 0.8 },
  // Given and family name written the other way round in one system.
  { kind: 'custom', label: 'swapped', test: (a, b) => a.values[field] === b.values[other] || a.values[other] === b.values[field] },
];

export interface LinkageOptions {
  readonly matchProbability: number;
  readonly seed: number;
}

export function customerLinkageSpec(options: LinkageOptions): LinkageSpec {
  return {
    fields: LINK_FIELDS,
    // One person may be registered twice in one system: link across sources and dedupe within.
    mode: 'link_and_dedupe',
    blocking: [
      { name: 'email', fields: [F.email] },
      { name: 'phone', fields: [F.phone] },
      { name: 'name+dob', fields: [F.nameSorted, F.dob] },
      { name: 'emailLocal', fields: [F.emailLocal] },
      { name: 'sounds+city', fields: [F.givenSound, F.familySound, F.city] },
    ],
    comparisons: [
      { name: 'given', field: F.given, usesFields: [F.family], role: 'identity', termFrequency: true, levels: nameLevels(F.given, F.family) },
      { name: 'family', field: F.family, usesFields: [F.given], role: 'identity', termFrequency: true, levels: nameLevels(F.family, F.given) },
      {
        name: 'dob',
        field: F.dob,
        role: 'identity',
        levels: [{ kind: 'exact' }, { kind: 'dateDayMonthSwap' }, { kind: 'dateOneComponent' }, { kind: 'dateWithinYears', years: 1 }],
      },
      {
        name: 'email',
        field: F.email,
        usesFields: [F.emailLocal],
        role: 'contact',
        termFrequency: true,
        levels: [
          { kind: 'exact' },
          { kind: 'custom', label: 'same local part', test: (a, b) => a.values[F.emailLocal] === b.values[F.emailLocal] },
          { kind: 'levenshtein', max: 1 },
          { kind: 'levenshtein', max: 2 },
        ],
      },
      { name: 'phone', field: F.phone, role: 'contact', termFrequency: true, levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }] },
      { name: 'city', field: F.city, levels: [{ kind: 'exact' }] },
    ],
    training: { seed: options.seed },
    clustering: { matchProbability: options.matchProbability },
  };
}
