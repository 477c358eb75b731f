/**
 * One spelling per city. Sources write a city in different scripts and cases ("上海",
 * "Shanghai", "SHANGHAI"); matching already folds them to one key (cityKey: Chinese characters
 * to pinyin, lower-case ASCII). The golden record, and every stage that groups customers by
 * city, should see one city too, so each key gets the spelling most records use. Ties go to the
 * spelling first in code-point order, so the choice never depends on the order of the records.
 */
export interface CitySpelling {
  readonly cityKey: string | null;
  readonly city: string | null;
}

/** cityKey → the spelling most records with that key use. */
export function citySpellings(records: Iterable<CitySpelling>): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const r of records) {
    if (r.cityKey === null || r.city === null || r.city === '') continue;
    let spellings = counts.get(r.cityKey);
    if (spellings === undefined) counts.set(r.cityKey, (spellings = new Map()));
    spellings.set(r.city, (spellings.get(r.city) ?? 0) + 1);
  }
  const out = new Map<string, string>();
  for (const [key, spellings] of counts) {
    let best = '';
    let bestCount = 0;
    for (const [spelling, n] of spellings) {
      if (n > bestCount || (n === bestCount && spelling < best)) {
        best = spelling;
        bestCount = n;
      }
    }
    out.set(key, best);
  }
  return out;
}
