import { describe, expect, it } from 'vitest';
import { minimize, minimizePositive } from './optimize.js';

const rosenbrock = ([x, y]: readonly number[]): number => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;

describe('minimize', () => {
  it('finds the Rosenbrock minimum from the classic start', () => {
    const result = minimize(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it('with an analytic gradient goes BFGS-first and needs far fewer evaluations', () => {
    const valueAndGradient = ([x, y]: readonly number[]): { value: number; gradient: number[] } => ({
      value: rosenbrock([x!, y!]),
      gradient: [-400 * x! * (y! - x! * x!) - 2 * (1 - x!), 200 * (y! - x! * x!)],
    });
    const withGradient = minimize(rosenbrock, [-1.2, 1], { valueAndGradient });
    const without = minimize(rosenbrock, [-1.2, 1]);
    expect(withGradient.converged).toBe(true);
    expect(withGradient.x[0]).toBeCloseTo(1, 6);
    expect(withGradient.x[1]).toBeCloseTo(1, 6);
    expect(withGradient.evaluations).toBeLessThan(without.evaluations / 2);
  });

  it('handles an ill-conditioned 4-d quadratic', () => {
    const scales = [1, 1e2, 1e4, 1e6];
    const target = [3, -2, 0.5, 7];
    const f = (x: readonly number[]): number => x.reduce((s, xi, i) => s + scales[i]! * (xi - target[i]!) ** 2, 0);
    const result = minimize(f, [0, 0, 0, 0]);
    result.x.forEach((xi, i) => expect(xi).toBeCloseTo(target[i]!, 5));
  });

  it('is deterministic and treats non-finite values as walls', () => {
    const f = ([x]: readonly number[]): number => (x! <= 0 ? NaN : x! - Math.log(x!)); // min at 1
    const first = minimize(f, [3]);
    const second = minimize(f, [3]);
    expect(first).toEqual(second);
    expect(first.x[0]).toBeCloseTo(1, 6);
  });

  it('reports non-convergence when the evaluation budget runs out', () => {
    const result = minimize(rosenbrock, [-1.2, 1], { maxEvaluations: 30 });
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBeLessThanOrEqual(40);
  });
});

describe('minimizePositive', () => {
  it('optimises over positive parameters through their logs', () => {
    // Gamma(shape 3, rate 2) log-likelihood for a sample with mean 1.5 and mean log m:
    // a smooth positive-parameter problem with a closed-form rate 3/1.5 at the true shape.
    const f = ([k, rate]: readonly number[]): number => (k! - 3) ** 2 + (rate! - 2) ** 2 * 10;
    const result = minimizePositive(f, [0.1, 50]);
    expect(result.x[0]).toBeCloseTo(3, 6);
    expect(result.x[1]).toBeCloseTo(2, 6);
    expect(() => minimizePositive(f, [0, 1])).toThrow(RangeError);
  });

  it('keeps parameters within e^±logBound', () => {
    const result = minimizePositive(([v]) => v!, [1], { logBound: 10 }); // wants v → 0
    expect(result.x[0]).toBeGreaterThanOrEqual(Math.exp(-10) * (1 - 1e-12));
    expect(result.converged).toBe(false);
  });
});
