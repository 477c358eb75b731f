/**
 * Bad pipeline files: each one must fail with a message that names the file, the line, the path
 * inside the file and a fix. The messages are pinned: changing one is a deliberate act.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';

const GOOD = `as_of: 2025-12-31
database: x.db
base_currency: CNY
sources:
  - name: crm
    kind: customers
    path: crm.csv
    columns:
      source_id: id
      email: Email
  - name: orders
    kind: orders
    path: orders.csv
    customer_source: crm
    columns:
      order_id: id
      customer_ref: cust
      quantity: qty
      unit_price: price
      ordered_at: ts
`;

const cases: { name: string; yaml: string; message: string }[] = [
  {
    name: 'YAML syntax error',
    yaml: 'as_of: 2025-12-31\nsources: [unclosed\n',
    message: `<file>: 1 problem in the pipeline file
  ✖ (top level): line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]
    fix: fix the YAML syntax (indentation, quotes, a missing colon)`,
  },
  {
    name: 'impossible as_of date',
    yaml: GOOD.replace('as_of: 2025-12-31', 'as_of: 2025-02-30'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:1:8 as_of: expected a real calendar date (got string "2025-02-30")`,
  },
  {
    name: 'misspelt top-level key',
    yaml: GOOD.replace('database: x.db', 'databse: x.db'),
    message: `<file>: 2 problems in the pipeline file
  ✖ <file>:1:1 database: "database" is required (expected string)
    fix: add database
  ✖ <file>:2:10 databse: unknown key "databse"
    fix: did you mean "database"?`,
  },
  {
    name: 'unknown source kind',
    yaml: GOOD.replace('kind: customers', 'kind: customer'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:6:11 sources[0].kind: string "customer" is not allowed
    fix: did you mean "customers"? (allowed: customers, orders, events, fx_rates)`,
  },
  {
    name: 'unknown canonical field',
    yaml: GOOD.replace('email: Email', 'emial: Email'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:10:14 sources[0].columns.emial: "emial" is not a field of a customers source
    fix: did you mean "email"?`,
  },
  {
    name: 'required field not mapped',
    yaml: GOOD.replace('      source_id: id\n', ''),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:9:7 sources[0].columns: the required field "source_id" (the record's id in its own system) is not mapped
    fix: add "source_id: <column name in the file>" under columns`,
  },
  {
    name: 'date format without a year',
    yaml: GOOD.replace('email: Email', 'birth_date: { column: B, formats: [DD.MM] }'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:10:42 sources[0].columns.birth_date.formats[0]: the date format "DD.MM" needs a year (YYYY), a month (MM) and a day (DD)
    fix: write it with the tokens YYYY MM DD (and HH mm ss for times), e.g. "MM/DD/YYYY" or "YYYY年MM月DD日"`,
  },
  {
    name: 'option that does not fit the field type',
    yaml: GOOD.replace('email: Email', 'email: { column: Email, formats: [YYYY-MM-DD] }'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:10:40 sources[0].columns.email.formats: "formats" does not apply to email, an email field
    fix: remove "formats" (it applies to date/timestamp/year fields)`,
  },
  {
    name: 'boolean vocabulary with one side only',
    yaml: GOOD.replace('email: Email', 'consent_email: { column: C, true: [Y] }'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:10:22 sources[0].columns.consent_email: a boolean vocabulary needs both "true" and "false" lists
    fix: add the missing list, e.g. true: [Y] and false: [N]`,
  },
  {
    name: 'customer_source naming no customers source',
    yaml: GOOD.replace('customer_source: crm', 'customer_source: cmr'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:14:22 sources[1].customer_source: "cmr" is not the name of a customers source
    fix: did you mean "crm"?`,
  },
  {
    name: 'customer_ref without customer_source',
    yaml: GOOD.replace('    customer_source: crm\n', ''),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:11:5 sources[1].customer_source: customer_ref is mapped but nothing says which customer source its ids belong to
    fix: add "customer_source: crm" or "customer_source: {column: <system column>, values: {<value>: <source name>}}"`,
  },
  {
    name: 'encoding Node cannot decode',
    yaml: GOOD.replace('    path: crm.csv\n', '    path: crm.csv\n    encoding: klingon\n'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:8:15 sources[0].encoding: "klingon" is not an encoding this Node.js can decode
    fix: use utf-8, utf-16le, utf-16be, gbk, gb18030, big5, shift_jis, windows-1252, iso-8859-1, …`,
  },
  {
    name: 'two sources with one name',
    yaml: GOOD.replace('name: orders', 'name: crm').replace('customer_source: crm', 'customer_source: crm'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:11:11 sources[1].name: the source name "crm" is already used by sources[0]
    fix: give every source its own name`,
  },
  {
    name: 'misspelt option inside a column mapping',
    yaml: GOOD.replace('email: Email', 'email: { colum: Email }'),
    message: `<file>: 2 problems in the pipeline file
  ✖ <file>:10:14 sources[0].columns.email.column: "column" is required (expected string)
    fix: add column
  ✖ <file>:10:23 sources[0].columns.email.colum: unknown key "colum"
    fix: did you mean "column"?`,
  },
  {
    name: 'bad timezone',
    yaml: GOOD.replace('    customer_source: crm\n', '    customer_source: crm\n    timezone: Asia/Shanghai\n'),
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:15:15 sources[1].timezone: expected a fixed UTC offset such as "+08:00", "-05:00" or "UTC" (got string "Asia/Shanghai")`,
  },
  {
    name: 'no sources',
    yaml: 'as_of: 2025-12-31\ndatabase: x.db\nbase_currency: CNY\nsources: []\n',
    message: `<file>: 1 problem in the pipeline file
  ✖ <file>:4:10 sources: a pipeline needs at least one source (got a list)`,
  },
];

describe('invalid pipeline files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-config-'));

  it('accepts the valid base file', () => {
    const file = join(dir, 'good.yml');
    writeFileSync(file, GOOD);
    expect(loadPipeline(file).sources).toHaveLength(2);
  });

  it.each(cases)('$name', ({ name, yaml, message }) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.yml`);
    writeFileSync(file, yaml);
    let error: unknown;
    try {
      loadPipeline(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.replaceAll(file, '<file>')).toBe(message);
  });

  it('reports a missing pipeline file', () => {
    expect(() => loadPipeline(join(dir, 'nope.yml'))).toThrow(/the file does not exist/);
  });
});
