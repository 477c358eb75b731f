/**
 * Pure: compiles a source's column mapping against the file's header into a function that turns
 * one CSV record into a canonical row, or into a reject. No I/O, so every rule is unit-tested
 * without a database.
 */
import { CANONICAL_FIELDS, hasCustomerRef, type CanonicalField, type SourceKind } from '../config/canonical-fields.js';
import type { ConfigProblem } from '../config/errors.js';
import type { ColumnOptions, ColumnSpec, SourceConfig } from '../config/schema.js';
import { didYouMean } from '../util/did-you-mean.js';
import { attributeFieldType } from '../config/rules.js';
import { compileValueParser, isParseFailure, type StoredValue, type ValueParser } from './value-parsers.js';

export interface FieldIssue {
  readonly column: string;
  readonly field: string;
  readonly code: string;
  readonly rawValue: string;
  readonly message: string;
}

/** Why a whole record is unusable: it goes to rejects. */
export interface RowReject {
  readonly column: string | null;
  readonly code: string;
  readonly message: string;
}

export type MappedRecord =
  | {
      readonly ok: true;
      readonly values: StoredValue[];
      readonly issues: readonly FieldIssue[];
      readonly anonymous: boolean;
      /** The record's attribute values that are not null, by attribute name. */
      readonly attributes: Readonly<Record<string, StoredValue>>;
    }
  | ({ readonly ok: false } & RowReject);

/**
 * Where a raw_* column's value comes from, for one source: a value read from each record, or the
 * same value for every row (a field the source does not map, the fixed customer_source, the
 * default currency of a source without a currency column).
 */
export type ColumnSource = { readonly perRow: true } | { readonly perRow: false; readonly value: StoredValue };

/** One entry per rawColumns(kind), from the source's configuration alone (no header needed). */
export function rowLayout(source: SourceConfig, baseCurrency: string): ColumnSource[] {
  const layout: ColumnSource[] = [];
  const perRow: ColumnSource = { perRow: true };
  if (hasCustomerRef(source.kind)) {
    const customerSource = source.customer_source;
    layout.push(typeof customerSource === 'object' ? perRow : { perRow: false, value: customerSource ?? null });
  }
  for (const field of CANONICAL_FIELDS[source.kind]) {
    if (source.columns[field.name] !== undefined) layout.push(perRow);
    else layout.push({ perRow: false, value: field.name === 'currency' ? (source.currency ?? baseCurrency) : null });
  }
  return layout;
}

export interface RowMapper {
  /** Values mapInto writes per row: the per-row columns of rowLayout, in their order. */
  readonly width: number;
  /**
   * The hot path: writes the per-row values of a record into out[offset .. offset + width) and
   * appends its field issues to `issues`. Returns undefined when the row is usable, else the
   * reject (and then `issues` is left as it was). Allocates nothing for a clean row.
   */
  mapInto(record: readonly string[], out: StoredValue[], offset: number, issues: FieldIssue[], attributes?: StoredValue[]): RowReject | undefined;
  /**
   * The source's attribute names; mapInto appends (index into this list, value) pairs for the
   * attribute values that are not null to its `attributes` argument.
   */
  readonly attributeNames: readonly string[];
  /** Whether a row written by mapInto at `offset` has no customer reference. */
  isAnonymous(out: readonly StoredValue[], offset: number): boolean;
  /** Convenience form of mapInto with every column of rawColumns(kind) (allocates; for tests). */
  map(record: readonly string[]): MappedRecord;
}

interface CompiledField {
  readonly field: CanonicalField;
  readonly column: string;
  readonly index: number;
  readonly parse: ValueParser;
}

/** The field issue and reject name of an attribute: "attr.income" (never a canonical field's name). */
export function attributeField(name: string): string {
  return `attr.${name}`;
}

function options(spec: ColumnSpec): ColumnOptions {
  return typeof spec === 'string' ? { column: spec } : spec;
}

/**
 * Header problems (a mapped column the file does not have) are config errors: reported before
 * any row is read, with the closest header name as a suggestion.
 */
