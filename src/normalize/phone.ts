/**
 * Phone numbers to E.164 ("+8613812345678").
 *
 * Policy: a number is accepted when it is *possible* (its length fits the
 * country's numbering plan), not only when it is *valid* (its prefix is an
 * assigned range in libphonenumber's metadata). Real-world reasons: new mobile
 * ranges appear before metadata updates, and a number we cannot dial can still
 * tie two records together. Data reason: the retail sets are synthetic, and
 * most of their UK/US/DE numbers are possible but not valid (e.g. +44 4641105585).
 *
 * One further, explicitly flagged (`lenient: true`) step: when the input carries
 * an explicit country code ("+33 9206035392", "0033 …") but the national part
 * does not fit that country's plan, the digits are still kept as E.164 if the
 * national part has 6 to 15 − len(cc) digits. The writer told us the country;
 * the digits are the best identity key we have. Numbers in national format
 * (no country code) are never accepted leniently: the country is a guess there.
 */
import { createRequire } from 'node:module';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';

/** Results may be shared (memoised) objects: treat them as read-only. */
export interface PhoneResult {
  /** E.164, e.g. "+8613812345678"; null when empty or not a phone number. */
  readonly e164: string | null;
  /** ISO 3166-1 alpha-2 region of the number when libphonenumber can tell (not for every +1 number). */
  readonly country?: string;
  /** invalid_phone: not a number; ambiguous_phone: no region to read it in, and two readings are plausible. */
  readonly issue?: 'invalid_phone' | 'ambiguous_phone';
  /** Accepted on length alone after an explicit country code (see the module comment). */
  readonly lenient?: true;
}

const EMPTY: PhoneResult = Object.freeze({ e164: null });
const INVALID: PhoneResult = Object.freeze({ e164: null, issue: 'invalid_phone' as const });
const AMBIGUOUS: PhoneResult = Object.freeze({ e164: null, issue: 'ambiguous_phone' as const });

const PLAIN_ASCII = /^[\x00-\x7f]*$/;
/** Extension suffixes: "x123", "ext. 123", "#123", "转123" (Chinese "transfer to"). */
const EXTENSION = /\s*(?:ext\.?|extension|x|#|转|分机)\s*\d{1,6}$/i;
/** "+44 (0) 20 …": the bracketed trunk zero must go, or it would become part of the number. */
const TRUNK_IN_PARENS = /\(\s*0\s*\)/;
/** Formatting characters people put between digits. */
const SEPARATORS = /[\s\-‐‑‒–—−().\/\\]/g;
/** What is left must be digits with at most one leading "+". */
const COMPACT = /^\+?\d+$/;
/** Chinese mobile: 1[3-9] and nine more digits. The bulk of the data; skips libphonenumber. */
const CN_MOBILE = /^1[3-9]\d{9}$/;

/** E.164 allows 15 digits including the country calling code. */
const E164_MAX_DIGITS = 15;
const LENIENT_MIN_NATIONAL = 6;

/**
 * Strips formatting and turns a "00" international prefix into "+", so that
 * "0086 138-1234-5678", "(+86) 138 1234 5678" and "+86 13812345678" all reach
 * libphonenumber as "+8613812345678". Returns null when anything but digits,
 * separators, one leading "+" and an extension is present (letters, "*").
 * Exported for tests and for callers that want a cheap blocking key.
 */
export function preCleanPhone(raw: string): string | null {
  let s = raw.trim();
  if (s === '') return '';
  // NFKC turns full-width "＋８６" (Chinese input methods) into ASCII.
  if (!PLAIN_ASCII.test(s)) s = s.normalize('NFKC');
  if (s.length > 4) s = s.replace(EXTENSION, '');
  if (s.includes('(') && TRUNK_IN_PARENS.test(s) && (s.startsWith('+') || s.startsWith('00') || s.startsWith('(+'))) {
    s = s.replace(TRUNK_IN_PARENS, '');
  }
  s = s.replace(SEPARATORS, '');
  if (!COMPACT.test(s)) return null;
  // "00" is the international prefix in China and Europe; a national number never starts with it.
  if (s.startsWith('00')) s = '+' + s.slice(2);
  else if (s.startsWith('+00')) s = '+' + s.slice(3);
  return s;
}

/**
 * The regions of each calling code, the main one first ("1" → US, AG, AI, …; "44" → GB, GG, IM,
 * JE): libphonenumber's own metadata, the same metadata the parsing uses.
 */
const REGIONS_OF_CODE: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries((createRequire(import.meta.url)('libphonenumber-js/metadata.max.json') as { country_calling_codes: Record<string, string[]> }).country_calling_codes),
);

/**
 * The region of a number is libphonenumber's when the number is valid there. A number that is
 * only possible (a new range, or most synthetic numbers) tells only its calling code, and for
 * shared codes the region libphonenumber guesses from its leading digits is noise ("+1 268 …" in
 * Antigua, "+44 1481 …" in Guernsey): the code's main region is the better guess.
 */
