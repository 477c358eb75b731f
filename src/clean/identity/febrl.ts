/**
 * FEBRL benchmark harness (shared by bench/identity-febrl.ts and the FEBRL test): loading the
 * CSVs and the linkage spec. Unsupervised: the truth (rec-N-…) is only used for scoring.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComparisonSpec, LinkMode, LinkRecord, LinkageSpec, LevelSpec } from './types.js';

export const FEBRL_FIELDS = [
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'soc_sec_id',
] as const;

const F = Object.fromEntries(FEBRL_FIELDS.map((f, i) => [f, i])) as Record<(typeof FEBRL_FIELDS)[number], number>;

export interface FebrlData {
  readonly records: LinkRecord[];
  /** True person of each record: the N of rec-N-org / rec-N-dup-k. */
  readonly truth: string[];
}

/** Read FEBRL CSV files (one source per file) into records; values trimmed, '' → null. */
export function loadFebrl(dir: string, files: readonly string[]): FebrlData {
  const records: LinkRecord[] = [];
  const truth: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(dir, file), 'utf8').split(/\r?\n/);
    const header = lines[0]!.split(',').map((h) => h.trim());
    const cols = FEBRL_FIELDS.map((f) => header.indexOf(f));
    for (let l = 1; l < lines.length; l++) {
      const line = lines[l]!;
      if (line.trim() === '') continue;
      const cells = line.split(',').map((c) => c.trim());
      const recId = cells[0]!;
      const values = cols.map((c) => {
        const v = cells[c] ?? '';
        return v === '' ? null : v;
      });
      records.push({ idx: records.length, source: file, sourceId: recId, values });
      truth.push(recId.split('-')[1]!);
    }
  }
  return { records, truth };
}

const name = (field: number, other: number): ComparisonSpec => ({
  name: FEBRL_FIELDS[field]!,
  field,
  usesFields: [other],
  termFrequency: true,
  levels: [
    { kind: 'exact' },
    { kind: 'jaroWinkler', min: 0.92 },
    { kind: 'jaroWinkler', min: 0.8 },
    {
      kind: 'custom',
      label: 'swapped with other name',
      test: (a, b) => a.values[field] === b.values[other] || a.values[other] === b.values[field],
    },
  ],
});

const text = (field: number, levels: LevelSpec[] = [
  { kind: 'exact' },
  { kind: 'jaroWinkler', min: 0.9 },
  { kind: 'jaroWinkler', min: 0.75 },
]): ComparisonSpec => ({ name: FEBRL_FIELDS[field]!, field, levels });

export function febrlSpec(mode: LinkMode): LinkageSpec {
  return {
    fields: FEBRL_FIELDS,
    mode,
    blocking: [
      { name: 'soc_sec_id', fields: [F.soc_sec_id] },
      { name: 'given_name+surname', fields: [F.given_name, F.surname] },
      { name: 'date_of_birth', fields: [F.date_of_birth] },
      { name: 'surname+postcode', fields: [F.surname, F.postcode] },
      { name: 'given_name+postcode', fields: [F.given_name, F.postcode] },
      { name: 'street_number+address_1', fields: [F.street_number, F.address_1] },
      { name: 'surname+suburb', fields: [F.surname, F.suburb] },
    ],
    comparisons: [
      name(F.given_name, F.surname),
      name(F.surname, F.given_name),
      text(F.street_number, [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }]),
      text(F.address_1),
      text(F.address_2),
      text(F.suburb),
      text(F.postcode, [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }, { kind: 'levenshtein', max: 2 }]),
      text(F.state, [{ kind: 'exact' }]),
      text(F.date_of_birth, [
        { kind: 'exact' },
        { kind: 'levenshtein', max: 1 },
        { kind: 'dateDayMonthSwap' },
        { kind: 'levenshtein', max: 2 },
      ]),
      text(F.soc_sec_id, [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }, { kind: 'levenshtein', max: 2 }]),
    ],
    clustering: { matchProbability: 0.5 },
  };
}
