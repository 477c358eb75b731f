/**
 * Checks of every source file before collect writes anything (also run by `persona validate`):
 * the file is there, readable and complete; its bytes fit the declared encoding; it has a
 * header whose quotes close; every mapped column is in the header once. Problems are config
 * problems (exit 2) naming the source's path in the pipeline file and the fix, such as the
 * encoding or the delimiter the file looks like.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import type { Pipeline, ResolvedSource } from '../config/load.js';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import { csvOptionsProblem, type BadLine } from './csv-scanner.js';
import { canonicalEncoding, encodingMismatch, likelyEncoding } from './encoding-sniff.js';
import { openSource, readSample } from './open-source-stream.js';
import { readCsvSource } from './read-csv.js';
import { headerProblems } from './row-mapper.js';
import { sourceFileError } from '../util/environment-errors.js';
import { DataError } from '../util/errors.js';
import { cleanHeader } from './source-reader.js';

/** Bytes at the start of a file whose encoding is checked before reading. */
const SAMPLE_BYTES = 1 << 18;

/** The header record of a source, or the bad line that stands where it should be. */
export interface HeaderRead {
  readonly header: string[];
  readonly bad?: BadLine;
}

/** Reads just the header record of a source, read with `delimiter`. */
export async function readHeaderLine(source: ResolvedSource, delimiter = source.delimiter): Promise<HeaderRead> {
  let header: string[] | undefined;
  let bad: BadLine | undefined;
  const stop = new Error('header read');
  try {
    await readCsvSource(
      async () => (await openSource(source.absolutePath, source.encoding, { chunkBytes: 1 << 16 })).stream,
      { ...source, ...(delimiter === undefined ? {} : { delimiter }) },
      {
        onRecord(record) {
          cleanHeader(record);
          header = record;
          throw stop;
        },
        onBadLine(line) {
          bad = line;
          throw stop;
        },
      },
    );
  } catch (error) {
    if (error !== stop) throw error;
  }
  return { header: header ?? [], ...(bad === undefined ? {} : { bad }) };
}

/** Delimiters tried when the header does not hold the mapped columns. */
const LIKELY_DELIMITERS = [',', ';', '\t', '|'];

function shown(delimiter: string): string {
  return delimiter === '\t' ? 'a tab' : JSON.stringify(delimiter);
}

/**
 * When the mapped columns are missing from the header, whether another common delimiter would
 * find them all: a TAB-separated file read as comma-separated has one long header column.
 */
async function likelyDelimiter(source: ResolvedSource, index: number): Promise<string | undefined> {
  const declared = source.delimiter ?? ',';
  for (const candidate of LIKELY_DELIMITERS) {
    if (candidate === declared || csvOptionsProblem(candidate, source.quote ?? '"') !== undefined) continue;
    const { header } = await readHeaderLine(source, candidate);
    if (header.length > 1 && headerProblems(source, index, header).length === 0) return candidate;
  }
  return undefined;
}

/** A mapped column whose name the header has more than once: which one is meant cannot be told. */
function duplicateProblems(source: ResolvedSource, index: number, header: readonly string[]): ConfigProblem[] {
  const names = header.map((h) => h.trim());
  const wanted = new Map<string, (string | number)[]>();
  for (const [field, spec] of Object.entries(source.columns)) wanted.set(typeof spec === 'string' ? spec : spec.column, ['sources', index, 'columns', field]);
  for (const [name, spec] of Object.entries(source.attributes ?? {})) wanted.set(spec.column, ['sources', index, 'attributes', name, 'column']);
  if (typeof source.customer_source === 'object' && source.customer_source.column !== undefined) wanted.set(source.customer_source.column, ['sources', index, 'customer_source', 'column']);
  const problems: ConfigProblem[] = [];
  for (const [column, path] of wanted) {
    const at = names.flatMap((name, i) => (name === column ? [i + 1] : []));
    if (at.length < 2) continue;
    problems.push({
      path,
      message: `the header of ${source.path} has the column "${column}" ${at.length} times (columns ${at.join(', ')}): which one to read cannot be told`,
      fix: 'rename the duplicate columns in the file so that each name is unique',
    });
  }
  return problems;
}

