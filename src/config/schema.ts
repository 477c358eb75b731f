/**
 * The pipeline file's shape (zod). Structural checks live here; cross-field rules that need the
 * whole file (unknown canonical fields, customer_source references, duplicate names) live in
 * rules.ts so each rule can produce its own message with a fix.
 */
import { z } from 'zod';
import { SOURCE_KINDS } from './canonical-fields.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'expected a real calendar date',
  });

/** `+08:00`, `-05:30`, `Z` or `UTC`: the offset of timestamps written without one. */
export const timezoneSchema = z
  .string()
  .regex(/^(Z|UTC|[+-](0\d|1[0-4]):[0-5]\d)$/, 'expected a fixed UTC offset such as "+08:00", "-05:00" or "UTC"');

const columnOptions = z.strictObject({
  column: z.string().min(1, 'the column name cannot be empty'),
  formats: z.array(z.string().min(1)).min(1).optional(),
  timezone: timezoneSchema.optional(),
  true: z.array(z.string()).min(1).optional(),
  false: z.array(z.string()).min(1).optional(),
  decimal_comma: z.boolean().optional(),
  values: z.record(z.string(), z.string()).optional(),
  as_integer: z.boolean().optional(),
});
export type ColumnOptions = z.infer<typeof columnOptions>;

const columnSpec = z.union([z.string().min(1, 'the column name cannot be empty'), columnOptions]);
export type ColumnSpec = z.infer<typeof columnSpec>;

/**
 * A column kept as a typed attribute (income, education, a campaign response flag, a store):
 * any column persona has no canonical field for. Same column options as the canonical fields.
 */
export const ATTRIBUTE_TYPES = ['number', 'category', 'boolean', 'date', 'year'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

const attributeSpec = z.strictObject({
  column: z.string().min(1, 'the column name cannot be empty'),
  type: z.enum(ATTRIBUTE_TYPES),
  formats: z.array(z.string().min(1)).min(1).optional(),
  true: z.array(z.string()).min(1).optional(),
  false: z.array(z.string()).min(1).optional(),
  decimal_comma: z.boolean().optional(),
  values: z.record(z.string(), z.string()).optional(),
});
export type AttributeSpec = z.infer<typeof attributeSpec>;

/**
 * Which customers source a customer_ref belongs to, per row: by a system column (`column` +
 * `values`), or by the reference's own pattern (`patterns`: the first regular expression that
 * matches the reference names its source). rules.ts checks that exactly one form is given.
 */
const customerSourceFromColumn = z.strictObject({
  column: z.string().min(1).optional(),
  values: z.record(z.string(), z.string()).optional(),
  patterns: z.array(z.strictObject({ match: z.string().min(1), source: z.string().min(1) })).min(1).optional(),
});

/** An exclude_skus entry: an exact SKU, or SKUs / a glob pattern with the reason they are not merchandise. */
const excludeSkuEntry = z.union([
  z.string().min(1, 'the SKU cannot be empty'),
  z.strictObject({
    sku: z.string().min(1).optional(),
    skus: z.array(z.string().min(1)).min(1).optional(),
    pattern: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
  }),
]);

const sourceSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name of letters, digits and _ starting with a letter'),
  kind: z.enum(SOURCE_KINDS),
  path: z.string().min(1),
  encoding: z.string().default('utf-8'),
  delimiter: z.string().length(1, 'expected one character').optional(),
  quote: z.string().length(1, 'expected one character').optional(),
  default_region: z
    .string()
    .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 country code such as "CN" or "GB"')
    .optional(),
  timezone: timezoneSchema.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as "CNY"').optional(),
  customer_source: z.union([z.string().min(1), customerSourceFromColumn]).optional(),
  columns: z.record(z.string(), columnSpec),
  /** Attribute name → the column it is read from and its type (customers and orders sources). */
  attributes: z.record(z.string(), attributeSpec).optional(),
  /** Values that mean "missing" in this file (they become null without a field issue). */
  null_values: z.array(z.string()).optional(),
  /** Orders sources: lines that are not merchandise (postage, fees), kept out of orders and revenue. */
  exclude_skus: z.array(excludeSkuEntry).optional(),
});
export type SourceConfig = z.infer<typeof sourceSchema>;

/** Stage sections are open maps for now: each stage validates its own section when it runs. */
const stageSection = z.record(z.string(), z.unknown()).optional();

export const pipelineSchema = z.strictObject({
  version: z.literal(1).default(1),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Required when the pipeline has orders or events (rules.ts), and by the stages that use it (runner.ts). */
  as_of: isoDate.optional(),
  database: z.string().min(1),
  /** Required when the pipeline has orders or exchange rates (rules.ts); '' when a customers-only pipeline leaves it out. */
  base_currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as "CNY"').default(''),
  sources: z.array(sourceSchema).min(1, 'a pipeline needs at least one source'),
  clean: stageSection,
  features: stageSection,
  segment: stageSection,
  personas: stageSection,
  campaigns: stageSection,
});
export type PipelineFileConfig = z.infer<typeof pipelineSchema>;
