/**
 * Faults of the environment through the real binary: a source that cannot be read or is a folder,
 * a damaged gzip, a database whose folder cannot be made or written, a database file that is not
 * SQLite or is damaged, and two runs at once. Each ends with one line on stderr that names the
 * path and says what to do, exit 1 or 2, no stack trace, and leaves the database as it was
 * (PRAGMA integrity_check ok, tables unchanged).
 *
 * Tests run as root, where chmod 000 stops nothing: an unreadable file is /proc/sys/vm/drop_caches
 * (write-only even for root) and an unwritable folder is /sys/kernel; a read-only or full disk is
 * covered with injected errors in src/util/environment-errors.test.ts.
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona, personaAsync, type CliResult } from './helpers/cli.js';
import { tableHashes } from './helpers/table-hash.js';

interface Fixture {
  dir: string;
  pipeline: string;
  db: string;
  orders: string;
}

/** A small pipeline (customers, gzipped orders) in its own folder; `paths` overrides source paths. */
function fixture(paths: { customers?: string; orders?: string } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'persona-faults-'));
  const customers = ['id,name,email', ...Array.from({ length: 20 }, (_, i) => `K${i},Person ${i},p${i}@example.com`)];
  writeFileSync(join(dir, 'customers.csv'), customers.join('\n') + '\n');
  const orders = ['order_id,cust,sku,qty,price,ts', ...Array.from({ length: 2000 }, (_, i) => `O${i},K${i % 20},S${i % 50},${1 + (i % 3)},${(5 + (i % 40)).toFixed(2)},2025-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`)];
  writeFileSync(join(dir, 'orders.csv.gz'), gzipSync(orders.join('\n') + '\n'));
  const pipeline = join(dir, 'faults.yml');
  writeFileSync(
    pipeline,
    `name: faults
as_of: 2025-12-31
database: faults.db
base_currency: CNY
sources:
  - name: crm
    kind: customers
    path: ${paths.customers ?? 'customers.csv'}
    columns: { source_id: id, full_name: name, email: email }
  - name: orders
    kind: orders
    path: ${paths.orders ?? 'orders.csv.gz'}
    customer_source: crm
    columns: { order_id: order_id, customer_ref: cust, sku: sku, quantity: qty, unit_price: price, ordered_at: ts }
`,
  );
  return { dir, pipeline, db: join(dir, 'faults.db'), orders: join(dir, 'orders.csv.gz') };
}

/** One line on stderr, starting "persona: ", with no stack trace. */
function expectOneLine(run: CliResult, exit: 1 | 2, ...parts: string[]): void {
  expect(run.status, run.stderr).toBe(exit);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^persona: /);
  for (const part of parts) expect(lines[0]).toContain(part);
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** A fixture whose database holds a successful collect. */
function collected(): Fixture {
  const f = fixture();
  expect(persona(['run', f.pipeline, '--only', 'collect']).status).toBe(0);
  return f;
}

const unreadable = '/proc/sys/vm/drop_caches';
function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

describe('source files', () => {
  it.skipIf(!existsSync(unreadable) || readable(unreadable))('an unreadable source: exit 1, naming the source and the file', () => {
    const f = fixture({ customers: unreadable });
    const run = persona(['run', f.pipeline]);
    expectOneLine(run, 1, `source crm: cannot read ${unreadable}: permission denied; give the user running persona read access to it`);
    expectOneLine(persona(['validate', f.pipeline]), 1, `cannot read ${unreadable}`);
  });

  it('a source path that is a folder: exit 2, a config problem that says so', () => {
    const f = fixture({ orders: 'a-folder' });
    mkdirSync(join(f.dir, 'a-folder'));
    const run = persona(['run', f.pipeline]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`sources[1].path: ${join(f.dir, 'a-folder')} is a folder`);
    expect(run.stderr).toContain('fix: point the path at the CSV file itself');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    ['truncated', (gz: Buffer) => gz.subarray(0, Math.floor(gz.length / 2)), 'unexpected end of file'],
    ['with a bad CRC', (gz: Buffer) => Buffer.concat([gz.subarray(0, gz.length - 8), Buffer.from([gz[gz.length - 8]! ^ 0xff]), gz.subarray(gz.length - 7)]), 'incorrect data check'],
  ])('a gzip %s: exit 1, naming the file; the database keeps its last good state', (_name, damage, reason) => {
    const f = collected();
    const before = tableHashes(f.db);
    writeFileSync(f.orders, damage(readFileSync(f.orders)));
    const run = persona(['run', f.pipeline, '--only', 'collect']);
    expect(run.status).toBe(1);
    // In the summary when collect meets it, or alone on stderr when the header check already did.
    expect(run.stdout + run.stderr).toContain(`source orders: ${f.orders} is not valid gzip (${reason}): the file is truncated or damaged; copy it again from where it came from`);
    expect(run.stderr).not.toContain('"stack"');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(integrity(f.db)).toBe('ok');
    expect(tableHashes(f.db)).toEqual(before);
  });
});