/** Problems of one source's file: it is there and readable, in the declared encoding, with a header holding every mapped column. */
async function sourceFileProblems(source: ResolvedSource, index: number): Promise<ConfigProblem[]> {
  const at = (...rest: (string | number)[]): (string | number)[] => ['sources', index, ...rest];
  if (!existsSync(source.absolutePath)) {
    return [{ path: at('path'), message: `the file ${source.absolutePath} does not exist`, fix: 'paths are relative to the pipeline file; check the path and that the data is in place' }];
  }
  if (!statSync(source.absolutePath).isFile()) {
    const kind = statSync(source.absolutePath).isDirectory() ? 'a folder' : 'not a regular file';
    return [{ path: at('path'), message: `${source.absolutePath} is ${kind}`, fix: 'point the path at the CSV file itself' }];
  }
  try {
    accessSync(source.absolutePath, constants.R_OK);
  } catch (error) {
    // The right path that cannot be used now is a runtime fault (exit 1), not a config problem.
    throw sourceFileError(error, source) ?? error;
  }
  const options = csvOptionsProblem(source.delimiter ?? ',', source.quote ?? '"');
  if (options !== undefined) return [{ path: at('delimiter'), message: options, fix: 'set delimiter and quote to two different characters' }];
  try {
    return await contentProblems(source, index);
  } catch (error) {
    // A damaged gzip file or a read error: one line naming the file (exit 1), not a stack trace.
    throw sourceFileError(error, source) ?? new DataError(`source ${source.name}: ${source.absolutePath} cannot be read: ${(error as Error).message}; check that the file is a complete, readable CSV file`, { cause: error });
  }
}

/** Problems found in the file's bytes and header: encoding, delimiter, mapped columns. */
async function contentProblems(source: ResolvedSource, index: number): Promise<ConfigProblem[]> {
  const at = (...rest: (string | number)[]): (string | number)[] => ['sources', index, ...rest];
  const sample = await readSample(source.absolutePath, SAMPLE_BYTES);
  const mismatch = encodingMismatch(sample.bytes, source.encoding, sample.complete);
  if (mismatch !== undefined) {
    return [
      {
        path: at('encoding'),
        message: `${source.path} does not look like ${source.encoding}: ${mismatch.problem}`,
        fix: mismatch.fix ?? (mismatch.looksLike === undefined ? 'set encoding to the encoding the file was exported in' : mismatch.looksLike === 'utf-8' ? 'remove encoding (UTF-8 is the default) or set encoding: utf-8' : `set encoding: ${mismatch.looksLike}`),
      },
    ];
  }
  const { header, bad } = await readHeaderLine(source);
  if (bad !== undefined) return [{ path: at('path'), message: `the header of ${source.path} (line ${bad.line}) cannot be read: ${bad.message}`, fix: 'correct the quotes of the header line' }];
  if (header.length === 0) return [{ path: at('path'), message: `${source.path} is empty: no header line`, fix: 'point the source at a CSV file with a header line' }];
  const problems = headerProblems(source, index, header);
  if (problems.length > 0) {
    const delimiter = await likelyDelimiter(source, index);
    if (delimiter !== undefined) {
      return [
        {
          path: at('delimiter'),
          message: `${source.path} does not look ${shown(source.delimiter ?? ',')}-separated: split on ${shown(delimiter)}, its header has every mapped column`,
          fix: `add delimiter: ${delimiter === '\t' ? '"\\t"' : JSON.stringify(delimiter)} to the source`,
        },
      ];
    }
    if (header.some((name) => name.includes('\uFFFD'))) {
      // The column names themselves did not decode: the encoding is the problem to fix first.
      const looksLike = likelyEncoding(sample.bytes, sample.complete);
      problems.unshift({
        path: at('encoding'),
        message: `the header of ${source.path} has bytes that are not valid ${source.encoding} (shown as \uFFFD): ${header.join(', ')}`,
        fix: looksLike !== undefined && looksLike !== canonicalEncoding(source.encoding) ? `set encoding: ${looksLike}` : 'set encoding to the encoding the file was exported in',
      });
    }
    return problems;
  }
  return duplicateProblems(source, index, header);
}

/** Every source file exists, can be read and has every mapped column: checked before anything is written. */
export async function preflightSources(pipeline: Pipeline): Promise<void> {
  const problems: ConfigProblem[] = [];
  for (const [index, source] of pipeline.sources.entries()) problems.push(...(await sourceFileProblems(source, index)));
  if (problems.length > 0) throw new ConfigError(pipeline.file, problems);
}
