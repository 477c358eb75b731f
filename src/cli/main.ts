/**
 * The persona command line. Commands are thin: they parse flags, call the pipeline API and map
 * the outcome to an exit code (0 ok, 1 runtime failure, 2 usage or config error).
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { statusCommand } from './commands/status.js';
import { explainCommand } from './commands/explain.js';
import { reportCommand, showCommand } from './commands/personas.js';
import { measureCommand } from './commands/measure.js';
import { explainFault, isExplained } from '../util/environment-errors.js';
import type { LogFormat } from './logger.js';

export interface GlobalOptions {
  logFormat: LogFormat;
  logLevel: string;
  /** Show stack traces (of every error, in the logs and on stderr). */
  debug: boolean;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('persona')
    .description('Turns raw customer data into customer profiles, personas and campaign audiences.')
    .version(VERSION)
    .addOption(new Option('--log-format <format>', 'log lines as json or readable text (auto: text on a terminal)').choices(['auto', 'json', 'pretty']).default('auto'))
    .addOption(new Option('--log-level <level>', 'least severe log level shown').choices(['debug', 'info', 'warn', 'error', 'silent']).default('info'))
    .option('--debug', 'show the stack trace of an error (for a bug report)', false)
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

  program
    .command('report')
    .description('write the persona cards (Markdown) and report.html from the personas stage\'s tables')
    .option('--db <file>', 'SQLite database')
    .option('--pipeline <file>', 'pipeline file (its database and personas.out are used)')
    .option('--out <dir>', 'folder to write to (default: personas.out of the pipeline, or ./personas)')
    .action(async (options) => {
      setExit(await reportCommand(options));
    });

  program
    .command('show')
    .description('show results in the terminal: "show personas" lists each persona, its size, value held, top traits and approach')
    .argument('<what>', 'what to show: personas')
    .option('--db <file>', 'SQLite database')
    .option('--pipeline <file>', 'pipeline file (its database is used)')
    .action(async (what: string, options) => {
      setExit(await showCommand(what, options));
    });

  program
    .command('measure')
    .description("measure an experiment: each arm's uplift over the control in every outcome, with 95 % intervals, p-values, and a CUPED adjustment by a pre-period covariate")
    .requiredOption('--experiment <file>', 'CSV file (gzip detected) with one row per person: arm, outcomes, …')
    .requiredOption('--group <column>', "column holding each person's arm")
    .requiredOption('--control <value>', 'the arm every other arm is compared with (the holdout)')
    .requiredOption('--outcome <columns>', 'comma-separated 0/1 outcome columns (converted, visited); other numbers are compared as means')
    .option('--value <column>', 'revenue per person (compared as a mean; gives incremental revenue and ROI)')
    .option('--covariate <column>', 'a pre-period number per person (spend before the campaign) for the CUPED adjustment')
    .option('--segment <column>', 'also measure per value of this column (a persona, a channel)')
    .option('--cost <column>', 'cost per person (ROI and cost per incremental conversion)')
    .option('--clicks <column>', '0/1 clicked: its rate per arm is the CTR')
    .option('--campaign <name>', 'name of the result in campaign_results (default: the file name)')
    .option('--db <file>', 'also write table campaign_results in this SQLite database')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (options) => {
      setExit(await measureCommand(options));
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
    const fault = explainFault(error);
    if (argv.includes('--debug')) process.stderr.write(`persona: ${stackOf(fault)}\n`);
    else if (isExplained(fault)) process.stderr.write(`persona: ${(fault as Error).message}\n`);
    else {
      // Not a fault of the data, the config or the machine: a bug. One line; --debug shows where.
      const message = fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault);
      process.stderr.write(`persona: unexpected error: ${message} (run again with --debug for the stack trace, and report it)\n`);
    }
    return exitCodeOf(fault);
  }
}

/** The stack of an error and of its causes (an explained fault keeps the original as its cause). */
function stackOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = error.stack ?? `${error.name}: ${error.message}`;
  return error.cause === undefined ? own : `${own}\ncaused by: ${stackOf(error.cause)}`;
}
