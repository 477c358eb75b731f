/**
 * Person names: split into given and family name whatever the source layout,
 * and build the keys that the identity matcher compares.
 *
 * Layouts seen in the silos (../shared/data/retail-20k):
 * - "Wei Wang"    Western order: last word is the family name.
 * - "WANG Wei"    the all-caps word is the family name (common for Chinese names
 *                 in CRMs and passports), wherever it stands.
 * - "Wang, Wei"   comma: family name first.
 * - "王伟"        Chinese characters: family name first, one character, or two
 *                 for the compound surnames (欧阳, 司马, …).
 * - first/last in separate columns (web shop).
 *
 * Output given/family are *display* values: trimmed, whitespace collapsed,
 * all-caps or all-lower words title-cased (WANG -> Wang, mary -> Mary; mixed
 * case such as McDonald is kept), Chinese transliterated to title-cased pinyin
 * (王伟 -> family "Wang", given "Wei"; 晓明 -> "Xiaoming", one word). Matching
 * must use nameMatchKeys(), which lower-cases and folds to ASCII.
 */
import { detectScript, foldForMatch, hanToPinyinSyllables, type Script } from './fold.js';
import { soundKey } from './phonetic.js';

export { soundKey, nysiis } from './phonetic.js';

export interface NameInput {
  full?: string | null;
  first?: string | null;
  last?: string | null;
}

export interface ParsedName {
  /** Given (first) name(s) for display, e.g. "Wei", "Mary Ann", "Xiaoming". */
  given: string;
  /** Family name for display, e.g. "Wang", "de la Cruz", "Ouyang". */
  family: string;
  /** Human-readable whole name: "Wei Wang" for Latin, the characters "王伟" for Chinese. */
  display: string;
  /** The input as received (full, else "first last"), untouched. */
  original: string;
  script: Script;
}

export interface NameMatchKeys {
  /** Lower-case ASCII given name without spaces or punctuation: "xiaoming", "maryann". */
  given: string;
  /** Lower-case ASCII family name without spaces or punctuation: "wang", "obrien", "muller". */
  family: string;
  /** `${given} ${family}` using the two keys above (empty parts skipped). */
  full: string;
  /** All words of both parts, lower-case ASCII, sorted: order-swapped names meet ("wang wei"). */
  sorted: string;
  /** soundKey of given and family (NYSIIS): typo- and spelling-tolerant blocking. */
  givenSound: string;
  familySound: string;
}

/**
 * Two-character Chinese surnames (复姓). Only consulted when the name has at
 * least three characters, so a two-character given name like 东方 is not
 * mistaken for a surname on its own.
 */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯',
  '轩辕', '令狐', '端木', '独孤', '南宫', '西门', '万俟', '闻人', '呼延', '赫连', '澹台', '公冶', '宗政',
  '濮阳', '太叔', '申屠', '钟离', '百里', '东郭', '司空', '拓跋', '第五', '单于', '淳于', '公羊', '仲孙',
  '鲜于', '闾丘', '亓官', '司寇', '子车', '颛孙', '壤驷', '公良', '漆雕', '乐正', '宰父', '谷梁', '段干',
]);

/** Honorifics after a Chinese name (王先生 = Mr Wang): dropped. */
const HAN_HONORIFICS = /(?:先生|女士|小姐|太太|同学|老师)$/u;
/** Titles before a Latin name and generational suffixes after it: dropped. */
const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'madam', 'mme', 'herr', 'frau']);
const SUFFIXES: ReadonlySet<string> = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq']);
/** Lower-case particles that belong to the family name: "Ludwig van Beethoven", "Mary de la Cruz". */
const PARTICLES: ReadonlySet<string> = new Set([
  'van', 'von', 'de', 'der', 'den', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'ter', 'ten', 'bin', 'binti', 'al', 'zu',
]);

