/**
 * computeClv's self-check and fallbacks, on purchase days generated here: a restaurant's
 * shape (many one-visit customers, a few regulars, big bills, ten weeks of history), where
 * MBG/NBD runs off to absurd parameters and forecast negative purchases before this check
 * existed; a history without any repeat purchase; and a healthy shop where the model passes.
 */
import { describe, expect, it } from 'vitest';
import { computeClv, type ClvOptions } from './clv-scores.js';
import type { PurchaseDay } from './clv/customer-summary.js';

const OPTIONS: ClvOptions = { model: 'mbg_nbd', horizonDays: 365, discountRate: 0.1, check: { holdoutDays: 'auto', maxRelativeError: 0.5, minAuc: 0.6 } };

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const START = Date.UTC(2024, 0, 1);
const iso = (day: number): string => new Date(START + day * 86_400_000).toISOString().slice(0, 10);

/** 800 diners over 75 days: 93 % come once, the rest 2–4 times within three weeks; bills of 200–1,100 CNY. */
export function restaurantDays(seed: number): PurchaseDay[] {
  const rand = lcg(seed);
  const out: PurchaseDay[] = [];
  for (let i = 0; i < 800; i++) {
    const first = Math.floor(rand() * 75);
    const visits = rand() < 0.93 ? 1 : 2 + Math.floor(rand() * 3);
    const days = new Set([first]);
    for (let k = 1; k < visits; k++) days.add(Math.min(74, first + 1 + Math.floor(rand() * 20)));
    for (const d of [...days].sort((a, b) => a - b)) out.push({ customerId: `R${String(i).padStart(4, '0')}`, day: iso(d), value: Math.round(200 + 600 * rand() * rand() + 300 * rand()) });
  }
  return out;
}
const RESTAURANT_AS_OF = iso(74);

/** A shop of two years where customers buy at heterogeneous rates and some stop: what BG/NBD describes. */
function shopDays(): PurchaseDay[] {
  const rand = lcg(5);
  const out: PurchaseDay[] = [];
  for (let i = 0; i < 1500; i++) {
    const first = Math.floor(rand() * 500);
    const rate = (-Math.log(1 - rand()) * 0.6) / 7; // purchases per day, exponential across customers
    const life = -Math.log(1 - rand()) * 300; // days until the customer drops out
    const days = new Set([first]);
    for (let t = first - Math.log(1 - rand()) / rate; t < Math.min(first + life, 730); t -= Math.log(1 - rand()) / rate) days.add(Math.floor(t));
    for (const d of [...days].sort((a, b) => a - b)) out.push({ customerId: `S${String(i).padStart(4, '0')}`, day: iso(d), value: 20 + Math.round(80 * rand()) });
  }
  return out;
}

