/**
 * Text folding for matching: Chinese characters to toneless pinyin, Latin
 * diacritics to plain ASCII, and script detection.
 *
 * These helpers only build *comparison* values. Stored names keep their
 * original spelling; nothing here should be written back as a display value
 * except the title-cased pinyin that name.ts uses for given/family.
 */
import { pinyin } from 'pinyin-pro';

/** One Han (Chinese) character, any CJK block. Compiled once; tested per string. */
const HAN_CHAR = /\p{Script=Han}/u;
/** One Latin letter (plain or accented). */
const LATIN_CHAR = /\p{Script=Latin}/u;
/** Combining marks left by NFD, e.g. the diaeresis of "ü" -> "u" + U+0308. */
const COMBINING_MARKS = /\p{M}+/gu;
/** Printable ASCII only: the common case, which needs no Unicode work at all. */
const PLAIN_ASCII = /^[\x00-\x7f]*$/;

/**
 * Letters that NFD does not decompose into base + mark, so they need an explicit
 * mapping to reach ASCII (ß is two letters in German spelling, ø/ł/đ are
 * separate letters, not accented ones).
 */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O',
  đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', ł: 'l', Ł: 'L', þ: 'th', Þ: 'TH', ı: 'i', ħ: 'h', Ħ: 'H',
};
const SPECIAL_LETTER_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');

export type Script = 'latin' | 'han' | 'mixed';

/**
 * 'han' when the string has Chinese characters and no Latin letters, 'mixed'
 * when it has both, otherwise 'latin' (which also covers empty strings and
 * other alphabets: the union is what the pipeline distinguishes on).
 */
export function detectScript(s: string): Script {
  if (PLAIN_ASCII.test(s) || !HAN_CHAR.test(s)) return 'latin';
  // \p{Script=Latin} includes A-Z/a-z, so one test covers "王伟 David" and "王伟 Émile".
  return LATIN_CHAR.test(s) ? 'mixed' : 'han';
}

/**
 * Removes diacritics and maps special Latin letters: "Müller" -> "Muller",
 * "Łódź" -> "Lodz", "Straße" -> "Strasse". Case is kept. ASCII input is
 * returned as is without allocating.
 *
 * German "ü" folds to "u", not "ue": the same person is far more often written
 * "Muller"/"Müller" across systems than "Mueller", and folding "ue" -> "u"
 * everywhere would merge distinct pinyin syllables (xue/xu, yue/yu). The
 * Mueller spelling is caught by soundKey (both give MALAR) and edit distance.
 */
export function foldDiacritics(s: string): string {
  if (PLAIN_ASCII.test(s)) return s;
  return s
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(SPECIAL_LETTER_RE, (c) => SPECIAL_LETTERS[c] ?? c);
}

/*
 * Pinyin is cached: names repeat heavily (a few hundred common surnames and
 * given names cover most Chinese customers) and pinyin-pro's segmentation costs
 * several microseconds per call. The cache is bounded by clearing it when full,
 * which is cheaper than LRU bookkeeping and fine for a skewed distribution.
 */
const PINYIN_CACHE_MAX = 50_000;
const surnameCache = new Map<string, string[]>();
const wordCache = new Map<string, string[]>();

function cached(cache: Map<string, string[]>, key: string, compute: () => string[]): string[] {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= PINYIN_CACHE_MAX) cache.clear();
    v = compute();
    cache.set(key, v);
  }
  return v;
}

/**
 * Toneless pinyin syllables of a Chinese string, one per character; non-Han
 * characters are dropped. `asSurname` uses surname readings for polyphonic
 * characters (单 shan not dan, 曾 zeng not ceng, 区 ou not qu, 解 xie not jie).
 * "ü" is kept (吕 -> "lü"); foldDiacritics turns it into "u" for matching.
 */
export function hanToPinyinSyllables(han: string, asSurname = false): readonly string[] {
  return cached(asSurname ? surnameCache : wordCache, han, () =>
    pinyin(han, {
      toneType: 'none',
      type: 'array',
      surname: asSurname ? 'all' : 'off',
      nonZh: 'removed',
    }).filter((p) => p.trim() !== ''),
  );
}

/**
 * Lower-case ASCII comparison form: Han -> pinyin (each Han run one token, so
 * 晓明 -> "xiaoming"), diacritics folded, and anything that is not a letter, a
 * digit or a space removed (so "O'Brien" -> "obrien", "Jean-Luc" -> "jeanluc").
 * Whitespace is collapsed to single spaces and trimmed.
 */
export function foldForMatch(s: string): string {
  let t = s;
  if (!PLAIN_ASCII.test(t)) {
    if (HAN_CHAR.test(t)) t = replaceHanRuns(t);
    t = foldDiacritics(t);
  }
  t = t.toLowerCase();
  // Fast path: already clean lower-case words.
  if (CLEAN_WORDS.test(t)) return t;
  // Non-Latin letters (Cyrillic, Greek, …) survive folding and are kept: dropping them would leave no key.
  t = PLAIN_ASCII.test(t) ? t.replace(NOT_WORD_ASCII, '') : t.replace(NOT_WORD_CHAR, '');
  return t.replace(SPACES, ' ').trim();
}
const CLEAN_WORDS = /^[a-z0-9]+(?: [a-z0-9]+)*$/;
const NOT_WORD_ASCII = /[^a-z0-9\s]/g;
const NOT_WORD_CHAR = /[^\p{L}\p{N}\s]/gu;
const SPACES = /\s+/g;
const HAN_RUN = /\p{Script=Han}+/gu;

function replaceHanRuns(s: string): string {
  return s.replace(HAN_RUN, (run) => ` ${hanToPinyinSyllables(run).join('')} `);
}
