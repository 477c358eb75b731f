/**
 * The `personas:` section of a pipeline file, validated when the personas stage runs (and by
 * `persona validate` through preflight). Every key has a default.
 *
 * ```yaml
 * personas:
 *   language: en               # en | zh: names, stories, cards and the report
 *   min_group_size: 10         # no figure about fewer customers appears anywhere
 *   out: personas              # folder of the cards and report, relative to the database's folder
 *   names:                     # first rule that holds names the persona
 *     - { name: Beauty loyalists, when: { top_category: beauty } }
 *     - { name: Our VIPs, persona: P3 }
 * ```
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { zodIssuesToProblems } from '../config/zod-problems.js';
import type { Pipeline } from '../config/load.js';

/** Categorical features a naming rule may test (their most common value in the persona). */
export const RULE_FEATURES = ['top_category', 'top_channel', 'lifecycle_stage', 'tier', 'age_band', 'gender', 'city', 'rfm_segment'] as const;

const nameRule = z.strictObject({
  name: z.string().min(1),
  when: z.partialRecord(z.enum(RULE_FEATURES), z.string().min(1)).optional(),
  persona: z.string().regex(/^P\d+$/, 'a persona id like P3').optional(),
}).refine((r) => r.when !== undefined || r.persona !== undefined, { message: 'a naming rule needs `when` or `persona`' });

export const personasSchema = z.strictObject({
  language: z.enum(['en', 'zh']).default('en'),
  min_group_size: z.number().int().min(1).default(10),
  out: z.string().min(1).default('personas'),
  names: z.array(nameRule).default([]),
});

export type PersonasConfig = z.infer<typeof personasSchema>;
export type NameRule = PersonasConfig['names'][number];

export function parsePersonasConfig(section: unknown, file = '(pipeline)'): PersonasConfig {
  const parsed = personasSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const problems = zodIssuesToProblems(parsed.error.issues, section).map((p) => ({ ...p, path: ['personas', ...p.path] }));
    throw new ConfigError(file, problems);
  }
  return parsed.data;
}

export function personasConfigOf(pipeline: Pipeline): PersonasConfig {
  return parsePersonasConfig(pipeline.config.personas, pipeline.file);
}

/** The folder cards and the report are written to. */
export function reportFolder(pipeline: Pipeline, config: PersonasConfig): string {
  return isAbsolute(config.out) ? config.out : resolve(dirname(pipeline.databasePath), config.out);
}
