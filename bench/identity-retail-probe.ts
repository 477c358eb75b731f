/**
 * Scratch probe: the identity engine on the retail-20k customer records (three silos).
 * `npm run build && node dist/bench/identity-retail-probe.js [data dir]`
 * Normalises with src/clean/normalize, links crm + shop + loyalty (link_and_dedupe: one person
 * may be registered twice in one silo) and scores pairwise against truth/identity.csv.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { clusterMembers } from '../src/clean/identity/cluster.js';
import { linkRecords } from '../src/clean/identity/engine.js';
import { jaroWinkler } from '../src/clean/identity/jaro-winkler.js';
import { boundedLevenshtein } from '../src/clean/identity/levenshtein.js';
import { blockingRecall, pairwiseMetrics } from '../src/clean/identity/evaluate.js';
import type { ComparisonSpec, LinkRecord, LinkageSpec } from '../src/clean/identity/types.js';
import { emailMatchKey, normalizeEmail } from '../src/clean/normalize/email.js';
import { foldForMatch } from '../src/clean/normalize/fold.js';
import { nameMatchKeys, parseName, type NameInput } from '../src/clean/normalize/name.js';
import { normalizePhone } from '../src/clean/normalize/phone.js';
import { parseDate } from '../src/clean/normalize/date.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? resolve(here, '..', '..', '..', 'shared', 'data', 'retail-20k');

export const RETAIL_FIELDS = [
  'given', 'family', 'nameSorted', 'dob', 'email', 'phone', 'city', 'givenSound', 'familySound', 'emailLocal', 'emailLetters', 'emailDigits',
  'emailKey',
] as const;
const F = Object.fromEntries(RETAIL_FIELDS.map((f, i) => [f, i])) as Record<(typeof RETAIL_FIELDS)[number], number>;

type Row = Record<string, string>;
const readCsv = (text: string): Row[] => parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Row[];

const DOB_FORMATS = ['YYYY-MM-DD', 'MM/DD/YYYY', 'YYYY年MM月DD日', 'YYYY/MM/DD'];

/**
 * The part of an address that is evidence beyond the name. An address spelled from the person's
 * own name ("wang.wei12@qq.com" for Wei Wang) repeats the name comparison's evidence, so only its
 * residue is compared: the order of the name parts, the separators and digits, and the domain
 * ("~fg|.12@qq.com"). Namesakes then share an address by chance as often as their residues agree,
 * not as rarely as two random addresses. Other addresses are compared whole.
 */
function emailKeyOf(email: string, given: string, family: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const letters = local.replace(/[^a-z]/g, '');
  if (given === '' || family === '') return email;
  const order = letters === family + given ? 'fg' : letters === given + family ? 'gf' : null;
  if (order === null) return email;
  return `~${order}|${local.replace(/[a-z]+/g, '')}${email.slice(at)}`;
}

function toValues(name: NameInput, email: string | undefined, phone: string | undefined, region: string | undefined, country: string | undefined, dob: string | undefined, city: string | undefined): (string | null)[] {
  const parsed = parseName(name);
  const keys = nameMatchKeys(parsed);
  const e = normalizeEmail(email).email;
  const ek = e === null ? null : emailMatchKey(e);
  const p = normalizePhone(phone, region, country).e164;
  const d = parseDate(dob?.trim(), DOB_FORMATS);
  const c = city === undefined || city.trim() === '' ? null : foldForMatch(city);
  const nz = (s: string): string | null => (s === '' ? null : s);
  return [
    nz(keys.given),
    nz(keys.family),
    nz(keys.sorted),
    d,
    ek,
    p,
    c === '' ? null : c,
    nz(keys.givenSound),
    nz(keys.familySound),
    ek === null ? null : ek.slice(0, ek.indexOf('@')),
    ek === null ? null : ek.slice(0, ek.indexOf('@')).replace(/[^a-z]/g, ''),
    ek === null ? null : ek.slice(0, ek.indexOf('@')).replace(/[^0-9]/g, ''),
    ek === null ? null : emailKeyOf(ek, keys.given, keys.family),
  ];
}

