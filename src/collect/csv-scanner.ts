/**
 * Pure: a CSV scanner over decoded text for the common, well-formed case, giving exactly the
 * records csv-parse gives with the options collect uses (bom, relax_quotes, relax_column_count,
 * skip_empty_lines: false, record delimiter discovered from the first line ending). It is several
 * times faster because it scans a JavaScript string with charCodeAt and slices whole fields,
 * where csv-parse appends bytes one at a time and decodes each field separately.
 *
 * It only accepts what it can read without doubt: unquoted fields (a quote after the first
 * character is literal, as with relax_quotes), quoted fields closed by a quote followed by the
 * delimiter, the line ending or the end of the input, and `""` inside quotes. Anything else (a
 * stray character after a closing quote, a quote never closed, a lone CR or LF that is not the
 * file's line ending) answers UNSUPPORTED at the record that has it, and the caller re-reads the
 * file with csv-parse from the start, skipping the records already delivered: those are the same
 * in both readings.
 */

export const UNSUPPORTED = Symbol('unsupported');
export type ScanResult = string[] | null | typeof UNSUPPORTED;

const CR = 13;
const LF = 10;
const QUOTE = 34;

/** Line ending, as csv-parse discovers it: the first CR LF, LF or CR outside quotes. */
const enum Ending {
  Unknown = 0,
  CrLf = 1,
  Lf = 2,
  Cr = 3,
}

/** Whether a delimiter/quote pair is one the scanner reads like csv-parse does. */
export function scannerSupports(delimiter: string, quote: string): boolean {
  if (quote !== '"' || delimiter.length !== 1) return false;
  const d = delimiter.charCodeAt(0);
  return d !== QUOTE && d !== CR && d !== LF;
}

export class CsvScanner {
  private buf = '';
  private pos = 0;
  private ending: Ending = Ending.Unknown;
  private readonly delimiter: number;
  /** Whether the record last returned had a quoted field (which may hold line breaks). */
  lastHadQuotes = false;

  constructor(delimiter = ',') {
    if (!scannerSupports(delimiter, '"')) throw new Error(`the CSV scanner does not read the delimiter ${JSON.stringify(delimiter)}`);
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Appends decoded text; the unread rest of the previous text is kept. */
  feed(text: string): void {
    if (text.length === 0) return;
    this.buf = this.pos >= this.buf.length ? text : this.buf.slice(this.pos) + text;
    this.pos = 0;
  }

  /** Characters fed but not yet returned as records (an incomplete record). */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  /**
   * The next record; null when the input fed so far holds no complete record (or, with `final`,
   * when the input is exhausted); UNSUPPORTED when the next record needs csv-parse's judgement.
   */
  next(final: boolean): ScanResult {
    const buf = this.buf;
    const len = buf.length;
    const delimiter = this.delimiter;
    let i = this.pos;
    if (i >= len) return null;
    const record: string[] = [];
    let hadQuotes = false;
    for (;;) {
      // i is the start of a field.
      if (i >= len) {
        // Input ends right after a delimiter.
        if (!final) return null;
        record.push('');
        this.pos = i;
        this.lastHadQuotes = hadQuotes;
        return record;
      }
      let c = buf.charCodeAt(i);
      let field: string;
      let j: number;
      if (c === QUOTE) {
        hadQuotes = true;
        let from = i + 1;
        field = '';
        for (;;) {
          const k = buf.indexOf('"', from);
          if (k === -1) return final ? UNSUPPORTED : null;
          if (k + 1 >= len) {
            if (!final) return null;
            field += buf.slice(from, k);
            j = len;
            break;
          }
          const after = buf.charCodeAt(k + 1);
          if (after === QUOTE) {
            field += buf.slice(from, k + 1);
            from = k + 2;
            continue;
          }
          if (after !== delimiter && after !== CR && after !== LF) return UNSUPPORTED;
          field += buf.slice(from, k);
          j = k + 1;
          break;
        }
      } else {
        j = i;
        while (j < len) {
          c = buf.charCodeAt(j);
          if (c === delimiter || c === CR || c === LF) break;
          j++;
        }
        field = buf.slice(i, j);
      }
      // j is just after the field: a delimiter, a line break or the end of the input.
      if (j >= len) {
        if (!final) return null;
        record.push(field);
        this.pos = len;
        this.lastHadQuotes = hadQuotes;
        return record;
      }
      c = buf.charCodeAt(j);
      if (c === delimiter) {
        record.push(field);
        i = j + 1;
        continue;
      }
      // A line break: it must be the file's line ending.
      let ending = this.ending;
      if (ending === Ending.Unknown) {
        if (c === CR) {
          if (j + 1 >= len && !final) return null;
          ending = j + 1 < len && buf.charCodeAt(j + 1) === LF ? Ending.CrLf : Ending.Cr;
        } else ending = Ending.Lf;
      }
      let width: number;
      if (ending === Ending.CrLf) {
        if (c !== CR) return UNSUPPORTED;
        if (j + 1 >= len) return final ? UNSUPPORTED : null;
        if (buf.charCodeAt(j + 1) !== LF) return UNSUPPORTED;
        width = 2;
      } else if (ending === Ending.Lf) {
        if (c !== LF) return UNSUPPORTED;
        width = 1;
      } else {
        if (c !== CR) return UNSUPPORTED;
        width = 1;
      }
      this.ending = ending;
      record.push(field);
      this.pos = j + width;
      this.lastHadQuotes = hadQuotes;
      return record;
    }
  }
}