const WS = /\s+/g;
/** Anything clean() has to collapse: double spaces, tabs, NBSP, ideographic space. */
const MESSY_SPACE = /\s\s|[\t\n\r\f\v\u00a0\u2000-\u200b\u3000]/;
const PLAIN_ASCII = /^[\x00-\x7f]*$/;
/** Separator between a transliterated given and family name: 约翰·史密斯 (John Smith). */
const INTERPUNCT = /[·・•‧]/;
const INTERPUNCTS = /[·・•‧]/g;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const HAS_LOWER = /\p{Ll}/u;
const HAS_UPPER = /\p{Lu}/u;
const LETTERS = /\p{L}/gu;
const HAN_RUN_SPLIT = /(\p{Script=Han}+)/u;

function clean(s: string | null | undefined): string {
  if (s == null || s === '') return '';
  // NFC so that "Mu\u0308ller" and "Müller" compare equal in later steps (ASCII needs none).
  let t = PLAIN_ASCII.test(s) ? s : s.normalize('NFC');
  if (MESSY_SPACE.test(t)) t = t.replace(WS, ' ');
  return t.trim();
}

/** Lower-cased word without trailing dots, for title/suffix lookups ("Dr." -> "dr"). */
function bare(word: string): string {
  return word.toLowerCase().replace(TRAILING_DOT, '');
}
const TRAILING_DOT = /\.+$/;
const COMMAS = /,/g;
/** Longest entry of TITLES/SUFFIXES plus a dot: longer words skip the lookup. */
const MAX_AFFIX_LENGTH = 6;

const enum Case {
  None = 0,
  Lower = 1,
  Upper = 2,
  Mixed = 3,
}

/** Which letter cases a word contains; an ASCII loop, with a Unicode fallback. */
function caseOf(word: string): Case {
  let lower = false;
  let upper = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) lower = true;
    else if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x80) {
      lower ||= HAS_LOWER.test(word);
      upper ||= HAS_UPPER.test(word);
      break;
    }
  }
  return ((lower ? Case.Lower : 0) | (upper ? Case.Upper : 0)) as Case;
}

/** "WANG" / "O'BRIEN": at least two letters and none lower-case. Initials ("F.") do not count. */
function isAllCaps(word: string): boolean {
  if (caseOf(word) !== Case.Upper) return false;
  if (PLAIN_ASCII.test(word)) {
    let letters = 0;
    for (let i = 0; i < word.length && letters < 2; i++) {
      const c = word.charCodeAt(i);
      if (c >= 0x41 && c <= 0x5a) letters++;
    }
    return letters >= 2;
  }
  const letters = word.match(LETTERS);
  return letters !== null && letters.length >= 2;
}

/**
 * Title-cases a word that carries no case information (all-caps or
 * all-lower); mixed-case words (McDonald, DeVito) are trusted as written.
 * Each part after a hyphen or apostrophe is capitalised: O'BRIEN -> O'Brien.
 */
