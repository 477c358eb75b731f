/**
 * The `clean:` section of a pipeline file, validated when the clean stage runs.
 */
import { z } from 'zod';
import { SURVIVORSHIP_RULES } from './golden/survivorship.js';
import { ConfigError } from '../config/errors.js';
import { zodIssuesToProblems } from '../config/zod-problems.js';
import type { Pipeline } from '../config/load.js';
import { didYouMean } from '../util/did-you-mean.js';

const ruleSchema = z.union([
  z.enum(SURVIVORSHIP_RULES),
  z.strictObject({ rule: z.enum(SURVIVORSHIP_RULES), priority: z.array(z.string()).min(1).optional() }),
]);

export const IDENTITY_MODES = ['link_and_dedupe', 'link', 'dedupe'] as const;
export const IDENTITY_COMPARISONS = ['auto', 'contacts', 'address'] as const;

export const GOLDEN_FIELDS = [
  'display_name',
  'given_name',
  'family_name',
  'name_original',
  'email',
  'phone',
  'birth_date',
  'gender',
  'city',
  'country',
  'consent_email',
  'consent_sms',
  'consent_push',
  'loyalty_points',
  'birth_year',
] as const;
export type GoldenField = (typeof GOLDEN_FIELDS)[number];

export const cleanSchema = z.strictObject({
  identity: z
    .strictObject({
      /** Pairs at or above this match probability are linked. */
      match_probability: z.number().gt(0).lt(1).default(0.5),
      /** Seed of the random pair sample that estimates u. */
      seed: z.number().int().default(42),
      /**
       * Which pairs of records may be the same person. `link_and_dedupe`: any two records, within a
       * source and across sources. `link`: only records of different sources (each source is known to
       * hold every person at most once). `dedupe`: any two records, the sources taken as one file.
       */
      mode: z.enum(IDENTITY_MODES).default('link_and_dedupe'),
      /**
       * The comparison set (blocking rules and comparisons). `contacts`: names, birth date, e-mail,
       * phone, city (shared contacts are guarded against households and couples). `address`: names,
       * birth date, street number, address lines, city, postcode, state, national id. `auto`:
       * `address` when the customer sources map address or national-id fields and neither e-mail nor
       * phone, otherwise `contacts`.
       */
      comparisons: z.enum(IDENTITY_COMPARISONS).default('auto'),
      /**
       * When identity compares no pair of records, or links none, while there are two or more:
       * `warn` (a note in the run summary and the log) or `fail` (the stage fails, exit 1).
       */
      on_nothing_linked: z.enum(['warn', 'fail']).default('warn'),
      /**
       * The over-merge guards (docs/clean.md). shared_contact: `auto` decides per e-mail and phone
       * from the data whether a shared one is personal or a household's; same_source: `auto` is
       * on when the data shows that a system seldom holds one person twice.
       */
      guards: z
        .strictObject({
          shared_contact: z.union([z.literal('auto'), z.boolean()]).default('auto'),
          same_source: z.union([z.literal('auto'), z.boolean()]).default('auto'),
          chaining: z.boolean().default(true),
          ambiguous: z.boolean().default(true),
          whole_groups: z.boolean().default(true),
        })
        .prefault({}),
    })
    .prefault({}),
  survivorship: z
    .strictObject({
      /** Source names, most trusted first; the default is the order of the sources in the file. */
      priority: z.array(z.string()).optional(),
      default: ruleSchema.default('most_complete'),
      fields: z.partialRecord(z.enum(GOLDEN_FIELDS), ruleSchema).default({}),
      /** Rule per attribute name (sources' attributes); unlisted attributes use most_recent. */
      attributes: z.record(z.string(), ruleSchema).default({}),
    })
    .prefault({}),
  orders: z
    .strictObject({
      /** Remove lines identical in every column to an earlier line (a double load). */
      drop_exact_duplicates: z.boolean().default(true),
    })
    .prefault({}),
  outliers: z
    .strictObject({
      /** A line is an outlier when |quantity| > max(quantity_floor, Q3 + iqr_multiplier × IQR). */
      quantity_floor: z.number().positive().default(50),
      iqr_multiplier: z.number().positive().default(10),
      /** … or its unit price is more than price_ratio times above or below its SKU's median, */
      price_ratio: z.number().gt(1).default(20),
      /** … for SKUs with at least this many priced lines. */
      price_min_sku_lines: z.number().int().positive().default(5),
    })
    .prefault({}),
});
export type CleanConfig = z.infer<typeof cleanSchema>;

