import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, studentTQuantile, studentTTwoSided } from './distributions.js';

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980, 8);
    expect(2 * normalCdf(-5)).toBeCloseTo(5.733e-7, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
  });
});

describe('Student t distribution', () => {
  it('matches the 97.5 % quantiles of the t tables', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 5);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272, 5);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228139, 5);
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959964, 5);
  });
  it('gives two-sided tail probabilities', () => {
    expect(studentTTwoSided(2.228139, 10)).toBeCloseTo(0.05, 6);
    expect(studentTTwoSided(0, 5)).toBeCloseTo(1, 9);
    expect(studentTTwoSided(3.5, 7.5)).toBeCloseTo(studentTTwoSided(-3.5, 7.5), 12);
  });
});
