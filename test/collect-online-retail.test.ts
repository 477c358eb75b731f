/** UCI Online Retail: every one of its 541,909 lines is accounted for (loaded, anonymous or rejected). */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { persona, SHARED_DATA } from './helpers/cli.js';

it.skipIf(!existsSync(join(SHARED_DATA, 'online-retail/online_retail.csv.gz')))('accounts for all 541,909 Online Retail lines', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'persona-or-')), 'or.db');
  const run = persona(['run', 'pipelines/online-retail.yml', '--db', db, '--only', 'collect']);
  expect(run.status).toBe(0);
  const sqlite = new Database(db, { readonly: true });
  const raw = sqlite.prepare('SELECT COUNT(*) AS n, SUM(customer_ref IS NULL) AS anonymous, COUNT(DISTINCT customer_ref) AS customers FROM raw_orders').get() as { n: number; anonymous: number; customers: number };
  const rejects = (sqlite.prepare('SELECT COUNT(*) AS n FROM rejects').get() as { n: number }).n;
  const file = sqlite.prepare('SELECT rows_read, rows_loaded, rows_rejected, anonymous_rows FROM source_files').get() as Record<string, number>;
  sqlite.close();
  expect(raw.n + rejects).toBe(541_909);
  expect(file.rows_read).toBe(541_909);
  expect(raw.anonymous).toBe(135_080); // SOURCE.md: 135,080 lines have no CustomerID
  expect(file.anonymous_rows).toBe(135_080);
  expect(raw.customers).toBe(4_372);
  expect(rejects).toBe(0);
});