function titleWord(word: string): string {
  if (caseOf(word) === Case.Mixed) return word;
  return word.toLowerCase().replace(WORD_START, (c) => c.toUpperCase());
}
const WORD_START = /(^|[-'’])\p{L}/gu;

/**
 * Title-cases words; in a family name, particles stay lower-case ("van
 * Beethoven", "de la Cruz") when written lower-case or when not first.
 */
function titleWords(words: readonly string[], keepParticles: boolean): string {
  return words
    .map((w, i) =>
      keepParticles && PARTICLES.has(w.toLowerCase()) && (i > 0 || caseOf(w) === Case.Lower) ? w.toLowerCase() : titleWord(w),
    )
    .join(' ');
}

function capitalise(s: string): string {
  return s === '' ? s : (s[0] as string).toUpperCase() + s.slice(1);
}

interface Split {
  given: string;
  family: string;
}

/** 王伟 -> Wang / Wei; 欧阳娜娜 -> Ouyang / Nana; a single character is the family name. */
function splitHan(han: string): Split {
  const chars = Array.from(han);
  let famLen = 1;
  if (chars.length >= 3 && COMPOUND_SURNAMES.has((chars[0] as string) + (chars[1] as string))) famLen = 2;
  const familyHan = chars.slice(0, famLen).join('');
  const givenHan = chars.slice(famLen).join('');
  return {
    family: capitalise(hanToPinyinSyllables(familyHan, true).join('')),
    given: givenHan === '' ? '' : capitalise(hanToPinyinSyllables(givenHan).join('')),
  };
}

function isAffix(word: string, set: ReadonlySet<string>): boolean {
  return word.length <= MAX_AFFIX_LENGTH && set.has(bare(word));
}

/** Drops leading titles and trailing generational suffixes, keeping at least one word. */
function stripTitlesAndSuffixes(words: string[]): string[] {
  let a = 0;
  let b = words.length;
  while (b - a > 1 && isAffix(words[a] as string, TITLES)) a++;
  while (b - a > 1 && isAffix(words[b - 1] as string, SUFFIXES)) b--;
  return a === 0 && b === words.length ? words : words.slice(a, b);
}

/** Western order with particles: "Mary de la Cruz" -> Mary / de la Cruz. */
function splitWestern(words: readonly string[]): Split {
  if (words.length === 0) return { given: '', family: '' };
  // A single word is taken as the family name: lists of one name are usually surnames.
  if (words.length === 1) return { given: '', family: titleWord(words[0] as string) };
  let start = words.length - 1;
  while (start > 1 && PARTICLES.has((words[start - 1] as string).toLowerCase())) start--;
  return {
    given: titleWords(words.slice(0, start), false),
    family: titleWords(words.slice(start), true),
  };
}

/**
 * Splits a Latin-script full name. Rules in order: a comma means family first;
 * a contiguous run of all-caps words (not every word) is the family name;
 * otherwise Western order.
 */
function splitLatin(full: string): Split {
  const comma = full.indexOf(',');
  if (comma >= 0) {
    const before = full.slice(0, comma).trim();
    const after = full.slice(comma + 1).replace(COMMAS, ' ').replace(WS, ' ').trim();
    const afterWords = after === '' ? [] : after.split(' ');
    // "John Smith, Jr." — the comma only introduces a suffix.
    if (afterWords.length > 0 && afterWords.every((w) => isAffix(w, SUFFIXES))) return splitLatin(before);
    if (before !== '' && after !== '') {
      return {
        family: titleWords(stripTitlesAndSuffixes(before.split(' ')), true),
        given: titleWords(stripTitlesAndSuffixes(afterWords), false),
      };
    }
    return splitLatin(before || after);
  }

  const words = stripTitlesAndSuffixes(full === '' ? [] : full.split(' '));
  if (words.length >= 2) {
    let first = -1;
    let last = -1;
    let count = 0;
    for (let i = 0; i < words.length; i++) {
      if (isAllCaps(words[i] as string)) {
        if (first < 0) first = i;
        last = i;
        count++;
      }
    }
    if (first >= 0 && count < words.length && count === last - first + 1) {
      return {
        family: titleWords(words.slice(first, last + 1), true),
        given: titleWords([...words.slice(0, first), ...words.slice(last + 1)], false),
      };
    }
  }
  return splitWestern(words);
}

/** A structured part (first or last column): Han transliterated, Latin title-cased. */
function cleanPart(part: string, asSurname: boolean): string {
  if (part === '') return '';
  if (detectScript(part) === 'latin') return titleWords(part.split(' '), asSurname);
  return part
    .split(HAN_RUN_SPLIT)
    .map((seg) =>
      HAN_ONLY.test(seg) ? capitalise(hanToPinyinSyllables(seg, asSurname).join('')) : seg.trim() === '' ? '' : titleWords(seg.trim().split(' '), asSurname),
    )
    .filter((s) => s !== '')
    .join(' ');
}

function joinDisplay(given: string, family: string): string {
  return given === '' ? family : family === '' ? given : `${given} ${family}`;
}

/**
 * Parses a person's name from a full-name field or from first/last columns
 * (first/last win when either is non-empty). Never throws; an empty input gives
 * empty parts.
 */
export function parseName(input: NameInput): ParsedName {
  const first = clean(input.first);
  const last = clean(input.last);
  const full = clean(input.full);
  const original = input.full != null && input.full !== '' ? input.full : [input.first ?? '', input.last ?? ''].join(' ').trim();

  if (first !== '' || last !== '') {
    // "WANG" in the first-name column next to a properly cased last name: swapped columns.
    const swapped = isAllCaps(first) && caseOf(last) === Case.Mixed;
    const g = swapped ? last : first;
    const f = swapped ? first : last;
    const script = detectScript(`${g} ${f}`);
    const given = cleanPart(g, false);
    const family = cleanPart(f, true);
    const display = script === 'han' ? `${f}${g}` : joinDisplay(given, family);
    return { given, family, display, original, script };
  }

  const script = detectScript(full);
  if (script === 'latin') {
    const { given, family } = splitLatin(full);
    return { given, family, display: joinDisplay(given, family), original, script };
  }

  const han = full.replace(HAN_HONORIFICS, '').trim();
  if (script === 'han') {
    // 约翰·史密斯: a transliterated foreign name, given name first.
    const dot = han.search(INTERPUNCT);
    if (dot >= 0) {
      const g = han.slice(0, dot).replace(WS, '');
      const f = han.slice(dot + 1).replace(INTERPUNCTS, '').replace(WS, '');
      return { given: cleanPart(g, false), family: cleanPart(f, true), display: han, original, script };
    }
    // "王 伟": an explicit space separates family from given.
    const space = han.indexOf(' ');
    if (space >= 0) {
      const f = han.slice(0, space);
      const g = han.slice(space + 1).replace(WS, '');
      return { given: cleanPart(g, false), family: cleanPart(f, true), display: f + g, original, script };
    }
    const { given, family } = splitHan(han);
    return { given, family, display: han, original, script };
  }

  // Mixed, e.g. "王伟 David" or "David 王": the Chinese part is the person's
  // name in Chinese order; Latin words are kept as extra given names.
  const parts = han.split(HAN_RUN_SPLIT).map((s) => s.trim()).filter((s) => s !== '');
  const hanPart = parts.find((p) => HAN_ONLY.test(p));
  if (hanPart === undefined) {
    const { given, family } = splitLatin(han);
    return { given, family, display: joinDisplay(given, family), original, script };
  }
  const split = splitHan(hanPart);
  const latin = parts.filter((p) => p !== hanPart).join(' ');
  const given = [split.given, latin === '' ? '' : titleWords(latin.split(' '), false)].filter((s) => s !== '').join(' ');
  return { given, family: split.family, display: han, original, script };
}

/**
 * Keys the matcher compares. Two records' names agree when their given and
 * family keys agree, or when their sorted keys agree (order swapped: "Wang Wei"
 * typed Western-style for a Chinese name); soundKeys tolerate spelling.
 */
export function nameMatchKeys(parsed: Pick<ParsedName, 'given' | 'family'>): NameMatchKeys {
  const g = foldForMatch(parsed.given);
  const f = foldForMatch(parsed.family);
  const gMulti = g.includes(' ');
  const fMulti = f.includes(' ');
  const given = gMulti ? g.replace(SPACE_G, '') : g;
  const family = fMulti ? f.replace(SPACE_G, '') : f;
  let sorted: string;
  if (!gMulti && !fMulti) {
    // The common one-word/one-word case without array work.
    sorted = g === '' ? f : f === '' ? g : g < f ? `${g} ${f}` : `${f} ${g}`;
  } else {
    const words = `${g} ${f}`.split(' ').filter((w) => w !== '');
    words.sort();
    sorted = words.join(' ');
  }
  return {
    given,
    family,
    full: joinDisplay(given, family),
    sorted,
    givenSound: soundKey(parsed.given),
    familySound: soundKey(parsed.family),
  };
}
const SPACE_G = / /g;
