/**
 * collect: streams every source file through decode → parse → map/validate into the raw_* tables,
 * with bad rows in rejects and unusable fields in field_issues. Runs inside the runner's write
 * transaction, so a failure or a kill leaves the previous collect's tables untouched. Files are
 * read and validated in worker threads; all writes happen here, on the runner's connection.
 */
import type { Db } from '../store/database.js';
import { basename } from 'node:path';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Stage, StageContext } from '../pipeline/stage.js';
import type { Pipeline, ResolvedSource } from '../config/load.js';
import { SOURCE_KINDS } from '../config/canonical-fields.js';
import { rawTableName } from './raw-tables.js';
import { sha256OfFile } from './open-source-stream.js';
import { loadSources, type SourceDone, type SourceLoadStats } from './load-source.js';
import { preflightSources } from './preflight.js';
import { tuningFrom } from './schedule.js';

export const collectStage: Stage = {
  name: 'collect',
  description: 'read, decode, parse and validate every source into raw_* tables',
  async inputs(pipeline: Pipeline) {
    const inputHashes: Record<string, string> = {};
    for (const source of pipeline.sources) inputHashes[source.name] = await sha256OfFile(source.absolutePath);
    return {
      inputHashes,
      // exclude_skus is clean's: changing it re-runs clean, not collect.
      config: { sources: pipeline.config.sources.map(({ exclude_skus: _cleanOnly, ...source }) => source), base_currency: pipeline.config.base_currency },
      usesAsOf: false,
    };
  },
  preflight: preflightSources,
  async run(context: StageContext) {
    const { db, pipeline, logger } = context;
    for (const kind of SOURCE_KINDS) db.exec(`DELETE FROM ${rawTableName(kind)}`);
    db.exec('DELETE FROM rejects; DELETE FROM field_issues; DELETE FROM source_files; DELETE FROM raw_attributes;');

    const tuning = tuningFrom(process.env, availableParallelism(), pipeline.sources.length);
    logger.debug({ tuning }, 'collect: reader threads and batch sizes');
    // Sources finish in any order (the largest is read first); they are logged in pipeline order.
    const finished: (SourceDone | undefined)[] = new Array<SourceDone | undefined>(pipeline.sources.length);
    let logged = 0;
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma(`cache_size = -${tuning.cacheMiB * 1024}`);
    let perSourceStats: SourceLoadStats[];
    try {
      perSourceStats = await loadSources(db, pipeline, context.progress, {
        tuning,
        onSourceDone(done) {
          finished[done.index] = done;
          for (let next = finished[logged]; next !== undefined; next = finished[logged]) {
            logSource(context, next);
            logged++;
          }
        },
      });
    } finally {
      db.pragma(`cache_size = ${cacheSize}`);
    }

    const perSource: Record<string, SourceLoadStats> = {};
    let rowsIn = 0;
    let rowsOut = 0;
    let rejects = 0;
    let fieldIssues = 0;
    const notes: string[] = [];
    for (const [index, source] of pipeline.sources.entries()) {
      const stats = perSourceStats[index]!;
      recordSourceFile(context, source, stats, context.inputHashes[source.name] ?? '');
      perSource[source.name] = stats;
      rowsIn += stats.rowsRead;
      rowsOut += stats.rowsLoaded;
      rejects += stats.rowsRejected;
      fieldIssues += stats.fieldIssues;
      const rejectCodes = stats.rowsRejected * 2 > stats.rowsRead ? rejectCodeCounts(context.db, source.name) : [];
      notes.push(...sourceNotes(source, stats, rejectCodes));
    }
    return { rowsIn, rowsOut, rejects, fieldIssues, notes, details: { sources: perSource } };
  },
};

function logSource(context: StageContext, done: SourceDone): void {
  const source = context.pipeline.sources[done.index]!;
  const { stats } = done;
  context.logger.info(
    {
      source: source.name,
      file: basename(source.absolutePath),
      rowsRead: stats.rowsRead,
      rowsLoaded: stats.rowsLoaded,
      rejects: stats.rowsRejected,
      fieldIssues: stats.fieldIssues,
      anonymous: stats.anonymousRows,
      rowsPerSecond: Math.round(stats.rowsRead / Math.max(done.seconds, 1e-3)),
    },
    `collect ${source.name}: ${stats.rowsLoaded} rows loaded, ${stats.rowsRejected} rejected, ${stats.fieldIssues} field issues`,
  );
}

function recordSourceFile(context: StageContext, source: ResolvedSource, stats: SourceLoadStats, sha: string): void {
  context.db
    .prepare(
      `INSERT INTO source_files (source, kind, file, sha256, bytes, encoding, gzip, rows_read, rows_loaded, rows_rejected, field_issues, empty_lines, anonymous_rows, nul_bytes, invalid_byte_rows)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      source.name,
      source.kind,
      source.path,
      sha,
      statSync(source.absolutePath).size,
      source.encoding,
      stats.gzip ? 1 : 0,
      stats.rowsRead,
      stats.rowsLoaded,
      stats.rowsRejected,
      stats.fieldIssues,
      stats.emptyLines,
      stats.anonymousRows,
      stats.nulBytes,
      stats.invalidByteRows,
    );
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The most frequent reject codes of a source, most frequent first (for a note when most rows were rejected). */
function rejectCodeCounts(db: Db, source: string): [code: string, rows: number][] {
  return (db.prepare('SELECT code, count(*) AS n FROM rejects WHERE source = ? GROUP BY code ORDER BY n DESC, code LIMIT 3').all(source) as { code: string; n: number }[]).map((r) => [r.code, r.n]);
}

/**
 * What a person must know about one source's reading: lines the CSV reader could not read, bytes
 * that were not text, no data, and most rows rejected (usually a mapping or format that does not
 * fit the file: `rejectCodes` are its most frequent reject codes).
 */
export function sourceNotes(source: Pick<ResolvedSource, 'name' | 'encoding'>, stats: SourceLoadStats, rejectCodes: readonly (readonly [string, number])[] = []): string[] {
  const notes: string[] = [];
  if (stats.rowsRead === 0) notes.push(`${source.name}: the file has a header and no data rows`);
  if (stats.rowsRead > 0 && stats.rowsRejected * 2 > stats.rowsRead) {
    const codes = rejectCodes.length > 0 ? ` (${rejectCodes.map(([code, n]) => `${code} ${n}`).join(', ')})` : '';
    const share = stats.rowsRejected === stats.rowsRead ? `all ${plural(stats.rowsRead, 'row')}` : `${stats.rowsRejected} of ${plural(stats.rowsRead, 'row')}`;
    notes.push(`${source.name}: ${share} rejected${codes}; check the column mapping and formats of this source (see the rejects table)`);
  }
  const bad = Object.entries(stats.badLines).sort(([a], [b]) => a.localeCompare(b));
  if (bad.length > 0) {
    const total = bad.reduce((sum, [, n]) => sum + n, 0);
    notes.push(`${source.name}: ${plural(total, 'line')} could not be read as CSV (rejects ${bad.map(([code, n]) => `${code} ${n}`).join(', ')})`);
  }
  if (stats.invalidByteRows > 0) notes.push(`${source.name}: ${plural(stats.invalidByteRows, 'row')} with bytes that are not valid ${source.encoding} (field_issues invalid_bytes); check the source's encoding`);
  if (stats.nulBytes > 0) notes.push(`${source.name}: ${plural(stats.nulBytes, 'NUL byte')} removed from values (field_issues nul_bytes)`);
  return notes;
}
