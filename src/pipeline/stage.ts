/**
 * What a stage is: a name, how to fingerprint what it depends on, and a run function that writes
 * all its outputs in one transaction (see runStageAtomically).
 */
import type { Logger } from 'pino';
import type { Pipeline } from '../config/load.js';
import type { Db } from '../store/database.js';
import type { StageOutcome } from '../store/ledger.js';
import type { Progress } from './progress.js';

export const STAGE_ORDER = ['collect', 'clean', 'features', 'segment', 'personas', 'campaigns'] as const;
export type StageName = (typeof STAGE_ORDER)[number];

export interface StageInputs {
  /** Named hashes of the stage's inputs beyond upstream stages (e.g. sha256 of source files). */
  readonly inputHashes: Record<string, string>;
  /** The part of the pipeline file this stage reads. */
  readonly config: unknown;
  /** Whether the outputs depend on as_of (collect's do not). */
  readonly usesAsOf: boolean;
}

export interface StageContext {
  readonly db: Db;
  readonly pipeline: Pipeline;
  readonly runId: number;
  readonly logger: Logger;
  readonly progress: Progress;
  /** The input hashes the runner fingerprinted (so a stage never hashes a file twice). */
  readonly inputHashes: Readonly<Record<string, string>>;
}

export interface Stage {
  readonly name: StageName;
  readonly description: string;
  inputs(pipeline: Pipeline): Promise<StageInputs>;
  /**
   * Checks that need the data files but write nothing (e.g. mapped columns exist in the headers).
   * Runs before any stage of the run starts; throws ConfigError.
   */
  preflight?(pipeline: Pipeline): Promise<void>;
  /**
   * Writes the outputs. Called inside an open write transaction that the runner commits together
   * with the ledger's 'success' row: never commit or begin a transaction here.
   */
  run(context: StageContext): Promise<StageOutcome>;
}
