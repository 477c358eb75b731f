/**
 * Sufficient statistics of one group: count and sums of an outcome y and a pre-period covariate
 * x. Every estimate of this module (rates, means, Welch, CUPED) is a function of these six
 * numbers per arm, so a measurement streams its input once in bounded memory, and a segment's
 * statistics add up to the whole.
 */
export interface Moments {
  n: number;
  sumY: number;
  sumYY: number;
  sumX: number;
  sumXX: number;
  sumXY: number;
}

export function emptyMoments(): Moments {
  return { n: 0, sumY: 0, sumYY: 0, sumX: 0, sumXX: 0, sumXY: 0 };
}

export function addObservation(m: Moments, y: number, x = 0): void {
  m.n++;
  m.sumY += y;
  m.sumYY += y * y;
  m.sumX += x;
  m.sumXX += x * x;
  m.sumXY += x * y;
}

export function momentsOf(ys: readonly number[], xs?: readonly number[]): Moments {
  const m = emptyMoments();
  ys.forEach((y, i) => addObservation(m, y, xs?.[i] ?? 0));
  return m;
}

export function mean(m: Moments): number {
  return m.sumY / m.n;
}

/** Centred sums of squares and cross products (Σ(y−ȳ)², Σ(x−x̄)², Σ(x−x̄)(y−ȳ)), never negative. */
export function centred(m: Moments): { syy: number; sxx: number; sxy: number } {
  return {
    syy: Math.max(0, m.sumYY - (m.sumY * m.sumY) / m.n),
    sxx: Math.max(0, m.sumXX - (m.sumX * m.sumX) / m.n),
    sxy: m.sumXY - (m.sumX * m.sumY) / m.n,
  };
}

/** Sample variance of y (n − 1 denominator); 0 for a single observation. */
export function variance(m: Moments): number {
  return m.n > 1 ? centred(m).syy / (m.n - 1) : 0;
}
