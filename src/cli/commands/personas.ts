/**
 * `persona report` (writes the persona cards and report.html from the persona tables) and
 * `persona show personas` (the personas in the terminal). Read the database only.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPipeline } from '../../config/load.js';
import { openDatabase, type Db } from '../../store/database.js';
import { UsageError } from '../../util/errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../format-table.js';
import { personasConfigOf, reportFolder } from '../../personas/personas-config.js';
import { writeReport } from '../../personas/report/write-report.js';
import { readReportData } from '../../personas/report/report-data.js';
import { topTraits, traitLabel } from '../../personas/report/cards.js';
import { formatInt, formatPercent, formatSigned } from '../../personas/format.js';

export interface PersonasFlags {
  db?: string;
  pipeline?: string;
  out?: string;
}

function openPersonas(flags: PersonasFlags): { db: Db; out: string | undefined } {
  const pipeline = flags.pipeline === undefined ? undefined : loadPipeline(flags.pipeline, { database: flags.db });
  const path = pipeline?.databasePath ?? flags.db;
  if (path === undefined) throw new UsageError('give --db <file> or --pipeline <file>');
  if (!existsSync(path)) throw new UsageError(`${path}: no such database (run the pipeline first)`);
  const db = openDatabase(path, { readonly: true });
  const ready = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'persona_settings'").get() !== undefined && db.prepare('SELECT 1 FROM persona_settings').get() !== undefined;
  if (!ready) {
    db.close();
    throw new UsageError(`${path}: the personas stage has not run yet (persona run PIPELINE --to personas)`);
  }
  return { db, out: pipeline ? reportFolder(pipeline, personasConfigOf(pipeline)) : undefined };
}

export async function reportCommand(flags: PersonasFlags): Promise<number> {
  const { db, out } = openPersonas(flags);
  try {
    const folder = flags.out !== undefined ? resolve(flags.out) : out ?? resolve('personas');
    const files = writeReport(db, folder);
    process.stdout.write(`${files.length - 1} persona cards and report.html written to ${folder}\n`);
    return ExitCode.Ok;
  } finally {
    db.close();
  }
}

export async function showCommand(what: string, flags: PersonasFlags): Promise<number> {
  if (what !== 'personas') throw new UsageError(`show ${what}: only "show personas" exists`);
  const { db } = openPersonas(flags);
  try {
    const data = readReportData(db);
    const l = data.language;
    const rows = data.personas.map((p) => [
      p.persona_id,
      p.name,
      p.suppressed ? `<${data.minGroupSize}` : formatInt(p.customers),
      formatPercent(p.share, l),
      formatPercent(p.revenue_share, l),
      formatPercent(p.clv_share, l),
      topTraits(p, 3).map((t) => `${traitLabel(t, l)} ${formatSigned(t.effect)}`).join('; '),
    ]);
    process.stdout.write(`personas as of ${data.asOf} (${formatInt(data.population)} customers)\n\n`);
    process.stdout.write(`${formatTable(['id', 'name', 'customers', 'share', 'revenue', 'CLV', 'top traits (effect size)'], rows)}\n`);
    for (const p of data.personas) if (p.description) process.stdout.write(`\n${p.persona_id} ${p.name}: ${p.description}\n  → ${p.approach_channel} · ${p.approach_offer} · ${p.approach_timing}\n`);
    return ExitCode.Ok;
  } finally {
    db.close();
  }
}