export function loadRetail(dataDir: string): { records: LinkRecord[]; truth: (string | null)[] } {
  const records: LinkRecord[] = [];
  const push = (source: string, sourceId: string | undefined, values: (string | null)[]): void => {
    if (sourceId === undefined || sourceId.trim() === '') return;
    records.push({ idx: records.length, source, sourceId: sourceId.trim(), values });
  };
  for (const r of readCsv(readFileSync(join(dataDir, 'crm_contacts.csv'), 'utf8'))) {
    push('crm', r['CustomerID'], toValues({ full: r['Name'] }, r['Email'], r['Mobile'], 'CN', r['Country'], r['Birthdate'], r['City']));
  }
  for (const r of readCsv(gunzipSync(readFileSync(join(dataDir, 'shop_accounts.csv.gz'))).toString('utf8'))) {
    push('shop', r['user_id'], toValues({ first: r['first_name'], last: r['last_name'] }, r['email'], r['phone'], 'CN', undefined, undefined, undefined));
  }
  const gbk = new TextDecoder('gbk').decode(readFileSync(join(dataDir, 'loyalty_members.gbk.csv')));
  for (const r of readCsv(gbk)) {
    push('loyalty', r['会员号'], toValues({ full: r['姓名'] }, r['邮箱'], r['手机号'], 'CN', undefined, r['生日'], r['城市']));
  }
  const truthOf = new Map<string, string>();
  for (const r of readCsv(readFileSync(join(dataDir, 'truth', 'identity.csv'), 'utf8'))) {
    truthOf.set(`${r['source']}\u0000${r['source_id']}`, r['person_id']!);
  }
  return { records, truth: records.map((r) => truthOf.get(`${r.source}\u0000${r.sourceId}`) ?? null) };
}

function sameLettersOtherNumber(a: LinkRecord, b: LinkRecord): boolean {
  const la = a.values[F.emailLetters];
  return la !== null && la !== undefined && la !== '' && la === b.values[F.emailLetters] && a.values[F.emailDigits] !== b.values[F.emailDigits];
}

const nameLevels = (field: number, other: number): ComparisonSpec['levels'] => [
  { kind: 'exact' },
  { kind: 'jaroWinkler', min: 0.92 },
  { kind: 'jaroWinkler', min: 0.8 },
  { kind: 'custom', label: 'swapped', test: (a, b) => a.values[field] === b.values[other] || a.values[other] === b.values[field] },
];

