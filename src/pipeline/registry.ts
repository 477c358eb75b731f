import type { Stage, StageName } from './stage.js';
import { collectStage } from '../collect/collect-stage.js';
import { cleanStage } from '../clean/clean-stage.js';

/** Stages that exist, in pipeline order. */
export const STAGES: readonly Stage[] = [collectStage, cleanStage];

export function implementedStageNames(): StageName[] {
  return STAGES.map((s) => s.name);
}
