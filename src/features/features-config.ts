/**
 * The `features:` section of a pipeline file, validated with zod when the stage plans, runs or
 * is validated, with defaults for everything (the section may be absent). Tag conditions are
 * parsed here, so a typo in `features.tags[2].when` is a config error (exit 2) that names the
 * tag, the column in the condition and the feature it meant.
 */
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import { zodIssuesToProblems } from '../config/zod-problems.js';
import type { Pipeline } from '../config/load.js';
import { didYouMean } from '../util/did-you-mean.js';
import { FEATURE_COLUMNS, SHARE_DIMENSIONS } from './columns.js';
import { parseCondition, TagExprError, type Condition, type TagVocabulary } from './tag-expr.js';
import { tierLevelProblems, type TierLevel } from './tiers.js';
import type { LifecycleRule } from './lifecycle.js';
import type { SourceConfig } from '../config/schema.js';
import { attributeFeatureTypes, attributeValueKind, orderShareDimensions } from './attribute-features.js';

const NAME = /^[a-z][a-z0-9_-]*$/;
const nameSchema = z.string().regex(NAME, 'expected a lower-case name: letters, digits, _ and -, starting with a letter');

export const DEFAULT_TIER_LEVELS = [
  { name: 'bronze', min_spend: 0, min_orders: 1 },
  { name: 'silver', min_spend: 2000, min_orders: 3 },
  { name: 'gold', min_spend: 8000, min_orders: 6 },
  { name: 'platinum', min_spend: 20000, min_orders: 12 },
];

const tierLevelSchema = z.strictObject({
  name: nameSchema,
  /** Net spend over the window in the base currency, at least. */
  min_spend: z.number().default(0),
  /** Completed orders over the window, at least. */
  min_orders: z.number().int().min(0).default(0),
});

export const featuresSchema = z.strictObject({
  tiers: z
    .strictObject({
      window_days: z.number().int().positive().default(365),
      levels: z.array(tierLevelSchema).min(1, 'list at least one level').default(DEFAULT_TIER_LEVELS),
    })
    .prefault({}),
  lifecycle: z
    .strictObject({
      active_factor: z.number().positive().default(1.5),
      at_risk_factor: z.number().positive().default(3),
      lapsed_factor: z.number().positive().default(6),
      new_factor: z.number().min(0).default(2),
      new_max_purchase_days: z.number().int().min(0).default(2),
      own_rhythm_min_purchase_days: z.number().int().min(2).default(3),
      prior_weight: z.number().min(0).default(2),
      /** Population gap when no customer has two purchase days yet. */
      default_gap_days: z.number().positive().default(30),
    })
    .prefault({}),
  events: z
    .strictObject({
      cart_event_types: z.array(z.string().trim().min(1)).min(1).default(['add_to_cart']),
      cart_purchase_window_days: z.number().int().positive().default(7),
    })
    .prefault({}),
  tags: z
    .array(
      z.strictObject({
        name: nameSchema,
        when: z.string(),
        weight: z.number().min(0).max(1).default(1),
      }),
    )
    .default([]),
});
export type FeaturesConfig = z.infer<typeof featuresSchema>;

/** The allowed keys at a path inside `features:` (for did-you-mean on unknown keys). */
const KEYS_AT: Record<string, readonly string[]> = {
  '': ['tiers', 'lifecycle', 'events', 'tags'],
  tiers: ['window_days', 'levels'],
  'tiers.levels.#': ['name', 'min_spend', 'min_orders'],
  lifecycle: ['active_factor', 'at_risk_factor', 'lapsed_factor', 'new_factor', 'new_max_purchase_days', 'own_rhythm_min_purchase_days', 'prior_weight', 'default_gap_days'],
  events: ['cart_event_types', 'cart_purchase_window_days'],
  'tags.#': ['name', 'when', 'weight'],
};

export const TAG_VOCABULARY: TagVocabulary = {
  features: new Map(FEATURE_COLUMNS.map((c) => [c.name, c.kind])),
  shareDimensions: SHARE_DIMENSIONS,
};

/** The vocabulary of a pipeline: the features columns, plus attr.<name> and order-attribute share dimensions. */
export function tagVocabularyOf(sources: readonly Pick<SourceConfig, 'kind' | 'attributes'>[]): TagVocabulary {
  const attributes = attributeFeatureTypes(sources);
  if (attributes.size === 0) return TAG_VOCABULARY;
  const features = new Map(TAG_VOCABULARY.features);
  for (const [name, type] of attributes) features.set(`attr.${name}`, attributeValueKind(type));
  return { features, shareDimensions: [...SHARE_DIMENSIONS, ...orderShareDimensions(sources)] };
}

