/**
 * Turns zod issues into config problems a person can act on: the allowed keys near a typo,
 * the accepted values of an enum, and what a column mapping may look like.
 */
import type { z } from 'zod';
import type { ConfigProblem } from './errors.js';
import { didYouMean } from '../util/did-you-mean.js';

const TOP_KEYS = ['version', 'name', 'description', 'as_of', 'database', 'base_currency', 'sources', 'clean', 'features', 'segment', 'personas', 'campaigns'];
const SOURCE_KEYS = ['name', 'kind', 'path', 'encoding', 'delimiter', 'quote', 'default_region', 'timezone', 'currency', 'customer_source', 'columns', 'attributes', 'null_values'];
const COLUMN_KEYS = ['column', 'formats', 'timezone', 'true', 'false', 'decimal_comma', 'values', 'as_integer'];
const CUSTOMER_SOURCE_KEYS = ['column', 'values', 'patterns'];
const ATTRIBUTE_KEYS = ['column', 'type', 'formats', 'true', 'false', 'decimal_comma', 'values'];

type Path = (string | number)[];

function keysAllowedAt(path: Path): string[] {
  if (path.length === 0) return TOP_KEYS;
  if (path.length === 2 && path[0] === 'sources') return SOURCE_KEYS;
  if (path.length === 4 && path[2] === 'columns') return COLUMN_KEYS;
  if (path.length === 3 && path[2] === 'customer_source') return CUSTOMER_SOURCE_KEYS;
  if (path.length === 4 && path[2] === 'attributes') return ATTRIBUTE_KEYS;
  return [];
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function zodIssuesToProblems(issues: readonly z.core.$ZodIssue[], root: unknown): ConfigProblem[] {
  return issues.flatMap((issue) => toProblems(issue, root));
}

function toProblems(issue: z.core.$ZodIssue, root: unknown): ConfigProblem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as Path;
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAllowedAt(path);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, allowed);
        return {
          path: [...path, key],
          message: `unknown key "${key}"`,
          fix: guess ? `did you mean "${guess}"?` : `allowed keys here: ${allowed.join(', ')}`,
        };
      });
    }
    case 'invalid_type':
      if (value === undefined) {
        return [{ path, message: `"${String(path[path.length - 1])}" is required (expected ${issue.expected})`, fix: `add ${String(path[path.length - 1])}` }];
      }
      return [{ path, message: `expected ${issue.expected}, got ${describe(value)}` }];
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return [
        {
          path,
          message: `${describe(value)} is not allowed`,
          fix: guess ? `did you mean "${guess}"? (allowed: ${allowed.join(', ')})` : `use one of: ${allowed.join(', ')}`,
        },
      ];
    }
    case 'invalid_union': {
      // A column mapping is a column name or a mapping of options: explain the branch the user chose.
      if (value !== null && typeof value === 'object') {
        const objectBranch = issue.errors.find((branch) => branch.length > 0 && !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
        if (objectBranch) return objectBranch.flatMap((inner) => toProblems({ ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, root));
      }
      return [
        {
          path,
          message: `expected a column name or a mapping with "column:", got ${describe(value)}`,
          fix: 'write e.g. `email: Email` or `birth_date: {column: Birthdate, formats: [YYYY-MM-DD]}`',
        },
      ];
    }
    default:
      return [{ path, message: `${issue.message}${value !== undefined ? ` (got ${describe(value)})` : ''}` }];
  }
}
