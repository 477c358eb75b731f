/**
 * Broken files through the real binary: every reader fault gives rejects with source, line,
 * column and code (and every good row is loaded), or a clear message with exit 1 or 2 and no
 * stack trace. Inputs are generated here, small.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona } from './helpers/cli.js';

interface SourceFile {
  readonly name: string;
  readonly bytes: Buffer;
  /** Extra keys of the source (encoding, delimiter), as YAML lines. */
  readonly extra?: readonly string[];
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

function pipelineWith(sources: readonly SourceFile[]): { dir: string; pipeline: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'persona-reader-'));
  const lines = ['as_of: 2025-12-31', 'database: p.db', 'base_currency: EUR', 'sources:'];
  for (const source of sources) {
    writeFileSync(join(dir, `${source.name}.csv`), source.bytes);
    lines.push(`  - name: ${source.name}`, '    kind: customers', `    path: ${source.name}.csv`, ...(source.extra ?? []).map((l) => `    ${l}`));
    lines.push('    columns:', '      source_id: id', '      full_name: name', '      email: email');
  }
  const pipeline = join(dir, 'p.yml');
  writeFileSync(pipeline, `${lines.join('\n')}\n`);
  return { dir, pipeline, db: join(dir, 'p.db') };
}

function query<T>(db: string, sql: string): T[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare(sql).all() as T[];
  } finally {
    sqlite.close();
  }
}

