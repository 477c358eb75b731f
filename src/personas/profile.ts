/**
 * The profile of a group of customers against everyone else in its population: size, value
 * held, numeric and categorical traits ranked by effect size, mixes, quantiles and reach. Pure:
 * the SQLite adapter (personas-store.ts) builds the ProfileCustomer rows.
 *
 * Every figure that describes fewer than minGroupSize customers is suppressed (value null,
 * suppressed = true), and so is a whole group smaller than minGroupSize.
 */
import { cohensD, cohensH, quantileSorted, round, sortedCopy, twoProportionZ, variance } from './stats.js';

export interface ProfileCustomer {
  readonly customerId: string;
  /** Numeric features by name (null = unknown). */
  readonly numeric: Readonly<Record<string, number | null>>;
  /** Categorical features by name (null = unknown). Tags are `tag.<name>` = 'yes'. */
  readonly categorical: Readonly<Record<string, string | null>>;
  /** Net spend per value of a share dimension ('category', 'channel'). */
  readonly spend: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly revenue: number;
  readonly clv: number | null;
  readonly pAlive: number | null;
  readonly reach: Readonly<Record<ReachChannel, boolean>>;
}

export const REACH_CHANNELS = ['email', 'sms', 'push'] as const;
export type ReachChannel = (typeof REACH_CHANNELS)[number];

/** Categorical features whose distribution is also shown as a mix (in this order). */
export const MIX_FEATURES = ['rfm_segment', 'lifecycle_stage', 'tier', 'age_band', 'gender', 'city'] as const;
/** Spend-weighted mixes from feature_shares. */
export const SPEND_MIXES = ['category', 'channel'] as const;
export const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;
/** Mix values beyond this many (by customers) are folded into 'other'. */
const MIX_TOP = 8;

export interface Trait {
  readonly feature: string;
  /** '' for a numeric feature, the category for a categorical one. */
  readonly value: string;
  readonly kind: 'numeric' | 'categorical';
  /** Members of the group the figure describes (with a known value / with this category). */
  readonly members: number;
  readonly inMean: number | null;
  readonly inMedian: number | null;
  readonly restMean: number | null;
  readonly restMedian: number | null;
  readonly inShare: number | null;
  readonly restShare: number | null;
  /** Cohen's d (numeric) or Cohen's h (categorical): signed, comparable across kinds. */
  readonly effect: number | null;
  readonly lift: number | null;
  /** Welch t (numeric) or the two-proportion z (categorical). */
  readonly statistic: number | null;
  readonly suppressed: boolean;
  /** 1 = sets the group apart most; null when suppressed or not different. */
  rank: number | null;
}

export interface MixRow { readonly mix: string; readonly value: string; readonly customers: number; readonly share: number | null; readonly suppressed: boolean }
export interface QuantileRow { readonly measure: 'clv' | 'p_alive'; readonly q: number; readonly value: number | null; readonly suppressed: boolean }
export interface ReachRow { readonly channel: ReachChannel; readonly customers: number | null; readonly share: number | null; readonly suppressed: boolean }

export interface GroupProfile {
  readonly key: string;
  readonly customers: number;
  readonly share: number | null;
  readonly revenue: number | null;
  readonly revenueShare: number | null;
  readonly clv: number | null;
  readonly clvShare: number | null;
  readonly suppressed: boolean;
  readonly traits: Trait[];
  readonly mixes: MixRow[];
  readonly quantiles: QuantileRow[];
  readonly reach: ReachRow[];
  readonly memberIds: readonly string[];
}

/** The smallest |effect| that counts as setting a group apart (a small effect, after Cohen). */
export const MIN_EFFECT = 0.2;

