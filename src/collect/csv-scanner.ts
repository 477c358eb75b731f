/**
 * Pure: the CSV reader of collect, over decoded text fed piece by piece. It reads every input
 * itself, line by line, and never merges records silently:
 *
 * - A line ends at CR LF, LF or a lone CR, whichever comes: a file whose line endings are mixed
 *   or change part-way is read line by line.
 * - A field that starts with the quote character is quoted: it may hold the delimiter, `""` for
 *   a quote, and line breaks; it must close with a quote followed by the delimiter, a line break
 *   or the end of the input. A quote anywhere else in a field is kept as text.
 * - A record that spans several lines (a quoted field with line breaks inside, such as an
 *   address) is accepted only when its quotes all close properly, it has as many fields as the
 *   header, it is at most `maxRecordChars` long, and (with two or more header fields) no line
 *   inside it, other than its first and last, reads on its own as a record of the header's
 *   field count. Otherwise the quote is taken as never closed: the record's first line is a bad
 *   line (`unclosed_quote`) and reading starts again at the next line, so a stray quote costs
 *   one line, never the records after it.
 * - A closing quote followed by other text on the same line (`"a"b`) makes that line a bad line
 *   (`unreadable_csv`).
 * - A line longer than `maxRecordChars` is a bad line (`record_too_long`); the rest of it is
 *   skipped without being held in memory.
 *
 * The header is the first record that is not an empty line; its field count is the one records
 * are checked against. On well-formed input with one kind of line ending the records are exactly
 * csv-parse's (bom, relax_quotes, relax_column_count, skip_empty_lines: false), which the tests
 * check. It is fast because it scans a JavaScript string with charCodeAt and slices whole fields.
 */

/** Longest record (in characters) that is read: a longer one is rejected, and memory stays bounded. */
export const MAX_RECORD_CHARS = 1 << 20;

/** Longest part of a bad line kept as its raw text. */
const MAX_BAD_TEXT = 1000;

const CR = 13;
const LF = 10;
const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

export type BadLineCode = 'unclosed_quote' | 'unreadable_csv' | 'record_too_long';

/** A physical line that cannot be read as a record. */
export interface BadLine {
  readonly line: number;
  readonly code: BadLineCode;
  /** Says what is wrong, without the line number (the caller has it). */
  readonly message: string;
  /** Index of the field where the problem starts (to name the header column), or -1. */
  readonly field: number;
  /** The line's text (at most 1,000 characters), or null when it was too long to keep. */
  readonly text: string | null;
}

export const BAD = Symbol('bad line');
/** A record; null when more input is needed (or, with `final`, when it is exhausted); BAD: see lastBad. */
export type ScanResult = string[] | null | typeof BAD;

/** Why a delimiter/quote pair cannot be read, or undefined when it can. */
export function csvOptionsProblem(delimiter: string, quote: string): string | undefined {
  if (delimiter.length !== 1) return `the delimiter must be one character (got ${JSON.stringify(delimiter)})`;
  if (quote.length !== 1) return `the quote must be one character (got ${JSON.stringify(quote)})`;
  if (delimiter === quote) return `the delimiter and the quote are the same character (${JSON.stringify(delimiter)})`;
  for (const [name, c] of [
    ['delimiter', delimiter],
    ['quote', quote],
  ] as const) {
    if (c === '\r' || c === '\n') return `the ${name} cannot be a line break`;
  }
  return undefined;
}

/** Line breaks in a quoted field's text: CR LF counts once, like a line ending. */
function countBreaks(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) if (text.charCodeAt(at + 1) !== LF) n++;
  return n;
}

/** Index of the first CR or LF at or after `from`, or -1. */
function firstBreak(buf: string, from: number): number {
  const lf = buf.indexOf('\n', from);
  const cr = buf.indexOf('\r', from);
  return cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
}

function clipText(text: string): string {
  return text.length > MAX_BAD_TEXT ? `${text.slice(0, MAX_BAD_TEXT)}…` : text;
}

export class CsvScanner {
  private buf = '';
  private pos = 0;
  /** Physical line of the next record's first character. */
  private line = 1;
  /** Field count of the header, once read (-1 before). */
  private expected = -1;
  /** Discarding the rest of a line that was too long. */
  private skipping = false;
  /** The `final` of the current next() call: no more input will come. */
  private final = false;
  /** Index of the quoted field being read when the record is incomplete (for a bad line's column). */
  private openField = -1;
  /** Index in buf of the next NUL / U+FFFD at or after some earlier position (Infinity: none). */
  private nulAt = Infinity;
  private badAt = Infinity;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly quoteText: string;

  /** First physical line of the record (or bad line) last returned. */
  lastLine = 0;
  /** Whether the record last returned holds a NUL or U+FFFD (a value to clean or report). */
  lastSuspect = false;
  /** The bad line last returned (valid after next() answered BAD). */
  lastBad: BadLine | undefined;

