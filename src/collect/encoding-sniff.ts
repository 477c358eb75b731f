/**
 * Pure: what the bytes of a file say about its declared encoding. Decoding never fails (bytes
 * that are not valid become U+FFFD), and a wrong encoding often decodes without a single invalid
 * byte (UTF-8 Chinese text read as GBK is valid GBK, only nonsense), so collect checks the bytes
 * themselves: byte-order marks, NUL bytes, UTF-8 validity and the shape of the non-ASCII bytes.
 */

/** Canonical WHATWG name of an encoding label (`utf8` → `utf-8`, `GBK` → `gbk`), or the label when unknown. */
export function canonicalEncoding(label: string): string {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return label.toLowerCase();
  }
}

/** Bytes of non-ASCII UTF-8 text the sample must hold before "it is valid UTF-8" means anything. */
export const MIN_UTF8_EVIDENCE = 16;

type Bom = 'utf-8' | 'utf-16le' | 'utf-16be';

export function bomOf(bytes: Uint8Array): Bom | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Whether `bytes` is valid UTF-8 (a sequence cut by the end of a sample that is not the whole
 * file is allowed), and how many of its bytes are non-ASCII.
 */
export function utf8Evidence(bytes: Uint8Array, complete: boolean): { valid: boolean; nonAscii: number } {
  let nonAscii = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const width = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (width === 0) return { valid: false, nonAscii };
    if (i + width > n) return { valid: !complete, nonAscii };
    for (let k = 1; k < width; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return { valid: false, nonAscii };
    nonAscii += width;
    i += width;
  }
  return { valid: true, nonAscii };
}

/** NUL bytes at even and at odd offsets: UTF-16 text of mostly ASCII has one of them at every other byte. */
function nulParity(bytes: Uint8Array): { even: number; odd: number } {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      if (i % 2 === 0) even++;
      else odd++;
    }
  }
  return { even, odd };
}

function decodes(bytes: Uint8Array, encoding: string, complete: boolean): boolean {
  try {
    const decoder = new TextDecoder(encoding, { fatal: true });
    decoder.decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding the bytes look like, from their shape alone, or undefined when there is nothing
 * to tell by (pure ASCII, too little text). Only suggestions a person can act on: `utf-8`,
 * `utf-16le`, `utf-16be`, `gbk` (Chinese text in GBK/GB18030: non-ASCII bytes come in pairs and
 * decode as GB18030) or `windows-1252` (isolated non-ASCII bytes, as in Western European text).
 */
export function likelyEncoding(bytes: Uint8Array, complete: boolean): string | undefined {
  const bom = bomOf(bytes);
  if (bom !== undefined) return bom;
  const { even, odd } = nulParity(bytes);
  if (bytes.length >= 8 && (even + odd) * 4 >= bytes.length) return odd > even ? 'utf-16le' : 'utf-16be';
  const utf8 = utf8Evidence(bytes, complete);
  if (utf8.valid) return utf8.nonAscii >= MIN_UTF8_EVIDENCE ? 'utf-8' : undefined;
  let high = 0;
  let paired = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x80) continue;
    high++;
    if (i + 1 < bytes.length && bytes[i + 1]! >= 0x40 && bytes[i + 1] !== 0x7f) {
      paired += 2;
      high++;
      i++;
    }
  }
  if (high >= 4 && paired >= high * 0.9 && decodes(bytes, 'gb18030', complete)) return 'gbk';
  return 'windows-1252';
}

/**
 * What is wrong with reading `bytes` (the start of a file, `complete` when it is the whole file)
 * as `declared`, or undefined when nothing is: a byte-order mark of another encoding, a UTF-16
 * file that is not UTF-16 or the reverse, or a file declared in a legacy encoding that is valid
 * UTF-8 with non-ASCII text (it would be stored as mojibake without a single invalid byte).
 * Bytes that are merely invalid in the declared encoding are not judged here: they are counted
 * row by row while reading.
 */
