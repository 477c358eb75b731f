/**
 * Phonetic keys for names: NYSIIS (Taft 1970), in the untruncated form used by
 * the widely used `jellyfish` library, so its published examples double as our
 * tests (Knight -> NAGT, Schmidt -> SNAD, Catherine -> CATARAN). One deliberate
 * difference: W after a vowel becomes "A" (see the rule below).
 *
 * Why NYSIIS rather than Soundex: it keeps vowel positions (as "A"), so it
 * separates more names, and its H rule folds the pinyin retroflexes onto their
 * flat counterparts — zhang/zang -> ZANG, shi/si -> S, chen/cen -> CAN — which
 * is exactly the spelling variation seen in romanised Chinese names. Its known
 * weakness for pinyin: one-syllable names that differ only in the vowel share a
 * key (li/lu/liu/lei -> L), so use it for blocking and scoring, never alone as
 * proof of identity.
 */
import { foldForMatch } from './fold.js';

const VOWELS = 'AEIOU';

function isVowel(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && VOWELS.includes(ch);
}

/**
 * NYSIIS key of one word: upper-case letters only (digits, spaces and
 * punctuation are ignored; accents and Chinese characters are folded to ASCII
 * first). Empty when the word has no letters.
 */
export function nysiis(word: string): string {
  let s = foldForMatch(word).replace(NON_LETTERS, '').toUpperCase();
  if (s === '') return '';

  // Step 1: prefixes.
  if (s.startsWith('MAC')) s = 'MCC' + s.slice(3);
  else if (s.startsWith('KN')) s = s.slice(1);
  else if (s.startsWith('K')) s = 'C' + s.slice(1);
  else if (s.startsWith('PH') || s.startsWith('PF')) s = 'FF' + s.slice(2);
  else if (s.startsWith('SCH')) s = 'SSS' + s.slice(3);

  // Step 2: suffixes.
  if (s.endsWith('EE') || s.endsWith('IE')) s = s.slice(0, -2) + 'Y';
  else if (END_D.test(s)) s = s.slice(0, -2) + 'D';

  // Step 3: the key starts with the first letter as written.
  let key = s[0] as string;
  let last = key;
  const n = s.length;

  // Step 4: translate the remaining letters, never repeating the previous key letter.
  for (let i = 1; i < n; i++) {
    const c = s[i] as string;
    let out: string;
    if (c === 'E' && s[i + 1] === 'V') {
      out = 'AF';
      i++;
    } else if (isVowel(c)) {
      out = 'A';
    } else if (c === 'Q') {
      out = 'G';
    } else if (c === 'Z') {
      out = 'S';
    } else if (c === 'M') {
      out = 'N';
    } else if (c === 'K') {
      out = s[i + 1] === 'N' ? 'N' : 'C';
    } else if (c === 'S' && s[i + 1] === 'C' && s[i + 2] === 'H') {
      out = 'SS';
      i += 2;
    } else if (c === 'P' && s[i + 1] === 'H') {
      out = 'F';
      i++;
    } else if (c === 'H' && (!isVowel(s[i - 1]) || !isVowel(s[i + 1]))) {
      // H is silent unless between vowels: it takes the sound of the letter before.
      const prev = s[i - 1] as string;
      out = isVowel(prev) ? 'A' : prev;
    } else if (c === 'W' && isVowel(s[i - 1])) {
      // The vowel before was already translated to "A", so W after a vowel is "A"
      // (jellyfish copies the untranslated vowel instead: Lewis -> LAE; here LAS -> L,
      // like Leis).
      out = 'A';
    } else {
      out = c;
    }
    const outLast = out[out.length - 1] as string;
    if (outLast !== last) {
      key += out;
      last = outLast;
    }
  }

  // Steps 5-7: trailing S, AY -> Y, trailing A.
  if (key.length > 1 && key.endsWith('S')) key = key.slice(0, -1);
  if (key.endsWith('AY')) key = key.slice(0, -2) + 'Y';
  if (key.length > 1 && key.endsWith('A')) key = key.slice(0, -1);
  return key;
}
const NON_LETTERS = /[^a-z]/g;
const END_D = /(?:DT|RT|RD|NT|ND)$/;

/**
 * Phonetic key of a name or name part: the NYSIIS key of each word, joined by
 * single spaces ("Mary Ann" -> "MARY AN", "O'Brien" -> "OBRAN"). Hyphens and
 * apostrophes join rather than split ("Jean-Luc" -> "JANLAC"), matching how
 * nameMatchKeys folds them. A Chinese run is one word (孙晓明 -> "SANXANANG"):
 * pass given and family separately, as nameMatchKeys does. Results are cached
 * because the same few thousand names make up most rows.
 */
export function soundKey(s: string): string {
  let v = cache.get(s);
  if (v === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    v = s
      .split(WORD_SPLIT)
      .map(nysiis)
      .filter((k) => k !== '')
      .join(' ');
    cache.set(s, v);
  }
  return v;
}
const WORD_SPLIT = /[\s,;/·・]+/;
const CACHE_MAX = 100_000;
const cache = new Map<string, string>();