/** Profiles every group of `groupOf` (customers with null are outside the population). */
export function profileGroups<T extends ProfileCustomer>(customers: readonly T[], groupOf: (c: T) => string | null, minGroupSize: number, exclude: readonly string[] = []): GroupProfile[] {
  const members = new Map<string, T[]>();
  const population: T[] = [];
  for (const c of customers) {
    const g = groupOf(c);
    if (g === null) continue;
    population.push(c);
    let list = members.get(g);
    if (!list) members.set(g, (list = []));
    list.push(c);
  }
  const numericNames = new Set<string>();
  const categoricalNames = new Set<string>();
  for (const c of population) {
    for (const k of Object.keys(c.numeric)) numericNames.add(k);
    for (const k of Object.keys(c.categorical)) categoricalNames.add(k);
  }
  const totals = { revenue: sum(population.map((c) => c.revenue)), clv: sum(population.map((c) => c.clv ?? 0)) };
  const numeric = [...numericNames].sort();
  const categorical = [...categoricalNames].sort();
  // Population-wide values and counts so "the rest" is population minus group without a sort per group.
  const popNumeric = new Map(numeric.map((f) => [f, summarise(collectNumbers(population, f))] as const));
  const popCounts = new Map(categorical.map((f) => [f, countValues(population, f)] as const));
  const popKnown = new Map(categorical.map((f) => [f, population.filter((c) => c.categorical[f] != null).length] as const));

  const keys = [...members.keys()].sort(compareKeys);
  return keys.map((key) => {
    const group = members.get(key) as T[];
    const n = group.length;
    const suppressed = n < minGroupSize;
    const traits: Trait[] = [];
    if (!suppressed) {
      for (const f of numeric) traits.push(numericTrait(f, summarise(collectNumbers(group, f)), popNumeric.get(f) as Summary, minGroupSize));
      for (const f of categorical) {
        // The feature that defines the grouping (rfm_segment for RFM segments) says nothing new.
        if (exclude.includes(f)) continue;
        const counts = countValues(group, f);
        const known = group.filter((c) => c.categorical[f] != null).length;
        const popC = popCounts.get(f) as Map<string, number>;
        const restKnown = (popKnown.get(f) as number) - known;
        const values = [...new Set([...counts.keys(), ...popC.keys()])].sort();
        for (const v of values) {
          // A tag's 'no' mirrors its 'yes': only the tag itself is a trait.
          if (v === 'no' && f.startsWith('tag.')) continue;
          const x1 = counts.get(v) ?? 0;
          const x2 = (popC.get(v) ?? 0) - x1;
          traits.push(categoricalTrait(f, v, x1, known, x2, restKnown, minGroupSize));
        }
      }
      rankTraits(traits);
    }
    const revenue = sum(group.map((c) => c.revenue));
    const clv = sum(group.map((c) => c.clv ?? 0));
    return {
      key,
      customers: n,
      share: suppressed ? null : round(n / population.length),
      revenue: suppressed ? null : round(revenue, 2),
      revenueShare: suppressed || totals.revenue === 0 ? null : round(revenue / totals.revenue),
      clv: suppressed ? null : round(clv, 2),
      clvShare: suppressed || totals.clv === 0 ? null : round(clv / totals.clv),
      suppressed,
      traits,
      mixes: suppressed ? [] : mixesOf(group, minGroupSize),
      quantiles: suppressed ? [] : quantilesOf(group, minGroupSize),
      reach: suppressed ? [] : reachOf(group, minGroupSize),
      memberIds: group.map((c) => c.customerId),
    };
  });
}

