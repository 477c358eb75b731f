/**
 * A customers-only marketing export (fixtures/marketing: TAB-separated, blanks in Income, dd-mm-yy
 * sign-up dates, a bare year of birth, aggregate spends, campaign flags) through the real binary:
 * every column is loaded as a canonical field or a typed attribute, carried into golden records
 * with provenance and into feature_attributes, used by tags, and the customers are segmented on
 * their attributes although nobody has an order.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { persona, REPO } from './helpers/cli.js';

const TSV = join(REPO, 'fixtures', 'marketing', 'marketing_campaign.tsv');

describe('marketing export: attributes, and segments without orders', () => {
  it('loads every column, keeps provenance, tags and clusters on the attributes', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'marketing-')), 'marketing.db');
    const run = persona(['run', 'pipelines/marketing.yml', '--db', db]);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/segment +success\*/);
    expect(run.stdout).toMatch(/\d+\. segment: no customer has a purchase: clustered all 400 customers on their attributes/);

    const lines = readFileSync(TSV, 'utf8').trim().split('\n');
    const header = lines[0]!.split('\t');
    const rows = lines.slice(1).map((l) => l.split('\t'));
    const blankIncome = rows.filter((r) => r[header.indexOf('Income')] === '').length;
    expect(blankIncome).toBeGreaterThan(0);

    const d = new Database(db, { readonly: true });
    try {
      const one = (sql: string, ...args: unknown[]) => d.prepare(sql).pluck().get(...args);
      // collect: 28 attributes per row (ID, Year_Birth and Dt_Customer are also fields), blanks are missing, not issues
      expect(one('SELECT count(*) FROM raw_customers')).toBe(400);
      expect(one('SELECT count(DISTINCT name) FROM raw_attributes')).toBe(28);
      expect(one('SELECT count(*) FROM raw_attributes')).toBe(400 * 28 - blankIncome);
      expect(one('SELECT count(*) FROM field_issues')).toBe(0);
      expect(one("SELECT count(*) FROM raw_customers WHERE birth_year IS NOT NULL AND created_at LIKE '20__-__-__T00:00:00Z'")).toBe(400);
      expect(one("SELECT count(*) FROM raw_customers WHERE created_at < '2012-07-30' OR created_at >= '2014-06-30'")).toBe(0); // dd-mm-yy: 12 → 2012
      // typed values: numbers are numbers, categories text (mapped with values), flags 0/1, dates YYYY-MM-DD
      expect(one("SELECT DISTINCT typeof(value) FROM raw_attributes WHERE name = 'income'")).toBe('real');
      expect(d.prepare("SELECT DISTINCT value FROM raw_attributes WHERE name = 'marital_status' ORDER BY 1").pluck().all()).toEqual(['Divorced', 'Married', 'Single', 'Widow']);
      expect(d.prepare("SELECT DISTINCT value FROM raw_attributes WHERE name = 'response' ORDER BY 1").pluck().all()).toEqual([0, 1]);
      expect(one("SELECT count(*) FROM raw_attributes WHERE name = 'customer_since' AND value GLOB '201[234]-[01][0-9]-[0-3][0-9]'")).toBe(400);

      // clean: golden attributes, each traced to its record
      expect(one('SELECT count(*) FROM customer_attributes')).toBe(400 * 28 - blankIncome);
      expect(one("SELECT count(*) FROM customer_provenance WHERE field LIKE 'attr.%' AND source = 'marketing' AND rule = 'most_recent'")).toBe(400 * 28 - blankIncome);
      const [firstId, firstIncome] = [rows[0]![0], rows[0]![header.indexOf('Income')]];
      expect(
        one(`SELECT p.value FROM customer_provenance p JOIN identity_map m ON m.customer_id = p.customer_id WHERE m.source_id = ? AND p.field = 'attr.income'`, firstId),
      ).toBe(firstIncome === '' ? undefined : String(Number(firstIncome)));
      expect(one('SELECT count(*) FROM customers WHERE birth_year IS NOT NULL')).toBe(400);

      // features: attributes per customer, ages from the bare year (an impossible 1893 is unknown)
      expect(one('SELECT count(*) FROM feature_attributes')).toBe(400 * 28 - blankIncome);
      const oldest = rows.filter((r) => 2014 - Number(r[1]) > 120).length; // MAX_AGE 120: 1893 is not an age
      expect(one('SELECT count(*) FROM features WHERE age_band IS NULL')).toBe(oldest);
      const tags = Object.fromEntries(d.prepare('SELECT tag, count(*) FROM customer_tags GROUP BY 1').raw().all() as [string, number][]);
      const column = (name: string) => rows.map((r) => Number(r[header.indexOf(name)]));
      expect(tags['wine_lover']).toBe(column('MntWines').filter((v) => v >= 500).length);
      expect(tags['campaign_responder']).toBe(column('Response').filter((v) => v === 1).length);
      expect(tags['parent']).toBe(rows.filter((r) => Number(r[header.indexOf('Kidhome')]) + Number(r[header.indexOf('Teenhome')]) > 0).length);

      // segment: no RFM scores or CLV without orders, but everyone is in a cluster built from the attributes
      expect(one("SELECT count(*) FROM rfm WHERE segment = 'No purchase'")).toBe(400);
      expect(one('SELECT count(*) FROM segments WHERE segment_id IS NOT NULL')).toBe(400);
      expect(d.prepare('SELECT feature FROM segment_features ORDER BY position').pluck().all()).toHaveLength(14);
      expect(one("SELECT count(*) FROM segment_features WHERE feature NOT LIKE 'attr.%'")).toBe(0);
      const sizes = d.prepare('SELECT customers FROM segment_clusters ORDER BY segment_id').pluck().all() as number[];
      expect(sizes).toEqual([77, 74, 73, 50, 45, 42, 39]);
      // The clusters mean something: each is made of one latent segment of the generator.
      const truth = new Map(readFileSync(join(REPO, 'fixtures', 'marketing', 'truth', 'segments.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',') as [string, string]));
      const members = d.prepare('SELECT s.segment_id, m.source_id FROM segments s JOIN identity_map m ON m.customer_id = s.customer_id').raw().all() as [number, string][];
      const byCluster = new Map<number, Map<string, number>>();
      for (const [cluster, id] of members) {
        const counts = byCluster.get(cluster) ?? new Map<string, number>();
        counts.set(truth.get(id)!, (counts.get(truth.get(id)!) ?? 0) + 1);
        byCluster.set(cluster, counts);
      }
      const majority = [...byCluster.values()].reduce((sum, counts) => sum + Math.max(...counts.values()), 0);
      expect(majority / 400).toBeGreaterThanOrEqual(0.95);
      const details = JSON.parse(one("SELECT details FROM stage_runs WHERE stage = 'segment' ORDER BY run_id DESC LIMIT 1") as string) as { clustering: { features: string[] } };
      expect(details.clustering.features).toContain('attr.spend_wines');
    } finally {
      d.close();
    }
  });
});
