/**
 * Writes the cards (one Markdown file per persona) and report.html into a folder, from the
 * persona tables. Files are written to a temporary name and renamed, so a reader never sees half
 * a file; cards of personas that no longer exist are removed.
 */
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../store/database.js';
import { makeFolder } from '../../util/make-folder.js';
import { readReportData } from './report-data.js';
import { cardMarkdown } from './cards.js';
import { reportHtml } from './report-html.js';

function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Writes the files and returns their names. */
export function writeReport(db: Db, folder: string): string[] {
  const data = readReportData(db);
  makeFolder(folder);
  const written: string[] = [];
  for (const p of data.personas) {
    const name = `${p.persona_id}.md`;
    writeAtomically(join(folder, name), cardMarkdown(p, data));
    written.push(name);
  }
  for (const old of readdirSync(folder)) if (/^P\d+\.md$/.test(old) && !written.includes(old)) rmSync(join(folder, old));
  writeAtomically(join(folder, 'report.html'), reportHtml(data));
  written.push('report.html');
  return written;
}
