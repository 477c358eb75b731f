/**
 * The condition language of `features.tags[].when`: parsed and type-checked when the config is
 * validated, then compiled to a SQL boolean expression over `features` whose every value is a
 * bound parameter. Pure: nothing here touches a database.
 *
 * Grammar (keywords are case-insensitive):
 *
 *   condition := or
 *   or        := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | '(' or ')' | predicate
 *   predicate := operand cmp operand
 *              | operand ['not'] 'in' '(' literal (',' literal)* ')'
 *              | operand 'is' ['not'] 'null'
 *              | operand                       -- only a yes/no feature (consent_email) or true/false
 *   cmp       := '=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>='
 *   operand   := feature | share | literal
 *   feature   := a column of `features` (monetary, lifecycle_stage, …)
 *   share     := 'share.' dimension '.' value   -- dimension: category | channel (or an order
 *                                              -- attribute of type category); value: a word
 *                                              -- ([A-Za-z0-9_-]+) or a quoted string
 *   attribute := 'attr.' name                   -- a row of feature_attributes: attr.income,
 *                                              -- attr.orders.country.top (docs/features.md)
 *   literal   := number (optionally negative) | 'text' | "text" | true | false
 *
 * Strings are single- or double-quoted; the quote is written twice to include it ('it''s').
 * Types are checked: a number feature is compared with numbers (or another number feature, or a
 * share), a text feature with strings; yes/no features with true/false or 0/1. A comparison
 * needs a feature or a share on at least one side.
 *
 * Missing values follow SQL: a comparison with a NULL feature is unknown, and a customer whose
 * condition is unknown does not get the tag (so `not (age >= 30)` does not tag people of unknown
 * age; write `age < 30 or age is null` for that). A share of a value the customer never bought is
 * 0, never NULL.
 */
import { didYouMean } from '../util/did-you-mean.js';
import type { ValueKind } from './columns.js';

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type LiteralValue = number | string | boolean;

export type Operand =
  | { readonly kind: 'feature'; readonly name: string; readonly valueKind: ValueKind; readonly pos: number }
  | { readonly kind: 'share'; readonly dimension: string; readonly value: string; readonly pos: number }
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly pos: number };

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly values: readonly LiteralValue[]; readonly negated: boolean }
  | { readonly kind: 'is_null'; readonly operand: Operand; readonly negated: boolean }
  | { readonly kind: 'flag'; readonly operand: Operand };

/** What a condition may refer to. */
export interface TagVocabulary {
  /** Column name → how it may be used. */
  readonly features: ReadonlyMap<string, ValueKind>;
  /** Dimensions of share.<dimension>.<value>. */
  readonly shareDimensions: readonly string[];
}

/** A problem in a condition; `column` is 1-based in the condition's text. */
export class TagExprError extends Error {
  constructor(
    message: string,
    readonly column: number,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'TagExprError';
  }
}

export const MAX_CONDITION_LENGTH = 2000;
const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// Lexer

type TokenType = 'number' | 'string' | 'word' | 'share' | 'op' | '(' | ')' | ',' | '-' | 'end';

interface Token {
  readonly type: TokenType;
  /** The source text of the token. */
  readonly text: string;
  /** 0-based offset. */
  readonly pos: number;
  readonly number?: number;
  readonly string?: string;
  /** For 'share': [dimension, value]. */
  readonly path?: readonly [string, string];
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
const SHARE_SEGMENT_CHAR = /[A-Za-z0-9_-]/;
const ATTRIBUTE_CHAR = /[a-z0-9_.]/;

/** Tag operands named attr.<name> read feature_attributes instead of a column of features. */
export function isAttributeOperand(name: string): boolean {
  return name.startsWith('attr.');
}
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '=', '<', '>'] as const;