describe('computeClv on a restaurant (few repeat visits, big bills, a short history)', () => {
  // Every seed of this shape sent MBG/NBD's r and α into the millions; several gave negative
  // expected purchases (as low as −698,544) and so negative CLV.
  for (const seed of [2, 15, 19]) {
    it(`publishes nothing negative and says what it did instead (seed ${seed})`, () => {
      const result = computeClv(restaurantDays(seed), RESTAURANT_AS_OF, OPTIONS);
      expect(result.rows).toHaveLength(800);
      for (const r of result.rows) {
        for (const v of [r.p_alive, r.expected_purchases_90d, r.expected_purchases_365d, r.expected_avg_spend, r.clv]) {
          expect(v).not.toBeNull();
          expect(Number.isFinite(v) && (v as number) >= 0).toBe(true);
        }
        expect(r.p_alive).toBeLessThanOrEqual(1);
        expect(r.expected_purchases_90d).toBeLessThanOrEqual(r.expected_purchases_365d as number);
      }
      expect(result.purchases).toBe('empirical');
      expect(result.purchaseModelProblem).toMatch(/edge of the parameter space/);
      expect(result.notes[0]).toMatch(/^CLV: mbg_nbd not used \(the fit ran to the edge of the parameter space \(r = [\d.]+e\+\d+/);
      // the history is 74 days, so the holdout is a third of it
      expect(result.holdout).toMatchObject({ days: 24 });
      const used = result.model.filter((m) => m.parameter === 'used');
      expect(used).toEqual(expect.arrayContaining([{ model: 'mbg_nbd', parameter: 'used', value: 0 }, { model: 'empirical', parameter: 'used', value: 1 }]));
      // spend stays in the range of the bills
      for (const r of result.rows) expect(r.expected_avg_spend).toBeGreaterThan(150);
      for (const r of result.rows) expect(r.expected_avg_spend).toBeLessThan(1200);
    });
  }

  it('ranks regulars who came lately above one-time diners of two months ago', () => {
    const result = computeClv(restaurantDays(19), RESTAURANT_AS_OF, OPTIONS);
    const recentRegulars = result.rows.filter((r) => r.x >= 2 && r.t_cal - r.t_x < 2);
    const oldOneTimers = result.rows.filter((r) => r.x === 0 && r.t_cal > 8);
    const mean = (rows: typeof result.rows): number => rows.reduce((s, r) => s + (r.p_alive as number), 0) / rows.length;
    expect(recentRegulars.length).toBeGreaterThan(5);
    expect(mean(recentRegulars)).toBeGreaterThan(mean(oldOneTimers));
  });
});

describe('computeClv without any repeat purchase', () => {
  it('skips the forecasts (NULL) and says why, instead of failing on a NOT NULL column', () => {
    const days = restaurantDays(3).filter((d, i, all) => all.findIndex((e) => e.customerId === d.customerId) === i);
    const result = computeClv(days, RESTAURANT_AS_OF, OPTIONS);
    expect(result.rows.length).toBeGreaterThan(700);
    expect(result.rows.every((r) => r.x === 0 && r.p_alive === null && r.expected_purchases_90d === null && r.clv === null)).toBe(true);
    expect(result.purchases).toBeNull();
    expect(result.notes).toEqual([expect.stringMatching(/^CLV skipped: no customer bought on two different days by 2024-03-15/)]);
  });

  it('says so when nobody bought at all', () => {
    const result = computeClv([], '2024-03-15', OPTIONS);
    expect(result.rows).toEqual([]);
    expect(result.notes).toEqual(['CLV skipped: no customer has a purchase day on or before 2024-03-15']);
  });
});

describe('computeClv on a shop the model describes', () => {
  const result = computeClv(shopDays(), iso(729), OPTIONS);

  it('publishes MBG/NBD, with its holdout check in clv_model and no note', () => {
    expect(result.purchaseModelProblem).toBeNull();
    expect(result.purchases).toBe('mbg_nbd');
    expect(result.notes).toEqual([]);
    const row = (parameter: string): number | undefined => result.model.find((m) => m.model === 'mbg_nbd' && m.parameter === parameter)?.value;
    expect(row('used')).toBe(1);
    expect(row('holdout_passed')).toBe(1);
    expect(Math.abs(row('holdout_relative_error')!)).toBeLessThan(0.2);
    expect(row('holdout_auc_purchases')).toBeGreaterThan(0.75);
    expect(row('holdout_auc_p_alive')).toBeGreaterThan(0.7);
    expect(result.model.find((m) => m.model === 'holdout' && m.parameter === 'days')?.value).toBe(90);
  });

  it('falls back when the check is stricter than the model can meet, and reports both checks', () => {
    const strict = computeClv(shopDays(), iso(729), { ...OPTIONS, check: { ...OPTIONS.check, minAuc: 0.99 } });
    expect(strict.purchases).toBe('empirical');
    expect(strict.purchaseModelProblem).toMatch(/its holdout check failed over the last 90 days: AUC of expected purchases 0\.\d+ < 0\.99/);
    expect(strict.checks.map((c) => c.model)).toEqual(['mbg_nbd', 'empirical']);
    expect(strict.notes[0]).toMatch(/on the last 90 days it gives [\d.]+ purchase days expected against \d+ made \([+-][\d.]+ %\), AUC 0\.\d+, outside the check's limits too$/);
  });

  it('skips the check, with a note, when the history is too short for the configured holdout', () => {
    const short = computeClv(shopDays(), iso(729), { ...OPTIONS, check: { ...OPTIONS.check, holdoutDays: 800 } });
    expect(short.purchases).toBe('mbg_nbd');
    expect(short.notes).toEqual([expect.stringMatching(/^CLV model not checked on a holdout: the purchase history is \d+ days long: no calibration period is left before as_of − 800 days$/)]);
  });
});
