/**
 * Deterministic minimisation for the small (3-4 parameter) maximum-likelihood fits of the CLV
 * models. Derivative-free by default: Nelder–Mead finds the basin robustly from a poor start,
 * restarts shake it out of the premature collapses it is known for (McKinnon 1998), and a BFGS
 * polish with central-difference gradients then converges tightly, so parameters match
 * published values to 4+ digits. Given an analytic gradient, BFGS is tried first from the start
 * (a few dozen evaluations instead of a few hundred) and the Nelder–Mead route is the fallback
 * when that does not converge. No randomness: the same input always gives the same fit.
 */

export type Objective = (x: readonly number[]) => number;
export type ValueAndGradient = (x: readonly number[]) => { value: number; gradient: number[] };

export interface MinimizeOptions {
  /** Function evaluations allowed in total (default 20 000). */
  maxEvaluations?: number;
  /** Nelder–Mead stops when the simplex's values agree to this relative spread (default 1e-6;
   * it only has to find the basin, BFGS polishes). */
  valueTolerance?: number;
  /** ... and its vertices to this absolute spread (default 1e-2). */
  pointTolerance?: number;
  /** Edge of the initial simplex (default 0.5; in log space that is a factor e^0.5). */
  initialStep?: number;
  /** Nelder–Mead restarts from the best vertex (default 4). */
  maxRestarts?: number;
  /** Converged when the infinity norm of the gradient (analytic, else central differences) is
   * below this × max(1, |f|) (default 1e-6: above the ~1e-8 truncation error of the differences,
   * yet at CDNOW's scale a gradient that moves the parameters by well under 1e-4 relative). BFGS
   * itself keeps going to 1/100 of this, or until it stops making progress. */
  gradientTolerance?: number;
  /** minimizePositive only: parameters are kept within e^±logBound (default 40, i.e. 4e-18 to
   * 2e17); outside, the objective counts as +Infinity. A fit that ends on this wall reports
   * converged = false — the likelihood wanted a degenerate limit (e.g. nobody ever drops out). */
  logBound?: number;
  /** The objective and its gradient in one call (sharing work); enables the BFGS-first route.
   * For minimizePositive it is in the caller's (positive) coordinates, like the objective. */
  valueAndGradient?: ValueAndGradient;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  /** Nelder–Mead iterations plus BFGS iterations. */
  iterations: number;
  evaluations: number;
  /** True when the final gradient meets gradientTolerance. */
  converged: boolean;
  gradientNorm: number;
}

interface Counter {
  evaluations: number;
  readonly limit: number;
}

