/**
 * Pure: compiles a source's column mapping against the file's header into a function that turns
 * one CSV record into a canonical row, or into a reject. No I/O, so every rule is unit-tested
 * without a database.
 */
import { CANONICAL_FIELDS, hasCustomerRef, type CanonicalField, type SourceKind } from '../config/canonical-fields.js';
import type { ConfigProblem } from '../config/errors.js';
import type { ColumnOptions, ColumnSpec, SourceConfig } from '../config/schema.js';
import { didYouMean } from '../util/did-you-mean.js';
import { compileValueParser, type ValueParser } from './value-parsers.js';

export interface FieldIssue {
  readonly column: string;
  readonly field: string;
  readonly code: string;
  readonly rawValue: string;
  readonly message: string;
}

export type MappedRecord =
  | { readonly ok: true; readonly values: unknown[]; readonly issues: readonly FieldIssue[]; readonly anonymous: boolean }
  | { readonly ok: false; readonly column: string | null; readonly code: string; readonly message: string };

export interface RowMapper {
  /** Canonical values in the order of rawColumns(kind). */
  map(record: readonly string[]): MappedRecord;
}

interface CompiledField {
  readonly field: CanonicalField;
  readonly column: string;
  readonly index: number;
  readonly parse: ValueParser;
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
  if (typeof source.customer_source === 'object') wanted.push([['sources', String(sourceIndex), 'customer_source', 'column'], source.customer_source.column]);
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
  const fields: (CompiledField | null)[] = CANONICAL_FIELDS[kind].map((field) => {
    const spec = source.columns[field.name];
    if (spec === undefined) return null;
    const opts = options(spec);
    return {
      field,
      column: opts.column,
      index: names.indexOf(opts.column),
      parse: compileValueParser(field, opts, source),
    };
  });
  const currencyPosition = CANONICAL_FIELDS[kind].findIndex((f) => f.name === 'currency');
  const defaultCurrency = source.currency ?? baseCurrency;
  const refPosition = CANONICAL_FIELDS[kind].findIndex((f) => f.name === 'customer_ref');
  const customerSource = source.customer_source;
  const customerSourceIndex = typeof customerSource === 'object' ? names.indexOf(customerSource.column) : -1;
  const withRef = hasCustomerRef(kind);

  return {
    map(record) {
      const values: unknown[] = [];
      let issues: FieldIssue[] | undefined;
      if (withRef) {
        if (typeof customerSource === 'object') {
          const raw = (record[customerSourceIndex] ?? '').trim();
          const mapped = customerSource.values[raw];
          if (mapped === undefined) {
            return {
              ok: false,
              column: customerSource.column,
              code: raw === '' ? 'missing_customer_source' : 'unknown_customer_source',
              message:
                raw === ''
                  ? `${customerSource.column} is empty: cannot tell which customer system the reference belongs to`
                  : `${customerSource.column} "${clip(raw)}" is not one of ${Object.keys(customerSource.values).join(', ')} (add it to customer_source.values)`,
            };
          }
          values.push(mapped);
        } else values.push(customerSource ?? null);
      }
      for (let i = 0; i < fields.length; i++) {
        const compiled = fields[i];
        if (compiled === null || compiled === undefined) {
          values.push(i === currencyPosition ? defaultCurrency : null);
          continue;
        }
        const raw = record[compiled.index];
        const parsed = compiled.parse(raw === undefined ? '' : raw);
        if (parsed.ok) {
          if (parsed.value === null && compiled.field.required) {
            return { ok: false, column: compiled.column, code: `missing_${compiled.field.name}`, message: `${compiled.column} is empty but ${compiled.field.name} is required` };
          }
          values.push(parsed.value === null && i === currencyPosition ? defaultCurrency : parsed.value);
          continue;
        }
        if (compiled.field.required) {
          return { ok: false, column: compiled.column, code: parsed.code, message: `${compiled.column}: ${parsed.message}` };
        }
        values.push(null);
        (issues ??= []).push({ column: compiled.column, field: compiled.field.name, code: parsed.code, rawValue: clip(raw ?? ''), message: parsed.message });
      }
      const anonymous = refPosition >= 0 && values[refPosition + (withRef ? 1 : 0)] === null;
      return { ok: true, values, issues: issues ?? NO_ISSUES, anonymous };
    },
  };
}

const NO_ISSUES: readonly FieldIssue[] = Object.freeze([]);

function clip(value: string): string {
  return value.length > MAX_ISSUE_VALUE ? `${value.slice(0, MAX_ISSUE_VALUE)}…` : value;
}