export function retailSpec(): LinkageSpec {
  return {
    fields: RETAIL_FIELDS,
    mode: 'link_and_dedupe',
    blocking: [
      { name: 'email', fields: [F.email] },
      { name: 'phone', fields: [F.phone] },
      { name: 'name+dob', fields: [F.nameSorted, F.dob] },
      // Email typos: same name and the same last three characters of the local part, or for
      // numeric (QQ-style) addresses the same first four digits. Not the first letters: namesakes
      // share those ("wang.wei12", "wang.wei87"), which would make large blocks.
      {
        name: 'name+email end',
        key: (r) => {
          const name = r.values[F.nameSorted];
          const local = r.values[F.emailLocal];
          if (!name || !local) return null;
          const keys = [`${name}|>${local.slice(-3)}`];
          if (/^[0-9]{4}/.test(local)) keys.push(`${name}|<${local.slice(0, 4)}`);
          return keys;
        },
        usesFields: [F.nameSorted, F.given, F.family, F.email],
      },
      // Typos in one name part and in the email at once: the other name part, the initial of the
      // typo'd one, the digits and the domain of the address.
      {
        name: 'name part+email digits',
        key: (r) => {
          const digits = r.values[F.emailDigits];
          const email = r.values[F.email];
          if (!digits || digits.length < 2 || !email) return null;
          const domain = email.slice(email.indexOf('@'));
          const keys: string[] = [];
          const g = r.values[F.given];
          const f = r.values[F.family];
          if (g && f) keys.push(`g${g}|${f[0]}|${digits}${domain}`, `f${f}|${g[0]}|${digits}${domain}`);
          return keys;
        },
        usesFields: [F.given, F.family, F.email],
        maxBlockSize: 50,
        window: 10,
        sortKey: (r) => r.values[F.email] ?? '',
      },
      // Typos in names with a birth date: the date and one name sound.
      {
        name: 'dob+name sound',
        key: (r) => {
          const dob = r.values[F.dob];
          if (!dob) return null;
          const keys: string[] = [];
          const gs = r.values[F.givenSound];
          const fs = r.values[F.familySound];
          if (gs) keys.push(`g${gs}|${dob}`);
          if (fs) keys.push(`f${fs}|${dob}`);
          return keys;
        },
        usesFields: [F.dob, F.givenSound, F.familySound, F.given, F.family],
      },
    ],
    comparisons: [
      { name: 'given', field: F.given, usesFields: [F.family], role: 'identity', termFrequency: true, levels: nameLevels(F.given, F.family) },
      { name: 'family', field: F.family, usesFields: [F.given], role: 'identity', termFrequency: true, levels: nameLevels(F.family, F.given) },
      {
        name: 'dob',
        field: F.dob,
        role: 'identity',
        levels: [{ kind: 'exact' }, { kind: 'dateDayMonthSwap' }, { kind: 'dateOneComponent' }, { kind: 'dateWithinYears', years: 1 }],
      },
      {
        name: 'email',
        field: F.emailKey,
        role: 'contact',
        termFrequency: true,
        usesFields: [F.email, F.emailLocal, F.emailLetters, F.emailDigits],
        levels: [
          // Exact on the key: the same address, or for name-spelled addresses the same residue.
          { kind: 'exact' },
          // Name-based addresses that differ only in their number belong to namesakes, not typos:
          // they fall to the else level (among candidate pairs 3 matches against 902 non-matches).
          { kind: 'custom', label: 'typo (lev<=2)', test: (a, b) => !sameLettersOtherNumber(a, b) && boundedLevenshtein(a.values[F.email]!, b.values[F.email]!, 2) <= 2 },
        ],
      },
      { name: 'phone', field: F.phone, role: 'contact', termFrequency: true, levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 1 }] },
      { name: 'city', field: F.city, levels: [{ kind: 'exact' }] },
    ],
  };
}