function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new TagExprError(`unterminated string: a ${quote} opened here is never closed`, start + 1, `close it with ${quote} (write ${quote}${quote} for a ${quote} inside)`);
    const ch = text[i]!;
    if (ch === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += ch;
    i++;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')' || ch === ',' || ch === '-') {
      tokens.push({ type: ch, text: ch, pos: start });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'op', text: op, pos: start });
      i += op.length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const { value, end } = readQuoted(text, i);
      tokens.push({ type: 'string', text: text.slice(start, end), pos: start, string: value });
      i = end;
      continue;
    }
    const num = NUMBER.exec(text.slice(i));
    if (num && (/\d/.test(ch) || ch === '.')) {
      const value = Number(num[0]);
      if (!Number.isFinite(value)) throw new TagExprError(`number ${num[0]} is out of range`, start + 1);
      i += num[0].length;
      if (i < text.length && WORD_CHAR.test(text[i]!)) throw new TagExprError(`unexpected "${text[i]}" after the number ${num[0]}`, i + 1, 'put a space or an operator between a number and a word');
      tokens.push({ type: 'number', text: num[0], pos: start, number: value });
      continue;
    }
    if (WORD_START.test(ch)) {
      while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      const word = text.slice(start, i);
      if (word === 'attr' && text[i] === '.') {
        // attr.<name>: a customer's attribute feature; names may hold dots (attr.orders.country.top).
        i++;
        const nameStart = i;
        while (i < text.length && ATTRIBUTE_CHAR.test(text[i]!)) i++;
        if (i === nameStart || text[i - 1] === '.') throw new TagExprError(`expected an attribute name after "${text.slice(start, nameStart)}"`, i + 1, 'write attr.<name>, e.g. attr.income');
        tokens.push({ type: 'word', text: text.slice(start, i), pos: start });
        continue;
      }
      if (word.toLowerCase() === 'share' && text[i] === '.') {
        const segments: string[] = [];
        while (text[i] === '.' && segments.length < 2) {
          i++;
          if (text[i] === "'" || text[i] === '"') {
            const { value, end } = readQuoted(text, i);
            segments.push(value);
            i = end;
          } else {
            const segStart = i;
            while (i < text.length && SHARE_SEGMENT_CHAR.test(text[i]!)) i++;
            if (i === segStart) throw new TagExprError(`expected a name after "${text.slice(start, i)}"`, i + 1, 'write share.<dimension>.<value>, e.g. share.category.apparel');
            segments.push(text.slice(segStart, i));
          }
        }
        if (segments.length < 2) throw new TagExprError(`"${text.slice(start, i)}" needs a dimension and a value`, start + 1, 'write share.<dimension>.<value>, e.g. share.category.apparel');
        if (text[i] === '.') throw new TagExprError(`"${text.slice(start, i)}." has too many parts`, i + 1, 'write share.<dimension>.<value>; quote a value that contains a dot: share.category."a.b"');
        tokens.push({ type: 'share', text: text.slice(start, i), pos: start, path: [segments[0]!, segments[1]!] });
        continue;
      }
      tokens.push({ type: 'word', text: word, pos: start });
      continue;
    }
    throw new TagExprError(`unexpected character "${ch}"`, start + 1, 'conditions use feature names, numbers, quoted strings, comparisons (= != < <= > >=), and, or, not, in (…), is null');
  }
  tokens.push({ type: 'end', text: '', pos: text.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'true', 'false']);

function keyword(token: Token): string | undefined {
  if (token.type !== 'word') return undefined;
  const lower = token.text.toLowerCase();
  return KEYWORDS.has(lower) ? lower : undefined;
}

function normaliseOp(op: string): CompareOp {
  if (op === '==') return '=';
  if (op === '!=') return '<>';
  return op as CompareOp;
}

function describeToken(token: Token): string {
  return token.type === 'end' ? 'the end of the condition' : `"${token.text}"`;
}