export function encodingMismatch(bytes: Uint8Array, declared: string, complete: boolean): { readonly problem: string; readonly looksLike: string | undefined; readonly fix?: string } | undefined {
  const encoding = canonicalEncoding(declared);
  const bom = bomOf(bytes);
  if (bom !== undefined) {
    if (bom === encoding) return undefined;
    return { problem: `it starts with a ${bom.toUpperCase()} byte-order mark`, looksLike: bom };
  }
  const { even, odd } = nulParity(bytes);
  const utf16ish = bytes.length >= 8 && (even + odd) * 4 >= bytes.length;
  // UTF-16 text has NUL at every other byte, never (almost) only NUL: that is a damaged or zero-filled file.
  if (bytes.length >= 64 && (even + odd) * 10 >= bytes.length * 9) {
    return { problem: `${Math.round(((even + odd) * 100) / bytes.length)} % of its first ${bytes.length} bytes are NUL: the file is damaged (zero-filled) or not a text export`, looksLike: undefined, fix: 'export or copy the file again' };
  }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    if (bytes.length >= 8 && even + odd === 0) return { problem: 'it has no NUL bytes, which UTF-16 text with delimiters and digits always has', looksLike: likelyEncoding(bytes, complete) };
    return undefined;
  }
  if (utf16ish) return { problem: `every other byte is NUL, as in UTF-16 text`, looksLike: odd > even ? 'utf-16le' : 'utf-16be' };
  if (encoding !== 'utf-8') {
    const utf8 = utf8Evidence(bytes, complete);
    if (utf8.valid && utf8.nonAscii >= MIN_UTF8_EVIDENCE) return { problem: `it is valid UTF-8 with non-ASCII text (${utf8.nonAscii} bytes of it), which ${encoding} would turn into the wrong characters`, looksLike: 'utf-8' };
  }
  const lines = linesWithInvalidBytes(bytes, encoding, complete);
  if (lines.bad * 2 > lines.total) {
    const looksLike = likelyEncoding(bytes, complete);
    return { problem: `${lines.bad} of its first ${lines.total} lines have bytes that are not valid ${encoding}`, looksLike: looksLike === encoding ? undefined : looksLike };
  }
  return undefined;
}

/** Non-empty lines of the sample, and those that hold a byte the encoding cannot decode (a cut last line is left out). */
export function linesWithInvalidBytes(bytes: Uint8Array, encoding: string, complete: boolean): { total: number; bad: number } {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: false }).decode(bytes, { stream: !complete });
  } catch {
    return { total: 0, bad: 0 };
  }
  const lines = text.split(/\r\n|\r|\n/);
  if (!complete) lines.pop();
  let total = 0;
  let bad = 0;
  for (const line of lines) {
    if (line.length === 0) continue;
    total++;
    if (line.includes('\uFFFD')) bad++;
  }
  return { total, bad };
}

/**
 * utf8Evidence over a stream of chunks: a sequence cut between two chunks is carried over.
 * Stops looking once the bytes are not UTF-8 (the common case for a file that really is in
 * another encoding), so it costs little.
 */
export class Utf8Tracker {
  valid = true;
  nonAscii = 0;
  private carry: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): void {
    if (!this.valid) return;
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    // Hold back an incomplete sequence at the end (at most 3 bytes) for the next chunk.
    let cut = bytes.length;
    for (let back = 1; back <= 3 && back <= bytes.length; back++) {
      const b = bytes[bytes.length - back]!;
      if (b < 0x80) break;
      if (b >= 0xc0) {
        const width = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (width > back) cut = bytes.length - back;
        break;
      }
    }
    const evidence = utf8Evidence(bytes.subarray(0, cut), true);
    this.nonAscii += evidence.nonAscii;
    this.valid = evidence.valid;
    this.carry = bytes.slice(cut);
  }

  end(): void {
    if (this.valid && this.carry.length > 0) this.valid = false;
  }
}
