import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface BadRow {
  source: string;
  line: number;
  problem: string;
}

export function readBadRows(path: string): BadRow[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [source, line, problem] = l.split(',');
      return { source: source!, line: Number(line), problem: problem! };
    });
}

/** Lines flagged by collect, as "source:line", from rejects and field_issues. */
export function flaggedLines(dbPath: string): { rejected: Set<string>; issues: Set<string> } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const key = (r: { source: string; line: number }) => `${r.source}:${r.line}`;
    const rejected = new Set((db.prepare('SELECT source, line FROM rejects').all() as { source: string; line: number }[]).map(key));
    const issues = new Set((db.prepare('SELECT DISTINCT source, line FROM field_issues').all() as { source: string; line: number }[]).map(key));
    return { rejected, issues };
  } finally {
    db.close();
  }
}
