/**
 * Pure: one parser per mapped field, compiled once per source, turning raw text into the stored
 * value or into a named problem. Collect validates and types values; normalising them (E.164,
 * name parsing, e-mail match keys) is the clean stage's job.
 */
import type { CanonicalField } from '../config/canonical-fields.js';
import type { ColumnOptions, SourceConfig } from '../config/schema.js';
import { compileDateFormat, compileTimestampParser, newParts } from '../normalize/date.js';
import { parseBoolean, parseGender, parseNumber } from '../normalize/vocab.js';

/** A stored value: what goes into a raw_* column. */
export type StoredValue = string | number | null;

/** Why a raw value could not be read. Rare, so allocating one per failure is fine. */
export class ParseFailure {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

/**
 * Turns raw text into the stored value, or a ParseFailure. Returns the value itself (no wrapper
 * object): parsers run on every field of millions of rows, so the common path allocates nothing.
 */
export type ValueParser = (raw: string) => StoredValue | ParseFailure;

export function isParseFailure(value: StoredValue | ParseFailure): value is ParseFailure {
  return typeof value === 'object' && value !== null;
}

const fail = (code: string, message: string): ParseFailure => new ParseFailure(code, message);

/** Own properties only: a raw value such as "constructor" must not find Object.prototype members. */
function lookup(values: Readonly<Record<string, string>> | undefined): ((s: string) => string | undefined) | undefined {
  if (values === undefined) return undefined;
  const map = new Map(Object.entries(values));
  return (s) => map.get(s);
}

function show(raw: string): string {
  return JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw);
}

/** Plausible as a phone number: 7 to 15 digits (E.164's limit), only phone punctuation around them. */
const PHONE_CHARS = /^[+0-9 ().\-/]+$/;
function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** A whole number, possibly written as a float by a spreadsheet: "17850.0". */
const INTEGER_ID = /^(-?\d+)(?:\.0*)?$/;

/** One @, something before it, a dotted domain after it, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

/**
 * Written-out "missing" markers that spreadsheets and statistics tools export. Without a
 * source's own `null_values`, a typed value (number, date, boolean, e-mail, …) that is one of
 * these (ignoring case) is null, not a field issue. Text fields keep them: "NA" is Namibia.
 */
export const DEFAULT_NULL_VALUES: readonly string[] = ['NA', 'N/A', '#N/A', 'NULL', 'NaN', 'None', 'nil', '-', '--'];
const DEFAULT_NULLS = new Set(DEFAULT_NULL_VALUES.map((v) => v.toLowerCase()));

/**
 * The parser of one field with the source's null markers: a source's `null_values` are null in
 * every field (checked before parsing, so a marker such as "0" or "9999" that would parse wins);
 * without them, DEFAULT_NULL_VALUES are null in typed fields (checked only when parsing failed,
 * so clean values cost nothing).
 */
export function compileValueParser(field: CanonicalField, options: ColumnOptions, source: Pick<SourceConfig, 'timezone' | 'null_values'>): ValueParser {
  const explicit = source.null_values;
  // The default markers are looked at only where parsing failed: the hot path stays as it was.
  const failed: Fail =
    explicit === undefined && field.type !== 'string'
      ? (raw, code, message) => (DEFAULT_NULLS.has(raw.trim().toLowerCase()) ? null : fail(code, message))
      : (_raw, code, message) => fail(code, message);
  const parse = compileTypedParser(field, options, source, failed);
  if (explicit === undefined) return parse;
  const nulls = new Set(explicit.map((v) => v.trim().toLowerCase()).filter((v) => v !== ''));
  if (nulls.size === 0) return parse;
  return (raw) => (nulls.has(raw.trim().toLowerCase()) ? null : parse(raw));
}

/** A failed parse of `raw`: the failure, or null when `raw` is a default null marker. */
type Fail = (raw: string, code: string, message: string) => ParseFailure | null;

function compileTypedParser(field: CanonicalField, options: ColumnOptions, source: Pick<SourceConfig, 'timezone'>, failed: Fail): ValueParser {
  const mapValue = lookup(options.values);
  switch (field.type) {
    case 'string':
      if (options.as_integer) {
        return (raw) => {
          const s = raw.trim();
          if (s === '') return null;
          const m = INTEGER_ID.exec(s);
          return m ? m[1]! : failed(raw, 'not_an_integer_id', `${show(raw)} is not a whole number`);
        };
      }
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        return mapValue === undefined ? s : (mapValue(s) ?? s);
      };
    case 'email':
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        return EMAIL.test(s) ? s : failed(raw, 'invalid_email', `${show(raw)} is not an e-mail address`);
      };
    case 'phone':
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        const digits = digitCount(s);
        if (!PHONE_CHARS.test(s) || digits < 7 || digits > 15) {
          return failed(raw, 'invalid_phone', `${show(raw)} is not a phone number (expected 7 to 15 digits)`);
        }
        return s;
      };
    case 'date': {
      const formats = (options.formats ?? ['YYYY-MM-DD']).map((format) => compileDateFormat(format));
      const expected = (options.formats ?? ['YYYY-MM-DD']).join(' or ');
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        for (const parse of formats) {
          const date = parse(s);
          if (date !== null) return date;
        }
        return failed(raw, 'invalid_date', `${show(raw)} is not a valid date in the format ${expected}`);
      };
    }
    case 'timestamp': {
      const timezone = options.timezone ?? source.timezone ?? 'UTC';
      const parseTimestamp = compileTimestampParser(options.formats ? { formats: options.formats, timezone } : { timezone });
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        const ts = parseTimestamp(s);
        return ts === null ? failed(raw, 'invalid_timestamp', `${show(raw)} is not a valid date and time`) : ts;
      };
    }
    case 'boolean': {
      const vocab = options.true && options.false ? { true: options.true, false: options.false } : undefined;
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        const b = parseBoolean(s, vocab);
        return b === null ? failed(raw, 'invalid_boolean', `${show(raw)} is not one of ${vocab ? [...vocab.true, ...vocab.false].join('/') : 'yes/no, true/false, Y/N, 1/0, 是/否'}`) : b ? 1 : 0;
      };
    }
    case 'number':
    case 'integer': {
      const numberOptions = { decimalComma: options.decimal_comma ?? false };
      const integer = field.type === 'integer';
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        const n = parseNumber(s, numberOptions);
        if (n === null || !Number.isFinite(n)) return failed(raw, 'invalid_number', `${show(raw)} is not a number`);
        if (integer && !Number.isInteger(n)) return failed(raw, 'invalid_integer', `${show(raw)} is not a whole number`);
        return n;
      };
    }
    case 'year': {
      // A year alone ("1957", formats [YYYY] or [YY]) or the year of a full date in a listed format.
      const formats = (options.formats ?? ['YYYY']).map((format) => compileDateFormat(format));
      const expected = (options.formats ?? ['YYYY']).join(' or ');
      const parts = newParts();
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        for (const parser of formats) if (parser.match(s, parts)) return parts.year;
        return failed(raw, 'invalid_year', `${show(raw)} is not a year in the format ${expected}`);
      };
    }
    case 'gender':
      return (raw) => {
        const s = raw.trim();
        if (s === '') return null;
        const g = parseGender(mapValue === undefined ? s : (mapValue(s) ?? s));
        if (g.value === null && g.issue === undefined) return null; // "unknown", "保密": known to be unknown
        return g.value === null ? failed(raw, 'invalid_gender', `${show(raw)} is not a known gender word (map it with values:)`) : g.value;
      };
  }
}
