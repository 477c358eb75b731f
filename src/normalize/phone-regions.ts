/**
 * The region a source's phone numbers without a country code are read in, when the pipeline gives
 * no `default_region`: the region of the numbers the same source writes with a country code
 * ("+86 138…", "0086 …"), when one region clearly dominates them. A system that writes some
 * numbers as +86 writes its bare numbers in China too. A source that writes (almost) none with a
 * country code takes the region that dominates those of all customer sources together. Without
 * such evidence bare numbers stay unread (see normalizePhone), never guessed.
 */
import { normalizePhone, preCleanPhone } from './phone.js';

export interface InferredRegion {
  readonly region: string;
  /** Numbers with a country code in the source, and how many of them are in `region`. */
  readonly international: number;
  readonly inRegion: number;
}

/** Enough numbers with a country code to go by, and the share the main region must have. */
export const MIN_INTERNATIONAL = 5;
export const MIN_REGION_SHARE = 0.6;

/** Counts the regions of numbers written with a country code. */
export class PhoneRegionCounter {
  readonly #counts = new Map<string, Map<string, number>>();

  add(source: string, raw: string | null): void {
    if (raw === null) return;
    const clean = preCleanPhone(raw);
    if (clean === null || !clean.startsWith('+')) return;
    const country = normalizePhone(clean).country;
    if (country === undefined) return;
    let bySource = this.#counts.get(source);
    if (bySource === undefined) this.#counts.set(source, (bySource = new Map()));
    bySource.set(country, (bySource.get(country) ?? 0) + 1);
  }

  /** Numbers with a country code counted for a source. */
  international(source: string): number {
    let n = 0;
    for (const c of this.#counts.get(source)?.values() ?? []) n += c;
    return n;
  }

  /** The dominant region of each source that has one. */
  regions(): Map<string, InferredRegion> {
    const out = new Map<string, InferredRegion>();
    for (const [source, counts] of this.#counts) {
      const r = dominant(counts);
      if (r !== null) out.set(source, r);
    }
    return out;
  }

  /**
   * The dominant region over all sources counted: for a source that writes no numbers with a
   * country code itself (a loyalty app storing "138…", beside a shop storing "+86 138…").
   */
  overall(): InferredRegion | null {
    const all = new Map<string, number>();
    for (const counts of this.#counts.values()) for (const [region, n] of counts) all.set(region, (all.get(region) ?? 0) + n);
    return dominant(all);
  }
}

function dominant(counts: ReadonlyMap<string, number>): InferredRegion | null {
  let total = 0;
  let best: [string, number] = ['', 0];
  for (const [region, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    total += n;
    if (n > best[1]) best = [region, n];
  }
  return total >= MIN_INTERNATIONAL && best[1] >= MIN_REGION_SHARE * total ? { region: best[0], international: total, inRegion: best[1] } : null;
}
