/**
 * Age in completed years on the as_of date, and its band. Pure.
 *
 * A person born on 29 February has their birthday on 1 March in other years (their age goes up
 * when (month, day) of as_of passes (2, 29)). A birth date after as_of, one that is not a real
 * calendar date, or an age above MAX_AGE gives null: that value is a data error, not an age.
 */
import { dateToEpochMs } from './dates.js';

export const MAX_AGE = 120;

export const AGE_BANDS = ['<25', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageAt(birthDate: string | null | undefined, asOf: string): number | null {
  if (birthDate === null || birthDate === undefined) return null;
  const birth = birthDate.slice(0, 10);
  try {
    dateToEpochMs(birth);
  } catch {
    return null;
  }
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = asOf.split('-').map(Number) as [number, number, number];
  const age = ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
  if (age < 0 || age > MAX_AGE) return null;
  return age;
}

/** '<25', '25-34', '35-44', '45-54', '55-64' or '65+'; null for an unknown age. */
export function ageBand(age: number | null | undefined): AgeBand | null {
  if (age === null || age === undefined || !Number.isFinite(age)) return null;
  if (age < 25) return '<25';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}