function main(): void {
  const t0 = performance.now();
  const { records, truth } = loadRetail(dir);
  const t1 = performance.now();
  const spec = retailSpec();
  const cpu0 = process.cpuUsage();
  const result = linkRecords(records, spec);
  const cpu = process.cpuUsage(cpu0);
  const m = pairwiseMetrics(records, result.clusters.clusterOf, truth, spec.mode);
  const scored = truth.filter((t) => t !== null).length;
  const persons = new Set(truth.filter((t) => t !== null)).size;
  const clusters = new Set<number>();
  truth.forEach((t, i) => {
    if (t !== null) clusters.add(result.clusters.clusterOf[i]!);
  });
  console.log(`records=${records.length} scored=${scored} load=${(t1 - t0).toFixed(0)}ms`);
  console.log(`candidatePairs=${result.pairs.count} byRule=${result.pairs.stats.pairsByRule.join(',')} blockingRecall=${blockingRecall(result.pairs.a, result.pairs.b, result.pairs.count, truth, m.truePairs).toFixed(4)}`);
  console.log(`precision=${m.precision.toFixed(4)} recall=${m.recall.toFixed(4)} F1=${m.f1.toFixed(4)} TP=${m.truePositives} predicted=${m.predictedPairs} true=${m.truePairs}`);
  console.log(`customers=${clusters.size} persons=${persons} prior=${result.model.prior.toExponential(3)} rejected sameSource=${result.clusters.rejectedSameSource} weakLink=${result.clusters.rejectedWeakLink}`);
  // Shared contacts between different people: households (one phone), couples (one email).
  for (const [label, field] of [['phone (households)', F.phone], ['email (couples)', F.email]] as const) {
    const byValue = new Map<string, number[]>();
    records.forEach((r, i) => {
      const v = r.values[field];
      if (v && truth[i] !== null) byValue.set(v, [...(byValue.get(v) ?? []), i]);
    });
    let sharedPairs = 0;
    let merged = 0;
    let mergedDifferentGiven = 0;
    for (const ms of byValue.values()) {
      for (let x = 0; x < ms.length; x++) {
        for (let y = x + 1; y < ms.length; y++) {
          const i = ms[x]!;
          const j = ms[y]!;
          if (truth[i] === truth[j]) continue;
          sharedPairs++;
          if (result.clusters.clusterOf[i] === result.clusters.clusterOf[j]) {
            merged++;
            const gi = records[i]!.values[F.given];
            const gj = records[j]!.values[F.given];
            if (gi && gj && jaroWinkler(gi, gj) < 0.8) mergedDifferentGiven++;
          }
        }
      }
    }
    console.log(`different people sharing one ${label}: pairs=${sharedPairs} merged=${merged} (given names differing beyond a typo, JW < 0.8: ${mergedDifferentGiven})`);
  }
  console.log(`time ${JSON.stringify(Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, Math.round(v)])))} cpu=${((cpu.user + cpu.system) / 1000).toFixed(0)}ms`);
  if (process.env['VERBOSE']) {
    result.comparisons.forEach((c, k) => {
      console.log(`  ${c.name}: ` + c.labels.map((l, i) => `${l} m=${result.model.m[k]![i]!.toFixed(3)} u=${result.model.u[k]![i]!.toExponential(2)}`).join(' | '));
    });
    for (const s of result.model.training.sessions) console.log(`  session ${s.rule}: pairs=${s.pairs} λ=${s.lambda.toFixed(3)}`);
    const show = (i: number): string => `${records[i]!.source}:${records[i]!.sourceId} ${records[i]!.values.slice(0, 7).join('|')}`;
    let fp = 0;
    for (const members of clusterMembers(result.clusters.clusterOf, result.clusters.clusterCount)) {
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x]!;
          const j = members[y]!;
          if (truth[i] === null || truth[j] === null || truth[i] === truth[j] || fp++ >= 15) continue;
          const e = result.explain(i, j);
          console.log(`FP ${truth[i]} ${show(i)}\n   ${truth[j]} ${show(j)}\n   w=${e.weight.toFixed(1)} ${e.fields.map((f) => `${f.comparison}:${f.label}:${f.weight.toFixed(1)}`).join(' ')}`);
        }
      }
    }
    // Missed true pairs (false negatives), a sample.
    const byPerson = new Map<string, number[]>();
    truth.forEach((t, i) => {
      if (t !== null) byPerson.set(t, [...(byPerson.get(t) ?? []), i]);
    });
    let fn = 0;
    for (const members of byPerson.values()) {
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x]!;
          const j = members[y]!;
          if (result.clusters.clusterOf[i] === result.clusters.clusterOf[j] || fn++ >= 15) continue;
          const e = result.explain(i, j);
          console.log(`FN ${show(i)}\n   ${show(j)}\n   w=${e.weight.toFixed(1)} guard=${e.sharedContactOnly} ${e.fields.map((f) => `${f.comparison}:${f.label}:${f.weight.toFixed(1)}`).join(' ')}`);
        }
      }
    }
    console.log(`FP pairs listed from ${fp}, FN from ${fn}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
