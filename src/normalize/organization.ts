/**
 * Organisation names (companies, shops, sites) → comparison keys (pure). An organisation name is
 * never parsed as a person's name: "Smith & Sons Ltd" has no given name. What varies between
 * systems for one organisation is its legal form ("Ltd", "Limited", "GmbH", "有限公司"), noise
 * words ("the", "and", "&"), punctuation, case and word order ("Bakery Rossi" / "Rossi Bakery"):
 * all folded away, so the comparison measures the words that name it.
 */
import { foldForMatch } from './fold.js';

/** Legal forms, folded (lower-case ASCII, no dots): dropped wherever they stand. */
const LEGAL_FORMS = new Set([
  'ltd', 'limited', 'inc', 'incorporated', 'llc', 'llp', 'lp', 'plc', 'corp', 'corporation', 'co', 'company', 'cie',
  'gmbh', 'mbh', 'ag', 'kg', 'ug', 'ohg', 'ev', 'sa', 'sas', 'sarl', 'sprl', 'srl', 'spa', 'bv', 'nv', 'oy', 'ab', 'as',
  'aps', 'pty', 'pte', 'kk', 'bhd', 'sdn', 'pvt', 'lda', 'sl', 'slu', 'kft', 'zrt', 'sro', 'spzoo', 'doo',
]);
/** Words that say nothing about which organisation it is. */
const NOISE_WORDS = new Set(['the', 'and', 'of', 'und', 'et', 'der', 'die', 'das', 'le', 'la', 'les', 'de', 'du', 'des', 'y']);
/** Chinese legal forms at the end of a name (longest first): 有限公司 "limited company", 集团 "group". */
const HAN_LEGAL_SUFFIX = /(股份有限公司|有限责任公司|有限公司|集团公司|公司|集团)$/u;
/** Dotted abbreviations ("S.A.", "Co.") become one word before punctuation splits words. */
const DOTTED = /\b(\p{L})\.(?=\p{L}\.)/gu;
const PUNCTUATION = /[^\p{L}\p{N}\s]+/gu;

export interface OrganizationKeys {
  /** The name's words in order, legal forms and noise words dropped: "rossi bakery". */
  readonly key: string;
  /** The same words, distinct and sorted: word order does not matter. */
  readonly words: readonly string[];
}

export function organizationKeys(value: string | null | undefined): OrganizationKeys | null {
  if (value === null || value === undefined) return null;
  let t = value.trim();
  if (t === '') return null;
  t = t.replace(HAN_LEGAL_SUFFIX, '').replace(/&/g, ' and ').replace(DOTTED, '$1').replace(/\./g, '').replace(PUNCTUATION, ' ');
  const folded = foldForMatch(t);
  const all = folded.split(' ').filter((w) => w !== '');
  const kept = all.filter((w) => !LEGAL_FORMS.has(w) && !NOISE_WORDS.has(w));
  // A name that is nothing but a legal form or noise ("The Company") keeps its words.
  const words = kept.length > 0 ? kept : all;
  if (words.length === 0) return null;
  return { key: words.join(' '), words: [...new Set(words)].sort() };
}
