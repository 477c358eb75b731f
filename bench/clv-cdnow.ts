/**
 * CLV models on CDNOW: fitted parameters vs the published ones, holdout forecast vs actual,
 * AUC of "buys again in the holdout", and timings — on the 2,357-customer sample, the full
 * 23,570-customer master file, and a 200,000-customer cohort simulated from the fitted model.
 *
 *   npm run build && node dist/bench/clv-cdnow.js [path/to/shared/data/cdnow]
 *
 * Without an argument the data is looked for in $CDNOW_DIR, then ../shared/data/cdnow next to
 * the repository root (the first ancestor directory holding package.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/segment/clv/auc.js';
import { conditionalExpectedPurchases, fitBgNbd, type BgNbdParams } from '../src/segment/clv/bg-nbd.js';
import { customerLifetimeValue } from '../src/segment/clv/clv.js';
import { conditionalExpectedAverageSpend, fitGammaGamma } from '../src/segment/clv/gamma-gamma.js';
import { fitParetoNbd, paretoNbdConditionalExpectedPurchases } from '../src/segment/clv/pareto-nbd.js';

interface Customer {
  x: number;
  t_x: number;
  T: number;
  zbar: number;
  holdout: number;
}

function dataDir(): string {
  const given = process.argv[2] ?? process.env['CDNOW_DIR'];
  if (given) return resolve(given);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root; pass the CDNOW directory');
    dir = up;
  }
  return join(dir, '..', 'shared', 'data', 'cdnow');
}

const day = (yyyymmdd: number): number =>
  Date.UTC(Math.floor(yyyymmdd / 10000), (Math.floor(yyyymmdd / 100) % 100) - 1, yyyymmdd % 100) / 86_400_000;
const CALIBRATION_END = day(19970930);
const HOLDOUT_END = day(19980630);
const HOLDOUT_WEEKS = (HOLDOUT_END - CALIBRATION_END) / 7;

/** Calibration summary + holdout purchase days from (customer, yyyymmdd, value) rows; same-day
 * purchases merge into one purchase day, as in SOURCE.md. */
function summarise(rows: Iterable<[number, number, number]>): Customer[] {
  const byCustomer = new Map<number, Map<number, number>>();
  for (const [id, date, value] of rows) {
    let days = byCustomer.get(id);
    if (!days) byCustomer.set(id, (days = new Map()));
    const d = day(date);
    days.set(d, (days.get(d) ?? 0) + value);
  }
  return [...byCustomer.values()].map((days) => {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const calibration = sorted.filter((d) => d <= CALIBRATION_END);
    const first = calibration[0]!;
    const repeats = calibration.slice(1);
    return {
      x: repeats.length,
      t_x: ((calibration.at(-1) ?? first) - first) / 7,
      T: (CALIBRATION_END - first) / 7,
      zbar: repeats.length ? repeats.reduce((s, d) => s + days.get(d)!, 0) / repeats.length : 0,
      holdout: sorted.filter((d) => d > CALIBRATION_END && d <= HOLDOUT_END).length,
    };
  });
}

function* elogRows(text: string): Generator<[number, number, number]> {
  for (const line of text.trim().split('\n').slice(1)) {
    const [, sampleId, date, , sales] = line.split(',').map(Number) as [number, number, number, number, number];
    yield [sampleId, date, sales];
  }
}

function* masterRows(text: string): Generator<[number, number, number]> {
  for (const line of text.split(/\r?\n/).slice(1)) {
    const fields = line.trim().split(/\s+/).map(Number);
    if (fields.length === 4) yield [fields[0]!, fields[1]!, fields[3]!];
  }
}

