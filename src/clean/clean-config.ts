/**
 * The `clean:` section of a pipeline file, validated when the clean stage runs.
 */
import { z } from 'zod';
import { SURVIVORSHIP_RULES } from './golden/survivorship.js';
import { ConfigError } from '../config/errors.js';
import { zodIssuesToProblems } from '../config/zod-problems.js';
import type { Pipeline } from '../config/load.js';

const ruleSchema = z.union([
  z.enum(SURVIVORSHIP_RULES),
  z.strictObject({ rule: z.enum(SURVIVORSHIP_RULES), priority: z.array(z.string()).min(1).optional() }),
]);

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
] as const;
export type GoldenField = (typeof GOLDEN_FIELDS)[number];

export const cleanSchema = z.strictObject({
  identity: z
    .strictObject({
      /** Pairs at or above this match probability are linked. */
      match_probability: z.number().gt(0).lt(1).default(0.5),
      /** Seed of the random pair sample that estimates u. */
      seed: z.number().int().default(42),
    })
    .prefault({}),
  survivorship: z
    .strictObject({
      /** Source names, most trusted first; the default is the order of the sources in the file. */
      priority: z.array(z.string()).optional(),
      default: ruleSchema.default('most_complete'),
      fields: z.partialRecord(z.enum(GOLDEN_FIELDS), ruleSchema).default({}),
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
  gender: 'most_frequent',
  city: 'most_frequent',
  country: 'most_frequent',
};

export function cleanConfigOf(pipeline: Pipeline): CleanConfig {
  const parsed = cleanSchema.safeParse(pipeline.config.clean ?? {});
  if (!parsed.success) {
    const problems = zodIssuesToProblems(parsed.error.issues, pipeline.config.clean).map((p) => ({ ...p, path: ['clean', ...p.path] }));
    throw new ConfigError(pipeline.file, problems);
  }
  const sources = pipeline.sources.map((s) => s.name);
  const unknown = (parsed.data.survivorship.priority ?? []).filter((name) => !sources.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(pipeline.file, [
      { path: ['clean', 'survivorship', 'priority'], message: `no source is named ${unknown.map((u) => `"${u}"`).join(', ')}`, fix: `use source names: ${sources.join(', ')}` },
    ]);
  }
  return parsed.data;
}
