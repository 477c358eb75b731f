/**
 * Dates and timestamps, hand-parsed for speed: these run on every order line
 * and event (millions of rows), so nothing here goes through `Date` string
 * parsing or builds a RegExp per call. A format such as "YYYY年MM月DD日" is
 * compiled once into a list of steps; parsing walks the string with
 * charCodeAt and validates the calendar (2023-02-30 is rejected).
 *
 * Format tokens (case-sensitive, longest first):
 *   YYYY 4-digit year        YY 2-digit year (see yyPivot)
 *   MM   2-digit month       M  1-2 digit month
 *   DD   2-digit day         D  1-2 digit day
 *   HH   2-digit hour 0-23   H  1-2 digit hour
 *   mm   2-digit minute      ss 2-digit second
 *   SSS  fraction of a second, 1-9 digits (kept to milliseconds, then dropped on output)
 *   Z    UTC offset: "Z", "+08:00", "+0800" or "+08"
 * Anything else is a literal ("-", "/", ".", ":", "T", "年", "月", "日", …);
 * a space matches one or more whitespace characters; text in [brackets] is
 * literal ("YYYY[W]" never reads the W as a token). MM/DD are strict two-digit
 * fields: list "YYYY-M-D" as well if unpadded values occur.
 */

/** The fields a compiled format fills. Reused by the caller to avoid allocation. */
export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC when the value carried an offset, else null. */
  offsetMinutes: number | null;
}

export interface DateFormatOptions {
  /**
   * Two-digit years below the pivot are 20YY, the others 19YY. Default 69
   * (POSIX strptime: 00-68 -> 2000-2068, 69-99 -> 1969-1999). For birthdates
   * set it to the current two-digit year + 1.
   */
  yyPivot?: number;
}

/** A compiled format: call it for `YYYY-MM-DD`, or use `match` for all fields. */
export interface DateParser {
  (raw: string): string | null;
  readonly format: string;
  /** True when the format has time-of-day fields. */
  readonly hasTime: boolean;
  /** Fills `out` (all fields reset) and returns true when the whole of `s` matches and the values are a real date/time. */
  match(s: string, out: DateTimeParts): boolean;
}

const enum Field {
  Year4,
  Year2,
  Month,
  Day,
  Hour,
  Minute,
  Second,
  Fraction,
  Offset,
  Literal,
  Space,
}

interface Step {
  field: Field;
  /** Digits: minimum and maximum count. */
  min: number;
  max: number;
  /** Literal: the char code to match. */
  code: number;
}

const TOKENS: ReadonlyArray<readonly [string, Field, number, number]> = [
  ['YYYY', Field.Year4, 4, 4],
  ['SSS', Field.Fraction, 1, 9],
  ['YY', Field.Year2, 2, 2],
  ['MM', Field.Month, 2, 2],
  ['DD', Field.Day, 2, 2],
  ['HH', Field.Hour, 2, 2],
  ['mm', Field.Minute, 2, 2],
  ['ss', Field.Second, 2, 2],
  ['M', Field.Month, 1, 2],
  ['D', Field.Day, 1, 2],
  ['H', Field.Hour, 1, 2],
  ['Z', Field.Offset, 0, 0],
];

function compileSteps(fmt: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  outer: while (i < fmt.length) {
    if (fmt[i] === '[') {
      const end = fmt.indexOf(']', i + 1);
      if (end < 0) throw new Error(`date format "${fmt}": unclosed "[" at ${i}`);
      for (const ch of fmt.slice(i + 1, end)) steps.push(literalStep(ch));
      i = end + 1;
      continue;
    }
    for (const [tok, field, min, max] of TOKENS) {
      if (fmt.startsWith(tok, i)) {
        steps.push({ field, min, max, code: 0 });
        i += tok.length;
        continue outer;
      }
    }
    const ch = String.fromCodePoint(fmt.codePointAt(i) as number);
    steps.push(literalStep(ch));
    i += ch.length;
  }
  return steps;
}

function literalStep(ch: string): Step {
  if (ch === ' ') return { field: Field.Space, min: 0, max: 0, code: 0x20 };
  if (ch.length !== 1) throw new Error(`date format: literal "${ch}" outside the Basic Multilingual Plane is not supported`);
  return { field: Field.Literal, min: 0, max: 0, code: ch.charCodeAt(0) };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x3000;
}

function resetParts(out: DateTimeParts): void {
  out.year = 0;
  out.month = 1;
  out.day = 1;
  out.hour = 0;
  out.minute = 0;
  out.second = 0;
  out.millisecond = 0;
  out.offsetMinutes = null;
}

/** Trims ASCII/NBSP/ideographic whitespace from both ends without allocating when there is none. */
function trimBounds(s: string): [number, number] {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return [a, b];
}