export function headerProblems(source: SourceConfig, sourceIndex: number, header: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = header.map((h) => h.trim());
  const wanted: [string[], string][] = Object.entries(source.columns).map(([field, spec]) => [['sources', String(sourceIndex), 'columns', field], options(spec).column]);
  if (typeof source.customer_source === 'object' && source.customer_source.column !== undefined) wanted.push([['sources', String(sourceIndex), 'customer_source', 'column'], source.customer_source.column]);
  for (const [name, spec] of Object.entries(source.attributes ?? {})) wanted.push([['sources', String(sourceIndex), 'attributes', name, 'column'], spec.column]);
  for (const [path, column] of wanted) {
    if (names.includes(column)) continue;
    const guess = didYouMean(column, names);
    problems.push({
      path: path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      message: `the column "${column}" is not in the header of ${source.path}`,
      fix: guess ? `did you mean "${guess}"?` : `the file's columns are: ${names.join(', ')}`,
    });
  }
  return problems;
}

const MAX_ISSUE_VALUE = 200;

export function compileRowMapper(source: SourceConfig, header: readonly string[], baseCurrency: string): RowMapper {
  const names = header.map((h) => h.trim());
  const kind: SourceKind = source.kind;
  /** Mapped fields only, in canonical order: exactly the per-row columns after customer_source. */
  const fields: CompiledField[] = [];
  for (const field of CANONICAL_FIELDS[kind]) {
    const spec = source.columns[field.name];
    if (spec === undefined) continue;
    const opts = options(spec);
    fields.push({ field, column: opts.column, index: names.indexOf(opts.column), parse: compileValueParser(field, opts, source) });
  }
  const attributes: CompiledField[] = Object.entries(source.attributes ?? {}).map(([name, spec]) => {
    const { type, column, ...rest } = spec;
    const field: CanonicalField = { name: attributeField(name), type: attributeFieldType(type), required: false, description: name };
    return { field, column, index: names.indexOf(column), parse: compileValueParser(field, { column, ...rest }, source) };
  });
  const attributeNames = Object.keys(source.attributes ?? {});
  const layout = rowLayout(source, baseCurrency);
  const defaultCurrency = source.currency ?? baseCurrency;
  const customerSource = source.customer_source;
  const byColumn = typeof customerSource === 'object' && customerSource.column !== undefined && customerSource.values !== undefined ? { column: customerSource.column, values: customerSource.values } : undefined;
  const customerSourceIndex = byColumn !== undefined ? names.indexOf(byColumn.column) : -1;
  /** Only orders and events carry customer_source (rowLayout agrees). */
  const customerSourceValues = hasCustomerRef(kind) && byColumn !== undefined ? new Map(Object.entries(byColumn.values)) : undefined;
  /** customer_source by the reference's own pattern: the first that matches names the source. */
  const patterns =
    hasCustomerRef(kind) && typeof customerSource === 'object' && customerSource.patterns !== undefined
      ? customerSource.patterns.map((p) => ({ regex: new RegExp(p.match, 'u'), source: p.source }))
      : undefined;
  const refColumn = typeof source.columns['customer_ref'] === 'undefined' ? undefined : options(source.columns['customer_ref']).column;
  const refIndex = refColumn === undefined ? -1 : names.indexOf(refColumn);
  const shift = customerSourceValues !== undefined || patterns !== undefined ? 1 : 0;
  const width = fields.length + shift;
  const currencyAt = fields.findIndex((f) => f.field.name === 'currency');
  const refAt = fields.findIndex((f) => f.field.name === 'customer_ref');
  /** A source that does not map customer_ref has only anonymous rows (orders and events kinds). */
  const alwaysAnonymous = refAt < 0 && CANONICAL_FIELDS[kind].some((f) => f.name === 'customer_ref');

  function mapInto(record: readonly string[], out: StoredValue[], offset: number, issues: FieldIssue[], attributeOut?: StoredValue[]): RowReject | undefined {
    if (customerSourceValues !== undefined && byColumn !== undefined) {
      const raw = (record[customerSourceIndex] ?? '').trim();
      const mapped = customerSourceValues.get(raw);
      if (mapped === undefined) {
        return {
          column: byColumn.column,
          code: raw === '' ? 'missing_customer_source' : 'unknown_customer_source',
          message:
            raw === ''
              ? `${byColumn.column} is empty: cannot tell which customer system the reference belongs to`
              : `${byColumn.column} "${clip(raw)}" is not one of ${Object.keys(byColumn.values).join(', ')} (add it to customer_source.values)`,
        };
      }
      out[offset] = mapped;
    } else if (patterns !== undefined) {
      // An empty reference is an anonymous row: it belongs to no source.
      const ref = (record[refIndex] ?? '').trim();
      let mapped: string | null = null;
      if (ref !== '') {
        mapped = patterns.find((p) => p.regex.test(ref))?.source ?? null;
        if (mapped === null) {
          return {
            column: refColumn!,
            code: 'unknown_customer_source',
            message: `${refColumn} "${clip(ref)}" matches none of customer_source.patterns (${patterns.map((p) => p.regex.source).join(', ')}): add a pattern for it`,
          };
        }
      }
      out[offset] = mapped;
    }
    const mark = issues.length;
    const at0 = offset + shift;
    for (let i = 0; i < fields.length; i++) {
      const compiled = fields[i]!;
      const raw = record[compiled.index];
      const parsed = compiled.parse(raw === undefined ? '' : raw);
      if (!isParseFailure(parsed)) {
        if (parsed === null && compiled.field.required) {
          issues.length = mark;
          return { column: compiled.column, code: `missing_${compiled.field.name}`, message: `${compiled.column} is empty but ${compiled.field.name} is required` };
        }
        out[at0 + i] = parsed === null && i === currencyAt ? defaultCurrency : parsed;
        continue;
      }
      if (compiled.field.required) {
        issues.length = mark;
        return { column: compiled.column, code: parsed.code, message: `${compiled.column}: ${parsed.message}` };
      }
      out[at0 + i] = null;
      issues.push({ column: compiled.column, field: compiled.field.name, code: parsed.code, rawValue: clip(raw ?? ''), message: parsed.message });
    }
    // Attributes never reject a row: an unusable value is a field issue, and the row is kept.
    for (let a = 0; a < attributes.length; a++) {
      const compiled = attributes[a]!;
      const raw = record[compiled.index];
      const parsed = compiled.parse(raw === undefined ? '' : raw);
      if (isParseFailure(parsed)) {
        issues.push({ column: compiled.column, field: compiled.field.name, code: parsed.code, rawValue: clip(raw ?? ''), message: parsed.message });
      } else if (parsed !== null && attributeOut !== undefined) attributeOut.push(a, parsed);
    }
    return undefined;
  }

  function isAnonymous(out: readonly StoredValue[], offset: number): boolean {
    if (refAt < 0) return alwaysAnonymous;
    return out[offset + shift + refAt] === null;
  }

  return {
    width,
    mapInto,
    isAnonymous,
    attributeNames,
    map(record) {
      const row: StoredValue[] = [];
      const issues: FieldIssue[] = [];
      const pairs: StoredValue[] = [];
      const reject = mapInto(record, row, 0, issues, pairs);
      if (reject !== undefined) return { ok: false, ...reject };
      const anonymous = isAnonymous(row, 0);
      let next = 0;
      const values = layout.map((column) => (column.perRow ? row[next++]! : column.value));
      const attributeValues: Record<string, StoredValue> = {};
      for (let p = 0; p < pairs.length; p += 2) attributeValues[attributeNames[pairs[p] as number]!] = pairs[p + 1]!;
      return { ok: true, values, issues: issues.length === 0 ? NO_ISSUES : issues, anonymous, attributes: attributeValues };
    },
  };
}

const NO_ISSUES: readonly FieldIssue[] = Object.freeze([]);

function clip(value: string): string {
  return value.length > MAX_ISSUE_VALUE ? `${value.slice(0, MAX_ISSUE_VALUE)}…` : value;
}