const rows = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `${from + i},Name ${from + i},u${from + i}@x.com`);
const ids = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** Sources that load with exit 0: what each must leave in rejects and field_issues, and the ids it must load. */
const loading: { file: SourceFile; rejects: string[]; issues: string[]; loaded: string[]; emptyLines?: number }[] = [
  {
    // CRLF with a few LF-only lines: once 11 records merged into one reject.
    file: { name: 'crlf_some_lf', bytes: utf8(`id,name,email\r\n${rows(1, 4).join('\r\n')}\n${rows(5, 6).join('\n')}\r\n${rows(7, 12).join('\r\n')}\n`) },
    rejects: [],
    issues: [],
    loaded: ids(1, 12),
  },
  {
    // Line endings change part-way (CRLF, then LF, then lone CR): once the whole source was rejected.
    file: { name: 'endings_change', bytes: utf8(`id,name,email\r\n${rows(1, 3).join('\r\n')}\r\n${rows(4, 6).join('\n')}\n${rows(7, 9).join('\r')}\r`) },
    rejects: [],
    issues: [],
    loaded: ids(1, 9),
  },
  {
    // An unclosed quote: once it swallowed the 7 good records after it into one wrong_field_count reject.
    file: { name: 'unclosed_quote', bytes: utf8(`id,name,email\n1,Ann,a@x.com\n2,"Bob,b@x.com\n${rows(3, 9).join('\n')}\n`) },
    rejects: ['3|name|unclosed_quote'],
    issues: [],
    loaded: ['1', ...ids(3, 9)],
  },
  {
    // A quote that never closes before the end of the file, on the last line.
    file: { name: 'unclosed_at_end', bytes: utf8(`id,name,email\n${rows(1, 3).join('\n')}\n4,Dan,"d@x.com\n`) },
    rejects: ['5|email|unclosed_quote'],
    issues: [],
    loaded: ids(1, 3),
  },
  {
    // A legitimately quoted multi-line field is one record; the line numbers after it stay right.
    file: { name: 'multiline_name', bytes: utf8(`id,name,email\r\n1,"Ann\r\nSmith",a@x.com\r\n2,"O""Brien, Pat",p@x.com\r\n3,Cid,"c@x.com"\r\n`) },
    rejects: [],
    issues: [],
    loaded: ids(1, 3),
  },
  {
    // Text after a closing quote.
    file: { name: 'text_after_quote', bytes: utf8(`id,name,email\n1,"Ann"ie,a@x.com\n${rows(2, 3).join('\n')}\n`) },
    rejects: ['2|name|unreadable_csv'],
    issues: [],
    loaded: ids(2, 3),
  },
  {
    // NUL bytes inside an id and a name: removed and counted.
    file: { name: 'nul_bytes', bytes: utf8(`id,name,email\n1\u0000,An\u0000n,a@x.com\n${rows(2, 4).join('\n')}\n`) },
    rejects: [],
    issues: ['2|id|nul_bytes', '2|name|nul_bytes'],
    loaded: ids(1, 4),
  },
  {
    // Bytes that are not UTF-8 in one row of a UTF-8 file: a field issue, the value kept.
    file: { name: 'invalid_utf8', bytes: Buffer.concat([utf8(`id,name,email\n${rows(1, 3).join('\n')}\n4,Jos`), Buffer.from([0xe9]), utf8(',j@x.com\n')]) },
    rejects: [],
    issues: ['5|name|invalid_bytes'],
    loaded: ids(1, 4),
  },
  {
    // Invalid bytes in a value that also fails its type: one field issue (the cause), not two.
    file: { name: 'invalid_email_bytes', bytes: Buffer.concat([utf8('id,name,email\n1,Ann,ann'), Buffer.from([0xff]), utf8('\n2,Bob,b@x.com\n')]) },
    rejects: [],
    issues: ['2|email|invalid_bytes'],
    loaded: ids(1, 2),
  },
  {
    // A header and nothing else.
    file: { name: 'header_only', bytes: utf8('id,name,email\r\n') },
    rejects: [],
    issues: [],
    loaded: [],
  },
  {
    // Trailing empty lines, and no final line ending.
    file: { name: 'trailing_empty', bytes: utf8(`id,name,email\n${rows(1, 2).join('\n')}\n\n\n`) },
    rejects: [],
    issues: [],
    loaded: ids(1, 2),
    emptyLines: 2,
  },
  {
    file: { name: 'no_final_newline', bytes: utf8(`id,name,email\n${rows(1, 2).join('\n')}`) },
    rejects: [],
    issues: [],
    loaded: ids(1, 2),
  },
  {
    // A 10 MB field: rejected over the 1 MiB record limit, the rows after it loaded.
    file: { name: 'huge_field', bytes: utf8(`id,name,email\n1,Ann,a@x.com\n2,${'x'.repeat(10_000_000)},b@x.com\n3,Cid,c@x.com\n`) },
    rejects: ['3||record_too_long'],
    issues: [],
    loaded: ['1', '3'],
  },
  {
    // UTF-16LE with its byte-order mark, declared utf-16le.
    file: { name: 'utf16_bom', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`id,name,email\r\n1,王伟,w@x.com\r\n2,Ann,a@x.com\r\n`, 'utf16le')]), extra: ['encoding: utf-16le'] },
    rejects: [],
    issues: [],
    loaded: ids(1, 2),
  },
  {
    // A quote that closes on the next line with too many fields: both lines rejected, the next record read.
    file: { name: 'quote_short_record', bytes: utf8(`id,name,email\n1,"Ann\n2",a@x.com,extra,more\n3,Cid,c@x.com\n`) },
    rejects: ['2|name|unclosed_quote', '3||wrong_field_count'],
    issues: [],
    loaded: ['3'],
  },
];