export interface ResolvedTag {
  readonly name: string;
  readonly when: string;
  readonly weight: number;
  readonly condition: Condition;
}

export interface ResolvedFeaturesConfig {
  /** The validated section with defaults filled in (this is what the stage fingerprints). */
  readonly config: FeaturesConfig;
  readonly tierLevels: readonly TierLevel[];
  readonly lifecycle: LifecycleRule;
  readonly tags: readonly ResolvedTag[];
}

function unknownKeyProblems(issue: z.core.$ZodIssue): ConfigProblem[] | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const at = issue.path.map((p) => (typeof p === 'number' ? '#' : String(p))).join('.');
  const allowed = KEYS_AT[at] ?? [];
  return issue.keys.map((key) => {
    const guess = didYouMean(key, allowed);
    return {
      path: ['features', ...(issue.path as (string | number)[]), key],
      message: `unknown key "${key}"`,
      fix: guess ? `did you mean "${guess}"?` : `allowed keys here: ${allowed.join(', ')}`,
    };
  });
}

/** Validates a `features:` value; returns the problems (paths start with 'features'). */
export function checkFeaturesSection(raw: unknown, sources: readonly Pick<SourceConfig, 'kind' | 'attributes'>[] = []): { resolved?: ResolvedFeaturesConfig; problems: ConfigProblem[] } {
  const vocabulary = tagVocabularyOf(sources);
  const parsed = featuresSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap(
      (issue) => unknownKeyProblems(issue) ?? zodIssuesToProblems([issue], raw).map((p) => ({ ...p, path: ['features', ...p.path] })),
    );
    return { problems };
  }
  const config = parsed.data;
  const problems: ConfigProblem[] = [];

  const tierLevels: TierLevel[] = config.tiers.levels.map((l) => ({ name: l.name, minSpend: l.min_spend, minOrders: l.min_orders }));
  for (const p of tierLevelProblems(tierLevels)) problems.push({ path: ['features', 'tiers', 'levels', p.index], message: p.message, fix: 'list the levels from lowest to highest' });

  const lc = config.lifecycle;
  if (!(lc.active_factor < lc.at_risk_factor && lc.at_risk_factor < lc.lapsed_factor)) {
    problems.push({
      path: ['features', 'lifecycle'],
      message: `the factors must grow: active_factor ${lc.active_factor} < at_risk_factor ${lc.at_risk_factor} < lapsed_factor ${lc.lapsed_factor}`,
      fix: 'e.g. active_factor: 1.5, at_risk_factor: 3, lapsed_factor: 6',
    });
  }

  const tags: ResolvedTag[] = [];
  const seen = new Map<string, number>();
  config.tags.forEach((tag, index) => {
    const first = seen.get(tag.name);
    if (first !== undefined) {
      problems.push({ path: ['features', 'tags', index, 'name'], message: `tag "${tag.name}" is already defined at features.tags[${first}]`, fix: 'give each tag its own name' });
    } else {
      seen.set(tag.name, index);
    }
    try {
      tags.push({ name: tag.name, when: tag.when, weight: tag.weight, condition: parseCondition(tag.when, vocabulary) });
    } catch (error) {
      if (!(error instanceof TagExprError)) throw error;
      problems.push({
        path: ['features', 'tags', index, 'when'],
        message: `${error.message} (at character ${error.column} of "${tag.when}")`,
        ...(error.fix ? { fix: error.fix } : {}),
      });
    }
  });

  if (problems.length > 0) return { problems };
  return {
    problems,
    resolved: {
      config,
      tierLevels,
      lifecycle: {
        activeFactor: lc.active_factor,
        atRiskFactor: lc.at_risk_factor,
        lapsedFactor: lc.lapsed_factor,
        newFactor: lc.new_factor,
        newMaxPurchaseDays: lc.new_max_purchase_days,
        ownRhythmMinPurchaseDays: lc.own_rhythm_min_purchase_days,
        priorWeight: lc.prior_weight,
      },
      tags,
    },
  };
}

/** The validated `features:` section of a pipeline; throws ConfigError (exit 2). */
export function featuresConfigOf(pipeline: Pipeline): ResolvedFeaturesConfig {
  const { resolved, problems } = checkFeaturesSection(pipeline.config.features, pipeline.sources);
  if (!resolved) throw new ConfigError(pipeline.file, problems);
  return resolved;
}
