/**
 * Personas against the truth of retail-20k: for each latent segment of truth/segments.csv, the
 * persona where it is the majority, the persona's purity (share of its matched members from its
 * majority segment), its name and top traits. Run after the personas stage:
 *   node dist/bench/personas-retail.js out/retail-20k.db
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dbPath = process.argv[2] ?? 'out/retail-20k.db';
const truthDir = join(process.cwd(), '..', 'shared', 'data', 'retail-20k', 'truth');
const segmentOf = new Map(readFileSync(join(truthDir, 'segments.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',') as [string, string]));
const identity = readFileSync(join(truthDir, 'identity.csv'), 'utf8').trim().split('\n');
const header = (identity[0] as string).split(',');
const personOfRecord = new Map<string, string>();
for (const line of identity.slice(1)) {
  const cells = line.split(',');
  const row = Object.fromEntries(header.map((h, i) => [h, cells[i] as string]));
  personOfRecord.set(`${row['source']}:${row['source_id']}`, row['person_id'] as string);
}
const db = new Database(dbPath, { readonly: true });
// A customer is the truth person of the majority of its records (ties: smaller person id).
const votes = new Map<string, Map<string, number>>();
for (const r of db.prepare('SELECT source, source_id, customer_id FROM identity_map ORDER BY customer_id, source, source_id').all() as { source: string; source_id: string; customer_id: string }[]) {
  const person = personOfRecord.get(`${r.source}:${r.source_id}`);
  if (!person) continue;
  let m = votes.get(r.customer_id);
  if (!m) votes.set(r.customer_id, (m = new Map()));
  m.set(person, (m.get(person) ?? 0) + 1);
}
const truthOf = (customer: string): string | undefined => {
  const m = votes.get(customer);
  if (!m) return undefined;
  const best = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return best ? segmentOf.get(best[0]) : undefined;
};
const personas = db.prepare("SELECT persona_id, name, customers FROM personas WHERE grouping = 'cluster' ORDER BY position").all() as { persona_id: string; name: string; customers: number }[];
const counts = new Map<string, Map<string, number>>();
for (const m of db.prepare('SELECT persona_id, customer_id FROM persona_members ORDER BY persona_id, customer_id').all() as { persona_id: string; customer_id: string }[]) {
  const s = truthOf(m.customer_id);
  if (!s) continue;
  let c = counts.get(m.persona_id);
  if (!c) counts.set(m.persona_id, (c = new Map()));
  c.set(s, (c.get(s) ?? 0) + 1);
}
const traits = db.prepare("SELECT feature, value, effect FROM persona_traits WHERE grouping = 'cluster' AND persona_id = ? AND rank IS NOT NULL ORDER BY rank LIMIT 3");
console.log('| persona | name | customers | majority truth segment | purity | top traits (effect size) |');
console.log('|---|---|---:|---|---:|---|');
const majorityOf = new Map<string, string>();
for (const p of personas) {
  const c = counts.get(p.persona_id) ?? new Map<string, number>();
  const total = [...c.values()].reduce((s, v) => s + v, 0);
  const [segment, n] = [...c.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['–', 0];
  majorityOf.set(p.persona_id, segment);
  const top = (traits.all(p.persona_id) as { feature: string; value: string; effect: number }[]).map((t) => `${t.feature}${t.value ? `=${t.value}` : ''} ${t.effect >= 0 ? '+' : ''}${t.effect.toFixed(2)}`).join('; ');
  console.log(`| ${p.persona_id} | ${p.name} | ${p.customers} | ${segment} | ${total > 0 ? ((n / total) * 100).toFixed(1) : '–'} % | ${top} |`);
}
console.log('\n| truth segment | persona where it is the majority | share of the segment in that persona |');
console.log('|---|---|---:|');
for (const segment of [...new Set(segmentOf.values())].filter((s) => s !== 'segment').sort()) {
  let best: { id: string; share: number } | undefined;
  for (const p of personas) {
    const c = counts.get(p.persona_id);
    const total = c ? [...c.values()].reduce((s, v) => s + v, 0) : 0;
    const share = total > 0 ? (c?.get(segment) ?? 0) / total : 0;
    if (majorityOf.get(p.persona_id) === segment && (!best || share > best.share)) best = { id: p.persona_id, share };
  }
  const name = best ? personas.find((p) => p.persona_id === best!.id)?.name : undefined;
  console.log(`| ${segment} | ${best ? `${best.id} ${name}` : 'none'} | ${best ? (best.share * 100).toFixed(1) + ' %' : '–'} |`);
}
db.close();