class Parser {
  #i = 0;
  #depth = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly vocabulary: TagVocabulary,
  ) {}

  parse(): Condition {
    const condition = this.or();
    const next = this.peek();
    if (next.type !== 'end') {
      const hint = next.type === 'word' && !keyword(next) ? 'join conditions with "and" or "or"' : undefined;
      throw new TagExprError(`unexpected ${describeToken(next)}`, next.pos + 1, hint);
    }
    return condition;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.#i + offset, this.tokens.length - 1)]!;
  }

  private take(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.#i++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    return keyword(this.peek(offset)) === word;
  }

  private or(): Condition {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.take();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Condition {
    let left = this.not();
    while (this.isKeyword('and')) {
      this.take();
      left = { kind: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Condition {
    if (++this.#depth > MAX_DEPTH) throw new TagExprError(`the condition nests more than ${MAX_DEPTH} levels deep`, this.peek().pos + 1);
    try {
      if (this.isKeyword('not')) {
        this.take();
        return { kind: 'not', operand: this.not() };
      }
      if (this.peek().type === '(') {
        const open = this.take();
        const inner = this.or();
        const close = this.take();
        if (close.type !== ')') throw new TagExprError(`expected ")" to close the "(" at column ${open.pos + 1}, found ${describeToken(close)}`, close.pos + 1);
        return inner;
      }
      return this.predicate();
    } finally {
      this.#depth--;
    }
  }

  private predicate(): Condition {
    const left = this.operand();
    const next = this.peek();
    if (next.type === 'op') {
      this.take();
      const right = this.operand();
      checkComparison(left, right, next);
      return { kind: 'compare', op: normaliseOp(next.text), left, right };
    }
    if (this.isKeyword('in') || (this.isKeyword('not') && this.isKeyword('in', 1))) {
      const negated = this.isKeyword('not');
      if (negated) this.take();
      const inToken = this.take();
      return { kind: 'in', operand: left, values: this.literalList(left, inToken), negated };
    }
    if (this.isKeyword('is')) {
      this.take();
      const negated = this.isKeyword('not');
      if (negated) this.take();
      const nullToken = this.take();
      if (keyword(nullToken) !== 'null') {
        throw new TagExprError(`expected "null" after "is${negated ? ' not' : ''}", found ${describeToken(nullToken)}`, nullToken.pos + 1);
      }
      if (left.kind === 'literal') throw new TagExprError('"is null" needs a feature on its left', left.pos + 1);
      return { kind: 'is_null', operand: left, negated };
    }
    // A bare operand: only yes/no values are conditions on their own.
    if (left.kind === 'feature' && left.valueKind === 'boolean') return { kind: 'flag', operand: left };
    if (left.kind === 'literal' && typeof left.value === 'boolean') return { kind: 'flag', operand: left };
    throw bareOperandError(left);
  }

  private literalList(left: Operand, inToken: Token): LiteralValue[] {
    if (left.kind === 'literal') throw new TagExprError('"in" needs a feature on its left', left.pos + 1);
    const open = this.take();
    if (open.type !== '(') throw new TagExprError(`expected "(" after "in", found ${describeToken(open)}`, open.pos + 1, `write e.g. lifecycle_stage in ('active', 'new')`);
    const values: LiteralValue[] = [];
    for (;;) {
      const item = this.operand();
      if (item.kind !== 'literal') throw new TagExprError('the list after "in" holds values (numbers or quoted strings), not features', item.pos + 1);
      checkComparison(left, item, inToken);
      values.push(item.value);
      const sep = this.take();
      if (sep.type === ')') return values;
      if (sep.type !== ',') throw new TagExprError(`expected "," or ")" in the list after "in", found ${describeToken(sep)}`, sep.pos + 1);
    }
  }

  private operand(): Operand {
    const token = this.take();
    switch (token.type) {
      case 'number':
        return { kind: 'literal', value: token.number!, pos: token.pos };
      case 'string':
        return { kind: 'literal', value: token.string!, pos: token.pos };
      case '-': {
        const num = this.take();
        if (num.type !== 'number') throw new TagExprError(`expected a number after "-", found ${describeToken(num)}`, num.pos + 1);
        return { kind: 'literal', value: -num.number!, pos: token.pos };
      }
      case 'share': {
        const [dimension, value] = token.path!;
        if (!this.vocabulary.shareDimensions.includes(dimension)) {
          const guess = didYouMean(dimension, this.vocabulary.shareDimensions);
          const fix = guess ? `did you mean "share.${guess}.${value}"?` : `dimensions: ${this.vocabulary.shareDimensions.join(', ')}`;
          throw new TagExprError(`unknown share dimension "${dimension}" in ${token.text}`, token.pos + 1, fix);
        }
        if (value === '') throw new TagExprError(`empty value in ${token.text}`, token.pos + 1);
        return { kind: 'share', dimension, value, pos: token.pos };
      }
      case 'word': {
        const kw = keyword(token);
        if (kw === 'true' || kw === 'false') return { kind: 'literal', value: kw === 'true', pos: token.pos };
        if (kw === 'null') throw new TagExprError('null is not a value to compare with', token.pos + 1, 'write "feature is null" or "feature is not null"');
        if (kw) throw new TagExprError(`expected a feature or a value, found "${token.text}"`, token.pos + 1);
        const valueKind = this.vocabulary.features.get(token.text);
        if (valueKind === undefined) {
          if (token.text.toLowerCase() === 'share') {
            throw new TagExprError('"share" needs a dimension and a value', token.pos + 1, 'write share.<dimension>.<value>, e.g. share.category.apparel');
          }
          const guess = didYouMean(token.text, [...this.vocabulary.features.keys()]);
          const fix = guess ? `did you mean "${guess}"?` : 'use a column of the features table (docs/features.md) or share.<dimension>.<value>; quote text values';
          if (isAttributeOperand(token.text)) {
            const known = [...this.vocabulary.features.keys()].filter(isAttributeOperand);
            throw new TagExprError(`unknown attribute "${token.text}"`, token.pos + 1, guess ? fix : known.length > 0 ? `attributes: ${known.join(', ')}` : 'declare it under a source\'s attributes (docs/pipeline.md)');
          }
          throw new TagExprError(`unknown feature "${token.text}"`, token.pos + 1, fix);
        }
        return { kind: 'feature', name: token.text, valueKind, pos: token.pos };
      }
      default:
        throw new TagExprError(`expected a feature or a value, found ${describeToken(token)}`, token.pos + 1);
    }
  }
}

/** A feature, share or value written where a condition was expected. */
function bareOperandError(operand: Operand): TagExprError {
  const at = operand.pos + 1;
  switch (operand.kind) {
    case 'feature':
      return operand.valueKind === 'text'
        ? new TagExprError(`${operand.name} is a text: compare it with something`, at, `e.g. ${operand.name} = 'value'`)
        : new TagExprError(`${operand.name} is a number: compare it with something`, at, `e.g. ${operand.name} >= 1`);
    case 'share': {
      const name = `share.${operand.dimension}.${operand.value}`;
      return new TagExprError(`${name} is a number: compare it with something`, at, `e.g. ${name} >= 0.5`);
    }
    case 'literal':
      return new TagExprError(`${JSON.stringify(operand.value)} is not a condition: compare a feature with it`, at, 'e.g. monetary >= 1000');
  }
}

type OperandType = 'number' | 'text';

function typeOf(operand: Operand): OperandType {
  switch (operand.kind) {
    case 'feature':
      return operand.valueKind === 'text' ? 'text' : 'number';
    case 'share':
      return 'number';
    case 'literal':
      return typeof operand.value === 'string' ? 'text' : 'number';
  }
}

function show(operand: Operand): string {
  switch (operand.kind) {
    case 'feature':
      return operand.name;
    case 'share':
      return `share.${operand.dimension}.${operand.value}`;
    case 'literal':
      return typeof operand.value === 'string' ? `'${operand.value.replaceAll("'", "''")}'` : String(operand.value);
  }
}

function checkComparison(left: Operand, right: Operand, at: Token): void {
  if (left.kind === 'literal' && right.kind === 'literal') {
    throw new TagExprError(`${show(left)} ${at.text} ${show(right)} compares two values: one side must be a feature`, left.pos + 1);
  }
  const lt = typeOf(left);
  const rt = typeOf(right);
  if (lt !== rt) {
    const feature = left.kind !== 'literal' ? left : right;
    const other = feature === left ? right : left;
    const fix = typeOf(feature) === 'number' ? `compare ${show(feature)} with a number` : `quote the value: '${show(other)}'`;
    throw new TagExprError(`${show(feature)} is ${typeOf(feature) === 'number' ? 'a number' : 'text'} and cannot be compared with ${show(other)}`, other.pos + 1, fix);
  }
}

/** Parses and type-checks a condition; throws TagExprError. */
export function parseCondition(text: string, vocabulary: TagVocabulary): Condition {
  if (text.trim() === '') throw new TagExprError('the condition is empty', 1, 'write e.g. monetary >= 1000');
  if (text.length > MAX_CONDITION_LENGTH) throw new TagExprError(`the condition is longer than ${MAX_CONDITION_LENGTH} characters`, MAX_CONDITION_LENGTH);
  return new Parser(tokenize(text), vocabulary).parse();
}

// ---------------------------------------------------------------------------------------------
// Compiler

export interface CompiledCondition {
  /** A SQL boolean expression over the row alias; user values appear only as `?`. */
  readonly sql: string;
  /** Values of the `?`, in order. */
  readonly params: readonly (number | string)[];
}

export interface CompileOptions {
  /** Alias of the features row (default f). */
  readonly alias?: string;
  /** The shares table (default feature_shares). */
  readonly sharesTable?: string;
  /** The attribute features table (default feature_attributes). */
  readonly attributesTable?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * SQL for a parsed condition. Feature names were checked against the vocabulary when parsing,
 * and are checked again here to be plain identifiers; every literal and share dimension/value
 * is a bound parameter.
 */
export function compileCondition(condition: Condition, options: CompileOptions = {}): CompiledCondition {
  const alias = options.alias ?? 'f';
  const shares = options.sharesTable ?? 'feature_shares';
  const attributes = options.attributesTable ?? 'feature_attributes';
  if (!IDENTIFIER.test(alias) || !IDENTIFIER.test(shares) || !IDENTIFIER.test(attributes)) throw new Error('compileCondition: alias and table must be identifiers');
  const params: (number | string)[] = [];
  const bind = (value: LiteralValue): string => {
    params.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return '?';
  };
  const operand = (o: Operand): string => {
    switch (o.kind) {
      case 'feature':
        if (isAttributeOperand(o.name)) {
          return `(SELECT a.value FROM ${attributes} a WHERE a.customer_id = ${alias}.customer_id AND a.name = ${bind(o.name.slice('attr.'.length))})`;
        }
        if (!IDENTIFIER.test(o.name)) throw new Error(`compileCondition: bad feature name ${JSON.stringify(o.name)}`);
        return `${alias}.${o.name}`;
      case 'share': {
        const dim = bind(o.dimension);
        const val = bind(o.value);
        return `coalesce((SELECT s.share FROM ${shares} s WHERE s.customer_id = ${alias}.customer_id AND s.dimension = ${dim} AND s.value = ${val}), 0)`;
      }
      case 'literal':
        return bind(o.value);
    }
  };
  const walk = (c: Condition): string => {
    switch (c.kind) {
      case 'and':
        return `(${walk(c.left)} AND ${walk(c.right)})`;
      case 'or':
        return `(${walk(c.left)} OR ${walk(c.right)})`;
      case 'not':
        return `(NOT ${walk(c.operand)})`;
      case 'compare': {
        const left = operand(c.left);
        return `(${left} ${c.op} ${operand(c.right)})`;
      }
      case 'in': {
        const left = operand(c.operand);
        return `(${left} ${c.negated ? 'NOT IN' : 'IN'} (${c.values.map(bind).join(', ')}))`;
      }
      case 'is_null':
        return `(${operand(c.operand)} IS ${c.negated ? 'NOT NULL' : 'NULL'})`;
      case 'flag':
        return `(${operand(c.operand)} <> 0)`;
    }
  };
  const sql = walk(condition);
  return { sql, params };
}

/** The share references of a condition (to warn about values that never occur in the data). */
export function shareReferences(condition: Condition): { dimension: string; value: string }[] {
  const out: { dimension: string; value: string }[] = [];
  const visitOperand = (o: Operand): void => {
    if (o.kind === 'share') out.push({ dimension: o.dimension, value: o.value });
  };
  const walk = (c: Condition): void => {
    switch (c.kind) {
      case 'and':
      case 'or':
        walk(c.left);
        walk(c.right);
        return;
      case 'not':
        walk(c.operand);
        return;
      case 'compare':
        visitOperand(c.left);
        visitOperand(c.right);
        return;
      case 'in':
      case 'is_null':
      case 'flag':
        visitOperand(c.operand);
        return;
    }
  };
  walk(condition);
  return out;
}
