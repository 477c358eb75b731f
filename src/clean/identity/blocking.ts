/**
 * Candidate pairs from blocking rules, generated block by block without a global pair set.
 *
 * A pair is "produced" by rule r when the two records share a key of r and, if that key's block is
 * oversized, they are within `window` of each other in the block's sort order. A pair is emitted by
 * the first rule (and, for multi-key rules, the first key) producing it; the test is done per pair
 * against the earlier rules' keys, so every pair comes out once. Work is Σ over rules of Σ over
 * blocks of min(size², size × window): linear in the record count for bounded blocks.
 */
import type { BlockingRule, CandidatePairs, LinkMode, LinkRecord } from './types.js';

const DEFAULT_MAX_BLOCK = 1000;
const DEFAULT_WINDOW = 20;
const KEY_SEP = '\u001f';

/** Per-rule keys of every record (CSR), block members and ranks inside oversized blocks. */
export interface RuleIndex {
  readonly rule: BlockingRule;
  /** Keys of record i: keys[start[i] .. start[i+1]), ascending key ids. */
  readonly start: Int32Array;
  readonly keys: Int32Array;
  /** Rank of the (record, key) entry in its block's sort order (only meaningful when oversized). */
  readonly rank: Int32Array;
  readonly nKeys: number;
  /** Members of block k: members[blockStart[k] .. blockStart[k+1]), ascending record index. */
  readonly blockStart: Int32Array;
  readonly members: Int32Array;
  readonly oversized: Uint8Array;
  readonly window: number;
  readonly maxBlockSize: number;
}

/** Key(s) of a record under a rule: a string (one key), an array, or null (none). */
function recordKeys(rule: BlockingRule, record: LinkRecord): string | readonly string[] | null {
  if (rule.key !== undefined) {
    const k = rule.key(record);
    if (k === null || k === '') return null;
    return k;
  }
  const fields = rule.fields;
  if (fields === undefined || fields.length === 0) throw new Error(`blocking rule ${rule.name}: give fields or key`);
  const first = record.values[fields[0]!];
  if (first === null || first === undefined || first === '') return null;
  if (fields.length === 1) return first;
  let out = first;
  for (let f = 1; f < fields.length; f++) {
    const v = record.values[fields[f]!];
    if (v === null || v === undefined || v === '') return null;
    out = out + KEY_SEP + v;
  }
  return out;
}

export function indexRule(records: readonly LinkRecord[], rule: BlockingRule): RuleIndex {
  const n = records.length;
  const ids = new Map<string, number>();
  const start = new Int32Array(n + 1);
  let keyBuf = new Int32Array(Math.max(16, n));
  let used = 0;
  const idOf = (k: string): number => {
    let id = ids.get(k);
    if (id === undefined) {
      id = ids.size;
      ids.set(k, id);
    }
    return id;
  };
  for (let i = 0; i < n; i++) {
    start[i] = used;
    const ks = recordKeys(rule, records[i]!);
    if (ks === null) continue;
    if (typeof ks === 'string') {
      // One key: the common case, no per-record array.
      if (used === keyBuf.length) {
        const grown = new Int32Array(keyBuf.length * 2);
        grown.set(keyBuf);
        keyBuf = grown;
      }
      keyBuf[used++] = idOf(ks);
      continue;
    }
    const local: number[] = [];
    for (const k of ks) {
      if (k === '') continue;
      const id = idOf(k);
      if (!local.includes(id)) local.push(id);
    }
    if (local.length === 0) continue;
    local.sort((x, y) => x - y);
    if (used + local.length > keyBuf.length) {
      const grown = new Int32Array(Math.max(keyBuf.length * 2, used + local.length));
      grown.set(keyBuf.subarray(0, used));
      keyBuf = grown;
    }
    for (const id of local) keyBuf[used++] = id;
  }
  start[n] = used;
  const keys = keyBuf.slice(0, used);
  const nKeys = ids.size;

  // Block membership (counting sort by key; members stay in ascending record order).
  const blockStart = new Int32Array(nKeys + 1);
  for (let e = 0; e < used; e++) blockStart[keys[e]! + 1]!++;
  for (let k = 0; k < nKeys; k++) blockStart[k + 1]! += blockStart[k]!;
  const fill = blockStart.slice(0, nKeys);
  const members = new Int32Array(used);
  const entryOfMember = new Int32Array(used);
  for (let i = 0; i < n; i++) {
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const k = keys[e]!;
      const pos = fill[k]!++;
      members[pos] = i;
      entryOfMember[pos] = e;
    }
  }

  const maxBlockSize = rule.maxBlockSize ?? DEFAULT_MAX_BLOCK;
  const window = rule.window ?? DEFAULT_WINDOW;
  const oversized = new Uint8Array(nKeys);
  const rank = new Int32Array(used);
  const sortKey = rule.sortKey ?? ((r: LinkRecord) => r.values.map((v) => v ?? '').join('\u0001'));
  for (let k = 0; k < nKeys; k++) {
    const s = blockStart[k]!;
    const size = blockStart[k + 1]! - s;
    if (size <= maxBlockSize) continue;
    oversized[k] = 1;
    const order = Array.from({ length: size }, (_, x) => x);
    const sk = order.map((x) => sortKey(records[members[s + x]!]!));
    order.sort((x, y) => {
      const a = sk[x]!;
      const b = sk[y]!;
      return a < b ? -1 : a > b ? 1 : members[s + x]! - members[s + y]!;
    });
    for (let r = 0; r < size; r++) rank[entryOfMember[s + order[r]!]!] = r;
  }
  return { rule, start, keys, rank, nKeys, blockStart, members, oversized, window, maxBlockSize };
}

