/**
 * Checks the normalisers of src/normalize on the retail data against its ground truth.
 *
 *   npx tsc -p tsconfig.build.json   (or `npm run build`)
 *   node dist/bench/normalize-check.js [DATA_DIR]      default ../shared/data/retail-20k
 *
 * Prints, per source: how many phones and e-mails normalise, how often the E.164 / e-mail equals
 * the person's true one (truth/people.csv via truth/identity.csv), why the rest differ, whether
 * the name keys of one person's records agree across sources, and the speed of each normaliser.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { emailMatchKey, normalizeEmail } from '../src/normalize/email.js';
import { normalizePhone, preCleanPhone } from '../src/normalize/phone.js';
import { nameMatchKeys, parseName, type NameInput } from '../src/normalize/name.js';
import { compileTimestampParser, parseDate } from '../src/normalize/date.js';

const here = dirname(fileURLToPath(import.meta.url));
// dist/bench -> repository root is two levels up; shared/ sits beside the repository.
const dir = process.argv[2] ?? resolve(here, '..', '..', '..', 'shared', 'data', 'retail-20k');

type Row = Record<string, string>;
function readCsv(file: string, decode: (b: Buffer) => string = (b) => b.toString('utf8')): Row[] {
  let buf = readFileSync(resolve(dir, file));
  if (file.endsWith('.gz')) buf = gunzipSync(buf);
  return parse(decode(buf), { columns: true, bom: true, skip_empty_lines: true }) as Row[];
}

interface SourceRecord {
  source: 'crm' | 'shop' | 'loyalty';
  id: string;
  line: number;
  phone: string;
  email: string;
  country: string | undefined;
  name: NameInput;
  birth: string;
}

const crm = readCsv('crm_contacts.csv').map(
  (r, i): SourceRecord => ({
    source: 'crm', id: r['CustomerID'] ?? '', line: i + 2, phone: r['Mobile'] ?? '', email: r['Email'] ?? '',
    country: r['Country'], name: { full: r['Name'] ?? '' }, birth: r['Birthdate'] ?? '',
  }),
);
const shop = readCsv('shop_accounts.csv.gz').map(
  (r, i): SourceRecord => ({
    source: 'shop', id: r['user_id'] ?? '', line: i + 2, phone: r['phone'] ?? '', email: r['email'] ?? '',
    country: undefined, name: { first: r['first_name'] ?? '', last: r['last_name'] ?? '' }, birth: '',
  }),
);
const gbk = new TextDecoder('gbk');
const loyalty = readCsv('loyalty_members.gbk.csv', (b) => gbk.decode(b)).map(
  (r, i): SourceRecord => ({
    source: 'loyalty', id: r['会员号'] ?? '', line: i + 2, phone: r['手机号'] ?? '', email: r['邮箱'] ?? '',
    country: undefined, name: { full: r['姓名'] ?? '' }, birth: r['生日'] ?? '',
  }),
);
const records = [...crm, ...shop, ...loyalty];

const personOf = new Map<string, string>();
for (const r of readCsv('truth/identity.csv')) personOf.set(`${r['source']}|${r['source_id']}`, r['person_id'] ?? '');
const people = new Map<string, Row>();
for (const r of readCsv('truth/people.csv')) people.set(r['person_id'] ?? '', r);
const badRows = new Map<string, string>();
for (const r of readCsv('truth/bad_rows.csv')) badRows.set(`${r['source']}|${r['line']}`, r['problem'] ?? '');

const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(2)}%`);

// ---------------------------------------------------------------------------
console.log(`data: ${dir}\n`);
console.log('PHONES (defaultRegion CN; CRM also passes its Country column as recordCountry)');
for (const src of ['crm', 'shop', 'loyalty', 'all'] as const) {
  const rows = src === 'all' ? records : records.filter((r) => r.source === src);
  let nonEmpty = 0;
  let ok = 0;
  let lenient = 0;
  let invalid = 0;
  let invalidPlanted = 0;
  let withTruth = 0;
  let equal = 0;
  let diffForeignInCnStyle = 0;
  let diffOther = 0;
  const otherExamples: string[] = [];
  const invalidExamples: string[] = [];
  for (const r of rows) {
    if (r.phone.trim() === '') continue;
    nonEmpty++;
    const res = normalizePhone(r.phone, 'CN', r.country);
    const planted = badRows.get(`${r.source}|${r.line}`);
    if (res.e164 === null) {
      invalid++;
      if (planted === 'invalid phone') invalidPlanted++;
      else if (invalidExamples.length < 5) invalidExamples.push(r.phone);
      continue;
    }
    ok++;
    if (res.lenient) lenient++;
    const pid = personOf.get(`${r.source}|${r.id}`);
    const truePhone = pid === undefined ? undefined : people.get(pid)?.['phone'];
    if (truePhone === undefined) continue;
    withTruth++;
    if (res.e164 === truePhone) equal++;
    else {
      // The generator writes a CN person's phone in Chinese styles even when (household sharing)
      // it is a foreign number: "0086 5473530944" for +15473530944. No parser can recover those.
      const cleaned = preCleanPhone(r.phone) ?? '';
      const national = truePhone.replace(/^\+(86|44|49|33|1)/, '');
      if (!truePhone.startsWith('+86') && (cleaned === national || cleaned === `+86${national}`)) diffForeignInCnStyle++;
      else {
        diffOther++;
        if (otherExamples.length < 5) otherExamples.push(`${r.phone} -> ${res.e164} (truth ${truePhone})`);
      }
    }
  }
  console.log(
    `  ${src.padEnd(8)} non-empty=${nonEmpty} normalised=${ok} (${pct(ok, nonEmpty)}; lenient ${lenient}) invalid=${invalid} ` +
      `(planted "invalid phone" rows ${invalidPlanted})`,
  );
  console.log(
    `           vs truth: compared=${withTruth} equal=${equal} (${pct(equal, withTruth)}) ` +
      `differ: foreign number written CN-style=${diffForeignInCnStyle}, other=${diffOther}`,
  );
  if (invalidExamples.length > 0) console.log(`           unplanted invalid examples: ${invalidExamples.join(' | ')}`);
  if (otherExamples.length > 0) console.log(`           other differences: ${otherExamples.join(' | ')}`);
}

// ---------------------------------------------------------------------------
console.log('\nE-MAILS');
for (const src of ['crm', 'shop', 'loyalty', 'all'] as const) {
  const rows = src === 'all' ? records : records.filter((r) => r.source === src);
  let nonEmpty = 0;
  let ok = 0;
  let invalid = 0;
  let invalidPlanted = 0;
  let withTruth = 0;
  let equal = 0;
  let keyEqual = 0;
  const diffs: string[] = [];
  for (const r of rows) {
    if (r.email.trim() === '') continue;
    nonEmpty++;
    const res = normalizeEmail(r.email);
    if (res.email === null) {
      invalid++;
      if (badRows.get(`${r.source}|${r.line}`) === 'invalid email') invalidPlanted++;
      continue;
    }
    ok++;
    const pid = personOf.get(`${r.source}|${r.id}`);
    const trueEmail = pid === undefined ? undefined : people.get(pid)?.['email'];
    if (trueEmail === undefined) continue;
    withTruth++;
    if (res.email === trueEmail) equal++;
    else if (diffs.length < 4) diffs.push(`${r.email} (truth ${trueEmail})`);
    if (emailMatchKey(res.email) === emailMatchKey(trueEmail)) keyEqual++;
  }
  console.log(
    `  ${src.padEnd(8)} non-empty=${nonEmpty} valid=${ok} (${pct(ok, nonEmpty)}) invalid=${invalid} (planted "invalid email" rows ${invalidPlanted})`,
  );
  console.log(
    `           vs truth: compared=${withTruth} equal=${equal} (${pct(equal, withTruth)}), match key equal=${keyEqual} (${pct(keyEqual, withTruth)}); ` +
      `the rest are typos planted in the local part, e.g. ${diffs.slice(0, 2).join(' | ')}`,
  );
}

// ---------------------------------------------------------------------------
console.log('\nNAMES: do the records of one person (in different sources) get the same keys?');
{
  const byPerson = new Map<string, ReturnType<typeof nameMatchKeys>[]>();
  const scripts = new Map<string, number>();
  for (const r of records) {
    const pid = personOf.get(`${r.source}|${r.id}`);
    if (pid === undefined) continue;
    const parsed = parseName(r.name);
    scripts.set(`${r.source}:${parsed.script}`, (scripts.get(`${r.source}:${parsed.script}`) ?? 0) + 1);
    const list = byPerson.get(pid) ?? [];
    list.push(nameMatchKeys(parsed));
    byPerson.set(pid, list);
  }
  let pairs = 0;
  let sameFamily = 0;
  let sameGiven = 0;
  let sameSorted = 0;
  let sameSound = 0;
  for (const list of byPerson.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        pairs++;
        if (a.family === b.family) sameFamily++;
        if (a.given === b.given) sameGiven++;
        if (a.sorted === b.sorted) sameSorted++;
        if (a.familySound === b.familySound && a.givenSound === b.givenSound) sameSound++;
      }
    }
  }
  console.log(`  scripts: ${[...scripts].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(
    `  same-person record pairs=${pairs}: family key equal ${pct(sameFamily, pairs)}, given key equal ${pct(sameGiven, pairs)}, ` +
      `sorted key equal ${pct(sameSorted, pairs)}, both sound keys equal ${pct(sameSound, pairs)} (the generator plants typos in ~10% of given and ~7% of family names)`,
  );
}

// ---------------------------------------------------------------------------
console.log('\nDATES');
{
  const crmFormats = ['YYYY-MM-DD', 'MM/DD/YYYY'];
  const loyFormats = ['YYYY年MM月DD日'];
  let n = 0;
  let okCount = 0;
  let planted = 0;
  for (const r of records) {
    if (r.birth === '') continue;
    n++;
    const d = parseDate(r.birth, r.source === 'crm' ? crmFormats : loyFormats);
    if (d !== null) okCount++;
    else if (badRows.get(`${r.source}|${r.line}`) === 'invalid date') planted++;
  }
  console.log(`  birthdates non-empty=${n} parsed=${okCount} rejected=${n - okCount} (planted "invalid date" rows ${planted})`);
}

// ---------------------------------------------------------------------------
console.log('\nSPEED (single thread, values from the files, warm)');
function bench(label: string, values: readonly string[], fn: (s: string) => unknown): void {
  for (let i = 0; i < Math.min(values.length, 20_000); i++) fn(values[i]!); // warm-up
  const reps = Math.max(1, Math.ceil(1_000_000 / values.length));
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (let k = 0; k < reps; k++) for (const v of values) if (fn(v) !== null) sink++;
  const ns = Number(process.hrtime.bigint() - t0) / (reps * values.length);
  console.log(`  ${label.padEnd(34)} ${ns.toFixed(0).padStart(6)} ns/value  (${(1e9 / ns / 1e6).toFixed(2)} M/s, ${values.length} distinct inputs${sink < 0 ? '!' : ''})`);
}
const phones = records.map((r) => r.phone).filter((s) => s !== '');
const emails = records.map((r) => r.email).filter((s) => s !== '');
const orders = readCsv('orders.csv.gz');
const orderTs = orders.map((r) => r['order_ts'] ?? '');
const events = readCsv('events.csv.gz').map((r) => r['event_ts'] ?? '');
const names = records.map((r) => r.name);
const births = crm.map((r) => r.birth).filter((s) => s !== '');
const crmFormats = ['YYYY-MM-DD', 'MM/DD/YYYY'];
const shanghai = compileTimestampParser({ timezone: '+08:00' });
{
  // normalizePhone memoises libphonenumber results, and every phone above was already seen:
  // time one pass over unseen numbers too (same styles, last digit changed) for the cold cost.
  const unseen = phones.map((s) => s.replace(/(\d)(\D*)$/, (_, d: string, tail: string) => `${(Number(d) + 5) % 10}${tail}`));
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (const s of unseen) if (normalizePhone(s, 'CN').e164 !== null) sink++;
  const ns = Number(process.hrtime.bigint() - t0) / unseen.length;
  console.log(`  ${'normalizePhone (cold, one pass)'.padEnd(34)} ${ns.toFixed(0).padStart(6)} ns/value  (${(1e9 / ns / 1e6).toFixed(2)} M/s, ${unseen.length} unseen inputs, ${sink} valid)`);
}
bench('normalizePhone (memo warm)', phones, (s) => normalizePhone(s, 'CN').e164);
bench('normalizeEmail', emails, (s) => normalizeEmail(s).email);
bench('emailMatchKey', emails, (s) => emailMatchKey(s));
bench('parseName + nameMatchKeys', names.map((_, i) => String(i)), (i) => nameMatchKeys(parseName(names[Number(i)]!)).full);
bench('parseDate (2 formats, CRM births)', births, (s) => parseDate(s, crmFormats));
bench('timestamp order_ts (+08:00)', orderTs, shanghai);
bench('timestamp event_ts (with offset)', events, shanghai);
console.log(`  (order lines: ${orders.length}, events: ${events.length})`);
