/**
 * Small controlled vocabularies (gender, yes/no) and number parsing.
 *
 * parseGender distinguishes three outcomes, because the clean stage records
 * them differently: a value, a missing value (empty or an explicit "unknown"
 * marker: `value: null`, no issue) and a value outside the vocabulary
 * (`value: null` with an issue code). parseBoolean and parseNumber return the
 * plain value or null: they run on every order line, and callers test for the
 * empty string themselves before calling.
 */

export type Gender = 'male' | 'female';

export interface VocabResult<T, I extends string> {
  value: T | null;
  issue?: I;
}

/**
 * Lookup keys are trimmed and lower-cased. Case folding is done once per value
 * with a fast path for values already in the table as written (most silos
 * write one spelling).
 */
function key(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Values meaning "not known": missing, not an error. */
const UNKNOWN_MARKERS: ReadonlySet<string> = new Set([
  '', 'u', 'unknown', 'unk', 'n/a', 'na', 'none', 'null', '-', '--', '?', 'not specified', 'prefer not to say',
  '未知', '保密', '不详', '无',
]);

const GENDER: ReadonlyMap<string, Gender> = new Map<string, Gender>([
  ['m', 'male'], ['male', 'male'], ['man', 'male'], ['men', 'male'], ['mr', 'male'], ['boy', 'male'], ['h', 'male'],
  ['男', 'male'], ['男性', 'male'], ['先生', 'male'],
  ['f', 'female'], ['female', 'female'], ['woman', 'female'], ['women', 'female'], ['w', 'female'],
  ['mrs', 'female'], ['ms', 'female'], ['miss', 'female'], ['girl', 'female'],
  ['女', 'female'], ['女性', 'female'], ['女士', 'female'], ['小姐', 'female'],
]);

export interface GenderVocab {
  male: readonly string[];
  female: readonly string[];
}

const customGender = new WeakMap<GenderVocab, ReadonlyMap<string, Gender>>();

function genderTable(vocab: GenderVocab | undefined): ReadonlyMap<string, Gender> {
  if (vocab === undefined) return GENDER;
  let t = customGender.get(vocab);
  if (t === undefined) {
    const m = new Map<string, Gender>();
    for (const v of vocab.male) m.set(key(v), 'male');
    for (const v of vocab.female) m.set(key(v), 'female');
    t = m;
    customGender.set(vocab, t);
  }
  return t;
}

/**
 * M/F/male/Female/男/女 (case-insensitive) -> 'male' | 'female'. Empty and
 * "unknown" markers -> null without an issue; anything else (including
 * non-binary values such as "X" or "diverse", which this two-value field
 * cannot hold) -> null with issue 'invalid_gender'. A custom vocabulary
 * replaces the default (e.g. ISO 5218 codes: {male: ['1'], female: ['2']}).
 * Note "h" (French homme) is male, "w" (German weiblich) is female.
 */
export function parseGender(raw: string | null | undefined, vocab?: GenderVocab): VocabResult<Gender, 'invalid_gender'> {
  if (raw == null) return NULL_RESULT;
  const table = genderTable(vocab);
  const direct = table.get(raw);
  if (direct !== undefined) return direct === 'male' ? MALE : FEMALE;
  const k = key(raw);
  const v = table.get(k);
  if (v !== undefined) return v === 'male' ? MALE : FEMALE;
  if (UNKNOWN_MARKERS.has(k)) return NULL_RESULT;
  return INVALID_GENDER;
}
const MALE = Object.freeze({ value: 'male' as const });
const FEMALE = Object.freeze({ value: 'female' as const });
const NULL_RESULT = Object.freeze({ value: null });
const INVALID_GENDER = Object.freeze({ value: null, issue: 'invalid_gender' as const });

export interface BooleanVocab {
  true: readonly string[];
  false: readonly string[];
}

/** Y/N, yes/no, true/false, t/f, 1/0, on/off, 是/否 (and 对/错, 同意/不同意). */
export const DEFAULT_BOOLEAN_VOCAB: BooleanVocab = Object.freeze({
  true: Object.freeze(['y', 'yes', 'true', 't', '1', 'on', '是', '对', '同意']),
  false: Object.freeze(['n', 'no', 'false', 'f', '0', 'off', '否', '错', '不同意']),
});

const booleanTables = new WeakMap<BooleanVocab, ReadonlyMap<string, boolean>>();

function booleanTable(vocab: BooleanVocab): ReadonlyMap<string, boolean> {
  let t = booleanTables.get(vocab);
  if (t === undefined) {
    const m = new Map<string, boolean>();
    for (const v of vocab.true) m.set(key(v), true);
    for (const v of vocab.false) {
      const k = key(v);
      if (m.get(k) === true) throw new Error(`boolean vocabulary: "${v}" is listed as both true and false`);
      m.set(k, false);
    }
    t = m;
    booleanTables.set(vocab, t);
  }
  return t;
}

/**
 * Yes/no fields (consents, opt-ins): true, false, or null when empty or not
 * in the vocabulary. Case-insensitive and trimmed. A custom vocabulary
 * replaces the default. Throws at first use if a custom vocabulary lists one
 * word as both true and false (a configuration error).
 */
export function parseBoolean(raw: string | null | undefined, vocab: BooleanVocab = DEFAULT_BOOLEAN_VOCAB): boolean | null {
  if (raw == null) return null;
  const table = booleanTable(vocab);
  const v = table.get(raw);
  if (v !== undefined) return v;
  return table.get(key(raw)) ?? null;
}

// ---------------------------------------------------------------------------
// Numbers

export interface NumberOptions {
  /**
   * Decimal comma (continental Europe: "1.234,56"). Then "," is the decimal
   * mark and "." a thousands separator. Default false: "." decimal, ","
   * thousands ("1,234.56").
   */
  decimalComma?: boolean;
}

/** Plain numbers need no work beyond Number(): the overwhelmingly common case in order lines. */
const SIMPLE_NUMBER = /^-?\d+(?:\.\d+)?$/;
const SIMPLE_DECIMAL_COMMA = /^-?\d+(?:,\d+)?$/;
/** After separators are removed: optional sign, digits with an optional fraction, optional exponent. */
const CANONICAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Spaces used as thousands separators: space, NBSP, narrow NBSP, thin space; and the Swiss apostrophe. */
const GROUP_SPACE = /[ \u00a0\u202f\u2009'’]/;
const PLAIN_ASCII = /^[\x00-\x7f]*$/;

/**
 * Checks thousands grouping of the integer part: the first group has 1-3
 * digits, every later group exactly 3 ("1,234,567" yes, "1,23" no). Returns the
 * digits without separators, or null.
 */
function ungroup(intPart: string, sep: string): string | null {
  const groups = intPart.split(sep);
  const first = groups[0] as string;
  if (first.length < 1 || first.length > 3) return null;
  for (let i = 1; i < groups.length; i++) if ((groups[i] as string).length !== 3) return null;
  return groups.join('');
}

/**
 * Parses a number written by a person or a spreadsheet. Accepts a sign,
 * parentheses for negatives ("(12.50)" accounting style), thousands separators
 * in valid 3-digit groups (",", "." in decimal-comma mode, spaces, "'"),
 * and an exponent. Rejects ambiguous or malformed input rather than guessing:
 * "1,5" without decimalComma is invalid (it is 1.5 in one convention and
 * 15 with a typo in the other), as are "1.234.5", "12abc", "Infinity".
 * Full-width digits are folded. Returns null when empty or invalid.
 */
export function parseNumber(raw: string | null | undefined, opts: NumberOptions = {}): number | null {
  if (raw == null) return null;
  const decimalComma = opts.decimalComma === true;
  if (decimalComma ? SIMPLE_DECIMAL_COMMA.test(raw) : SIMPLE_NUMBER.test(raw)) {
    return Number(decimalComma ? raw.replace(',', '.') : raw);
  }
  let s = raw.trim();
  if (s === '') return null;
  if (!PLAIN_ASCII.test(s)) s = s.normalize('NFKC').replace(/\u2212/g, '-').trim();

  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  let sign = '';
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] as string;
    s = s.slice(1).trim();
  }
  if (negative && sign !== '') return null;

  const decimalMark = decimalComma ? ',' : '.';
  const groupMark = decimalComma ? '.' : ',';
  const dec = s.indexOf(decimalMark);
  if (dec >= 0 && s.indexOf(decimalMark, dec + 1) >= 0) return null;
  let intPart = dec >= 0 ? s.slice(0, dec) : s;
  const rest = dec >= 0 ? s.slice(dec + 1) : '';
  // Without a decimal mark the exponent sits on the integer part: "1e5".
  let exp = '';
  const e = intPart.search(/[eE]/);
  if (dec < 0 && e >= 0) {
    exp = intPart.slice(e);
    intPart = intPart.slice(0, e);
  }

  if (intPart.includes(groupMark)) {
    if (GROUP_SPACE.test(intPart)) return null;
    const u = ungroup(intPart, groupMark);
    if (u === null) return null;
    intPart = u;
  } else if (GROUP_SPACE.test(intPart)) {
    const u = ungroup(intPart.replace(/[ \u00a0\u202f\u2009'’]/g, ' '), ' ');
    if (u === null) return null;
    intPart = u;
  }
  if (rest.includes(groupMark)) return null;

  const canonical = `${sign}${intPart}${dec >= 0 ? '.' + rest : ''}${exp}`;
  if (!CANONICAL.test(canonical)) return null;
  const v = Number(canonical);
  if (!Number.isFinite(v)) return null;
  return negative ? -v : v;
}
