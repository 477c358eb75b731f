/**
 * Comparison levels. Each comparison maps a record pair to a level:
 * 0 = null (a value missing: no evidence), 1..L = the spec's levels in order, L+1 = else.
 */
import { jaro, jaroWinkler } from './jaro-winkler.js';
import { boundedLevenshtein } from './levenshtein.js';
import type { CandidatePairs, ComparisonSpec, LevelSpec, LinkRecord, LinkageSpec } from './types.js';

export { jaro, jaroWinkler } from './jaro-winkler.js';

export interface CompiledComparison {
  readonly name: string;
  readonly field: number;
  /** `field` plus `usesFields`. */
  readonly fields: readonly number[];
  /** Null level + spec levels + else level. */
  readonly nLevels: number;
  readonly labels: readonly string[];
  /** Level index of the exact level when it is the first spec level, else -1. */
  readonly exactLevel: number;
  readonly termFrequency: boolean;
  readonly tfMinU: number;
  readonly role: 'contact' | 'identity' | undefined;
  compare(a: LinkRecord, b: LinkRecord): number;
}

/** `YYYY-MM-DD` or `YYYYMMDD` → yyyymmdd as a number, or -1. */
export function parseDateKey(s: string): number {
  let y: number;
  let m: number;
  let d: number;
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    y = digits(s, 0, 4);
    m = digits(s, 5, 2);
    d = digits(s, 8, 2);
  } else if (s.length === 8) {
    y = digits(s, 0, 4);
    m = digits(s, 4, 2);
    d = digits(s, 6, 2);
  } else {
    return -1;
  }
  if (y < 0 || m < 0 || d < 0) return -1;
  return y * 10000 + m * 100 + d;
}