/** First key id of `ix` under which i and j form a pair (shared key, and within window if oversized), else -1. */
export function producingKey(ix: RuleIndex, i: number, j: number): number {
  let p = ix.start[i]!;
  const pe = ix.start[i + 1]!;
  let q = ix.start[j]!;
  const qe = ix.start[j + 1]!;
  while (p < pe && q < qe) {
    const kp = ix.keys[p]!;
    const kq = ix.keys[q]!;
    if (kp < kq) p++;
    else if (kp > kq) q++;
    else {
      if (ix.oversized[kp] === 0 || Math.abs(ix.rank[p]! - ix.rank[q]!) <= ix.window) return kp;
      p++;
      q++;
    }
  }
  return -1;
}

class PairBuffer {
  a = new Int32Array(1 << 16);
  b = new Int32Array(1 << 16);
  mask = new Uint32Array(1 << 16);
  count = 0;
  push(i: number, j: number, mask: number): void {
    if (this.count === this.a.length) {
      const cap = this.a.length * 2;
      const a = new Int32Array(cap);
      a.set(this.a);
      this.a = a;
      const b = new Int32Array(cap);
      b.set(this.b);
      this.b = b;
      const m = new Uint32Array(cap);
      m.set(this.mask);
      this.mask = m;
    }
    this.a[this.count] = i;
    this.b[this.count] = j;
    this.mask[this.count] = mask;
    this.count++;
  }
}

/** Integer source id per record (sources numbered by first appearance). */
export function sourceCodes(records: readonly LinkRecord[]): Int32Array {
  const ids = new Map<string, number>();
  const out = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const s = records[i]!.source;
    let id = ids.get(s);
    if (id === undefined) {
      id = ids.size;
      ids.set(s, id);
    }
    out[i] = id;
  }
  return out;
}

export function generateCandidatePairs(
  records: readonly LinkRecord[],
  rules: readonly BlockingRule[],
  mode: LinkMode,
): CandidatePairs {
  records.forEach((r, i) => {
    if (r.idx !== i) throw new Error(`record at position ${i} has idx ${r.idx}`);
  });
  const indices = rules.map((rule) => indexRule(records, rule));
  const src = sourceCodes(records);
  const linkOnly = mode === 'link';
  const out = new PairBuffer();
  const R = indices.length;
  const pairsByRule: number[] = [];
  const blocksByRule: number[] = [];
  const oversizedBlocksByRule: number[] = [];
  const largestBlockByRule: number[] = [];

  for (let r = 0; r < R; r++) {
    const ix = indices[r]!;
    const multiKey = ix.keys.length > 0 && hasMultiKey(ix, records.length);
    const before = out.count;
    let blocks = 0;
    let oversizedBlocks = 0;
    let largest = 0;
    const consider = (x: number, y: number, k: number): void => {
      const i = x < y ? x : y;
      const j = x < y ? y : x;
      if (linkOnly && src[i] === src[j]) return;
      if (multiKey && producingKey(ix, i, j) !== k) return;
      for (let e = 0; e < r; e++) if (producingKey(indices[e]!, i, j) >= 0) return;
      let mask = r < 32 ? 1 << r : 0;
      for (let l = r + 1; l < R && l < 32; l++) if (producingKey(indices[l]!, i, j) >= 0) mask |= 1 << l;
      out.push(i, j, mask >>> 0);
    };
    for (let k = 0; k < ix.nKeys; k++) {
      const s = ix.blockStart[k]!;
      const e = ix.blockStart[k + 1]!;
      const size = e - s;
      if (size < 2) continue;
      blocks++;
      if (size > largest) largest = size;
      if (ix.oversized[k] === 0) {
        for (let x = s; x < e; x++) {
          const i = ix.members[x]!;
          for (let y = x + 1; y < e; y++) consider(i, ix.members[y]!, k);
        }
      } else {
        oversizedBlocks++;
        // Sorted neighbourhood inside the block.
        const byRank = new Int32Array(size);
        for (let x = s; x < e; x++) {
          const i = ix.members[x]!;
          byRank[entryRank(ix, i, k)] = i;
        }
        for (let x = 0; x < size; x++) {
          const hi = Math.min(size, x + ix.window + 1);
          for (let y = x + 1; y < hi; y++) consider(byRank[x]!, byRank[y]!, k);
        }
      }
    }
    pairsByRule.push(out.count - before);
    blocksByRule.push(blocks);
    oversizedBlocksByRule.push(oversizedBlocks);
    largestBlockByRule.push(largest);
  }
  return {
    count: out.count,
    a: out.a.slice(0, out.count),
    b: out.b.slice(0, out.count),
    ruleMask: out.mask.slice(0, out.count),
    stats: { pairsByRule, blocksByRule, oversizedBlocksByRule, largestBlockByRule, totalPairs: out.count },
  };
}

function hasMultiKey(ix: RuleIndex, n: number): boolean {
  for (let i = 0; i < n; i++) if (ix.start[i + 1]! - ix.start[i]! > 1) return true;
  return false;
}

function entryRank(ix: RuleIndex, i: number, k: number): number {
  for (let e = ix.start[i]!; e < ix.start[i + 1]!; e++) if (ix.keys[e] === k) return ix.rank[e]!;
  throw new Error('record not in block');
}

/** Number of pairs in the comparison space of the mode (all pairs, or cross-source pairs for link). */
export function comparisonSpaceSize(records: readonly LinkRecord[], mode: LinkMode): number {
  const n = records.length;
  const all = (n * (n - 1)) / 2;
  if (mode !== 'link') return all;
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.source, (counts.get(r.source) ?? 0) + 1);
  let within = 0;
  for (const c of counts.values()) within += (c * (c - 1)) / 2;
  return all - within;
}