describe('the database', () => {
  it('whose folder would be a file: exit 2', () => {
    const f = fixture();
    writeFileSync(join(f.dir, 'afile'), 'x');
    const db = join(f.dir, 'afile', 'sub', 'x.db');
    expectOneLine(persona(['run', f.pipeline, '--db', db]), 2, `cannot put the database at ${db}: ${join(f.dir, 'afile')} is a file, not a folder`);
  });

  it('that is a folder: exit 2', () => {
    const f = fixture();
    mkdirSync(f.db);
    expectOneLine(persona(['run', f.pipeline]), 2, `${f.db} is a folder, not a database file`);
    expectOneLine(persona(['status', '--db', f.db]), 2, `${f.db} is a folder`);
  });

  it.skipIf(!existsSync('/sys/kernel'))('in a folder persona may not write (/sys/kernel): exit 1', () => {
    const f = fixture();
    const run = persona(['run', f.pipeline, '--db', '/sys/kernel/persona-test.db']);
    expectOneLine(run, 1, '/sys/kernel/persona-test.db', 'choose another place with --db or database: in the pipeline file');
  });

  it.skipIf(process.platform !== 'linux')('under /proc, where no folder can be made: exit 1 at once, no endless retry', () => {
    const f = fixture();
    const started = Date.now();
    const run = persona(['run', f.pipeline, '--db', '/proc/persona-test/x.db']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expectOneLine(run, 1, 'cannot create /proc/persona-test (for the database /proc/persona-test/x.db): this file system does not allow new files there');
  });

  it('a file that is not SQLite: exit 2, the file untouched; --debug shows the stack', () => {
    const f = fixture();
    const text = 'name,email\nthis is a CSV file given as the database by mistake\n'.repeat(50);
    writeFileSync(f.db, text);
    expectOneLine(persona(['run', f.pipeline]), 2, `${f.db} is not a SQLite database: point --db (or database: in the pipeline file) at a persona database, or move that file away`);
    expectOneLine(persona(['status', '--db', f.db]), 2, `${f.db} is not a SQLite database`);
    expect(readFileSync(f.db, 'utf8')).toBe(text);
    const debug = persona(['--debug', 'run', f.pipeline]);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('a damaged (truncated) database: exit 1, the file untouched', () => {
    const f = collected();
    const whole = readFileSync(f.db);
    const truncated = join(f.dir, 'truncated.db');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 3)));
    const before = readFileSync(truncated);
    expectOneLine(persona(['run', f.pipeline, '--db', truncated]), 1, `the database ${truncated} is damaged`, 'restore it from a backup, or move it away and run again');
    expectOneLine(persona(['status', '--db', truncated]), 1, `the database ${truncated} is damaged`);
    expect(readFileSync(truncated).equals(before)).toBe(true);
  });
});

describe('two runs at once', () => {
  it('a lock held by a live process: exit 1, naming the pid and the lock', () => {
    const f = collected();
    const lock = `${f.db}.lock`;
    writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: hostname(), started_at: '2025-12-31T00:00:00.000Z' }));
    expectOneLine(persona(['run', f.pipeline, '--only', 'collect', '--force']), 1, `another persona run (pid ${process.pid}`, `delete ${lock}`);
    expect(integrity(f.db)).toBe('ok');
  });

  it('the losing side of two real runs says so in one line; the winner finishes', async () => {
    const f = fixture();
    const first = personaAsync(['run', f.pipeline]);
    const exited = new Promise<number | null>((resolve) => first.on('exit', resolve));
    let log = '';
    await new Promise<void>((resolve, reject) => {
      first.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('collect: started')) resolve();
      });
      first.on('exit', () => reject(new Error(`the first run ended before collect started: ${log}`)));
    });
    // Held still while the second run starts, so that the second one surely meets it.
    first.kill('SIGSTOP');
    let second: CliResult;
    try {
      second = persona(['run', f.pipeline]);
    } finally {
      first.kill('SIGCONT');
    }
    expectOneLine(second, 1, `another persona run (pid ${first.pid}`, 'is using this database; wait for it to finish');
    expect(await exited).toBe(0);
    expect(integrity(f.db)).toBe('ok');
  });
});