  constructor(
    delimiter = ',',
    quote = '"',
    private readonly maxRecordChars = MAX_RECORD_CHARS,
  ) {
    const problem = csvOptionsProblem(delimiter, quote);
    if (problem !== undefined) throw new Error(problem);
    this.delimiter = delimiter.charCodeAt(0);
    this.quote = quote.charCodeAt(0);
    this.quoteText = quote;
  }

  /** Appends decoded text; the unread rest of the previous text is kept. */
  feed(text: string): void {
    if (text.length === 0) return;
    this.buf = this.pos >= this.buf.length ? text : this.buf.slice(this.pos) + text;
    this.pos = 0;
    this.nulAt = this.find(NUL, 0);
    this.badAt = this.find(REPLACEMENT, 0);
  }

  /** Physical lines read so far (the last one counts even without a final line ending). */
  get lines(): number {
    return this.line - 1;
  }

  private find(char: string, from: number): number {
    const at = this.buf.indexOf(char, from);
    return at === -1 ? Infinity : at;
  }

  /** Whether buf[start, end) holds a NUL or U+FFFD; each search only moves forward, so the cost stays linear. */
  private suspect(start: number, end: number): boolean {
    if (this.nulAt < start) this.nulAt = this.find(NUL, start);
    if (this.badAt < start) this.badAt = this.find(REPLACEMENT, start);
    return this.nulAt < end || this.badAt < end;
  }

