import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/mulberry32.js';
import { compareArms } from './compare.js';
import { cupedAdjust } from './cuped.js';
import { momentsOf } from './moments.js';

/** OLS of y on [1, x, treated] by the normal equations (Cramer's rule): the textbook ANCOVA. */
function ancova(rows: { x: number; y: number; t: number }[]): { slope: number; effect: number } {
  const s = (f: (r: { x: number; y: number; t: number }) => number) => rows.reduce((a, r) => a + f(r), 0);
  const m = [
    [rows.length, s((r) => r.x), s((r) => r.t)],
    [s((r) => r.x), s((r) => r.x * r.x), s((r) => r.x * r.t)],
    [s((r) => r.t), s((r) => r.x * r.t), s((r) => r.t * r.t)],
  ];
  const b = [s((r) => r.y), s((r) => r.x * r.y), s((r) => r.t * r.y)];
  const det = (a: number[][]) => a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) - a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) + a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const withColumn = (j: number) => m.map((row, i) => row.map((v, k) => (k === j ? b[i]! : v)));
  const d = det(m);
  return { slope: det(withColumn(1)) / d, effect: det(withColumn(2)) / d };
}

describe('CUPED / regression adjustment', () => {
  const random = mulberry32(7);
  const rows = Array.from({ length: 400 }, (_, i) => {
    const t = i % 2;
    const x = random() * 100;
    return { x, t, y: 0.5 * x + 3 * t + (random() - 0.5) * 20 };
  });
  const arm = rows.filter((r) => r.t === 1);
  const control = rows.filter((r) => r.t === 0);
  const mArm = momentsOf(arm.map((r) => r.y), arm.map((r) => r.x));
  const mControl = momentsOf(control.map((r) => r.y), control.map((r) => r.x));

  it('gives the ANCOVA slope and treatment effect (OLS of y on x and an arm dummy)', () => {
    const ols = ancova(rows);
    const cuped = cupedAdjust(mArm, mControl);
    expect(cuped.theta).toBeCloseTo(ols.slope, 10);
    expect(cuped.arm.mean - cuped.control.mean).toBeCloseTo(ols.effect, 10);
  });

  it('narrows the interval by about 1 − √(1 − ρ²) and reports the saving beside the plain estimate', () => {
    const c = compareArms(mArm, mControl, { kind: 'mean', covariate: true });
    // Var(0.5x) = 0.25·833 = 208, Var(noise) = 400/12 = 33: ρ² ≈ 0.86, saving ≈ 1 − √0.14 = 0.63.
    expect(c.adjusted!.widthSaved).toBeGreaterThan(0.55);
    expect(c.adjusted!.widthSaved).toBeLessThan(0.7);
    expect(c.adjusted!.upliftLow).toBeLessThan(3);
    expect(c.adjusted!.upliftHigh).toBeGreaterThan(3);
    expect(c.plain!.method).toBe('welch');
    expect(c.adjusted!.method).toBe('cuped-welch');
  });

  it('changes nothing when the covariate is constant', () => {
    const flat = (ys: number[]) => momentsOf(ys, ys.map(() => 5));
    const c = compareArms(flat(arm.map((r) => r.y)), flat(control.map((r) => r.y)), { kind: 'mean', covariate: true });
    expect(c.adjusted!.theta).toBe(0);
    expect(c.adjusted!.uplift).toBeCloseTo(c.plain!.uplift, 12);
    expect(c.adjusted!.widthSaved).toBeCloseTo(0, 12);
  });
});

describe('compareArms', () => {
  it('suppresses a group under 10 people', () => {
    const c = compareArms(momentsOf([1, 0, 1]), momentsOf(Array(50).fill(0)), { kind: 'rate' });
    expect(c).toEqual({ nArm: 3, nControl: 50, suppressed: true, plain: null, adjusted: null });
  });
  it('scales the uplift to incremental conversions over the arm', () => {
    const c = compareArms(momentsOf([...Array(30).fill(1), ...Array(70).fill(0)]), momentsOf([...Array(20).fill(1), ...Array(80).fill(0)]), { kind: 'rate' });
    expect(c.plain!.uplift).toBeCloseTo(0.1, 12);
    expect(c.plain!.incremental).toBeCloseTo(10, 10);
    expect(c.plain!.incrementalLow).toBeCloseTo(c.plain!.upliftLow * 100, 10);
    expect(c.plain!.relative).toBeCloseTo(0.5, 12);
  });
});
