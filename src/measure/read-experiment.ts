/**
 * Reads an experiment file: one row per person with its arm, outcomes, and optionally a segment,
 * a pre-period covariate, a cost and a clicks column. The file is streamed through collect's
 * reader (gzip detected from the bytes, a BOM dropped, quoted fields, bad lines reported) into an
 * ExperimentAccumulator, so memory stays flat whatever its size. A file that cannot be measured
 * as asked (a missing column, a control value no row has, a value that is not a number) stops
 * with one line naming the file, line and column.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { openSource } from '../collect/open-source-stream.js';
import { readCsvSource } from '../collect/read-csv.js';
import { cleanHeader } from '../collect/source-reader.js';
import { didYouMean } from '../util/did-you-mean.js';
import { sourceFileError } from '../util/environment-errors.js';
import { DataError, UsageError } from '../util/errors.js';
import { ExperimentAccumulator, type MetricSpec } from './experiment.js';

export interface ExperimentFile {
  readonly path: string;
  readonly campaign: string;
  readonly group: string;
  readonly control: string;
  readonly outcomes: readonly string[];
  readonly value?: string;
  readonly clicks?: string;
  readonly cost?: string;
  readonly covariate?: string;
  readonly segment?: string;
  readonly confidence?: number;
}

export interface ExperimentRead {
  readonly accumulator: ExperimentAccumulator;
  readonly metrics: readonly MetricSpec[];
  /** Data rows read (header excluded). */
  readonly rows: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function metricsOf(file: Pick<ExperimentFile, 'outcomes' | 'value' | 'clicks'>): MetricSpec[] {
  return [
    ...file.outcomes.map((name) => ({ name, role: 'conversion' as const })),
    ...(file.value === undefined ? [] : [{ name: file.value, role: 'value' as const }]),
    ...(file.clicks === undefined ? [] : [{ name: file.clicks, role: 'clicks' as const }]),
  ];
}

export async function readExperimentFile(file: ExperimentFile): Promise<ExperimentRead> {
  const path = resolve(file.path);
  checkIsFile(file.path, path);
  const metrics = metricsOf(file);
  const accumulator = new ExperimentAccumulator({
    campaign: file.campaign,
    control: file.control,
    metrics,
    ...(file.covariate === undefined ? {} : { covariate: file.covariate }),
    ...(file.segment === undefined ? {} : { segmentBy: file.segment }),
    costs: file.cost !== undefined,
    ...(file.confidence === undefined ? {} : { confidence: file.confidence }),
  });
  let header: string[] | undefined;
  let groupAt = -1;
  let segmentAt = -1;
  let covariateAt = -1;
  let costAt = -1;
  let metricAt: number[] = [];
  let rows = 0;
  const values = new Array<number>(metrics.length);
  const numberAt = (record: string[], at: number, line: number): number => {
    const raw = (record[at] ?? '').trim();
    if (NUMBER.test(raw)) return Number(raw);
    const what = raw === '' ? 'is empty' : `is ${JSON.stringify(raw.slice(0, 40))}, not a number`;
    throw new UsageError(`${file.path}: line ${line}, column ${header![at]}: the value ${what}; measure needs a number in every row of an outcome, value, covariate or cost column (1/0 for a conversion)`);
  };
  try {
    await readCsvSource(
      async () => (await openSource(path, 'utf-8')).stream,
      {},
      {
        onRecord(record, line) {
          if (header === undefined) {
            cleanHeader(record);
            header = record.map((h) => h.trim());
            const find = (name: string, flag: string): number => {
              const at = header!.indexOf(name);
              if (at >= 0) return at;
              const near = didYouMean(name, header!);
              throw new UsageError(`${file.path}: no column ${JSON.stringify(name)} (given by ${flag})${near ? `; did you mean ${JSON.stringify(near)}?` : '.'} The header has: ${header!.join(', ')}`);
            };
            groupAt = find(file.group, '--group');
            metricAt = metrics.map((m) => find(m.name, m.role === 'conversion' ? '--outcome' : `--${m.role}`));
            if (file.segment !== undefined) segmentAt = find(file.segment, '--segment');
            if (file.covariate !== undefined) covariateAt = find(file.covariate, '--covariate');
            if (file.cost !== undefined) costAt = find(file.cost, '--cost');
            return;
          }
          rows++;
          const arm = (record[groupAt] ?? '').trim();
          if (arm === '') throw new UsageError(`${file.path}: line ${line}, column ${file.group}: the arm is empty; every row needs its arm`);
          for (let i = 0; i < metrics.length; i++) values[i] = numberAt(record, metricAt[i]!, line);
          const segment = segmentAt >= 0 ? (record[segmentAt] ?? '').trim() : null;
          accumulator.add(arm, segment, values, covariateAt >= 0 ? numberAt(record, covariateAt, line) : 0, costAt >= 0 ? numberAt(record, costAt, line) : 0);
        },
        onBadLine(bad) {
          throw new DataError(`${file.path}: line ${bad.line}: ${bad.message}; fix the line and run again`);
        },
      },
    );
  } catch (error) {
    throw sourceFileError(error, { name: 'experiment', absolutePath: path }) ?? error;
  }
  if (header === undefined) throw new UsageError(`${file.path}: the file is empty (it needs a header and a row per person)`);
  const arms = accumulator.arms().map((a) => a.arm);
  if (!arms.includes(file.control)) {
    const near = didYouMean(file.control, arms);
    throw new UsageError(`${file.path}: no row has ${JSON.stringify(file.control)} in column ${file.group} (given by --control)${near ? `; did you mean ${JSON.stringify(near)}?` : '.'} The arms are: ${arms.join(', ') || '(none: the file has no rows)'}`);
  }
  if (arms.length < 2) throw new UsageError(`${file.path}: every row is in the control arm ${JSON.stringify(file.control)}; there is no arm to compare with it`);
  return { accumulator, metrics, rows };
}

function checkIsFile(given: string, path: string): void {
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${given} is a folder, not a file: give --experiment the experiment's CSV file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as { code?: unknown }).code === 'ENOENT') throw new UsageError(`${given}: no such file (check the path given to --experiment)`);
    throw sourceFileError(error, { name: 'experiment', absolutePath: path }) ?? error;
  }
}