/** Numeric group keys in numeric order, others in code-unit order. */
function compareKeys(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function collectNumbers(rows: readonly ProfileCustomer[], feature: string): number[] {
  const out: number[] = [];
  for (const c of rows) {
    const v = c.numeric[feature];
    if (v !== null && v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

function countValues(rows: readonly ProfileCustomer[], feature: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of rows) {
    const v = c.categorical[feature];
    if (v === null || v === undefined) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

interface Summary {
  readonly sorted: number[];
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

function summarise(values: number[]): Summary {
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
  }
  return { sorted: sortedCopy(values), n: values.length, sum, sumSquares };
}

/** The value at index `index` of (population − group), both sorted multisets: one merge walk. */
function restAt(population: readonly number[], group: readonly number[], index: number): number {
  let g = 0;
  let k = -1;
  for (const v of population) {
    while (g < group.length && (group[g] as number) < v) g++;
    if (g < group.length && group[g] === v) {
      g++;
      continue;
    }
    if (++k === index) return v;
  }
  return NaN;
}

function restMedian(population: readonly number[], group: readonly number[]): number {
  const n = population.length - group.length;
  const h = (n - 1) * 0.5;
  const lo = restAt(population, group, Math.floor(h));
  const hi = Math.ceil(h) === Math.floor(h) ? lo : restAt(population, group, Math.ceil(h));
  return lo + (hi - lo) * (h - Math.floor(h));
}

function numericTrait(feature: string, group: Summary, population: Summary, min: number): Trait {
  const nIn = group.n;
  const nRest = population.n - group.n;
  const suppressed = nIn < min || nRest < min;
  if (suppressed) return { feature, value: '', kind: 'numeric', members: nIn, inMean: null, inMedian: null, restMean: null, restMedian: null, inShare: null, restShare: null, effect: null, lift: null, statistic: null, suppressed: true, rank: null };
  const inMean = group.sum / nIn;
  const restSum = population.sum - group.sum;
  const restMean = restSum / nRest;
  const inVar = variance(group.sorted, inMean);
  // Sum of squares of the rest, from the population's: (Σx² − n·mean²) / (n − 1).
  const restVar = nRest > 1 ? Math.max(0, (population.sumSquares - group.sumSquares - nRest * restMean * restMean) / (nRest - 1)) : 0;
  const se = Math.sqrt(inVar / nIn + restVar / nRest);
  return {
    feature,
    value: '',
    kind: 'numeric',
    members: nIn,
    inMean: round(inMean),
    inMedian: round(quantileSorted(group.sorted, 0.5)),
    restMean: round(restMean),
    restMedian: round(restMedian(population.sorted, group.sorted)),
    inShare: null,
    restShare: null,
    effect: round(cohensD(inMean, inVar, nIn, restMean, restVar, nRest), 4),
    lift: restMean !== 0 ? round(inMean / restMean, 4) : null,
    statistic: se > 0 ? round((inMean - restMean) / se, 3) : 0,
    suppressed: false,
    rank: null,
  };
}

function categoricalTrait(feature: string, value: string, x1: number, n1: number, x2: number, n2: number, min: number): Trait {
  // The count of the group with the value is itself a figure about x1 customers.
  const suppressed = x1 < min || n1 < min || n2 < min;
  if (suppressed) return { feature, value, kind: 'categorical', members: x1, inMean: null, inMedian: null, restMean: null, restMedian: null, inShare: null, restShare: null, effect: null, lift: null, statistic: null, suppressed: true, rank: null };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  return {
    feature,
    value,
    kind: 'categorical',
    members: x1,
    inMean: null,
    inMedian: null,
    restMean: null,
    restMedian: null,
    inShare: round(p1),
    restShare: round(p2),
    effect: round(cohensH(p1, p2), 4),
    lift: p2 > 0 ? round(p1 / p2, 4) : null,
    statistic: round(twoProportionZ(x1, n1, x2, n2), 3),
    suppressed: false,
    rank: null,
  };
}

/** Ranks traits by |effect| (ties: feature, value); those under MIN_EFFECT get no rank. */
function rankTraits(traits: Trait[]): void {
  const ranked = traits.filter((t) => !t.suppressed && t.effect !== null && Math.abs(t.effect) >= MIN_EFFECT);
  ranked.sort((a, b) => Math.abs(b.effect as number) - Math.abs(a.effect as number) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0) || (a.value < b.value ? -1 : 1));
  ranked.forEach((t, i) => {
    t.rank = i + 1;
  });
}

function mixesOf(group: readonly ProfileCustomer[], min: number): MixRow[] {
  const rows: MixRow[] = [];
  for (const dimension of SPEND_MIXES) {
    const amount = new Map<string, number>();
    const buyers = new Map<string, number>();
    for (const c of group) {
      for (const [v, a] of Object.entries(c.spend[dimension] ?? {})) {
        amount.set(v, (amount.get(v) ?? 0) + a);
        buyers.set(v, (buyers.get(v) ?? 0) + 1);
      }
    }
    const total = sum([...amount.values()]);
    rows.push(...foldMix(dimension, [...amount.keys()].map((v) => ({ value: v, customers: buyers.get(v) as number, weight: amount.get(v) as number })), total, min));
  }
  for (const feature of MIX_FEATURES) {
    const counts = countValues(group, feature);
    const known = sum([...counts.values()]);
    rows.push(...foldMix(feature, [...counts.entries()].map(([value, n]) => ({ value, customers: n, weight: n })), known, min));
  }
  return rows;
}

/** Keeps the MIX_TOP largest values and folds the rest into 'other'; suppresses small cells. */
function foldMix(mix: string, entries: { value: string; customers: number; weight: number }[], total: number, min: number): MixRow[] {
  entries.sort((a, b) => b.weight - a.weight || (a.value < b.value ? -1 : 1));
  const kept = entries.slice(0, MIX_TOP);
  const rest = entries.slice(MIX_TOP);
  if (rest.length > 0) kept.push({ value: 'other', customers: sum(rest.map((e) => e.customers)), weight: sum(rest.map((e) => e.weight)) });
  return kept.map((e) => {
    const suppressed = e.customers < min;
    return { mix, value: e.value, customers: suppressed ? 0 : e.customers, share: suppressed || total <= 0 ? null : round(e.weight / total), suppressed };
  });
}

function quantilesOf(group: readonly ProfileCustomer[], min: number): QuantileRow[] {
  const rows: QuantileRow[] = [];
  for (const measure of ['clv', 'p_alive'] as const) {
    const values = sortedCopy(group.map((c) => (measure === 'clv' ? c.clv : c.pAlive)).filter((v): v is number => v !== null && Number.isFinite(v)));
    const suppressed = values.length < min;
    for (const q of QUANTILES) rows.push({ measure, q, value: suppressed ? null : round(quantileSorted(values, q), 4), suppressed });
  }
  return rows;
}

function reachOf(group: readonly ProfileCustomer[], min: number): ReachRow[] {
  return REACH_CHANNELS.map((channel) => {
    const n = group.filter((c) => c.reach[channel]).length;
    const suppressed = n < min;
    return { channel, customers: suppressed ? null : n, share: suppressed ? null : round(n / group.length), suppressed };
  });
}
