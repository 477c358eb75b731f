/**
 * I/O shell of collect for one source: stream the file, hand each record to the pure row mapper,
 * and write rows, rejects and field issues through prepared statements. The caller owns the
 * transaction.
 */
import { existsSync, statSync } from 'node:fs';
import type { Pipeline, ResolvedSource } from '../config/load.js';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import type { Db } from '../store/database.js';
import { rawColumns, rawTableName } from '../store/raw-tables.js';
import type { Progress } from '../cli/progress.js';
import { openSource } from './open-source-stream.js';
import { readCsv } from './read-csv.js';
import { compileRowMapper, headerProblems, type RowMapper } from './row-mapper.js';

export interface SourceLoadStats {
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  fieldIssues: number;
  anonymousRows: number;
  emptyLines: number;
  gzip: boolean;
}

/** Reads just the header record of a source (for preflight and validate). */
export async function readHeader(source: ResolvedSource): Promise<string[]> {
  const opened = await openSource(source.absolutePath, source.encoding);
  let header: string[] | undefined;
  const stop = new Error('header read');
  try {
    await readCsv(opened.stream, source, {
      onRecord(record) {
        header = record;
        throw stop;
      },
      onBadRecord() {},
    });
  } catch (error) {
    if (error !== stop) throw error;
  } finally {
    opened.stream.destroy();
  }
  return header ?? [];
}

/** Every source file exists and has every mapped column: checked before anything is written. */
export async function preflightSources(pipeline: Pipeline): Promise<void> {
  const problems: ConfigProblem[] = [];
  for (const [index, source] of pipeline.sources.entries()) {
    if (!existsSync(source.absolutePath) || !statSync(source.absolutePath).isFile()) {
      problems.push({
        path: ['sources', index, 'path'],
        message: `the file ${source.absolutePath} does not exist`,
        fix: 'paths are relative to the pipeline file; check the path and that the data is in place',
      });
      continue;
    }
    const header = await readHeader(source);
    if (header.length === 0) {
      problems.push({ path: ['sources', index, 'path'], message: `${source.path} is empty: no header line`, fix: 'point the source at a CSV file with a header line' });
      continue;
    }
    problems.push(...headerProblems(source, index, header));
  }
  if (problems.length > 0) throw new ConfigError(pipeline.file, problems);
}

export async function loadSource(db: Db, pipeline: Pipeline, source: ResolvedSource, _index: number, progress: Progress): Promise<SourceLoadStats> {
  const columns = rawColumns(source.kind);
  const insertRow = db.prepare(
    `INSERT INTO ${rawTableName(source.kind)} (source, line, ${columns.join(', ')}) VALUES (${columns.map(() => '?').concat('?', '?').join(', ')})`,
  );
  const insertReject = db.prepare('INSERT INTO rejects (source, file, line, column_name, code, message, raw) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertIssue = db.prepare('INSERT INTO field_issues (source, line, column_name, field, code, raw_value, message) VALUES (?, ?, ?, ?, ?, ?, ?)');

  const opened = await openSource(source.absolutePath, source.encoding);
  const totalBytes = statSync(source.absolutePath).size;
  const task = progress.start(source.name, totalBytes);
  const stats: SourceLoadStats = { rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, fieldIssues: 0, anonymousRows: 0, emptyLines: 0, gzip: opened.gzip };
  let mapper: RowMapper | undefined;
  let width = 0;
  const file = source.path;
  const params: unknown[] = new Array(columns.length + 2);
  params[0] = source.name;

  try {
    const csv = await readCsv(opened.stream, source, {
      onRecord(record, line) {
        if (mapper === undefined) {
          mapper = compileRowMapper(source, record, pipeline.config.base_currency);
          width = record.length;
          return;
        }
        stats.rowsRead++;
        if (record.length !== width) {
          stats.rowsRejected++;
          insertReject.run(source.name, file, line, null, 'wrong_field_count', `expected ${width} fields like the header, found ${record.length}`, JSON.stringify(record));
          return;
        }
        const mapped = mapper.map(record);
        if (!mapped.ok) {
          stats.rowsRejected++;
          insertReject.run(source.name, file, line, mapped.column, mapped.code, mapped.message, JSON.stringify(record));
          return;
        }
        params[1] = line;
        for (let i = 0; i < mapped.values.length; i++) params[i + 2] = mapped.values[i];
        insertRow.run(params);
        stats.rowsLoaded++;
        if (mapped.anonymous) stats.anonymousRows++;
        for (const issue of mapped.issues) {
          stats.fieldIssues++;
          insertIssue.run(source.name, line, issue.column, issue.field, issue.code, issue.rawValue, issue.message);
        }
        if ((stats.rowsRead & 0x3fff) === 0) task.update(opened.bytesRead(), stats.rowsRead);
      },
      onBadRecord(error, line) {
        stats.rowsRead++;
        stats.rowsRejected++;
        insertReject.run(source.name, file, line, null, 'unreadable_csv', `${error.code}: ${error.message}`, null);
      },
    });
    stats.emptyLines = csv.emptyLines;
  } finally {
    task.stop();
  }
  return stats;
}