/** Non-finite values (log of a negative, overflow) count as +Infinity: "don't go there". */
function guarded(f: Objective, counter: Counter): Objective {
  return (x) => {
    counter.evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
}

interface Point {
  value: number;
  gradient?: number[];
}

function guardedWithGradient(fg: ValueAndGradient, counter: Counter): (x: readonly number[]) => Point {
  return (x) => {
    counter.evaluations++;
    const { value, gradient } = fg(x);
    return Number.isFinite(value) && gradient.every(Number.isFinite) ? { value, gradient } : { value: Infinity };
  };
}

/**
 * One Nelder–Mead run with the standard coefficients (reflection 1, expansion 2, contraction
 * 1/2, shrink 1/2; Lagarias et al. 1998, SIAM J. Optim. 9(1), algorithm in §2).
 */
function nelderMeadRun(
  f: Objective,
  x0: readonly number[],
  step: number,
  valueTolerance: number,
  pointTolerance: number,
  counter: Counter,
): { x: number[]; value: number; iterations: number } {
  const n = x0.length;
  const simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: f(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] = x[i]! + step;
    simplex.push({ x, v: f(x) });
  }
  let iterations = 0;
  const along = (centroid: number[], worst: number[], t: number): number[] =>
    centroid.map((c, i) => c + t * (c - worst[i]!));
  while (counter.evaluations < counter.limit) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const spreadV = worst.v - best.v;
    let spreadX = 0;
    for (const p of simplex) for (let i = 0; i < n; i++) spreadX = Math.max(spreadX, Math.abs(p.x[i]! - best.x[i]!));
    if (spreadV <= valueTolerance * (Math.abs(best.v) + 1e-300) && spreadX <= pointTolerance) break;
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += simplex[k]!.x[i]! / n;
    const secondWorst = simplex[n - 1]!.v;
    const xr = along(centroid, worst.x, 1);
    const vr = f(xr);
    if (vr < best.v) {
      const xe = along(centroid, worst.x, 2);
      const ve = f(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
      continue;
    }
    if (vr < secondWorst) {
      simplex[n] = { x: xr, v: vr };
      continue;
    }
    // Outside contraction when the reflection beat the worst point, inside otherwise.
    const outside = vr < worst.v;
    const xc = along(centroid, worst.x, outside ? 0.5 : -0.5);
    const vc = f(xc);
    if (vc < (outside ? vr : worst.v)) {
      simplex[n] = { x: xc, v: vc };
      continue;
    }
    for (let k = 1; k <= n; k++) {
      const x = simplex[k]!.x.map((xi, i) => best.x[i]! + 0.5 * (xi - best.x[i]!));
      simplex[k] = { x, v: f(x) };
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations };
}

/** Central differences; step relative to |x_i| so log-parameters of any size are handled. */
function numericGradient(f: Objective, x: readonly number[]): number[] {
  return x.map((xi, i) => {
    const h = 1e-5 * Math.max(1, Math.abs(xi));
    const up = [...x];
    const down = [...x];
    up[i] = xi + h;
    down[i] = xi - h;
    return (f(up) - f(down)) / (2 * h);
  });
}

const infNorm = (v: readonly number[]): number => v.reduce((m, vi) => Math.max(m, Math.abs(vi)), 0);
const dot = (u: readonly number[], v: readonly number[]): number => u.reduce((s, ui, i) => s + ui * v[i]!, 0);

/**
 * BFGS on the inverse Hessian (Nocedal & Wright 2006, Algorithm 6.1, update eq. 6.17) with a
 * backtracking Armijo line search. The curvature update is skipped when s·y <= 0, and the
 * inverse Hessian reset when the direction stops being a descent direction. `trial` evaluates
 * a point (with its gradient when that comes for free); `gradientAt` supplies it otherwise.
 */
function bfgsRun(
  trial: (x: readonly number[]) => Point,
  gradientAt: (x: readonly number[]) => number[],
  x0: readonly number[],
  start: Point,
  gradientTarget: number,
  counter: Counter,
): { x: number[]; value: number; iterations: number; gradientNorm: number } {
  const n = x0.length;
  const identity = (): number[][] =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let x = [...x0];
  let value = start.value;
  let g = start.gradient ?? gradientAt(x);
  let H = identity();
  let iterations = 0;
  while (counter.evaluations < counter.limit && g.every(Number.isFinite)) {
    if (infNorm(g) <= gradientTarget * Math.max(1, Math.abs(value))) break;
    let d = H.map((row) => -dot(row, g));
    let fresh = iterations === 0;
    if (dot(d, g) >= 0) {
      H = identity();
      d = g.map((gi) => -gi);
      fresh = true;
    }
    // With H = I the step −g has no sensible scale: cap its first trial at 1 in each log-parameter.
    let t = fresh ? Math.min(1, 1 / infNorm(d)) : 1;
    let accepted: (Point & { x: number[] }) | undefined;
    const slope = dot(d, g);
    // Near the optimum of a sum over 1e5 customers the predicted decrease falls below the
    // rounding noise of the sum itself; there, a step that keeps the value within that noise
    // and shrinks an exact gradient is progress the Armijo test cannot see.
    const noise = 1e-13 * Math.max(1, Math.abs(value));
    const gNorm = infNorm(g);
    for (let k = 0; k < 40; k++, t *= 0.5) {
      const xt = x.map((xi, i) => xi + t * d[i]!);
      const pt = trial(xt);
      const armijo = pt.value <= value + 1e-4 * t * slope;
      const withinNoise = pt.value <= value + noise && pt.gradient !== undefined && infNorm(pt.gradient) < gNorm;
      if (armijo || withinNoise) {
        accepted = { ...pt, x: xt };
        break;
      }
    }
    if (!accepted) break; // no progress possible at this precision
    iterations++;
    const gNew = accepted.gradient ?? gradientAt(accepted.x);
    const s = accepted.x.map((xi, i) => xi - x[i]!);
    const y = gNew.map((gi, i) => gi - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      // Before the first update, rescale H = I to the curvature just seen (N&W eq. 6.20).
      if (fresh) H = H.map((row) => row.map((hij) => (hij * sy) / dot(y, y)));
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      H = H.map((row, i) =>
        row.map((hij, j) => hij - (Hy[i]! * s[j]! + s[i]! * Hy[j]!) / sy + ((1 + yHy / sy) * s[i]! * s[j]!) / sy),
      );
    }
    const improvement = value - accepted.value;
    x = accepted.x;
    value = accepted.value;
    g = gNew;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(value)) && infNorm(s) < 1e-12) break;
  }
  return { x, value, iterations, gradientNorm: infNorm(g) };
}

