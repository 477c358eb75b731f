/**
 * Cross-field rules over a structurally valid pipeline file. Each rule returns problems with the
 * path of the offending value and a fix, so every mistake in a file is reported in one go.
 */
import { CANONICAL_FIELDS, canonicalField, hasCustomerRef, type FieldType, type SourceKind } from './canonical-fields.js';
import type { ConfigProblem } from './errors.js';
import type { AttributeType, ColumnSpec, PipelineFileConfig, SourceConfig } from './schema.js';
import { didYouMean } from '../util/did-you-mean.js';
import { compileDateFormat } from '../normalize/date.js';

type Rule = (config: PipelineFileConfig) => ConfigProblem[];

const OPTION_TYPES: Record<string, readonly FieldType[]> = {
  formats: ['date', 'timestamp', 'year'],
  timezone: ['timestamp'],
  true: ['boolean'],
  false: ['boolean'],
  decimal_comma: ['number', 'integer'],
  values: ['string', 'gender'],
  as_integer: ['string'],
};

const uniqueSourceNames: Rule = (config) => {
  const seen = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  config.sources.forEach((source, i) => {
    const first = seen.get(source.name);
    if (first !== undefined) {
      problems.push({
        path: ['sources', i, 'name'],
        message: `the source name "${source.name}" is already used by sources[${first}]`,
        fix: 'give every source its own name',
      });
    } else seen.set(source.name, i);
  });
  return problems;
};

function columnProblems(source: SourceConfig, i: number): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const known = CANONICAL_FIELDS[source.kind].map((f) => f.name);
  for (const [fieldName, spec] of Object.entries(source.columns)) {
    const field = canonicalField(source.kind, fieldName);
    const path = ['sources', i, 'columns', fieldName];
    if (!field) {
      const guess = didYouMean(fieldName, known);
      problems.push({
        path,
        message: `"${fieldName}" is not a field of a ${source.kind} source`,
        fix: guess ? `did you mean "${guess}"?` : `use one of: ${known.join(', ')}`,
      });
      continue;
    }
    if (typeof spec === 'string') continue;
    for (const option of Object.keys(spec)) {
      const allowed = OPTION_TYPES[option];
      if (allowed && !allowed.includes(field.type)) {
        problems.push({
          path: [...path, option],
          message: `"${option}" does not apply to ${fieldName}, ${/^[aeiou]/.test(field.type) ? 'an' : 'a'} ${field.type} field`,
          fix: `remove "${option}" (it applies to ${allowed.join('/')} fields)`,
        });
      }
    }
    if ((spec.true === undefined) !== (spec.false === undefined)) {
      problems.push({
        path,
        message: 'a boolean vocabulary needs both "true" and "false" lists',
        fix: 'add the missing list, e.g. true: [Y] and false: [N]',
      });
    }
    if (spec.true && spec.false) {
      const truthy = new Set(spec.true.map((w) => w.trim().toLowerCase()));
      const both = spec.false.filter((w) => truthy.has(w.trim().toLowerCase()));
      if (both.length > 0) {
        problems.push({
          path,
          message: `${both.map((w) => `"${w}"`).join(', ')} is in both the true and the false list (words are compared ignoring case)`,
          fix: 'keep each word in one list only',
        });
      }
    }
    if (spec.formats) {
      for (const [k, format] of spec.formats.entries()) {
        if (format === 'ISO' && field.type === 'timestamp') continue;
        try {
          compileDateFormat(format);
        } catch (error) {
          problems.push({
            path: [...path, 'formats', k],
            message: `the date format "${format}" cannot be read: ${(error as Error).message}`,
            fix: 'see the format tokens in docs/pipeline.md (literal text goes in [brackets])',
          });
          continue;
        }
        if (field.type === 'year') {
          if (!/YY/.test(format)) {
            problems.push({
              path: [...path, 'formats', k],
              message: `the year format "${format}" has no year (YYYY or YY)`,
              fix: 'write e.g. "YYYY" (1957) or "YYYY-MM-DD" (the year of a full date)',
            });
          }
          continue;
        }
        if (/YY/.test(format) && !/M/.test(format) && !/D/.test(format) && fieldName === 'birth_date') {
          problems.push({
            path: [...path, 'formats', k],
            message: `the date format "${format}" is a year alone: a year of birth is not a birth date`,
            fix: `map the column as birth_year instead: "birth_year: { column: ${spec.column}, formats: [${format}] }" (age bands use it)`,
          });
          continue;
        }
        if (!/YYYY|YY/.test(format) || !/MM|M/.test(format) || !/DD|D/.test(format)) {
          problems.push({
            path: [...path, 'formats', k],
            message: `the date format "${format}" needs a year (YYYY), a month (MM) and a day (DD)`,
            fix: 'write it with the tokens YYYY MM DD (and HH mm ss for times), e.g. "MM/DD/YYYY" or "YYYY年MM月DD日"',
          });
        }
      }
    }
  }
  if (source.kind === 'orders' && !('unit_price' in source.columns) && !('line_amount' in source.columns)) {
    problems.push({
      path: ['sources', i, 'columns'],
      message: 'an orders source needs a price: map unit_price (price per unit) or line_amount (total of the line)',
      fix: 'add "unit_price: <column>" or "line_amount: <column>" under columns',
    });
  }
  for (const field of CANONICAL_FIELDS[source.kind]) {
    if (field.required && !(field.name in source.columns)) {
      problems.push({
        path: ['sources', i, 'columns'],
        message: `the required field "${field.name}" (${field.description}) is not mapped`,
        fix: `add "${field.name}: <column name in the file>" under columns`,
      });
    }
  }
  return problems;
}