/** Reads an offset at s[i..end): "Z", "+08:00", "+0800", "+08". Returns the new index or -1. */
function readOffset(s: string, i: number, end: number, out: DateTimeParts): number {
  const c = s.charCodeAt(i);
  if (c === 0x5a || c === 0x7a) {
    out.offsetMinutes = 0;
    return i + 1;
  }
  // "+", "-" and the Unicode minus sign.
  const sign = c === 0x2b ? 1 : c === 0x2d || c === 0x2212 ? -1 : 0;
  if (sign === 0 || i + 3 > end) return -1;
  const h = twoDigits(s, i + 1);
  if (h < 0 || h > 23) return -1;
  let j = i + 3;
  let m = 0;
  if (j < end && s.charCodeAt(j) === 0x3a) j++;
  if (j + 2 <= end) {
    const mm = twoDigits(s, j);
    if (mm >= 0) {
      if (mm > 59) return -1;
      m = mm;
      j += 2;
    } else if (j !== i + 3) return -1; // "+08:" without minutes
  } else if (j !== i + 3) return -1;
  out.offsetMinutes = sign * (h * 60 + m);
  return j;
}

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m] as number);
}

function validParts(p: DateTimeParts): boolean {
  return (
    p.year >= 1 &&
    p.year <= 9999 &&
    p.month >= 1 &&
    p.month <= 12 &&
    p.day >= 1 &&
    p.day <= daysInMonth(p.year, p.month) &&
    p.hour <= 23 &&
    p.minute <= 59 &&
    p.second <= 59
  );
}

function runSteps(steps: readonly Step[], yyPivot: number, s: string, out: DateTimeParts): boolean {
  resetParts(out);
  const [start, end] = trimBounds(s);
  let i = start;
  for (let k = 0; k < steps.length; k++) {
    const st = steps[k] as Step;
    switch (st.field) {
      case Field.Literal:
        if (i >= end || s.charCodeAt(i) !== st.code) return false;
        i++;
        break;
      case Field.Space:
        if (i >= end || !isSpace(s.charCodeAt(i))) return false;
        while (i < end && isSpace(s.charCodeAt(i))) i++;
        break;
      case Field.Offset: {
        if (i >= end) return false;
        const j = readOffset(s, i, end, out);
        if (j < 0) return false;
        i = j;
        break;
      }
      default: {
        let v = 0;
        let n = 0;
        let scale = 100; // for Fraction: first digit is hundreds of ms
        while (n < st.max && i < end) {
          const d = s.charCodeAt(i) - 48;
          if (d < 0 || d > 9) break;
          if (st.field === Field.Fraction) {
            v += d * scale;
            scale /= 10;
          } else v = v * 10 + d;
          i++;
          n++;
        }
        if (n < st.min) return false;
        switch (st.field) {
          case Field.Year4:
            out.year = v;
            break;
          case Field.Year2:
            out.year = v < yyPivot ? 2000 + v : 1900 + v;
            break;
          case Field.Month:
            out.month = v;
            break;
          case Field.Day:
            out.day = v;
            break;
          case Field.Hour:
            out.hour = v;
            break;
          case Field.Minute:
            out.minute = v;
            break;
          case Field.Second:
            out.second = v;
            break;
          case Field.Fraction:
            out.millisecond = Math.floor(v);
            break;
        }
      }
    }
  }
  return i === end && validParts(out);
}

/** "00".."99": formatting without padStart calls. */
const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

function pad4(y: number): string {
  return y >= 1000 ? String(y) : String(y).padStart(4, '0');
}

/** YYYY-MM-DD of parts already validated. */
export function formatYmd(year: number, month: number, day: number): string {
  return `${pad4(year)}-${PAD2[month]}-${PAD2[day]}`;
}

const DEFAULT_PIVOT = 69;

/**
 * Compiles a format once into a parser. Throws on a malformed format (an
 * unclosed "["): that is a configuration error, to surface at start-up.
 */
export function compileDateFormat(fmt: string, opts: DateFormatOptions = {}): DateParser {
  const steps = compileSteps(fmt);
  const pivot = opts.yyPivot ?? DEFAULT_PIVOT;
  const scratch = newParts();
  const match = (s: string, out: DateTimeParts): boolean => runSteps(steps, pivot, s, out);
  const parser = (raw: string): string | null =>
    runSteps(steps, pivot, raw, scratch) ? formatYmd(scratch.year, scratch.month, scratch.day) : null;
  const hasTime = steps.some((s) => s.field === Field.Hour || s.field === Field.Minute || s.field === Field.Second);
  return Object.assign(parser, { format: fmt, hasTime, match });
}

export function newParts(): DateTimeParts {
  return { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: null };
}

/*
 * Compiled formats are cached by format string (and pivot), and the compiled
 * list for a formats array by array identity, so a hot loop passing the same
 * array does no compilation and no string hashing per format.
 */
