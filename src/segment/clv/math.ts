/**
 * Special functions the CLV models need. Kept here rather than taken from simple-statistics
 * because its `gammaln` returns +Infinity for every x <= 0, and the hypergeometric
 * transformations (Abramowitz & Stegun 15.3.6) need Γ at negative, non-integer arguments.
 */

const LANCZOS_G = 7;
// Lanczos (1964) coefficients for g = 7, n = 9 (as in Numerical Recipes 3rd ed. / Godfrey):
// relative error of Γ about 1e-15 on the positive axis.
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log|Γ(x)| for any real x. Returns +Infinity at the poles (0, -1, -2, ...).
 * For x < 0.5 uses the reflection formula Γ(x)Γ(1-x) = π / sin(πx).
 */
export function gammaln(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0.5) {
    if (Number.isInteger(x)) return Infinity;
    return Math.log(Math.PI / Math.abs(sinPi(x))) - gammaln(1 - x);
  }
  if (x === Infinity) return Infinity;
  const y = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) {
    series += LANCZOS_COEFFICIENTS[i]! / (y + i);
  }
  const t = y + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(series);
}

/**
 * sin(πx) with exact argument reduction. Math.sin(Math.PI * x) loses relative accuracy next to
 * the integers (the rounding of π·x is ~1e-16 absolute), which the hypergeometric connection
 * formulas then amplify when c - a - b is close to an integer.
 */
export function sinPi(x: number): number {
  let r = x - 2 * Math.round(x / 2); // exact; r in [-1, 1]
  let sign = 1;
  if (r < 0) {
    r = -r;
    sign = -1;
  }
  if (r > 0.5) r = 1 - r; // exact (Sterbenz); sin(π(1 - r)) = sin(πr)
  return r === 0 ? 0 : sign * Math.sin(Math.PI * r);
}

/** Sign of Γ(x): +1 for x > 0; on the negative axis it alternates between poles. 0 at poles. */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (Number.isInteger(x)) return 0;
  // Γ is negative on (-1, 0), positive on (-2, -1), ...: negative when floor(x) is odd.
  return Math.abs(Math.floor(x)) % 2 === 1 ? -1 : 1;
}

/** log(exp(a) + exp(b)) without overflow; handles -Infinity terms. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** 1 / (1 + exp(v)), safe for large |v| (the logistic of -v). */
export function inverseOnePlusExp(v: number): number {
  if (v > 0) {
    const e = Math.exp(-v);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(v));
}

/**
 * lnΓ(y + d) − lnΓ(y), stable when y is huge. The plain difference of two gammalns of size
 * y·ln y loses everything once y ≫ d (at y = 1e300, y + d === y and it returns 0 instead of
 * ≈ d ln y), and optimisers wandering to extreme parameters exploit exactly that. For y >= 1000
 * use the difference of Stirling series, with the leading terms rearranged to avoid cancelling:
 *   (y−½) log1p(d/y) + d ln(y+d) − d + [1/(12z)]_y^{y+d} − [1/(360z³)]_y^{y+d}   (error < 1e-17).
 */
export function gammalnRatio(y: number, d: number): number {
  if (d === 0) return 0;
  if (y < 1000 || y + d < 1000) return gammaln(y + d) - gammaln(y);
  const z = y + d;
  return (
    (y - 0.5) * Math.log1p(d / y) + d * Math.log(z) - d +
    (1 / z - 1 / y) / 12 - (1 / (z * z * z) - 1 / (y * y * y)) / 360
  );
}

/**
 * Digamma ψ(x) = d lnΓ(x)/dx: the recurrence ψ(x) = ψ(x+1) − 1/x up to x >= 10, then the
 * asymptotic series ln x − 1/(2x) − Σ B₂ₖ/(2k x^2k) (A&S 6.3.18), error below 1e-15 there.
 * Negative non-integers use the reflection ψ(1−x) − ψ(x) = π cot(πx) (A&S 6.3.7).
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || (x <= 0 && Number.isInteger(x))) return NaN;
  if (x < 0) return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/** ψ(y + d) − ψ(y), the derivative of gammalnRatio in y; for y >= 1000 by differencing the
 * asymptotic series with log1p, for the same reason as gammalnRatio (error < 1e-14). */
export function digammaRatio(y: number, d: number): number {
  if (d === 0) return 0;
  if (y < 1000 || y + d < 1000) return digamma(y + d) - digamma(y);
  const z = y + d;
  return Math.log1p(d / y) - 0.5 * (1 / z - 1 / y) - (1 / (z * z) - 1 / (y * y)) / 12;
}