  next(final: boolean): ScanResult {
    this.final = final;
    if (this.skipping && !this.skipRest(final)) return null;
    const buf = this.buf;
    const len = buf.length;
    const start = this.pos;
    if (start >= len) return null;
    const delimiter = this.delimiter;
    const quote = this.quote;
    const record: string[] = [];
    this.openField = -1;
    /** Line breaks inside quoted fields, and the first field that has one. */
    let breaks = 0;
    let spanField = -1;
    let i = start;
    for (;;) {
      // i is the start of a field.
      if (i >= len) {
        // The input ends right after a delimiter.
        if (!final) return this.wait(start);
        record.push('');
        return this.finish(record, start, len, breaks, spanField);
      }
      let c = buf.charCodeAt(i);
      let field: string;
      let j: number;
      if (c === quote) {
        this.openField = record.length;
        let from = i + 1;
        field = '';
        for (;;) {
          const k = buf.indexOf(this.quoteText, from);
          if (k === -1) {
            if (!final) return this.wait(start);
            return this.bad(start, 'unclosed_quote', record.length, `the quote that opens field ${record.length + 1} never closes before the end of the file`);
          }
          if (k + 1 >= len) {
            if (!final) return this.wait(start);
            field += buf.slice(from, k);
            j = len;
            break;
          }
          const after = buf.charCodeAt(k + 1);
          if (after === quote) {
            field += buf.slice(from, k + 1);
            from = k + 2;
            continue;
          }
          if (after !== delimiter && after !== CR && after !== LF) {
            const brk = firstBreak(buf, i);
            const crossed = brk !== -1 && brk < k;
            if (crossed || spanField >= 0) return this.bad(start, 'unclosed_quote', spanField >= 0 ? spanField : record.length, `the quote that opens field ${(spanField >= 0 ? spanField : record.length) + 1} does not close on this line, and reading on finds no proper closing quote`);
            return this.bad(start, 'unreadable_csv', record.length, `field ${record.length + 1} has text after its closing quote; a quoted field must end at the delimiter or the end of the line`);
          }
          field += buf.slice(from, k);
          j = k + 1;
          break;
        }
        if (field.indexOf('\n') !== -1 || field.indexOf('\r') !== -1) {
          breaks += countBreaks(field);
          if (spanField < 0) spanField = record.length;
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
        if (!final) return this.wait(start);
        record.push(field);
        return this.finish(record, start, len, breaks, spanField);
      }
      c = buf.charCodeAt(j);
      record.push(field);
      if (c === delimiter) {
        i = j + 1;
        continue;
      }
      let end = j + 1;
      if (c === CR) {
        // CR LF is one line ending: wait to see whether an LF follows a CR at the end of the input.
        if (end >= len) {
          if (!final) return this.wait(start);
        } else if (buf.charCodeAt(end) === LF) end++;
      }
      return this.finish(record, start, end, breaks, spanField);
    }
  }

  /** More input is needed for the record at `start`, unless it is already longer than allowed. */
  private wait(start: number): ScanResult {
    const pending = this.buf.length - start;
    if (pending <= this.maxRecordChars) return null;
    const eol = firstBreak(this.buf, start);
    if (eol !== -1 && eol - start <= this.maxRecordChars) {
      // Only a quoted field runs on past a line break: it has not closed within the limit.
      return this.bad(start, 'unclosed_quote', this.openField, `a quoted field that starts on this line does not close within ${this.maxRecordChars.toLocaleString('en-US')} characters`);
    }
    return this.tooLong(start);
  }

  /** The line at `start` is longer than the limit: it is rejected and the rest of it skipped. */
  private tooLong(start: number): ScanResult {
    const eol = firstBreak(this.buf, start);
    this.lastBad = this.badLine('record_too_long', -1, `the line is longer than ${this.maxRecordChars.toLocaleString('en-US')} characters, the limit for one record; it is skipped`, null);
    this.lastLine = this.line;
    this.line++;
    this.skipping = true;
    this.pos = eol === -1 ? this.buf.length : eol;
    return BAD;
  }

  /** Drops the rest of a too-long line up to and including its line ending; false while that is not in sight. */
  private skipRest(final: boolean): boolean {
    const buf = this.buf;
    const eol = firstBreak(buf, this.pos);
    if (eol === -1) {
      this.pos = buf.length;
      if (final) this.skipping = false;
      return false;
    }
    if (buf.charCodeAt(eol) === CR && eol + 1 >= buf.length && !final) {
      this.pos = eol;
      return false;
    }
    this.pos = buf.charCodeAt(eol) === CR && buf.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
    this.skipping = false;
    return true;
  }

  private badLine(code: BadLineCode, field: number, message: string, text: string | null): BadLine {
    return { line: this.line, code, message, field, text };
  }

  /**
   * The line at `start` is bad: reading goes on at the next line. Its end must be in the buffer
   * (or the input final); otherwise this waits for more input.
   */
  private bad(start: number, code: BadLineCode, field: number, message: string): ScanResult {
    const buf = this.buf;
    const eol = firstBreak(buf, start);
    let next: number;
    if (eol === -1) {
      if (!this.final) return this.wait(start);
      next = buf.length;
    } else if (buf.charCodeAt(eol) === CR) {
      if (eol + 1 >= buf.length && !this.final) return null;
      next = buf.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
    } else next = eol + 1;
    const text = buf.slice(start, eol === -1 ? buf.length : eol);
    this.lastBad = this.badLine(code, field, message, clipText(text));
    this.lastLine = this.line;
    this.line++;
    this.pos = next;
    return BAD;
  }

  private finish(record: string[], start: number, end: number, breaks: number, spanField: number): ScanResult {
    if (end - start > this.maxRecordChars) {
      if (breaks > 0) return this.bad(start, 'unclosed_quote', spanField, `a quoted field that starts on this line does not close within ${this.maxRecordChars.toLocaleString('en-US')} characters`);
      return this.tooLong(start);
    }
    if (breaks > 0 && this.expected >= 0) {
      const why = this.multiLineProblem(record, start, end);
      if (why !== undefined) return this.bad(start, 'unclosed_quote', spanField, `the quote that opens field ${spanField + 1} does not close on this line, and ${why}`);
    }
    this.pos = end;
    this.lastLine = this.line;
    this.line += 1 + breaks;
    this.lastSuspect = this.suspect(start, end);
    if (this.expected < 0 && !(record.length === 1 && record[0] === '')) this.expected = record.length;
    return record;
  }

  /** Why a record that spans lines is not taken as one record, or undefined when it is. */
  private multiLineProblem(record: readonly string[], start: number, end: number): string | undefined {
    const expected = this.expected;
    if (record.length !== expected) return `reading on to its closing quote gives ${record.length} fields, not the header's ${expected}`;
    if (expected < 2) return undefined;
    // Lines strictly inside the record: a line that is a complete record on its own means the
    // quote swallowed it.
    const buf = this.buf;
    let at = firstBreak(buf, start);
    at += buf.charCodeAt(at) === CR && buf.charCodeAt(at + 1) === LF ? 2 : 1;
    let lineNo = this.line + 1;
    for (;;) {
      const eol = firstBreak(buf, at);
      if (eol === -1 || eol >= end) return undefined;
      // The last line ends at the record's own line ending (or the end of the input).
      const after = buf.charCodeAt(eol) === CR && buf.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
      if (after >= end) return undefined;
      if (this.fieldsOfLine(at, eol) === expected) return `line ${lineNo}, inside the quotes, reads as a record of its own`;
      at = after;
      lineNo++;
    }
  }

  /** Fields of buf[from, to) read as one complete line, or -1 when its quotes do not close on it. */
  private fieldsOfLine(from: number, to: number): number {
    if (from === to) return 0;
    const buf = this.buf;
    let fields = 1;
    let i = from;
    while (i < to) {
      if (buf.charCodeAt(i) === this.quote) {
        let k = i + 1;
        for (;;) {
          k = buf.indexOf(this.quoteText, k);
          if (k === -1 || k >= to) return -1;
          if (k + 1 < to && buf.charCodeAt(k + 1) === this.quote) {
            k += 2;
            continue;
          }
          break;
        }
        i = k + 1;
        if (i < to && buf.charCodeAt(i) !== this.delimiter) return -1;
      } else {
        while (i < to && buf.charCodeAt(i) !== this.delimiter) i++;
      }
      if (i < to) {
        fields++;
        i++;
      }
    }
    return fields;
  }
}
