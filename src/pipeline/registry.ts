import type { Stage, StageName } from './stage.js';
import type { StageSchema } from '../store/migrations.js';
import { COLLECT_SCHEMA } from '../collect/schema.js';
import { CLEAN_SCHEMA } from '../clean/schema.js';
import { FEATURES_SCHEMA } from '../features/schema.js';
import { SEGMENT_SCHEMA } from '../segment/schema.js';
import { PERSONAS_SCHEMA } from '../personas/schema.js';
import { MEASURE_SCHEMA } from '../measure/schema.js';
import { collectStage } from '../collect/collect-stage.js';
import { cleanStage } from '../clean/clean-stage.js';
import { featuresStage } from '../features/features-stage.js';
import { segmentStage } from '../segment/segment-stage.js';
import { personasStage } from '../personas/personas-stage.js';

/** Stages that exist, in pipeline order. */
export const STAGES: readonly Stage[] = [collectStage, cleanStage, featuresStage, segmentStage, personasStage];

/**
 * The tables of every stage, in pipeline order: a database opened for writing gets all of them
 * (the store runs their migrations in id order), whichever stages a run selects.
 */
export const PIPELINE_SCHEMA: readonly StageSchema[] = [COLLECT_SCHEMA, CLEAN_SCHEMA, FEATURES_SCHEMA, SEGMENT_SCHEMA, PERSONAS_SCHEMA, MEASURE_SCHEMA];

export function implementedStageNames(): StageName[] {
  return STAGES.map((s) => s.name);
}
