/**
 * How well the segment stage recovers the latent behaviours of the synthetic retail sets.
 * The truth only measures here: nothing of it reaches the pipeline.
 *
 *   npm run build && node bin/persona run pipelines/retail-20k.yml --db /tmp/seg20.db
 *   node dist/bench/segment-retail.js /tmp/seg20.db ../shared/data/retail-20k/truth
 *
 * - Each customer is matched to the truth person of the majority of its identity_map records
 *   (truth/identity.csv; ties → the smallest person_id). Customers without a matched record are
 *   left out.
 * - ARI between segments.segment_id and truth/segments.csv over the matched customers;
 *   customers without a cluster (segment_id NULL: no purchase) count as one more label.
 *   Also over the clustered customers only.
 * - AUC of 1 − clv.p_alive separating the truth's `dormant` people from the rest, over the
 *   matched customers that have a clv row (customers with a purchase by as_of).
 * - The cluster × truth contingency table and each cluster's centroid.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adjustedRandIndex } from '../src/segment/ari.js';
import { auc } from '../src/segment/clv/auc.js';

const [dbPath, truthDir] = process.argv.slice(2);
if (!dbPath || !truthDir) {
  console.error('usage: node dist/bench/segment-retail.js DB TRUTH_DIR');
  process.exit(2);
}

function readCsv(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','));
}

const personOfRecord = new Map<string, string>();
for (const [source, sourceId, person] of readCsv(join(truthDir, 'identity.csv'))) personOfRecord.set(`${source}\u0000${sourceId}`, person as string);
const segmentOfPerson = new Map<string, string>();
for (const [person, segment] of readCsv(join(truthDir, 'segments.csv'))) segmentOfPerson.set(person as string, segment as string);

const db = new Database(dbPath, { readonly: true });
const votes = new Map<string, Map<string, number>>();
for (const row of db.prepare('SELECT customer_id, source, source_id FROM identity_map ORDER BY customer_id, source, source_id').iterate() as Iterable<{ customer_id: string; source: string; source_id: string }>) {
  const person = personOfRecord.get(`${row.source}\u0000${row.source_id}`);
  if (!person) continue;
  let v = votes.get(row.customer_id);
  if (!v) votes.set(row.customer_id, (v = new Map()));
  v.set(person, (v.get(person) ?? 0) + 1);
}
const personOf = new Map<string, string>();
for (const [customer, v] of votes) {
  const best = [...v.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (best) personOf.set(customer, best[0]);
}

const segments = db.prepare('SELECT customer_id, segment_id FROM segments ORDER BY customer_id').all() as { customer_id: string; segment_id: number | null }[];
const predicted: string[] = [];
const truth: string[] = [];
const predictedClustered: number[] = [];
const truthClustered: string[] = [];
for (const s of segments) {
  const person = personOf.get(s.customer_id);
  const seg = person ? segmentOfPerson.get(person) : undefined;
  if (!seg) continue;
  predicted.push(s.segment_id === null ? 'none' : String(s.segment_id));
  truth.push(seg);
  if (s.segment_id !== null) {
    predictedClustered.push(s.segment_id);
    truthClustered.push(seg);
  }
}
const model = db.prepare('SELECT k, silhouette, stability, chosen, rule FROM segment_model ORDER BY k').all() as { k: number; silhouette: number; stability: number; chosen: number; rule: string | null }[];
const fmt = (v: number, d = 4): string => v.toFixed(d);

console.log(`segment-retail: ${dbPath}`);
console.log(`customers: ${segments.length} in segments, ${predicted.length} matched to a truth person (${new Set(personOf.values()).size} persons)`);
console.log(`k tried: ${model.map((m) => `${m.k}${m.chosen ? '*' : ''} (sil ${fmt(m.silhouette, 3)}, stab ${fmt(m.stability, 3)})`).join(', ')}`);
console.log(`ARI (matched, no-purchase = own label): ${fmt(adjustedRandIndex(predicted, truth))}`);
console.log(`ARI (clustered customers only, ${predictedClustered.length}): ${fmt(adjustedRandIndex(predictedClustered, truthClustered))}`);

// Contingency table.
const truthLabels = [...new Set(truth)].sort();
const predLabels = [...new Set(predicted)].sort((a, b) => (a === 'none' ? 1 : b === 'none' ? -1 : Number(a) - Number(b)));
const table = new Map<string, number>();
predicted.forEach((p, i) => table.set(`${p}|${truth[i]}`, (table.get(`${p}|${truth[i]}`) ?? 0) + 1));
console.log(`\n${'cluster'.padEnd(8)}${truthLabels.map((t) => t.slice(0, 12).padStart(13)).join('')}`);
for (const p of predLabels) console.log(`${p.padEnd(8)}${truthLabels.map((t) => String(table.get(`${p}|${t}`) ?? 0).padStart(13)).join('')}`);

// Centroids in original units.
const centroids = db.prepare('SELECT segment_id, feature, value_original FROM segment_centroids ORDER BY segment_id, position').all() as { segment_id: number; feature: string; value_original: number }[];
const features = [...new Set(centroids.map((c) => c.feature))];
if (features.length > 0) {
  console.log(`\ncentroid${features.map((f) => f.replace('share.category.', 'cat.').slice(0, 11).padStart(12)).join('')}`);
  const ids = [...new Set(centroids.map((c) => c.segment_id))];
  for (const id of ids) {
    const row = centroids.filter((c) => c.segment_id === id);
    console.log(`${String(id).padEnd(8)}${row.map((c) => (Math.abs(c.value_original) >= 100 ? c.value_original.toFixed(0) : c.value_original.toFixed(2)).padStart(12)).join('')}`);
  }
}

// p_alive vs dormant.
const clv = db.prepare('SELECT customer_id, p_alive FROM clv ORDER BY customer_id').all() as { customer_id: string; p_alive: number }[];
const scores: number[] = [];
const dormant: boolean[] = [];
for (const c of clv) {
  const person = personOf.get(c.customer_id);
  const seg = person ? segmentOfPerson.get(person) : undefined;
  if (!seg) continue;
  scores.push(1 - c.p_alive);
  dormant.push(seg === 'dormant');
}
console.log(`\nAUC of 1 − p_alive for truth 'dormant' (${scores.length} matched customers with a clv row, ${dormant.filter(Boolean).length} dormant): ${fmt(auc(scores, dormant))}`);
db.close();
