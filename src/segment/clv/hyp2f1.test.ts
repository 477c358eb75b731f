import { describe, expect, it } from 'vitest';
import { gaussSeries, hyp2f1 } from './hyp2f1.js';

// Reference values from mpmath.hyp2f1 at 40 digits. The set covers each branch: the direct
// series, Pfaff (z < -0.5), A&S 15.3.6 near z = 1, c - a - b exactly and nearly an integer,
// a terminating polynomial, large c (the BG/NBD shape for heavy buyers), and z = 1.
const REFERENCE: [number, number, number, number, number][] = [
  [1, 1, 2, 0.3, 1.1889164797957746],
  [0.5, 0.5, 1.5, 0.25, 1.0471975511965977],
  [2.2354, -0.207, 4.2187, 0.5, 0.93655018439876303],
  [2.2354, -0.207, 4.2187, 0.9, 0.86290449105207979],
  [2.2354, -0.207, 2.2187, 0.99, 0.37121969132702587],
  [2.2354, -0.207, 2.2187, 0.999999, 0.0060070777873732352],
  [0.243, 2.426, 2.219, 0.7, 1.3952294210928719],
  [3.5, 1.2, 2.7, 0.95, 214.2234380433589],
  [1.5, 2.5, 4.0, 0.8, 3.605481837251909],
  [1.5, 2.5, 5.0, 0.8, 2.5407373351427819],
  [1.5, 2.5, 5.0005, 0.8, 2.5404017106972388],
  [0.7, -0.3, 1.2, -3.0, 1.3323557826949006],
  [0.7, 1.3, 1.2, -0.9, 0.61646676193992474],
  [5.0, 6.0, 102.2, 0.999, 1.3657263923522821],
  [2.0, -0.2, 102.2, 0.99, 0.99607958778267397],
  [-3, 2.5, 1.7, 0.9, -0.028418124006359294],
  [1.1, 2.2, 3.3, -50.0, 0.026178172825673033],
  [0.25, 0.75, 1.3, 1.0, 1.7065015569033305],
  [10.5, 4.2, 3.1, 0.6, 108974.10146722827],
];

describe('hyp2f1', () => {
  it.each(REFERENCE)('2F1(%d, %d; %d; %d) matches mpmath', (a, b, c, z, expected) => {
    const value = hyp2f1(a, b, c, z);
    expect(Math.abs(value - expected) / Math.abs(expected)).toBeLessThan(1e-9);
  });

  it('matches closed forms across (-1, 1) including z close to 1', () => {
    for (const z of [-0.99, -0.6, -0.2, 0.1, 0.49, 0.51, 0.9, 0.999, 0.999999]) {
      // 2F1(1,1;2;z) = -ln(1-z)/z and 2F1(a,b;b;z) = (1-z)^-a (c - a - b = -a, not an integer).
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 9);
      const power = Math.pow(1 - z, -0.37);
      expect(Math.abs(hyp2f1(0.37, 1.9, 1.9, z) - power) / power).toBeLessThan(1e-10);
    }
  });

  it('converges near z = 1 and agrees with the defining series where that also converges', () => {
    // 0.97 is inside the 15.3.6 branch; the brute-force series needs thousands of terms there.
    const z = 0.97;
    expect(hyp2f1(2.2354, -0.207, 3.2187, z)).toBeCloseTo(gaussSeries(2.2354, -0.207, 3.2187, z), 11);
  });

  it('is continuous in c across an integer c - a - b', () => {
    const at = (c: number): number => hyp2f1(1.5, 2.5, c, 0.8);
    expect(Math.abs(at(5) - (at(5 - 1e-6) + at(5 + 1e-6)) / 2)).toBeLessThan(1e-9);
  });

  it('returns NaN outside its domain and throws rather than returning an unconverged value', () => {
    expect(hyp2f1(1, 1, 2, 1.5)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.3)).toBeNaN();
    expect(hyp2f1(1, 1, 2, 1)).toBe(Infinity);
    expect(() => gaussSeries(1, 1, 2, 0.9999, 100)).toThrow(/did not converge/);
  });
});