describe('collect on broken files', () => {
  it('rejects bad lines with source, line, column and code, reports bad bytes, and loads every good row', () => {
    const { pipeline, db } = pipelineWith(loading.map((c) => c.file));
    const run = persona(['run', pipeline, '--only', 'collect']);
    expect(run.stderr).not.toMatch(/"level":50|\n\s+at /);
    expect(run.status).toBe(0);
    for (const expected of loading) {
      const source = expected.file.name;
      const rejects = query<{ r: string }>(db, `SELECT line || '|' || ifnull(column_name, '') || '|' || code AS r FROM rejects WHERE source = '${source}' ORDER BY line`).map((r) => r.r);
      const issues = query<{ r: string }>(db, `SELECT line || '|' || column_name || '|' || code AS r FROM field_issues WHERE source = '${source}' ORDER BY line, column_name`).map((r) => r.r);
      const loaded = query<{ id: string }>(db, `SELECT source_id AS id FROM raw_customers WHERE source = '${source}' ORDER BY line`).map((r) => r.id);
      expect({ source, rejects, issues, loaded }).toEqual({ source, rejects: expected.rejects, issues: expected.issues, loaded: expected.loaded });
      if (expected.emptyLines !== undefined) expect(query<{ n: number }>(db, `SELECT empty_lines AS n FROM source_files WHERE source = '${source}'`)[0]!.n).toBe(expected.emptyLines);
    }
    // Values as read: NULs removed, undecodable bytes shown as U+FFFD, a quoted line break kept, UTF-16 decoded.
    const name = (source: string, id: string): string => query<{ n: string }>(db, `SELECT full_name AS n FROM raw_customers WHERE source = '${source}' AND source_id = '${id}'`)[0]!.n;
    expect(name('nul_bytes', '1')).toBe('Ann');
    expect(name('invalid_utf8', '4')).toBe('Jos\uFFFD');
    expect(name('multiline_name', '1')).toBe('Ann\r\nSmith');
    expect(name('utf16_bom', '1')).toBe('王伟');
    expect(query<{ line: number }>(db, `SELECT line FROM raw_customers WHERE source = 'multiline_name' ORDER BY line`).map((r) => r.line)).toEqual([2, 4, 5]);
    const counts = query<{ source: string; nul_bytes: number; invalid_byte_rows: number; field_issues: number }>(
      db,
      `SELECT source, nul_bytes, invalid_byte_rows, field_issues FROM source_files WHERE source IN ('nul_bytes', 'invalid_utf8') ORDER BY source`,
    );
    expect(counts).toEqual([
      { source: 'invalid_utf8', nul_bytes: 0, invalid_byte_rows: 1, field_issues: 1 },
      { source: 'nul_bytes', nul_bytes: 2, invalid_byte_rows: 0, field_issues: 2 },
    ]);
    // The run summary names what happened.
    expect(run.stdout).toContain('unclosed_quote: 1 line could not be read as CSV (rejects unclosed_quote 1)');
    expect(run.stdout).toContain('header_only: the file has a header and no data rows');
    expect(run.stdout).toContain('invalid_utf8: 1 row with bytes that are not valid utf-8');
    const details = JSON.parse(query<{ details: string }>(db, `SELECT details FROM stage_runs WHERE stage = 'collect'`)[0]!.details) as { fieldIssues: number };
    expect(details.fieldIssues).toBe(4);
    expect(query<{ integrity_check: string }>(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  const gbk = (text: string): Buffer => {
    // GBK bytes of the few characters used here (the decoder is in Node; the encoder is not).
    const table: Record<string, number[]> = { 王: [0xcd, 0xf5], 伟: [0xce, 0xb0], 李: [0xc0, 0xee], 娜: [0xc4, 0xc8] };
    return Buffer.concat([...text].map((c) => Buffer.from(table[c] ?? [...Buffer.from(c, 'latin1')])));
  };
  // About 300 KB of ASCII rows: more than the head of the file that is checked before reading.
  const longHead = Array.from({ length: 10 }, (_, i) => `${100 + i},${'A'.repeat(30_000)},h${i}@x.com`).join('\n');

  it.each([
    {
      name: 'a UTF-8 file declared gbk',
      file: { name: 'crm', bytes: utf8(`id,name,email\n1,王伟,w@x.com\n2,李娜,l@x.com\n3,张三,z@x.com\n`), extra: ['encoding: gbk'] },
      status: 2,
      says: ['sources[0].encoding', 'valid UTF-8', 'remove encoding'],
    },
    {
      name: 'a GBK file declared utf-8',
      file: { name: 'crm', bytes: Buffer.concat([utf8('id,name,email\n1,'), gbk('王伟'), utf8(',w@x.com\n2,'), gbk('李娜'), utf8(',l@x.com\n3,'), gbk('王娜'), utf8(',x@x.com\n')]) },
      status: 2,
      says: ['sources[0].encoding', 'not valid utf-8', 'set encoding: gbk'],
    },
    {
      name: 'a GBK header in a file declared utf-8 whose rows are ASCII',
      file: { name: 'crm', bytes: Buffer.concat([utf8('id,'), gbk('王伟'), utf8(`,email\n${rows(1, 9).join('\n')}\n`)]) },
      status: 2,
      says: ['sources[0].encoding: the header of crm.csv has bytes that are not valid utf-8', 'set encoding: gbk'],
    },
    {
      name: 'a UTF-16 file declared utf-8',
      file: { name: 'crm', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name,email\r\n1,Ann,a@x.com\r\n', 'utf16le')]) },
      status: 2,
      says: ['UTF-16LE byte-order mark', 'set encoding: utf-16le'],
    },
    {
      name: 'a TAB-separated file read as comma-separated',
      file: { name: 'crm', bytes: utf8('id\tname\temail\n1\tAnn\ta@x.com\n') },
      status: 2,
      says: ['sources[0].delimiter', 'split on a tab', 'delimiter: "\\t"'],
    },
    { name: 'an empty file', file: { name: 'crm', bytes: Buffer.alloc(0) }, status: 2, says: ['crm.csv is empty: no header line'] },
    {
      name: 'a mapped column twice in the header',
      file: { name: 'crm', bytes: utf8('id,name,email,name\n1,Ann,a@x.com,Anne\n') },
      status: 2,
      says: ['sources[0].columns.full_name', '"name" 2 times (columns 2, 4)'],
    },
    { name: 'a header with a quote that never closes', file: { name: 'crm', bytes: utf8('id,"name,email\n1,Ann,a@x.com\n') }, status: 2, says: ['header of crm.csv (line 1) cannot be read'] },
    { name: 'a truncated gzip file', file: { name: 'crm', bytes: gzipSync(utf8(`id,name,email\n${rows(1, 50).join('\n')}\n`)).subarray(0, 40) }, status: 1, says: ['source crm:', 'crm.csv is not valid gzip', 'truncated or damaged'] },
    {
      name: 'most rows not valid in the declared utf-8, after a clean head',
      file: { name: 'crm', bytes: Buffer.concat([utf8(`id,name,email\n${longHead}\n`), ...Array.from({ length: 12 }, (_, i) => Buffer.concat([utf8(`${i},`), gbk('王伟'), utf8(`,g${i}@x.com\n`)]))]) },
      status: 1,
      says: ['crm (crm.csv): 12 of 22 rows have bytes that are not valid utf-8', 'Check the source\'s encoding'],
    },
    {
      name: 'a file declared gbk that is UTF-8 after a clean head',
      file: { name: 'crm', bytes: utf8(`id,name,email\n${longHead}\n1,王伟,w@x.com\n2,李娜,l@x.com\n3,张三,z@x.com\n`), extra: ['encoding: gbk'] },
      status: 1,
      says: ['is declared gbk, but the whole file is valid UTF-8', 'it looks like utf-8'],
    },
  ])('$name: a clear message, exit $status', ({ file, status, says }) => {
    const { pipeline, db } = pipelineWith([file]);
    const run = persona(['run', pipeline, '--only', 'collect']);
    const output = run.stdout + run.stderr;
    expect(run.status).toBe(status);
    for (const text of says) expect(output).toContain(text);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    if (status === 1 && existsSync(db)) {
      // The failed stage left nothing behind (a fault found before the run opens no database).
      expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM raw_customers')[0]!.n).toBe(0);
      expect(query<{ integrity_check: string }>(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    }
  });
});
