/**
 * Config problems are data (path, message, fix) until the CLI renders them, so a caller can
 * list every problem of a file at once instead of stopping at the first.
 */
export type ConfigPath = readonly (string | number)[];

export interface ConfigProblem {
  readonly path: ConfigPath;
  readonly message: string;
  readonly fix?: string;
}

/** `sources[2].columns.birth_date` */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

export interface Locator {
  /** 1-based line and column of the value at a path, when the file format can tell. */
  (path: ConfigPath): { line: number; column: number } | undefined;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
    locate?: Locator,
  ) {
    super(renderProblems(file, problems, locate));
    this.name = 'ConfigError';
  }
}

export function renderProblems(file: string, problems: readonly ConfigProblem[], locate?: Locator): string {
  const lines = [`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the pipeline file`];
  for (const p of problems) {
    const at = locate?.(p.path);
    const where = at ? `${file}:${at.line}:${at.column} ` : '';
    lines.push(`  ✖ ${where}${formatPath(p.path)}: ${p.message}`);
    if (p.fix) lines.push(`    fix: ${p.fix}`);
  }
  return lines.join('\n');
}
