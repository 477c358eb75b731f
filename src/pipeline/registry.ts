import type { Stage, StageName } from './stage.js';
import { collectStage } from '../collect/collect-stage.js';

/** Stages that exist, in pipeline order. Later issues add clean, features, segment, … */
export const STAGES: readonly Stage[] = [collectStage];

export function implementedStageNames(): StageName[] {
  return STAGES.map((s) => s.name);
}