const columnsFitTheirKind: Rule = (config) => config.sources.flatMap((s, i) => columnProblems(s, i));

/** The field type an attribute's values are read as (category is text). */
export function attributeFieldType(type: AttributeType): FieldType {
  return type === 'category' ? 'string' : type;
}

/** Kinds whose rows may carry attributes: customers (per customer) and orders (per order line). */
export const ATTRIBUTE_KINDS: readonly SourceKind[] = ['customers', 'orders'];

const ATTRIBUTE_NAME = /^[a-z][a-z0-9_]*$/;

const ATTRIBUTE_OPTION_TYPES: Record<string, readonly AttributeType[]> = {
  formats: ['date', 'year'],
  true: ['boolean'],
  false: ['boolean'],
  decimal_comma: ['number'],
  values: ['category'],
};

function attributeProblems(source: SourceConfig, i: number, declaredTypes: Map<string, { type: AttributeType; at: string }>): ConfigProblem[] {
  const attributes = source.attributes;
  if (attributes === undefined) return [];
  const problems: ConfigProblem[] = [];
  if (!ATTRIBUTE_KINDS.includes(source.kind)) {
    return [
      {
        path: ['sources', i, 'attributes'],
        message: `a ${source.kind} source cannot carry attributes`,
        fix: 'attributes belong on customers sources (per customer) and orders sources (per order line)',
      },
    ];
  }
  const canonical = CANONICAL_FIELDS[source.kind].map((f) => f.name);
  for (const [name, spec] of Object.entries(attributes)) {
    const path = ['sources', i, 'attributes', name];
    if (!ATTRIBUTE_NAME.test(name)) {
      problems.push({ path, message: `"${name}" is not a usable attribute name`, fix: 'use lower-case letters, digits and _, starting with a letter (e.g. income, kids_at_home)' });
      continue;
    }
    if (canonical.includes(name)) {
      problems.push({ path, message: `"${name}" is a field of a ${source.kind} source, not an attribute`, fix: `map it under columns ("${name}: ${spec.column}"), or give the attribute another name` });
      continue;
    }
    const key = `${source.kind}\u0000${name}`;
    const earlier = declaredTypes.get(key);
    if (earlier !== undefined && earlier.type !== spec.type) {
      problems.push({ path: [...path, 'type'], message: `the attribute "${name}" is a ${earlier.type} at ${earlier.at}`, fix: `give "${name}" one type in every ${source.kind} source, or use another name` });
    } else if (earlier === undefined) declaredTypes.set(key, { type: spec.type, at: `sources[${i}].attributes.${name}` });
    for (const option of Object.keys(spec)) {
      const allowed = ATTRIBUTE_OPTION_TYPES[option];
      if (allowed && !allowed.includes(spec.type)) {
        problems.push({
          path: [...path, option],
          message: `"${option}" does not apply to ${name}, a ${spec.type} attribute`,
          fix: `remove "${option}" (it applies to ${allowed.join('/')} attributes)`,
        });
      }
    }
    if ((spec.true === undefined) !== (spec.false === undefined)) {
      problems.push({ path, message: 'a boolean vocabulary needs both "true" and "false" lists', fix: 'add the missing list, e.g. true: [Y] and false: [N]' });
    }
    if (spec.true && spec.false) {
      const truthy = new Set(spec.true.map((w) => w.trim().toLowerCase()));
      const both = spec.false.filter((w) => truthy.has(w.trim().toLowerCase()));
      if (both.length > 0) {
        problems.push({ path, message: `${both.map((w) => `"${w}"`).join(', ')} is in both the true and the false list (words are compared ignoring case)`, fix: 'keep each word in one list only' });
      }
    }
    for (const [k, format] of (spec.formats ?? []).entries()) {
      try {
        compileDateFormat(format);
      } catch (error) {
        problems.push({ path: [...path, 'formats', k], message: `the date format "${format}" cannot be read: ${(error as Error).message}`, fix: 'see the format tokens in docs/pipeline.md (literal text goes in [brackets])' });
        continue;
      }
      const hasYear = /YY/.test(format);
      if (spec.type === 'year' ? !hasYear : !hasYear || !/M/.test(format) || !/D/.test(format)) {
        problems.push({
          path: [...path, 'formats', k],
          message: spec.type === 'year' ? `the year format "${format}" has no year (YYYY or YY)` : `the date format "${format}" needs a year (YYYY), a month (MM) and a day (DD)`,
          fix: spec.type === 'year' ? 'write e.g. "YYYY"' : /YY/.test(format) ? `a year alone is a year attribute: type: year, formats: [${format}]` : 'write it with the tokens YYYY MM DD, e.g. "DD-MM-YY"',
        });
      }
    }
  }
  return problems;
}

