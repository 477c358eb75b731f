/**
 * Calendar arithmetic on ISO dates for the features stage. Pure: no clock, UTC only.
 *
 * Everything the stage computes "as of" a date uses the data strictly before the end of that
 * day in UTC, i.e. before `cutoffOf(asOf)` = the next day at 00:00:00Z. A window of N days is
 * the N calendar days ending with as_of: [cutoff − N days, cutoff).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of a YYYY-MM-DD date at 00:00Z; throws on anything else. */
export function dateToEpochMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new Error(`not a calendar date: ${date}`);
  }
  return ms;
}

/** UTC timestamp `YYYY-MM-DDTHH:MM:SSZ` of an epoch value (seconds precision). */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The first instant after the as_of day: `(as_of + 1 day)T00:00:00Z`. */
export function cutoffOf(asOf: string): string {
  return isoTimestamp(dateToEpochMs(asOf) + DAY_MS);
}

/** Start of the window of `days` calendar days that ends with as_of (inclusive). */
export function windowStart(asOf: string, days: number): string {
  return isoTimestamp(dateToEpochMs(asOf) + DAY_MS - days * DAY_MS);
}