/** Deterministic PRNG (mulberry32) and the samplers the simulation needs. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
/** Marsaglia & Tsang (2000), with the U^(1/k) boost for shape k < 1; unit scale. */
function gammaVariate(k: number, u: () => number): number {
  if (k < 1) return gammaVariate(k + 1, u) * Math.pow(1 - u(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(u);
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(1 - u()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A cohort from the BG/NBD generative story, first purchases spread over 12 weeks like
 * CDNOW's and times rounded to whole days as real data would be. */
function simulate(params: BgNbdParams, n: number, seed: number): Customer[] {
  const u = rng(seed);
  const out: Customer[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gammaVariate(params.r, u) / params.alpha;
    const ga = gammaVariate(params.a, u);
    const p = ga / (ga + gammaVariate(params.b, u));
    const T = Math.round(7 * (27 + 12 * u())) / 7;
    let t = 0;
    let x = 0;
    let t_x = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t > T) break;
      x++;
      t_x = Math.min(T, Math.round(7 * t) / 7);
      if (u() < p) break; // drops out right after a repeat purchase
    }
    out.push({ x, t_x, T, zbar: 0, holdout: 0 });
  }
  return out;
}

function time<T>(f: () => T): [T, number] {
  const started = performance.now();
  const value = f();
  return [value, performance.now() - started];
}
const fmt = (v: number, d = 4): string => v.toFixed(d);
const show = (p: BgNbdParams): string => `r=${fmt(p.r)} α=${fmt(p.alpha)} a=${fmt(p.a)} b=${fmt(p.b)}`;

function report(name: string, customers: Customer[], published?: BgNbdParams): BgNbdParams {
  const buysAgain = customers.map((c) => c.holdout > 0);
  const sum = (v: number[]): number => v.reduce((s, e) => s + e, 0);
  const [fit, fitMs] = time(() => fitBgNbd(customers));
  const [, warmMs] = time(() => fitBgNbd(customers));
  console.log(`\n== ${name}: ${customers.length} customers`);
  console.log(`BG/NBD   ${show(fit)}  LL=${fmt(fit.logLikelihood, 2)}  converged=${fit.converged}`);
  console.log(`         ${fit.evaluations} evaluations; fit ${fmt(fitMs, 1)} ms (first), ${fmt(warmMs, 1)} ms (again)`);
  const [gg, ggMs] = time(() => fitGammaGamma(customers));
  console.log(
    `Gamma-Gamma p=${fmt(gg.p)} q=${fmt(gg.q)} γ=${fmt(gg.gamma)} LL=${fmt(gg.logLikelihood, 2)} ` +
      `on ${gg.customers} repeat buyers (${fmt(ggMs, 1)} ms)`,
  );
  const [expected, predictMs] = time(() =>
    customers.map((c) => conditionalExpectedPurchases(fit, HOLDOUT_WEEKS, c.x, c.t_x, c.T)),
  );
  const actual = sum(customers.map((c) => c.holdout));
  console.log(`holdout  ${HOLDOUT_WEEKS} weeks: expected ${fmt(sum(expected), 1)} (fitted) vs actual ${actual} days`);
  if (published) {
    const fromPublished = sum(
      customers.map((c) => conditionalExpectedPurchases(published, HOLDOUT_WEEKS, c.x, c.t_x, c.T)),
    );
    console.log(`         expected ${fmt(fromPublished, 1)} with the published ${show(published)}`);
  }
  console.log(`AUC      buys again in holdout: ${fmt(auc(expected, buysAgain))}`);
  const [clvs, clvMs] = time(() =>
    customers.map((c) => customerLifetimeValue({ bgnbd: fit, gg, ...c, horizonWeeks: 52, discountRatePerYear: 0.1 })),
  );
  console.log(
    `CLV      52 weeks, monthly steps, 10 %/year: mean ${fmt(sum(clvs.map((c) => c.clv)) / clvs.length, 2)}; ` +
      `population mean spend ${fmt(conditionalExpectedAverageSpend(gg, 0, 0), 2)}`,
  );
  console.log(`timing   E[Y(39)] for all: ${fmt(predictMs, 1)} ms; CLV for all: ${fmt(clvMs, 1)} ms`);

  const [pareto, paretoMs] = time(() => fitParetoNbd(customers));
  const paretoExpected = customers.map((c) =>
    paretoNbdConditionalExpectedPurchases(pareto, HOLDOUT_WEEKS, c.x, c.t_x, c.T),
  );
  console.log(
    `Pareto/NBD r=${fmt(pareto.r)} α=${fmt(pareto.alpha)} s=${fmt(pareto.s)} β=${fmt(pareto.beta)} ` +
      `LL=${fmt(pareto.logLikelihood, 2)} converged=${pareto.converged}`,
  );
  console.log(
    `         ${pareto.evaluations} evaluations, ${fmt(paretoMs, 1)} ms; ` +
      `holdout expected ${fmt(sum(paretoExpected), 1)}; AUC ${fmt(auc(paretoExpected, buysAgain))}`,
  );
  return fit;
}

const dir = dataDir();
const sample = summarise(elogRows(readFileSync(join(dir, 'cdnowElog_BTYD.csv'), 'utf8')));
const fitted = report(
  'CDNOW sample (FHL 2005: r=0.243 α=4.414 a=0.793 b=2.426, LL −9582.4; holdout ≈ 1,653 vs 1,882)',
  sample,
  { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
);
report('CDNOW master', summarise(masterRows(readFileSync(join(dir, 'CDNOW_master.txt'), 'utf8'))));

const simulated = simulate(fitted, 200_000, 20250101);
const [fit, ms] = time(() => fitBgNbd(simulated));
const [, warmMs] = time(() => fitBgNbd(simulated));
console.log(`\n== simulated from the sample fit: ${simulated.length} customers`);
console.log(`BG/NBD   ${show(fit)}  converged=${fit.converged}`);
console.log(`         truth ${show(fitted)}`);
console.log(`         ${fit.evaluations} evaluations; fit ${fmt(ms, 1)} ms (first), ${fmt(warmMs, 1)} ms (again)`);