/** See the module comment. */
export function minimize(objective: Objective, x0: readonly number[], options: MinimizeOptions = {}): MinimizeResult {
  const {
    maxEvaluations = 20_000,
    valueTolerance = 1e-6,
    pointTolerance = 1e-2,
    initialStep = 0.5,
    maxRestarts = 4,
    gradientTolerance = 1e-6,
  } = options;
  const counter: Counter = { evaluations: 0, limit: maxEvaluations };
  const f = guarded(objective, counter);
  const fg = options.valueAndGradient && guardedWithGradient(options.valueAndGradient, counter);
  const trial = fg ?? ((x: readonly number[]): Point => ({ value: f(x) }));
  const gradientAt = (x: readonly number[]): number[] =>
    fg ? (fg(x).gradient ?? x.map(() => NaN)) : numericGradient(f, x);
  const isConverged = (value: number, gradientNorm: number): boolean =>
    Number.isFinite(value) && gradientNorm <= gradientTolerance * Math.max(1, Math.abs(value));
  const finish = (r: { x: number[]; value: number; gradientNorm: number }, iterations: number): MinimizeResult => ({
    x: r.x,
    value: r.value,
    iterations,
    evaluations: counter.evaluations,
    converged: isConverged(r.value, r.gradientNorm),
    gradientNorm: r.gradientNorm,
  });

  let iterations = 0;
  let direct: ReturnType<typeof bfgsRun> | undefined;
  if (fg) {
    direct = bfgsRun(trial, gradientAt, x0, fg(x0), gradientTolerance / 100, counter);
    iterations += direct.iterations;
    if (isConverged(direct.value, direct.gradientNorm)) return finish(direct, iterations);
  }
  let best = nelderMeadRun(f, x0, initialStep, valueTolerance, pointTolerance, counter);
  iterations += best.iterations;
  for (let restart = 0; restart < maxRestarts && counter.evaluations < maxEvaluations; restart++) {
    // A fresh, smaller simplex around the incumbent; stop once it no longer improves.
    const next = nelderMeadRun(f, best.x, initialStep / 4, valueTolerance, pointTolerance, counter);
    iterations += next.iterations;
    const improved = best.value - next.value > valueTolerance * Math.max(1, Math.abs(best.value));
    if (next.value < best.value) best = next;
    if (!improved) break;
  }
  const polished = bfgsRun(trial, gradientAt, best.x, trial(best.x), gradientTolerance / 100, counter);
  iterations += polished.iterations;
  const candidates = [polished, direct ?? polished].sort((p, q) => p.value - q.value);
  if (candidates[0]!.value <= best.value) return finish(candidates[0]!, iterations);
  return finish({ ...best, gradientNorm: infNorm(gradientAt(best.x)) }, iterations);
}

/**
 * Minimise over strictly positive parameters by optimising their logarithms: the constraint
 * disappears and the likelihood surfaces of rate/shape parameters become far rounder.
 * `x` in the result is on the original (positive) scale.
 */
export function minimizePositive(
  objective: Objective,
  initial: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  if (!initial.every((p) => p > 0 && Number.isFinite(p))) {
    throw new RangeError(`minimizePositive needs positive finite starting values, got ${initial.join(', ')}`);
  }
  const bound = options.logBound ?? 40;
  const inside = (u: readonly number[]): boolean => u.every((ui) => Math.abs(ui) <= bound);
  const fg = options.valueAndGradient;
  const result = minimize((u) => (inside(u) ? objective(u.map(Math.exp)) : Infinity), initial.map(Math.log), {
    ...options,
    // Chain rule: ∂f/∂u_i = ∂f/∂p_i · p_i for p = e^u.
    valueAndGradient: fg && ((u) => {
      if (!inside(u)) return { value: Infinity, gradient: u.map(() => 0) };
      const p = u.map(Math.exp);
      const { value, gradient } = fg(p);
      return { value, gradient: gradient.map((g, i) => g * p[i]!) };
    }),
  });
  return { ...result, x: result.x.map(Math.exp) };
}
