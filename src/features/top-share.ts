/**
 * The top value of a distribution (the category or channel with the largest share). Pure.
 * Ties go to the value that sorts first, so the answer never depends on the order the values
 * come in. Non-finite shares are ignored; no value gives null.
 */
export interface TopValue {
  readonly value: string;
  readonly share: number;
}

/** Whether (value, share) beats the current top. */
export function beatsTop(value: string, share: number, top: TopValue | null): boolean {
  if (!Number.isFinite(share)) return false;
  if (top === null) return true;
  return share > top.share || (share === top.share && value < top.value);
}

export function topValue(entries: Iterable<readonly [string, number]>): TopValue | null {
  let top: TopValue | null = null;
  for (const [value, share] of entries) if (beatsTop(value, share, top)) top = { value, share };
  return top;
}
