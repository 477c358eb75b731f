/**
 * CDNOW through the whole pipeline (pipelines/cdnow.yml: collect → clean → features → segment),
 * as the CLI runs it: the published BG/NBD fit (Fader, Hardie & Lee 2005) and the 39-week
 * holdout, read back from clv_model and clv.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { silentProgress } from '../pipeline/progress.js';
import { loadPipeline } from '../config/load.js';
import { runPipeline } from '../pipeline/runner.js';
import { openDatabase } from '../store/database.js';
import { auc } from './clv/auc.js';
import { conditionalExpectedPurchases } from './clv/bg-nbd.js';
import { readPurchaseDays } from './segment-store.js';

const PIPELINE = new URL('../../pipelines/cdnow.yml', import.meta.url).pathname;

describe('pipelines/cdnow.yml', () => {
  it('reproduces the published BG/NBD and the holdout forecast', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'persona-cdnow-')), 'cdnow.db');
    const pipeline = loadPipeline(PIPELINE, { database });
    const report = await runPipeline(pipeline, { command: ['test'] }, { logger: pino({ level: 'silent' }), progress: silentProgress });
    expect(report.stages.map((s) => `${s.stage}:${s.status}`)).toEqual(['collect:success', 'clean:success', 'features:success', 'segment:success', 'personas:success']);

    const db = openDatabase(database, { readonly: true });
    try {
      const param = (name: string): number => db.prepare(`SELECT value FROM clv_model WHERE model = 'bg_nbd' AND parameter = ?`).pluck().get(name) as number;
      const within = (value: number, target: number): void => expect(Math.abs(value - target) / target).toBeLessThanOrEqual(0.005);
      within(param('r'), 0.2426);
      within(param('alpha'), 4.4135);
      within(param('a'), 0.7929);
      within(param('b'), 2.4258);
      expect(Math.abs(param('log_likelihood') - -9582.4)).toBeLessThanOrEqual(0.1);
      expect(param('customers')).toBe(2357);

      const params = { r: param('r'), alpha: param('alpha'), a: param('a'), b: param('b') };
      const clv = db.prepare('SELECT customer_id, x, t_x, t_cal FROM clv ORDER BY customer_id').all() as { customer_id: string; x: number; t_x: number; t_cal: number }[];
      const holdout = new Map<string, number>();
      for (const d of readPurchaseDays(db, '1998-06-30', '1997-09-30')) holdout.set(d.customerId, (holdout.get(d.customerId) ?? 0) + 1);
      const expected = clv.map((c) => conditionalExpectedPurchases(params, 39, c.x, c.t_x, c.t_cal));
      const actual = clv.map((c) => holdout.get(c.customer_id) ?? 0);
      expect(actual.reduce((a, b) => a + b, 0)).toBe(1882);
      expect(Math.abs(expected.reduce((a, b) => a + b, 0) - 1653.4)).toBeLessThan(0.5);
      expect(auc(expected, actual.map((n) => n > 0))).toBeCloseTo(0.7725, 3);
      // every customer has RFM scores (all bought in calibration) and a cluster
      expect(db.prepare(`SELECT count(*) FROM rfm WHERE segment <> 'No purchase'`).pluck().get()).toBe(2357);
      expect(db.prepare('SELECT count(*) FROM segments WHERE segment_id IS NOT NULL').pluck().get()).toBe(2357);
    } finally {
      db.close();
    }
  });
});
