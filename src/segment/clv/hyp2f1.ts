import { gammaln, gammaSign } from './math.js';

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real parameters and real z <= 1.
 *
 * BG/NBD's conditional expectation (Fader, Hardie & Lee 2005, eq. 10) needs it at
 * z = t / (α + T + t), which tends to 1 for long horizons and young customers, where the
 * plain series converges too slowly. So:
 * - |z| <= 0.5: the defining series, stopped by a bound on its tail (not just a small term);
 * - z < -0.5: Pfaff's transformation (A&S 15.3.4) maps z to z/(z-1) in (1/3, 1);
 * - 0.5 < z < 1: the linear transformation to 1 - z (A&S 15.3.6), whose two series then
 *   converge at least like 0.5^n. When c - a - b is (nearly) an integer its gamma factors have
 *   poles that cancel; we then interpolate in c from four nearby non-singular points rather than
 *   implement the digamma forms (A&S 15.3.10-12). F is analytic in c, so this is accurate to
 *   ~1e-10 (see the tests).
 * - z = 1: Gauss's summation theorem (A&S 15.1.20) when c - a - b > 0, else +Infinity.
 * Throws when a series fails to converge within its term budget (never silently wrong).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(z)) || z > 1) return NaN;
  if (z === 0 || a === 0 || b === 0) return 1;
  if (c <= 0 && Number.isInteger(c) && !terminatesBefore(a, b, c)) return NaN;
  if (z === 1) return gaussAtOne(a, b, c);
  if (Math.abs(z) <= 0.5) return gaussSeries(a, b, c, z);
  if (z < 0) {
    // A&S 15.3.4: F(a,b;c;z) = (1-z)^(-a) F(a, c-b; c; z/(z-1)).
    return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
  }
  const viaOneMinusZ = nearIntegerSafeOneMinusZ(a, b, c, z);
  if (Number.isFinite(viaOneMinusZ)) return viaOneMinusZ;
  return gaussSeries(a, b, c, z, 5_000_000);
}

/** True when a or b is a non-positive integer that ends the series before (c)_n hits zero. */
function terminatesBefore(a: number, b: number, c: number): boolean {
  const ends = (p: number): boolean => p <= 0 && Number.isInteger(p) && p > c;
  return ends(a) || ends(b);
}

const SERIES_TOLERANCE = 1e-15;

/**
 * Σ (a)_n (b)_n / ((c)_n n!) z^n, stopped by a rigorous bound on the tail. Once a+m, b+m and
 * c+m are all positive, each of (a+n)/(c+n) and (b+n)/(n+1) is monotone in n with limit 1, so
 * every later term ratio is at most ρ = |z| · max(1, (a+m)/(c+m)) · max(1, (b+m)/(m+1)), and
 * the tail after the current term is at most |term| ρ/(1−ρ). We stop when that is below
 * SERIES_TOLERANCE relative to the sum — after a handful of terms for small |z|, whatever the
 * size of the parameters.
 */
export function gaussSeries(a: number, b: number, c: number, z: number, maxTerms = 200_000): number {
  let term = 1;
  let sum = 1;
  const positiveFrom = Math.max(0, -a, -b, -c);
  const absZ = Math.abs(z);
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    if (term === 0) return sum; // a or b a non-positive integer: a polynomial
    sum += term;
    if (!Number.isFinite(sum)) return sum;
    const m = n + 1; // index of the next ratio
    if (m <= positiveFrom) continue;
    const rho = absZ * Math.max(1, (a + m) / (c + m)) * Math.max(1, (b + m) / (m + 1));
    if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= SERIES_TOLERANCE * Math.abs(sum)) return sum;
  }
  throw new Error(`hyp2f1 series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}

/** Gauss's theorem (A&S 15.1.20): F(a,b;c;1) = Γ(c)Γ(c-a-b) / (Γ(c-a)Γ(c-b)) for c-a-b > 0. */
function gaussAtOne(a: number, b: number, c: number): number {
  const m = c - a - b;
  if (m <= 0) return Infinity;
  return gammaRatio([c, m], [c - a, c - b], 0);
}

/** ± exp(logPrefactor) · Π Γ(num) / Π Γ(den), via log|Γ| and signs (1/Γ at a pole is 0). */
function gammaRatio(num: number[], den: number[], logPrefactor: number): number {
  let sign = 1;
  let log = logPrefactor;
  for (const v of den) {
    const s = gammaSign(v);
    if (s === 0) return 0;
    sign *= s;
    log -= gammaln(v);
  }
  for (const v of num) {
    sign *= gammaSign(v);
    log += gammaln(v);
  }
  return sign === 0 ? NaN : sign * Math.exp(log);
}

const NEAR_INTEGER = 3e-4;

/**
 * A&S 15.3.6, but when m = c - a - b lies within NEAR_INTEGER of an integer k, evaluate at
 * m = k ± h, k ± 2h (h = NEAR_INTEGER) by shifting c, and take the cubic Lagrange interpolant.
 * Cancellation at distance h costs ~log10(1/h) digits; the interpolation error is O(h^4 ln(1-z)^4);
 * h = 3e-4 balances the two (errors below 1e-10 down to 1 - z = 1e-6 in the tests).
 */
function nearIntegerSafeOneMinusZ(a: number, b: number, c: number, z: number): number {
  const m = c - a - b;
  const k = Math.round(m);
  const u = m - k;
  if (Math.abs(u) >= NEAR_INTEGER) return oneMinusZ(a, b, c, z);
  const h = NEAR_INTEGER;
  const nodes = [-2 * h, -h, h, 2 * h];
  let value = 0;
  for (let i = 0; i < nodes.length; i++) {
    const ni = nodes[i]!;
    let weight = 1;
    for (let j = 0; j < nodes.length; j++) {
      if (j !== i) weight *= (u - nodes[j]!) / (ni - nodes[j]!);
    }
    value += weight * oneMinusZ(a, b, c - u + ni, z);
  }
  return value;
}

/**
 * A&S 15.3.6 (m = c - a - b not an integer):
 * F(a,b;c;z) = Γ(c)Γ(m)/(Γ(c-a)Γ(c-b)) F(a, b; 1-m; 1-z)
 *            + (1-z)^m Γ(c)Γ(-m)/(Γ(a)Γ(b)) F(c-a, c-b; 1+m; 1-z).
 */
function oneMinusZ(a: number, b: number, c: number, z: number): number {
  const m = c - a - b;
  const w = 1 - z;
  const first = gammaRatio([c, m], [c - a, c - b], 0);
  const second = gammaRatio([c, -m], [a, b], m * Math.log(w));
  const f1 = first === 0 ? 0 : first * gaussSeries(a, b, 1 - m, w);
  const f2 = second === 0 ? 0 : second * gaussSeries(c - a, c - b, 1 + m, w);
  // With a large c (a BG/NBD heavy buyer: c = a + b + x − 1) the two terms are huge and of
  // opposite sign, and their sum keeps no correct digit (it came out negative). NaN sends the
  // caller to the defining series, which converges fast exactly when c is large.
  if (Math.abs(f1) + Math.abs(f2) > CANCELLATION_LIMIT * Math.abs(f1 + f2)) return NaN;
  return f1 + f2;
}

/** Digits the two terms of A&S 15.3.6 may cancel before the result is rejected (1e6: 6 of 16). */
const CANCELLATION_LIMIT = 1e6;
