import { basename } from 'node:path';
import { openDatabase } from '../../store/database.js';
import { PIPELINE_SCHEMA } from '../../pipeline/registry.js';
import { databaseError } from '../../util/environment-errors.js';
import { UsageError } from '../../util/errors.js';
import { readExperimentFile } from '../../measure/read-experiment.js';
import { writeCampaignResults } from '../../measure/results-store.js';
import { formatResults } from './measure-format.js';
import { ExitCode } from '../exit-codes.js';

export interface MeasureFlags {
  experiment?: string;
  group?: string;
  control?: string;
  outcome?: string;
  value?: string;
  covariate?: string;
  segment?: string;
  cost?: string;
  clicks?: string;
  campaign?: string;
  db?: string;
  json: boolean;
}

const CONFIDENCE = 0.95;

/** `persona measure --experiment FILE …`: the uplift of each arm over the control, with 95 % intervals. */
export async function measureCommand(flags: MeasureFlags): Promise<number> {
  const missing = (['experiment', 'group', 'control', 'outcome'] as const).filter((f) => flags[f] === undefined || flags[f] === '');
  if (missing.length > 0) throw new UsageError(`measure needs ${missing.map((f) => `--${f}`).join(', ')} (e.g. persona measure --experiment test.csv --group arm --control holdout --outcome converted)`);
  const outcomes = flags.outcome!.split(',').map((o) => o.trim()).filter((o) => o !== '');
  if (outcomes.length === 0) throw new UsageError('--outcome needs at least one column name');
  const campaign = flags.campaign ?? basename(flags.experiment!).replace(/(\.gz)?$/i, '').replace(/\.(csv|tsv|txt)$/i, '');
  const read = await readExperimentFile({
    path: flags.experiment!,
    campaign,
    group: flags.group!,
    control: flags.control!,
    outcomes,
    confidence: CONFIDENCE,
    ...(flags.value === undefined ? {} : { value: flags.value }),
    ...(flags.clicks === undefined ? {} : { clicks: flags.clicks }),
    ...(flags.cost === undefined ? {} : { cost: flags.cost }),
    ...(flags.covariate === undefined ? {} : { covariate: flags.covariate }),
    ...(flags.segment === undefined ? {} : { segment: flags.segment }),
  });
  const results = read.accumulator.results();
  const arms = read.accumulator.arms();
  const kinds = read.accumulator.kinds();
  if (flags.db !== undefined) {
    const db = openDatabase(flags.db, { schema: PIPELINE_SCHEMA });
    try {
      writeCampaignResults(db, campaign, `experiment:${basename(flags.experiment!)}`, CONFIDENCE, results);
    } catch (error) {
      throw databaseError(error, flags.db) ?? error;
    } finally {
      db.close();
    }
  }
  if (flags.json) {
    process.stdout.write(
      JSON.stringify(
        {
          campaign,
          experiment: flags.experiment,
          rows: read.rows,
          control: flags.control,
          arms,
          metrics: read.metrics.map((m, i) => ({ ...m, kind: kinds[i] })),
          covariate: flags.covariate ?? null,
          confidence: CONFIDENCE,
          results,
        },
        null,
        2,
      ) + '\n',
    );
    return ExitCode.Ok;
  }
  const armList = arms.map((a) => `${a.arm} ${a.n.toLocaleString('en-US')}${a.arm === flags.control ? ' (control)' : ''}`).join(', ');
  const named = (kind: string) => read.metrics.filter((_, i) => kinds[i] === kind).map((m) => m.name);
  const methods = [
    ...(named('rate').length ? [`${named('rate').join(', ')}: Newcombe score interval`] : []),
    ...(named('mean').length ? [`${named('mean').join(', ')}: Welch`] : []),
    ...(flags.covariate ? [`adjusted: CUPED by ${flags.covariate}, then Welch`] : []),
  ].join('; ');
  const suppressed = results.filter((r) => r.suppressed === 1 && r.adjusted === 0).length;
  const out = [
    `persona measure: ${campaign} (${read.rows.toLocaleString('en-US')} rows; arms: ${armList})`,
    `95 % intervals: ${methods}`,
    '',
    formatResults(results),
  ];
  if (suppressed > 0) out.push('', `${suppressed} line(s) suppressed: an arm or the control has fewer than 10 people in that segment.`);
  if (flags.db !== undefined) out.push('', `written to campaign_results in ${flags.db}`);
  process.stdout.write(out.join('\n') + '\n');
  return ExitCode.Ok;
}