function digits(s: string, start: number, len: number): number {
  let v = 0;
  for (let i = start; i < start + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days since 1970-01-01 of a yyyymmdd key (proleptic Gregorian; Howard Hinnant's days_from_civil). */
export function dayNumber(key: number): number {
  let y = Math.floor(key / 10000);
  const m = Math.max(1, Math.min(12, Math.floor(key / 100) % 100));
  const d = Math.max(1, key % 100);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function levelLabel(level: LevelSpec): string {
  if (level.label !== undefined) return level.label;
  switch (level.kind) {
    case 'exact':
      return 'exact';
    case 'jaroWinkler':
      return `jw>=${level.min}`;
    case 'jaro':
      return `jaro>=${level.min}`;
    case 'levenshtein':
      return `lev<=${level.max}`;
    case 'dateDayMonthSwap':
      return 'day/month swapped';
    case 'dateOneComponent':
      return 'one date part differs';
    case 'dateWithinYears':
      return `within ${level.years}y`;
    case 'numericAbs':
      return `|d|<=${level.max}`;
    case 'numericRel':
      return `|d|<=${level.max * 100}%`;
    case 'custom':
      return level.label;
  }
}

export function compileComparison(spec: ComparisonSpec): CompiledComparison {
  const levels = spec.levels;
  const n = levels.length;
  const field = spec.field;
  const labels = ['null', ...levels.map(levelLabel), 'else'];
  const first = levels[0];
  const exactLevel = first !== undefined && first.kind === 'exact' ? 1 : -1;
  if (spec.termFrequency === true && exactLevel !== 1) {
    throw new Error(`comparison ${spec.name}: termFrequency needs 'exact' as the first level`);
  }
  let maxLev = 0;
  for (const level of levels) if (level.kind === 'levenshtein') maxLev = Math.max(maxLev, level.max);
  const compare = (a: LinkRecord, b: LinkRecord): number => {
    const va = a.values[field];
    const vb = b.values[field];
    if (va === null || va === undefined || vb === null || vb === undefined || va === '' || vb === '') return 0;
    let jw = -1;
    let ja = -1;
    let lev = -1;
    let da = -2;
    let db = -2;
    let na = Number.NaN;
    let nb = Number.NaN;
    for (let l = 0; l < n; l++) {
      const level = levels[l]!;
      switch (level.kind) {
        case 'exact':
          if (va === vb) return l + 1;
          break;
        case 'jaroWinkler':
          if (jw < 0) jw = jaroWinkler(va, vb);
          if (jw >= level.min) return l + 1;
          break;
        case 'jaro':
          if (ja < 0) ja = jaro(va, vb);
          if (ja >= level.min) return l + 1;
          break;
        case 'levenshtein':
          if (lev < 0) lev = boundedLevenshtein(va, vb, maxLev);
          if (lev <= level.max) return l + 1;
          break;
        case 'dateDayMonthSwap':
        case 'dateOneComponent':
        case 'dateWithinYears': {
          if (da === -2) {
            da = parseDateKey(va);
            db = parseDateKey(vb);
          }
          if (da < 0 || db < 0) break;
          if (level.kind === 'dateDayMonthSwap') {
            if (
              Math.floor(da / 10000) === Math.floor(db / 10000) &&
              Math.floor(da / 100) % 100 === db % 100 &&
              da % 100 === Math.floor(db / 100) % 100
            ) {
              return l + 1;
            }
          } else if (level.kind === 'dateOneComponent') {
            const diff =
              (Math.floor(da / 10000) !== Math.floor(db / 10000) ? 1 : 0) +
              (Math.floor(da / 100) % 100 !== Math.floor(db / 100) % 100 ? 1 : 0) +
              (da % 100 !== db % 100 ? 1 : 0);
            if (diff <= 1) return l + 1;
          } else if (Math.abs(dayNumber(da) - dayNumber(db)) <= 365.25 * level.years) {
            return l + 1;
          }
          break;
        }
        case 'numericAbs':
        case 'numericRel': {
          if (Number.isNaN(na)) {
            na = Number(va);
            nb = Number(vb);
          }
          if (!Number.isFinite(na) || !Number.isFinite(nb)) break;
          const d = Math.abs(na - nb);
          if (level.kind === 'numericAbs' ? d <= level.max : d <= level.max * Math.max(Math.abs(na), Math.abs(nb))) {
            return l + 1;
          }
          break;
        }
        case 'custom':
          if (level.test(a, b)) return l + 1;
          break;
      }
    }
    return n + 1;
  };
  return {
    name: spec.name,
    field,
    fields: [field, ...(spec.usesFields ?? [])],
    nLevels: n + 2,
    labels,
    exactLevel,
    termFrequency: spec.termFrequency === true,
    tfMinU: spec.tfMinU ?? 0,
    role: spec.role,
    compare,
  };
}

export function compileComparisons(spec: LinkageSpec): CompiledComparison[] {
  const names = new Set<string>();
  return spec.comparisons.map((c) => {
    if (names.has(c.name)) throw new Error(`duplicate comparison name ${c.name}`);
    names.add(c.name);
    if (c.field < 0 || c.field >= spec.fields.length) throw new Error(`comparison ${c.name}: no field ${c.field}`);
    const compiled = compileComparison(c);
    if (compiled.nLevels > 255) throw new Error(`comparison ${c.name}: too many levels`);
    return compiled;
  });
}

/** Comparison levels of every candidate pair: `levels[p * K + k]`. */
export function comparePairs(
  records: readonly LinkRecord[],
  pairs: Pick<CandidatePairs, 'a' | 'b' | 'count'>,
  comparisons: readonly CompiledComparison[],
): Uint8Array {
  const K = comparisons.length;
  const out = new Uint8Array(pairs.count * K);
  for (let p = 0; p < pairs.count; p++) {
    const ra = records[pairs.a[p]!]!;
    const rb = records[pairs.b[p]!]!;
    const base = p * K;
    for (let k = 0; k < K; k++) out[base + k] = comparisons[k]!.compare(ra, rb);
  }
  return out;
}