function fromParsed(p: PhoneNumber): PhoneResult {
  const regions = REGIONS_OF_CODE.get(p.countryCallingCode);
  if (regions === undefined) return p.country === undefined ? { e164: p.number } : { e164: p.number, country: p.country };
  // A code of one region (+86, +49) says it all, and so does the main region's own guess; only
  // another region of a shared code needs the (costly) validity check.
  const main = regions[0]!;
  const country = regions.length === 1 || p.country === undefined || p.country === main || !p.isValid() ? main : p.country;
  return { e164: p.number, country };
}

function asRegion(code: string | undefined): CountryCode | undefined {
  if (code === undefined || code.length !== 2) return undefined;
  const upper = code.toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}

/*
 * libphonenumber is slow for calling codes shared by several regions (+1 has
 * 25, +44 four): it finds the region by compiling and testing each region's
 * patterns on every call (about 20-30 µs, against 4 µs for +49). Results are
 * therefore memoised by input: one person's number recurs across sources and
 * households. Bounded by clearing when full.
 */
const MEMO_MAX = 200_000;
const memo = new Map<string, PhoneResult>();

function memoised(key: string, compute: () => PhoneResult): PhoneResult {
  let r = memo.get(key);
  if (r === undefined) {
    if (memo.size >= MEMO_MAX) memo.clear();
    r = Object.freeze(compute());
    memo.set(key, r);
  }
  return r;
}

function parseInternational(digits: string): PhoneResult {
  // Fast path for +86 mobiles; libphonenumber gives the same answer, slower.
  if (digits.length === 13 && digits.startsWith('86') && CN_MOBILE.test(digits.slice(2))) {
    return { e164: '+' + digits, country: 'CN' };
  }
  return memoised('+' + digits, () => parseInternationalSlow(digits));
}

function parseInternationalSlow(digits: string): PhoneResult {
  const p = parsePhoneNumberFromString('+' + digits);
  if (p === undefined) return INVALID;
  if (p.isPossible()) return fromParsed(p);
  const national = p.nationalNumber.length;
  if (national >= LENIENT_MIN_NATIONAL && national + p.countryCallingCode.length <= E164_MAX_DIGITS) {
    return { ...fromParsed(p), lenient: true };
  }
  return INVALID;
}

function parseNational(digits: string, regions: readonly CountryCode[]): PhoneResult {
  let firstPossible: PhoneNumber | undefined;
  for (const region of regions) {
    if (region === 'CN' && CN_MOBILE.test(digits)) return { e164: '+86' + digits, country: 'CN' };
    const p = parsePhoneNumberFromString(digits, region);
    if (p === undefined || !p.isPossible()) continue;
    // With one candidate region, possible is enough; with two, prefer the one it is valid in.
    if (regions.length === 1 || p.isValid()) return fromParsed(p);
    firstPossible ??= p;
  }
  if (firstPossible !== undefined) return fromParsed(firstPossible);
  // Last resort: a long number may carry its country code without "+" ("4915112345678").
  // Only accepted when fully valid, since nothing told us it is international.
  if (digits.length >= 11) {
    const p = parsePhoneNumberFromString('+' + digits);
    if (p !== undefined && p.isValid()) return fromParsed(p);
  }
  return INVALID;
}

/**
 * Normalises one phone number to E.164.
 *
 * @param defaultRegion ISO alpha-2 region assumed for numbers written without
 *   a country code, for the whole source (e.g. "CN" for a Chinese loyalty app).
 * @param recordCountry the record's own country, when the source has one (CRM
 *   "Country"). Tried before defaultRegion; when both are given and differ,
 *   the region where the number is valid wins, else the first where it is possible.
 *
 * Empty input gives `{e164: null}` without an issue (a missing value, not a bad one).
 */
export function normalizePhone(raw: string | null | undefined, defaultRegion?: string, recordCountry?: string): PhoneResult {
  if (raw == null) return EMPTY;
  const s = preCleanPhone(raw);
  if (s === '') return EMPTY;
  if (s === null) return INVALID;
  if (s.startsWith('+')) return parseInternational(s.slice(1));

  const rc = asRegion(recordCountry);
  const dr = asRegion(defaultRegion);
  const regions = rc !== undefined && dr !== undefined && rc !== dr ? [rc, dr] : rc !== undefined ? [rc] : dr !== undefined ? [dr] : [];
  if (regions.length === 0) {
    // Without a region only a number that is valid with its country code up front is safe, and
    // not even that when it is also a Chinese mobile written without +86: "18127120104" is as
    // much +86 181 2712 0104 as +1 812 712 0104, and reading it as the latter would be a guess.
    if (CN_MOBILE.test(s)) return AMBIGUOUS;
    if (s.length >= 11) {
      const p = parsePhoneNumberFromString('+' + s);
      if (p !== undefined && p.isValid()) return fromParsed(p);
    }
    return INVALID;
  }
  const only = regions[0];
  if (regions.length === 1 && only === 'CN' && CN_MOBILE.test(s)) return { e164: '+86' + s, country: 'CN' };
  return memoised(`${regions.join(',')}|${s}`, () => parseNational(s, regions));
}