const formatCache = new Map<string, DateParser>();
const listCache = new WeakMap<readonly string[], Map<number, DateParser[]>>();

function compiledList(formats: readonly string[], pivot: number): DateParser[] {
  let byPivot = listCache.get(formats);
  if (byPivot === undefined) {
    byPivot = new Map();
    listCache.set(formats, byPivot);
  }
  let list = byPivot.get(pivot);
  if (list === undefined) {
    list = formats.map((f) => {
      const key = `${pivot}\u0000${f}`;
      let p = formatCache.get(key);
      if (p === undefined) {
        p = compileDateFormat(f, { yyPivot: pivot });
        formatCache.set(key, p);
      }
      return p;
    });
    byPivot.set(pivot, list);
  }
  return list;
}

/**
 * Parses a calendar date with the first format that matches; returns
 * `YYYY-MM-DD`, or null when empty, unmatched or impossible (2023-02-30).
 * Time fields in a format are read and ignored.
 */
export function parseDate(raw: string | null | undefined, formats: readonly string[], opts: DateFormatOptions = {}): string | null {
  if (raw == null || raw === '') return null;
  const list = compiledList(formats, opts.yyPivot ?? DEFAULT_PIVOT);
  for (const p of list) {
    const r = p(raw);
    if (r !== null) return r;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Timestamps

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil: fills year, month, day of `out`. */
export function civilFromDays(days: number, out: { year: number; month: number; day: number }): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out.year = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out.month = m;
  out.day = d;
}

/**
 * Built-in ISO 8601 subset, the default when no formats are given:
 * `YYYY-MM-DD`, then optionally `T`/`t`/space and `HH:MM[:SS[.fraction]]`,
 * then optionally (after an optional space) `Z` or `±HH[:MM]`/`±HHMM`.
 */
export function matchIso(s: string, out: DateTimeParts): boolean {
  resetParts(out);
  const [a, end] = trimBounds(s);
  if (end - a < 10) return false;
  const c = (k: number) => s.charCodeAt(a + k);
  if (c(4) !== 0x2d || c(7) !== 0x2d) return false;
  const y1 = twoDigits(s, a);
  const y2 = twoDigits(s, a + 2);
  const mo = twoDigits(s, a + 5);
  const d = twoDigits(s, a + 8);
  if (y1 < 0 || y2 < 0 || mo < 0 || d < 0) return false;
  out.year = y1 * 100 + y2;
  out.month = mo;
  out.day = d;
  let i = a + 10;
  if (i < end) {
    const sep = s.charCodeAt(i);
    if (sep === 0x54 || sep === 0x74 || sep === 0x20) {
      if (i + 6 > end || s.charCodeAt(i + 3) !== 0x3a) return false;
      const h = twoDigits(s, i + 1);
      const mi = twoDigits(s, i + 4);
      if (h < 0 || mi < 0) return false;
      out.hour = h;
      out.minute = mi;
      i += 6;
      if (i < end && s.charCodeAt(i) === 0x3a) {
        const sec = i + 3 <= end ? twoDigits(s, i + 1) : -1;
        if (sec < 0) return false;
        out.second = sec;
        i += 3;
        if (i < end && (s.charCodeAt(i) === 0x2e || s.charCodeAt(i) === 0x2c)) {
          i++;
          let scale = 100;
          let ms = 0;
          const from = i;
          while (i < end) {
            const dd = s.charCodeAt(i) - 48;
            if (dd < 0 || dd > 9) break;
            ms += dd * scale;
            scale /= 10;
            i++;
          }
          if (i === from) return false;
          out.millisecond = Math.floor(ms);
        }
      }
    }
    if (i < end && s.charCodeAt(i) === 0x20) i++;
    if (i < end) {
      const j = readOffset(s, i, end, out);
      if (j < 0) return false;
      i = j;
    }
  }
  return i === end && validParts(out);
}

/**
 * "UTC"/"Z"/"GMT" -> 0, "+08:00"/"+0800"/"+08"/"UTC+8"/"GMT-05:30" -> minutes
 * east of UTC; null when not a fixed offset (IANA names such as
 * "Asia/Shanghai" are not supported: their offset depends on the date).
 */
export function parseUtcOffset(tz: string): number | null {
  const t = tz.trim();
  const upper = t.toUpperCase();
  if (upper === 'UTC' || upper === 'Z' || upper === 'GMT') return 0;
  let rest = t;
  if (upper.startsWith('UTC') || upper.startsWith('GMT')) rest = t.slice(3);
  // "UTC+8": pad a one-digit hour.
  const short = /^([+-])(\d)(?::?(\d\d))?$/.exec(rest);
  if (short !== null) rest = `${short[1]}0${short[2]}${short[3] !== undefined ? ':' + short[3] : ''}`;
  const p = newParts();
  const j = rest === '' ? -1 : readOffset(rest, 0, rest.length, p);
  return j === rest.length && p.offsetMinutes !== null && rest[0] !== 'Z' && rest[0] !== 'z' ? p.offsetMinutes : null;
}

export interface TimestampOptions {
  /** Formats tried in order (tokens above; "ISO" names the built-in ISO parser). Default: ISO only. */
  formats?: readonly string[];
  /** Offset applied when the value has none: "UTC" (default), "+08:00", … */
  timezone?: string;
  yyPivot?: number;
}

const offsetCache = new Map<string, number>();

function offsetOf(tz: string | undefined): number {
  if (tz === undefined) return 0;
  let v = offsetCache.get(tz);
  if (v === undefined) {
    const parsed = parseUtcOffset(tz);
    if (parsed === null) {
      throw new Error(`timezone "${tz}": expected "UTC" or a fixed offset such as "+08:00"`);
    }
    v = parsed;
    offsetCache.set(tz, v);
  }
  return v;
}

const civilScratch = { year: 0, month: 0, day: 0 };

/** UTC ISO `YYYY-MM-DDTHH:MM:SSZ` of validated parts shifted by their offset (minutes east of UTC). */
export function formatUtc(p: DateTimeParts, offsetMinutes: number): string {
  let { year, month, day, hour, minute } = p;
  if (offsetMinutes !== 0) {
    const total = daysFromCivil(year, month, day) * 1440 + hour * 60 + minute - offsetMinutes;
    const days = Math.floor(total / 1440);
    const rem = total - days * 1440;
    hour = Math.floor(rem / 60);
    minute = rem - hour * 60;
    civilFromDays(days, civilScratch);
    ({ year, month, day } = civilScratch);
    if (year < 1 || year > 9999) return '';
  }
  return `${pad4(year)}-${PAD2[month]}-${PAD2[day]}T${PAD2[hour]}:${PAD2[minute]}:${PAD2[p.second]}Z`;
}

const ISO_PARSER: DateParser = Object.assign(
  (raw: string): string | null => {
    const p = newParts();
    return matchIso(raw, p) ? formatYmd(p.year, p.month, p.day) : null;
  },
  { format: 'ISO', hasTime: true, match: matchIso },
);

/**
 * A reusable timestamp parser for hot loops: formats compiled and the
 * timezone resolved once. Throws at creation on an unsupported timezone or a
 * malformed format.
 */
export function compileTimestampParser(opts: TimestampOptions = {}): (raw: string | null | undefined) => string | null {
  const defaultOffset = offsetOf(opts.timezone);
  const pivot = opts.yyPivot ?? DEFAULT_PIVOT;
  const parsers =
    opts.formats === undefined
      ? [ISO_PARSER]
      : opts.formats.map((f) => (f === 'ISO' ? ISO_PARSER : compileDateFormat(f, { yyPivot: pivot })));
  const parts = newParts();
  return (raw) => {
    if (raw == null || raw === '') return null;
    for (const p of parsers) {
      if (p.match(raw, parts)) {
        const r = formatUtc(parts, parts.offsetMinutes ?? defaultOffset);
        return r === '' ? null : r;
      }
    }
    return null;
  };
}

const NO_OPTIONS: TimestampOptions = Object.freeze({});
type TimestampParser = (raw: string | null | undefined) => string | null;
const timestampParserCache = new Map<string, TimestampParser>();
const timestampParserByOpts = new WeakMap<TimestampOptions, TimestampParser>();

/**
 * Parses a timestamp to UTC ISO `YYYY-MM-DDTHH:MM:SSZ` (fraction dropped).
 * Values with their own offset ("…Z", "…+08:00") use it; others are read in
 * `opts.timezone` (default UTC). A date-only value is midnight in that
 * timezone. Returns null when empty, unmatched or impossible. In hot loops
 * prefer compileTimestampParser, which skips the per-call options lookup; an
 * options object is cached by identity, so do not mutate it between calls.
 */
export function parseTimestamp(raw: string | null | undefined, opts: TimestampOptions = NO_OPTIONS): string | null {
  if (raw == null || raw === '') return null;
  // Same options object (a hot loop) -> no key building at all.
  let parser = timestampParserByOpts.get(opts);
  if (parser === undefined) {
    const key = `${opts.timezone ?? ''}\u0000${opts.yyPivot ?? ''}\u0000${opts.formats?.join('\u0001') ?? '\u0002'}`;
    parser = timestampParserCache.get(key);
    if (parser === undefined) {
      if (timestampParserCache.size >= 1000) timestampParserCache.clear();
      parser = compileTimestampParser(opts);
      timestampParserCache.set(key, parser);
    }
    timestampParserByOpts.set(opts, parser);
  }
  return parser(raw);
}