const attributesFitTheirKind: Rule = (config) => {
  const declared = new Map<string, { type: AttributeType; at: string }>();
  return config.sources.flatMap((s, i) => attributeProblems(s, i, declared));
};

const encodingsExist: Rule = (config) =>
  config.sources.flatMap((source, i) => {
    try {
      new TextDecoder(source.encoding);
      return [];
    } catch {
      return [
        {
          path: ['sources', i, 'encoding'],
          message: `"${source.encoding}" is not an encoding this Node.js can decode`,
          fix: 'use utf-8, utf-16le, utf-16be, gbk, gb18030, big5, shift_jis, windows-1252, iso-8859-1, …',
        },
      ];
    }
  });

const customerReferencesResolve: Rule = (config) => {
  const customerSources = config.sources.filter((s) => s.kind === 'customers').map((s) => s.name);
  const problems: ConfigProblem[] = [];
  const check = (name: string, path: (string | number)[]) => {
    // Without any customer source, ids stand alone (e.g. an order file keyed by CustomerID).
    if (customerSources.length === 0 || customerSources.includes(name)) return;
    const guess = didYouMean(name, customerSources);
    problems.push({
      path,
      message: `"${name}" is not the name of a customers source`,
      fix: guess ? `did you mean "${guess}"?` : `use one of: ${customerSources.join(', ')}`,
    });
  };
  config.sources.forEach((source, i) => {
    const refMapped = 'customer_ref' in source.columns;
    if (!hasCustomerRef(source.kind)) {
      if (source.customer_source !== undefined) {
        problems.push({
          path: ['sources', i, 'customer_source'],
          message: `a ${source.kind} source has no customer reference`,
          fix: 'remove customer_source (it belongs on orders and events sources)',
        });
      }
      return;
    }
    if (!refMapped) return;
    const ref = source.customer_source;
    if (ref === undefined) {
      problems.push({
        path: ['sources', i, 'customer_source'],
        message: 'customer_ref is mapped but nothing says which customer source its ids belong to',
        fix:
          customerSources.length > 0
            ? `add "customer_source: ${customerSources[0]}" or "customer_source: {column: <system column>, values: {<value>: <source name>}}"`
            : `add "customer_source: ${source.name}" (ids are then customers of their own)`,
      });
    } else if (typeof ref === 'string') check(ref, ['sources', i, 'customer_source']);
    else if (ref.patterns !== undefined) {
      if (ref.column !== undefined || ref.values !== undefined) {
        problems.push({
          path: ['sources', i, 'customer_source'],
          message: 'customer_source gives both patterns and a column',
          fix: 'keep patterns (the reference itself tells its source) or column + values (a system column does)',
        });
      }
      ref.patterns.forEach((p, k) => {
        check(p.source, ['sources', i, 'customer_source', 'patterns', k, 'source']);
        const error = regexError(p.match);
        if (error !== null) {
          problems.push({ path: ['sources', i, 'customer_source', 'patterns', k, 'match'], message: `"${p.match}" is not a regular expression: ${error}`, fix: 'write a JavaScript regular expression, e.g. "^M-" or "^[0-9]+$"' });
        }
      });
    } else if (ref.column === undefined || ref.values === undefined) {
      problems.push({
        path: ['sources', i, 'customer_source'],
        message: `customer_source needs ${ref.column === undefined ? 'column' : 'values'} next to ${ref.column === undefined ? 'values' : 'column'}`,
        fix: 'write "customer_source: {column: <system column>, values: {<value>: <source name>}}" or "customer_source: {patterns: [{match: <regex>, source: <source name>}]}"',
      });
    } else
      for (const [value, name] of Object.entries(ref.values))
        check(name, ['sources', i, 'customer_source', 'values', value]);
  });
  return problems;
};

