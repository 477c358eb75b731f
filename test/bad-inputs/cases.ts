/**
 * The bad-input corpus: each case breaks one thing in the base pipeline (base.ts) and pins what
 * persona must do about it. The harness (bad-inputs.test.ts) also checks, for every case, that no
 * stack trace leaks, the database passes PRAGMA integrity_check, a stage that did not succeed left
 * no output, and every row read was either loaded or rejected.
 */
import { chmodSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { CUSTOMERS_HEADER, ORDERS_HEADER, customerLines, orderLines, pipelineYaml, type CaseDir } from './base.js';
import type { Observed } from './observe.js';

export interface BadInputCase {
  readonly name: string;
  readonly kind: string;
  /**
   * Breaks the case folder (run: the real binary, for a case that needs a database first); may
   * return extra command-line arguments, a user id to run as, or ask for two concurrent runs.
   */
  build(c: CaseDir, run: (args: string[]) => void): void | { args?: string[]; uid?: number; concurrent?: boolean };
  /** The case breaks the database file itself, so its integrity_check is not expected to pass. */
  readonly damagesDatabase?: boolean;
  check(o: Observed, c: CaseDir): void;
}

const crm = (c: CaseDir, content: string | Buffer): void => writeFileSync(join(c.dir, 'crm.csv'), content);
const orders = (c: CaseDir, content: string | Buffer): void => writeFileSync(join(c.dir, 'orders.csv'), content);
const fx = (c: CaseDir, content: string): void => writeFileSync(join(c.dir, 'fx.csv'), content);
const pipeline = (c: CaseDir, yaml: string): void => writeFileSync(c.pipeline, yaml);
const crmText = (lines: string[] = customerLines(), eol = '\n'): string => [CUSTOMERS_HEADER, ...lines].join(eol) + eol;
const ordersText = (lines: string[] = orderLines()): string => [ORDERS_HEADER, ...lines].join('\n') + '\n';

/** GBK bytes of 王伟 and 张敏 (TextDecoder reads GBK; Node has no GBK encoder). */
const GBK_WANG_WEI = Buffer.from([0xcd, 0xf5, 0xce, 0xb0]);
const GBK_ZHANG_MIN = Buffer.from([0xd5, 0xc5, 0xc3, 0xf4]);

const ok = (o: Observed): void => expect(o.exit, o.output).toBe(0);
const loaded = (o: Observed, source: string, n: number): void => expect(o.loaded[source], `rows loaded from ${source}`).toBe(n);
const rejectAt = (o: Observed, source: string, line: number, code: RegExp | string, column?: string | null): void => {
  const hit = o.rejects.find((r) => r.source === source && r.line === line);
  expect(hit, `a reject of ${source} line ${line}; rejects: ${JSON.stringify(o.rejects)}`).toBeDefined();
  expect(hit!.code).toMatch(code);
  if (column !== undefined) expect(hit!.column).toBe(column);
};
const issueAt = (o: Observed, source: string, line: number, code: RegExp | string, column?: string): void => {
  const hit = o.fieldIssues.find((r) => r.source === source && r.line === line && (column === undefined || r.column === column));
  expect(hit, `a field issue of ${source} line ${line}; issues: ${JSON.stringify(o.fieldIssues)}`).toBeDefined();
  expect(hit!.code).toMatch(code);
};
const fails = (o: Observed, exit: 1 | 2, ...patterns: RegExp[]): void => {
  expect(o.exit, o.output).toBe(exit);
  for (const p of patterns) expect(o.output).toMatch(p);
};

export const CASES: readonly BadInputCase[] = [
  // ── encodings ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'UTF-8 with BOM and CRLF reads every row',
    kind: 'encoding',
    build: (c) => crm(c, '\ufeff' + crmText(customerLines(), '\r\n')),
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
  {
    name: 'UTF-16LE with BOM declared utf-16le reads every row',
    kind: 'encoding',
    build: (c) => {
      crm(c, Buffer.from('\ufeff' + crmText(), 'utf16le'));
      pipeline(c, pipelineYaml({ crmExtra: '    encoding: utf-16le\n' }));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
  {
    name: 'a UTF-8 file declared gbk fails with a hint to check encoding',
    kind: 'encoding',
    build: (c) => {
      crm(c, crmText(customerLines().map((l) => l.replace(/^(c\d+),[^,]+/, '$1,王伟'))));
      pipeline(c, pipelineYaml({ crmExtra: '    encoding: gbk\n' }));
    },
    check: (o) => fails(o, 2, /crm\.csv/, /encoding/i, /utf-?8/i),
  },
  {
    name: 'a GBK file declared utf-8 fails with a hint to check encoding',
    kind: 'encoding',
    build: (c) => {
      const rows = customerLines().map((l, i) => Buffer.concat([Buffer.from(l.split(',')[0] + ','), i % 2 ? GBK_WANG_WEI : GBK_ZHANG_MIN, Buffer.from(l.slice(l.indexOf(',', 4)) + '\n')]));
      crm(c, Buffer.concat([Buffer.from(CUSTOMERS_HEADER + '\n'), ...rows]));
    },
    check: (o) => fails(o, 2, /crm\.csv/, /encoding/i, /gbk|gb18030/i),
  },
  {
    name: 'one row of invalid UTF-8 is a field issue on that row, the rest load',
    kind: 'encoding',
    build: (c) => {
      const lines = customerLines();
      const bad = Buffer.from(lines[4]!);
      bad[bad.indexOf(',') + 2] = 0xff; // the name's second letter
      crm(c, Buffer.concat([Buffer.from([CUSTOMERS_HEADER, ...lines.slice(0, 4)].join('\n') + '\n'), bad, Buffer.from('\n' + lines.slice(5).join('\n') + '\n')]));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), issueAt(o, 'crm', 6, /encoding|invalid_bytes|undecodable/, 'name')),
  },
  {
    name: 'Latin-1 accents in a UTF-8 declared file are field issues, not silent U+FFFD',
    kind: 'encoding',
    build: (c) => {
      const lines = customerLines();
      crm(c, Buffer.concat([Buffer.from([CUSTOMERS_HEADER, ...lines.slice(0, 2)].join('\n') + '\n'), Buffer.from('c03,Jos\xe9 M\xfcller,jose@example.com,13800000003,1980-01-01,Y\n', 'latin1'), Buffer.from(lines.slice(3).join('\n') + '\n')]));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), issueAt(o, 'crm', 4, /encoding|invalid_bytes|undecodable/, 'name')),
  },
  {
    name: 'a GBK file declared gbk with Chinese names reads every row',
    kind: 'encoding',
    build: (c) => {
      const rows = customerLines().map((l) => Buffer.concat([Buffer.from(l.split(',')[0] + ','), GBK_WANG_WEI, Buffer.from(l.slice(l.indexOf(',', 4)) + '\n')]));
      crm(c, Buffer.concat([Buffer.from(CUSTOMERS_HEADER + '\n'), ...rows]));
      pipeline(c, pipelineYaml({ crmExtra: '    encoding: gbk\n' }));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), expect(o.fieldIssues.filter((i) => i.column === 'name')).toEqual([])),
  },
  {
    name: 'an unknown encoding name is a config error naming the source',
    kind: 'encoding',
    build: (c) => pipeline(c, pipelineYaml({ crmExtra: '    encoding: klingon-8\n' })),
    check: (o) => fails(o, 2, /klingon-8/, /encoding/),
  },
  // ── line endings ───────────────────────────────────────────────────────────────────────────
  {
    name: 'a CRLF file with a few LF-only lines loses no row',
    kind: 'line endings',
    build: (c) => crm(c, [CUSTOMERS_HEADER, ...customerLines()].map((l, i) => l + (i % 7 === 3 ? '\n' : '\r\n')).join('')),
    check: (o) => (ok(o), loaded(o, 'crm', 30), expect(o.rejects).toEqual([])),
  },
  {
    name: 'line endings that change from LF to CRLF half-way lose no row',
    kind: 'line endings',
    build: (c) => crm(c, [CUSTOMERS_HEADER, ...customerLines()].map((l, i) => l + (i < 15 ? '\n' : '\r\n')).join('')),
    check: (o) => (ok(o), loaded(o, 'crm', 30), expect(o.rejects).toEqual([])),
  },
  {
    name: 'line endings that change from CRLF to LF half-way lose no row',
    kind: 'line endings',
    build: (c) => crm(c, [CUSTOMERS_HEADER, ...customerLines()].map((l, i) => l + (i < 15 ? '\r\n' : '\n')).join('')),
    check: (o) => (ok(o), loaded(o, 'crm', 30), expect(o.rejects).toEqual([])),
  },
  {
    name: 'old Mac CR-only line endings read line by line',
    kind: 'line endings',
    build: (c) => crm(c, crmText(customerLines(), '\r')),
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
  {
    name: 'no newline at the end of the file keeps the last row',
    kind: 'line endings',
    build: (c) => crm(c, [CUSTOMERS_HEADER, ...customerLines()].join('\n')),
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
  {
    name: 'blank lines in the middle and at the end are counted, not rejected',
    kind: 'line endings',
    build: (c) => crm(c, [CUSTOMERS_HEADER, ...customerLines().slice(0, 10), '', ...customerLines().slice(10), '', '', ''].join('\n')),
    check: (o) => (ok(o), loaded(o, 'crm', 30), expect(o.rejects).toEqual([])),
  },
  // ── quotes ─────────────────────────────────────────────────────────────────────────────────
  {
    name: 'an unclosed quote rejects its own line and the reader resynchronises',
    kind: 'quotes',
    build: (c) => {
      const lines = customerLines();
      lines[9] = lines[9]!.replace(/,([^,]+),/, ',"$1,');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 29), rejectAt(o, 'crm', 11, /quote|unreadable_csv/)),
  },
  {
    name: 'an unclosed quote on the last line rejects that line only',
    kind: 'quotes',
    build: (c) => {
      const lines = customerLines();
      lines[29] = lines[29]!.replace(/,([^,]+),/, ',"$1,');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 29), rejectAt(o, 'crm', 31, /quote|unreadable_csv/)),
  },
  {
    name: 'a quoted field with a line break inside is one record',
    kind: 'quotes',
    build: (c) => {
      const lines = customerLines();
      lines[4] = lines[4]!.replace(/,([^,]+),/, ',"$1\nsecond line",');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), expect(o.rejects).toEqual([])),
  },
  {
    name: 'a stray quote inside an unquoted field keeps the row',
    kind: 'quotes',
    build: (c) => {
      const lines = customerLines();
      lines[2] = lines[2]!.replace(/,([^, ]+) /, ',$1 "Jimmy" ');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
  {
    name: 'doubled quotes inside a quoted field are one quote',
    kind: 'quotes',
    build: (c) => {
      const lines = customerLines();
      lines[2] = lines[2]!.replace(/,([^,]+),/, ',"$1 ""Jimmy""",');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), expect(o.rejects).toEqual([])),
  },
  // ── NUL bytes ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'a NUL byte inside a name is removed and counted',
    kind: 'NUL',
    build: (c) => {
      const lines = customerLines();
      lines[6] = lines[6]!.replace(/,(\w)/, ',$1\u0000');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), issueAt(o, 'crm', 8, /nul/i, 'name')),
  },
  {
    name: 'a NUL byte inside a source id is removed and counted',
    kind: 'NUL',
    build: (c) => {
      const lines = customerLines();
      lines[7] = lines[7]!.replace(/^c/, 'c\u0000');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), issueAt(o, 'crm', 9, /nul/i, 'id')),
  },
  {
    name: 'a file of NUL bytes fails with a hint',
    kind: 'NUL',
    build: (c) => crm(c, Buffer.concat([Buffer.from(CUSTOMERS_HEADER + '\n'), Buffer.alloc(4096)])),
    check: (o) => fails(o, 2, /crm\.csv/, /NUL/, /damaged/),
  },
  // ── gzip ───────────────────────────────────────────────────────────────────────────────────
  {
    name: 'a gzipped orders file is read from its bytes',
    kind: 'gzip',
    build: (c) => orders(c, gzipSync(ordersText())),
    check: (o) => (ok(o), loaded(o, 'orders', 90)),
  },
  {
    name: 'a truncated gzip fails naming the file',
    kind: 'gzip',
    build: (c) => {
      const gz = gzipSync(ordersText());
      orders(c, gz.subarray(0, Math.floor(gz.length / 2)));
    },
    check: (o) => fails(o, 1, /orders\.csv/, /gzip|truncated|unexpected end/i),
  },
  {
    name: 'a gzip with a bad CRC fails naming the file',
    kind: 'gzip',
    build: (c) => {
      const gz = Buffer.from(gzipSync(ordersText()));
      gz[gz.length - 6] = gz[gz.length - 6]! ^ 0xff;
      orders(c, gz);
    },
    check: (o) => fails(o, 1, /orders\.csv/, /gzip|crc|check/i),
  },
  // ── empty files and headers ────────────────────────────────────────────────────────────────
  {
    name: 'an empty customers file fails naming the file (no header to map)',
    kind: 'headers',
    build: (c) => crm(c, ''),
    check: (o) => fails(o, 2, /crm\.csv/, /empty/i),
  },
  {
    name: 'a header-only orders file loads nothing and says so',
    kind: 'headers',
    build: (c) => orders(c, ORDERS_HEADER + '\n'),
    check: (o) => (ok(o), loaded(o, 'orders', 0)),
  },
  {
    name: 'a mapped column missing from the header is a config error naming it',
    kind: 'headers',
    build: (c) => crm(c, crmText().replace('email', 'e_mail')),
    check: (o) => fails(o, 2, /crm\.csv/, /email/),
  },
  {
    name: 'a duplicate header name that is mapped is a config error',
    kind: 'headers',
    build: (c) => crm(c, [CUSTOMERS_HEADER + ',email', ...customerLines().map((l) => l + ',other@example.com')].join('\n') + '\n'),
    check: (o) => fails(o, 2, /crm\.csv/, /email/, /twice|duplicate|more than once/i),
  },
  {
    name: 'a duplicate header name that is not mapped is harmless',
    kind: 'headers',
    build: (c) => crm(c, [CUSTOMERS_HEADER + ',notes,notes', ...customerLines().map((l) => l + ',a,b')].join('\n') + '\n'),
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
  {
    name: 'a header in another case than the mapping still fails clearly',
    kind: 'headers',
    build: (c) => crm(c, crmText().replace(CUSTOMERS_HEADER, CUSTOMERS_HEADER.toUpperCase())),
    check: (o) => fails(o, 2, /crm\.csv/, /id|ID/),
  },
  {
    name: 'a TAB-separated file read as comma-separated names the delimiter',
    kind: 'headers',
    build: (c) => crm(c, crmText().replaceAll(',', '\t')),
    check: (o) => fails(o, 2, /crm\.csv/, /delimiter|tab/i),
  },
  // ── sizes and field counts ─────────────────────────────────────────────────────────────────
  {
    name: 'a 10 MB field is rejected on its own line, the rest load',
    kind: 'size',
    build: (c) => {
      const lines = customerLines();
      lines[3] = lines[3]!.replace(/,([^,]+),/, `,"${'x'.repeat(10 * 1024 * 1024)}",`);
      crm(c, crmText(lines));
    },
    check: (o) => {
      ok(o);
      expect((o.loaded['crm'] ?? 0) + o.rejects.filter((r) => r.source === 'crm').length).toBe(30);
      expect(o.loaded['crm']).toBeGreaterThanOrEqual(29);
    },
  },
  {
    name: 'a row with too few fields is rejected with its line',
    kind: 'size',
    build: (c) => {
      const lines = customerLines();
      lines[5] = 'c06,Only Name';
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 29), rejectAt(o, 'crm', 7, 'wrong_field_count')),
  },
  {
    name: 'a row with too many fields is rejected with its line',
    kind: 'size',
    build: (c) => {
      const lines = customerLines();
      lines[5] = lines[5]! + ',extra,fields';
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 29), rejectAt(o, 'crm', 7, 'wrong_field_count')),
  },
  // ── dates ──────────────────────────────────────────────────────────────────────────────────
  {
    name: 'an impossible birth date is a field issue, the customer is kept',
    kind: 'dates',
    build: (c) => {
      const lines = customerLines();
      lines[0] = lines[0]!.replace(/\d{4}-\d{2}-\d{2}/, '1990-02-30');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30), issueAt(o, 'crm', 2, /date/, 'birth')),
  },
  {
    name: 'an impossible order timestamp rejects the line with its column',
    kind: 'dates',
    build: (c) => {
      const lines = orderLines();
      lines[10] = lines[10]!.replace(/2025-\d{2}-\d{2}/, '2025-13-45');
      orders(c, ordersText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'orders', 89), rejectAt(o, 'orders', 12, /timestamp|date/, 'ts')),
  },
  {
    name: 'orders after as_of are kept and do not count before as_of',
    kind: 'dates',
    build: (c) => {
      const lines = orderLines();
      lines[0] = lines[0]!.replace(/2025-\d{2}-\d{2}/, '2026-03-01');
      orders(c, ordersText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'orders', 90)),
  },
  {
    name: 'a birth date in the future is a field issue',
    kind: 'dates',
    build: (c) => {
      const lines = customerLines();
      lines[1] = lines[1]!.replace(/\d{4}-\d{2}-\d{2}/, '2090-01-01');
      crm(c, crmText(lines));
    },
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
  // ── numbers and amounts ────────────────────────────────────────────────────────────────────
  {
    name: 'decimal commas with decimal_comma declared read as numbers',
    kind: 'numbers',
    build: (c) => {
      orders(c, [ORDERS_HEADER.replaceAll(',', ';'), ...orderLines().map((l) => l.replaceAll(',', ';').replace(/(\d+)\.(\d\d);/, '$1,$2;'))].join('\n') + '\n');
      pipeline(c, pipelineYaml({ ordersExtra: '    delimiter: ";"\n' }).replace('unit_price: price', 'unit_price: { column: price, decimal_comma: true }'));
    },
    check: (o) => (ok(o), loaded(o, 'orders', 90), expect(o.fieldIssues.filter((i) => i.source === 'orders')).toEqual([])),
  },
  {
    name: 'a decimal comma without decimal_comma is an unusable price, counted',
    kind: 'numbers',
    build: (c) => {
      const lines = orderLines();
      lines[3] = lines[3]!.replace(/,(\d+)\.(\d\d),/, ',"$1,$2",');
      orders(c, ordersText(lines));
    },
    check: (o) => (ok(o), expect(o.fieldIssues.some((i) => i.source === 'orders' && i.line === 5) || o.rejects.some((r) => r.source === 'orders' && r.line === 5)).toBe(true)),
  },
  {
    name: 'an absurd quantity is flagged as an outlier, not counted as revenue',
    kind: 'numbers',
    build: (c) => {
      const lines = orderLines();
      lines[20] = lines[20]!.replace(/,SKU(\d),\d,/, ',SKU$1,99999999,');
      orders(c, ordersText(lines));
    },
    check: (o) => (ok(o), expect(o.dataIssues['outlier_quantity']).toBe(1)),
  },
  {
    name: 'a negative price is a data issue',
    kind: 'numbers',
    build: (c) => {
      const lines = orderLines();
      lines[21] = lines[21]!.replace(/,(\d+\.\d\d),/, ',-$1,');
      orders(c, ordersText(lines));
    },
    check: (o) => (ok(o), expect(Object.keys(o.dataIssues).some((k) => /price/.test(k))).toBe(true)),
  },
  {
    name: 'NA literals declared as null_values are nulls, not issues',
    kind: 'numbers',
    build: (c) => {
      const lines = orderLines().map((l, i) => (i % 10 === 0 ? l.replace(/,(\d+\.\d\d),/, ',NA,') : l));
      orders(c, ordersText(lines));
      pipeline(c, pipelineYaml({ ordersExtra: '    null_values: [NA]\n' }));
    },
    check: (o) => (ok(o), expect(o.fieldIssues.filter((i) => i.source === 'orders')).toEqual([])),
  },
  {
    name: 'NA prices without null_values are missing (default null markers) and logged as missing_price',
    kind: 'numbers',
    build: (c) => orders(c, ordersText(orderLines().map((l, i) => (i % 10 === 0 ? l.replace(/,(\d+\.\d\d),/, ',NA,') : l)))),
    check: (o) => (ok(o), loaded(o, 'orders', 90), expect(o.dataIssues['missing_price']).toBe(9)),
  },
  // ── exchange rates ─────────────────────────────────────────────────────────────────────────
  {
    name: 'a currency with no exchange rate leaves its lines out of revenue, logged',
    kind: 'fx',
    build: (c) => orders(c, ordersText(orderLines().map((l, i) => (i === 7 ? l.replace(/,(CNY|USD),/, ',EUR,') : l)))),
    check: (o) => (ok(o), expect(o.dataIssues['no_fx_rate']).toBe(1)),
  },
  {
    name: 'a zero exchange rate fails clean naming the currency and day',
    kind: 'fx',
    build: (c) => fx(c, 'currency,date,rate\nUSD,2025-01-01,7.10\nUSD,2025-06-01,0\nUSD,2025-12-01,7.15\n'),
    check: (o) => {
      if (o.exit === 0) expect(Object.keys(o.dataIssues).join() + o.rejects.map((r) => r.code).join()).toMatch(/rate/);
      else fails(o, 1, /USD/, /rate/);
    },
  },
  {
    name: 'an empty exchange-rate file leaves foreign-currency lines out of revenue, logged',
    kind: 'fx',
    build: (c) => fx(c, 'currency,date,rate\n'),
    check: (o) => (ok(o), expect(o.dataIssues['no_fx_rate']).toBe(18)),
  },
  // ── files and the database ─────────────────────────────────────────────────────────────────
  {
    name: 'a missing source file is a config error naming it',
    kind: 'files',
    build: (c) => pipeline(c, pipelineYaml().replace('path: orders.csv', 'path: nowhere.csv')),
    check: (o) => fails(o, 2, /nowhere\.csv/),
  },
  {
    name: 'a source path that is a folder fails naming it',
    kind: 'files',
    build: (c) => {
      mkdirSync(join(c.dir, 'folder.csv'));
      pipeline(c, pipelineYaml().replace('path: orders.csv', 'path: folder.csv'));
    },
    check: (o) => (expect([1, 2]).toContain(o.exit), expect(o.output).toMatch(/folder\.csv/)),
  },
  {
    name: 'an unreadable source file fails naming it (as a normal user)',
    kind: 'files',
    build: (c) => {
      chmodSync(join(c.dir, 'orders.csv'), 0o000);
      // Root reads anything: the harness runs this case as nobody when it runs as root.
      return { uid: 65534 };
    },
    check: (o) => fails(o, 1, /orders\.csv/, /permission|readable|access/i),
  },
  {
    name: 'a database whose parent is a file fails naming the path',
    kind: 'database',
    build: (c) => {
      writeFileSync(join(c.dir, 'afile'), 'x');
      return { args: ['--db', join(c.dir, 'afile', 'p.db')] };
    },
    check: (o) => fails(o, 2, /afile is a file, not a folder/),
  },
  {
    name: 'a database path under /proc fails at once, no endless retry',
    kind: 'database',
    build: () => ({ args: ['--db', '/proc/persona-test/p.db'] }),
    check: (o) => fails(o, 1, /\/proc\/persona-test/),
  },
  {
    name: 'a database file that is not SQLite fails naming it',
    kind: 'database',
    damagesDatabase: true,
    build: (c) => writeFileSync(c.db, 'this is a text file, not a database\n'.repeat(200)),
    check: (o) => fails(o, 2, /p\.db/, /not a database|sqlite/i),
  },
  {
    name: 'a truncated database file fails naming it',
    kind: 'database',
    damagesDatabase: true,
    build: (c, run) => {
      run(['run', c.pipeline, '--to', 'collect']);
      truncateDatabase(c.db);
    },
    check: (o) => fails(o, 1, /p\.db/),
  },
  {
    name: 'a database directory that is read-only fails naming it',
    kind: 'database',
    build: () => ({ args: ['--db', '/sys/persona-test.db'] }),
    check: (o) => fails(o, 1, /\/sys\/persona-test\.db/),
  },
  {
    name: 'two concurrent runs: the loser says another run holds the database',
    kind: 'database',
    build: () => ({ concurrent: true }),
    // Two real processes: when they happen not to overlap both succeed; the one that loses must say why.
    check: (o) => {
      if (o.exit !== 0) fails(o, 1, /another persona run|locked|in use|busy/i);
    },
  },
  {
    name: 'a run while another live run holds the lock is refused with the owner named',
    kind: 'database',
    build: (c) => void writeFileSync(`${c.db}.lock`, JSON.stringify({ pid: process.pid, hostname: hostname(), started_at: '2025-12-31T00:00:00.000Z' })),
    check: (o) => fails(o, 1, /another persona run/, new RegExp(`pid ${process.pid}`)),
  },
  // ── data shapes ────────────────────────────────────────────────────────────────────────────
  {
    name: 'a customers file that repeats a source_id on many rows runs clean',
    kind: 'shape',
    build: (c) => crm(c, crmText(customerLines().map((l, i) => (i >= 10 && i < 20 ? l.replace(/^c\d+/, 'c11') : l)))),
    check: (o) => (ok(o), expect(o.dataIssues['duplicate_source_id']).toBe(9)),
  },
  {
    name: 'two orders sources both reach orders',
    kind: 'shape',
    build: (c) => {
      writeFileSync(join(c.dir, 'orders2.csv'), ordersText(orderLines().slice(0, 30).map((l) => l.replace(/^o/, 'p'))));
      const yaml = pipelineYaml();
      const second = yaml.slice(yaml.indexOf('  - name: orders'), yaml.indexOf('  - name: fx')).replace('name: orders', 'name: orders_b').replace('path: orders.csv', 'path: orders2.csv');
      pipeline(c, yaml.replace('  - name: fx', second + '  - name: fx'));
    },
    check: (o) => (ok(o), loaded(o, 'orders', 90), loaded(o, 'orders_b', 30)),
  },
  {
    name: 'no repeat buyer: segment succeeds and says CLV was skipped or fell back',
    kind: 'shape',
    build: (c) => orders(c, ordersText(orderLines().slice(0, 30))),
    check: (o) => (ok(o), expect(o.stages['segment']).toBe('success'), expect(o.notes.join('\n')).toMatch(/segment: .*(repeat|CLV|clv)/)),
  },
  {
    name: 'customers only, no orders: segment succeeds and says why clustering and CLV were skipped',
    kind: 'shape',
    build: (c) => {
      const yaml = pipelineYaml();
      pipeline(c, yaml.slice(0, yaml.indexOf('  - name: orders')));
    },
    check: (o) => (ok(o), expect(o.notes.join('\n')).toMatch(/segment: /)),
  },
  {
    name: 'orders only, no customers file: every reference becomes a customer',
    kind: 'shape',
    build: (c) => {
      const yaml = pipelineYaml();
      pipeline(c, yaml.slice(0, yaml.indexOf('  - name: crm')) + yaml.slice(yaml.indexOf('  - name: orders')).replace('customer_source: crm', 'customer_source: shop'));
    },
    check: (o) => (ok(o), loaded(o, 'orders', 90)),
  },
  {
    name: 'orders that refer to unknown customers are kept and logged',
    kind: 'shape',
    build: (c) => orders(c, ordersText(orderLines().map((l, i) => (i < 5 ? l.replace(/,c\d+,/, ',c99,') : l)))),
    check: (o) => (ok(o), loaded(o, 'orders', 90), expect(o.dataIssues['unknown_customer_ref']).toBe(5)),
  },
  {
    name: 'every row of a source rejected fails with a hint, nothing half-written',
    kind: 'shape',
    build: (c) => orders(c, ordersText(orderLines().map((l) => l.replace(/2025-\d{2}-\d{2} /, 'someday ')))),
    check: (o) => {
      ok(o);
      loaded(o, 'orders', 0);
      expect(o.notes.join('\n')).toMatch(/collect: orders: all 90 rows rejected \(invalid_timestamp 90\)/);
    },
  },
  {
    name: 'invalid e-mails and phones are counted field issues, the customers kept',
    kind: 'shape',
    build: (c) => crm(c, crmText(customerLines().map((l, i) => (i === 2 ? l.replace(/user\d+@example\.com/, 'not-an-email').replace(/,138\d+,/, ',12,') : l)))),
    check: (o) => (ok(o), loaded(o, 'crm', 30), issueAt(o, 'crm', 4, /email/, 'email')),
  },
  {
    name: 'a spreadsheet-formula value is stored as text, never evaluated',
    kind: 'shape',
    build: (c) => crm(c, crmText(customerLines().map((l, i) => (i === 2 ? l.replace(/,([^,]+),/, ',=HYPERLINK("http://x"),') : l)))),
    check: (o) => (ok(o), loaded(o, 'crm', 30)),
  },
];

/** The 'truncated database' case needs a real database first: build it, then cut it. */
export function truncateDatabase(dbPath: string): void {
  const size = readFileSync(dbPath).length;
  truncateSync(dbPath, Math.floor(size / 3));
}
