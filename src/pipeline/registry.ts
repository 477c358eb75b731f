import type { Stage, StageName } from './stage.js';
import { collectStage } from '../collect/collect-stage.js';
import { cleanStage } from '../clean/clean-stage.js';
import { featuresStage } from '../features/features-stage.js';
import { segmentStage } from '../segment/segment-stage.js';
import { personasStage } from '../personas/personas-stage.js';

/** Stages that exist, in pipeline order. */
export const STAGES: readonly Stage[] = [collectStage, cleanStage, featuresStage, segmentStage, personasStage];

export function implementedStageNames(): StageName[] {
  return STAGES.map((s) => s.name);
}
