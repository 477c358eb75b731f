import { loadPipeline } from '../../config/load.js';
import { STAGES } from '../../pipeline/registry.js';
import { ExitCode } from '../exit-codes.js';

/** Config and data-file checks with no writes; problems throw ConfigError (exit 2). */
export async function validateCommand(file: string): Promise<number> {
  const pipeline = loadPipeline(file);
  for (const stage of STAGES) await stage.preflight?.(pipeline);
  const sources = pipeline.sources.map((s) => `  ${s.name} (${s.kind}): ${s.absolutePath}`).join('\n');
  process.stdout.write(`${file}: ok (as_of ${pipeline.asOf === '' ? 'none' : pipeline.asOf}, database ${pipeline.databasePath})\n${sources}\n`);
  return ExitCode.Ok;
}