/**
 * Defaults for consent are deliberate: the most recent statement of a person's wish wins, so a
 * later opt-out in any system is honoured.
 */
export const DEFAULT_FIELD_RULES: Partial<Record<GoldenField, z.infer<typeof ruleSchema>>> = {
  consent_email: 'most_recent',
  consent_sms: 'most_recent',
  consent_push: 'most_recent',
  email: 'most_frequent',
  phone: 'most_frequent',
  birth_date: 'most_frequent',
  birth_year: 'most_frequent',
  gender: 'most_frequent',
  city: 'most_frequent',
  country: 'most_frequent',
};

/** The keys of the (possibly wrapped) object schema at a path of the clean section. */
function keysOfSchemaAt(path: readonly (string | number)[]): string[] {
  type Node = { _zod: { def: { type: string; innerType?: Node; shape?: Record<string, Node> } } };
  const unwrap = (node: Node): Node => {
    let n = node;
    while (n._zod.def.innerType !== undefined) n = n._zod.def.innerType;
    return n;
  };
  let node: Node | undefined = unwrap(cleanSchema as unknown as Node);
  for (const key of path) {
    const shape: Record<string, Node> | undefined = node?._zod.def.shape;
    node = shape !== undefined && typeof key === 'string' && shape[key] !== undefined ? unwrap(shape[key]) : undefined;
  }
  return node?._zod.def.type === 'object' ? Object.keys(node._zod.def.shape ?? {}) : [];
}

export function cleanConfigOf(pipeline: Pipeline): CleanConfig {
  const parsed = cleanSchema.safeParse(pipeline.config.clean ?? {});
  if (!parsed.success) {
    const problems = zodIssuesToProblems(parsed.error.issues, pipeline.config.clean).map((p) => {
      // The shared translator knows the keys of the top level and of sources only: name the
      // allowed keys of the clean section here.
      const key = p.path[p.path.length - 1];
      if (p.message.startsWith('unknown key') && typeof key === 'string') {
        const allowed = keysOfSchemaAt(p.path.slice(0, -1));
        const guess = didYouMean(key, allowed);
        if (allowed.length > 0) return { ...p, path: ['clean', ...p.path], fix: guess ? `did you mean "${guess}"?` : `allowed keys here: ${allowed.join(', ')}` };
      }
      return { ...p, path: ['clean', ...p.path] };
    });
    throw new ConfigError(pipeline.file, problems);
  }
  const sources = pipeline.sources.map((s) => s.name);
  const unknown = (parsed.data.survivorship.priority ?? []).filter((name) => !sources.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(pipeline.file, [
      { path: ['clean', 'survivorship', 'priority'], message: `no source is named ${unknown.map((u) => `"${u}"`).join(', ')}`, fix: `use source names: ${sources.join(', ')}` },
    ]);
  }
  const attributeNames = [...new Set(pipeline.sources.filter((s) => s.kind === 'customers').flatMap((s) => Object.keys(s.attributes ?? {})))];
  const unknownAttributes = Object.keys(parsed.data.survivorship.attributes).filter((name) => !attributeNames.includes(name));
  if (unknownAttributes.length > 0) {
    throw new ConfigError(
      pipeline.file,
      unknownAttributes.map((name) => {
        const guess = didYouMean(name, attributeNames);
        return {
          path: ['clean', 'survivorship', 'attributes', name],
          message: `no customers source declares the attribute "${name}"`,
          fix: guess ? `did you mean "${guess}"?` : attributeNames.length > 0 ? `attributes: ${attributeNames.join(', ')}` : 'declare it under a customers source\'s attributes',
        };
      }),
    );
  }
  const customerSources = pipeline.sources.filter((s) => s.kind === 'customers').map((s) => s.name);
  if (parsed.data.identity.mode === 'link' && customerSources.length < 2) {
    throw new ConfigError(pipeline.file, [
      {
        path: ['clean', 'identity', 'mode'],
        message: `link compares records of different customer sources only, and this pipeline has ${customerSources.length === 0 ? 'none' : `one (${customerSources[0]})`}`,
        fix: 'use mode: dedupe (or link_and_dedupe) to find duplicates within one source',
      },
    ]);
  }
  return parsed.data;
}