/** exclude_skus: on orders sources that map a sku, each object entry naming what it excludes once. */
const excludeSkusApply: Rule = (config) =>
  config.sources.flatMap((source, i): ConfigProblem[] => {
    if (source.exclude_skus === undefined) return [];
    const path = ['sources', i, 'exclude_skus'];
    if (source.kind !== 'orders') return [{ path, message: `a ${source.kind} source has no order lines to exclude`, fix: 'move exclude_skus to the orders source whose SKUs it names' }];
    const problems: ConfigProblem[] = [];
    if (!('sku' in source.columns)) problems.push({ path, message: 'exclude_skus needs the sku field, which this source does not map', fix: 'add "sku: <column>" under columns' });
    source.exclude_skus.forEach((entry, k) => {
      if (typeof entry === 'string') return;
      const given = (['sku', 'skus', 'pattern'] as const).filter((key) => entry[key] !== undefined);
      if (given.length !== 1) {
        problems.push({
          path: [...path, k],
          message: given.length === 0 ? 'the entry names no SKU' : `the entry has ${given.join(' and ')}: one of them per entry`,
          fix: 'write { sku: POST }, { skus: [POST, DOT] } or { pattern: "gift_*" }, each with its reason',
        });
      }
    });
    return problems;
  });

function regexError(pattern: string): string | null {
  try {
    new RegExp(pattern, 'u');
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

/**
 * as_of and base_currency are needed by what has dates and money: a customers-only pipeline
 * (deduplication) needs neither.
 */
const asOfAndCurrencyWhereNeeded: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  const named = (kinds: readonly string[]) => config.sources.filter((s) => kinds.includes(s.kind)).map((s) => s.name);
  const money = named(['orders', 'fx_rates']);
  if (config.base_currency === '' && money.length > 0) {
    problems.push({ path: ['base_currency'], message: `"base_currency" is required: the pipeline has order or exchange-rate sources (${money.join(', ')})`, fix: 'add base_currency: <ISO 4217 code> (the currency amounts are converted to), e.g. base_currency: EUR' });
  }
  const dated = named(['orders', 'events']);
  if (config.as_of === undefined && dated.length > 0) {
    problems.push({ path: ['as_of'], message: `"as_of" is required: the pipeline has order or event sources (${dated.join(', ')})`, fix: 'add as_of: YYYY-MM-DD (the date the data is seen from), or pass --as-of' });
  }
  return problems;
};

export const RULES: readonly Rule[] = [uniqueSourceNames, columnsFitTheirKind, attributesFitTheirKind, encodingsExist, customerReferencesResolve, excludeSkusApply, asOfAndCurrencyWhereNeeded];

export function checkRules(config: PipelineFileConfig): ConfigProblem[] {
  return RULES.flatMap((rule) => rule(config));
}

export function columnName(spec: ColumnSpec): string {
  return typeof spec === 'string' ? spec : spec.column;
}
