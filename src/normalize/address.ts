/**
 * Address parts → comparison keys (pure). Stored values keep their spelling; these keys only feed
 * identity resolution. Every key is lower-case ASCII (diacritics folded, Han as pinyin), null when
 * nothing is left.
 *
 * - street lines: punctuation becomes a space, whitespace collapses, and the common street-type
 *   words are written one way ("Wallaby Place" and "wallaby pl." → "wallaby pl"), so the string
 *   comparisons measure typos, not abbreviation styles.
 * - street number, postcode, national id: letters and digits only ("SW1A 1AA" → "sw1a1aa",
 *   "123-45-6789" → "123456789"); a number range keeps its hyphen ("12-14").
 */
import { foldForMatch } from './fold.js';

/**
 * Street-type and unit words with their usual abbreviation (Australia Post / USPS / Royal Mail
 * styles agree on these). Both spellings map to the abbreviation.
 */
const STREET_TYPES: Readonly<Record<string, string>> = {
  street: 'st', road: 'rd', avenue: 'ave', av: 'ave', drive: 'dr', place: 'pl', court: 'ct', crescent: 'cres', cresent: 'cres',
  circuit: 'cct', parade: 'pde', terrace: 'tce', highway: 'hwy', lane: 'ln', boulevard: 'blvd', close: 'cl', square: 'sq',
  grove: 'gr', esplanade: 'esp', circle: 'cir', mount: 'mt', north: 'n', south: 's', east: 'e', west: 'w',
  apartment: 'apt', unit: 'u', flat: 'flat', level: 'lvl', village: 'vlge', retirement: 'retrmnt',
};

const PUNCTUATION = /[^\p{L}\p{N}\s]+/gu;

function fold(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const t = value.trim();
  if (t === '') return '';
  // Punctuation separates words here ("12/3", "St.Kilda"); foldForMatch would glue them.
  return foldForMatch(t.replace(PUNCTUATION, ' '));
}

/** The words of a street line, lower-case ASCII, street types abbreviated. */
export function addressWords(line: string | null | undefined): string[] {
  const folded = fold(line);
  if (folded === '') return [];
  return folded.split(' ').map((w) => STREET_TYPES[w] ?? w);
}

/** One street line as a comparison key: "12 Wallaby Place" → "12 wallaby pl". */
export function addressLineKey(line: string | null | undefined): string | null {
  const words = addressWords(line);
  return words.length === 0 ? null : words.join(' ');
}

/**
 * The distinct words of all street lines, sorted: lines split differently ("Flat 3, Rose Court" /
 * "Rose Court", "Flat 3") or in another order still share their tokens.
 */
export function addressTokens(...lines: readonly (string | null | undefined)[]): string[] {
  return [...new Set(lines.flatMap((l) => addressWords(l)))].sort();
}

/** Letters and digits only, lower-case: postcodes, national ids. */
export function compactKey(value: string | null | undefined): string | null {
  const folded = fold(value).replace(/ /g, '');
  return folded === '' ? null : folded;
}

/** House number: letters and digits, a range keeps one hyphen ("12 - 14" → "12-14", "7A" → "7a"). */
export function streetNumberKey(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const parts = value.split(/\s*[-–]\s*/).map((p) => compactKey(p)).filter((p): p is string => p !== null);
  return parts.length === 0 ? null : parts.join('-');
}

/** State, province or region: folded words ("New South Wales" → "new south wales", "NSW" → "nsw"). */
export function regionKey(value: string | null | undefined): string | null {
  const folded = fold(value);
  return folded === '' ? null : folded;
}
