/**
 * The persona command line. Commands are thin: they parse flags, call the pipeline API and map
 * the outcome to an exit code (0 ok, 1 runtime failure, 2 usage or config error).
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { ExitCode } from './exit-codes.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { statusCommand } from './commands/status.js';
import { explainCommand } from './commands/explain.js';
import { ConfigError } from '../config/errors.js';
import { UsageError } from '../util/errors.js';
import type { LogFormat } from './logger.js';

export interface GlobalOptions {
  logFormat: LogFormat;
  logLevel: string;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('persona')
    .description('Turns raw customer data into customer profiles, personas and campaign audiences.')
    .version(VERSION)
    .addOption(new Option('--log-format <format>', 'log lines as json or readable text (auto: text on a terminal)').choices(['auto', 'json', 'pretty']).default('auto'))
    .addOption(new Option('--log-level <level>', 'least severe log level shown').choices(['debug', 'info', 'warn', 'error', 'silent']).default('info'))
    .showHelpAfterError('(run persona --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description('run the pipeline: stages that are up to date are skipped, a failed or killed run resumes')
    .argument('<pipeline>', 'pipeline file (.yml or .json)')
    .option('--db <file>', 'SQLite database (default: database in the pipeline file)')
    .option('--as-of <date>', 'the date the data is seen from, YYYY-MM-DD (default: as_of in the pipeline file)')
    .option('--from <stage>', 'first stage to run')
    .option('--to <stage>', 'last stage to run')
    .option('--only <stage>', 'run just this stage')
    .option('--force', 'run the selected stages even when they are up to date', false)
    .option('--dry-run', 'say what would run, write nothing', false)
    .action(async (pipeline: string, options, command: Command) => {
      setExit(await runCommand(pipeline, options, command.optsWithGlobals() as GlobalOptions, process.argv.slice(2)));
    });

  program
    .command('validate')
    .description('check the pipeline file and that every source exists with its mapped columns; writes nothing')
    .argument('<pipeline>', 'pipeline file (.yml or .json)')
    .action(async (pipeline: string) => {
      setExit(await validateCommand(pipeline));
    });

  program
    .command('status')
    .description("each stage's last run: status, when, rows, rejects, field and data issues, duration, notes, and whether it is up to date")
    .argument('[pipeline]', 'pipeline file: also tells whether each stage is up to date with its inputs')
    .option('--db <file>', 'SQLite database (default: database in the pipeline file)')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (pipeline: string | undefined, options) => {
      setExit(await statusCommand(pipeline, options));
    });

  program
    .command('explain')
    .description('explain a result: "explain customer ID" shows its source records, why they were linked, where each golden value came from, and its features, tags, RFM segment, cluster and CLV')
    .argument('<kind>', 'what to explain: customer')
    .argument('<id>', 'a customer id (C00000042), or a source record as SOURCE:ID (crm:CRM-20017)')
    .option('--db <file>', 'SQLite database')
    .option('--pipeline <file>', 'pipeline file (its database is used)')
    .option('--json', 'print JSON', false)
    .action(async (kind: string, id: string, options) => {
      setExit(await explainCommand(kind, id, options));
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.UsageOrConfig;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`persona: ${error.message}\n`);
      return ExitCode.UsageOrConfig;
    }
    process.stderr.write(`persona: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.RuntimeFailure;
  }
}
