import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ValueKind } from './columns.js';
import { compileCondition, parseCondition, shareReferences, TagExprError, type TagVocabulary } from './tag-expr.js';

const vocabulary: TagVocabulary = {
  features: new Map<string, ValueKind>([
    ['monetary', 'number'],
    ['frequency', 'number'],
    ['coupon_order_share', 'number'],
    ['age', 'number'],
    ['lifecycle_stage', 'text'],
    ['city', 'text'],
    ['consent_email', 'boolean'],
  ]),
  shareDimensions: ['category', 'channel'],
};

function compile(text: string) {
  return compileCondition(parseCondition(text, vocabulary));
}

function parseError(text: string): TagExprError {
  try {
    parseCondition(text, vocabulary);
  } catch (error) {
    if (error instanceof TagExprError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('compileCondition', () => {
  it.each([
    ['monetary >= 20000', '(f.monetary >= ?)', [20000]],
    ['monetary == 5', '(f.monetary = ?)', [5]],
    ['monetary != 5', '(f.monetary <> ?)', [5]],
    ['5 < monetary', '(? < f.monetary)', [5]],
    ['age > -1.5e1', '(f.age > ?)', [-15]],
    ['age >= .5', '(f.age >= ?)', [0.5]],
    ["city = 'Shanghai'", '(f.city = ?)', ['Shanghai']],
    ['city = "it\'s"', '(f.city = ?)', ["it's"]],
    ["city = 'it''s'", '(f.city = ?)', ["it's"]],
    ['monetary > frequency', '(f.monetary > f.frequency)', []],
    ['consent_email', '(f.consent_email <> 0)', []],
    ['not consent_email', '(NOT (f.consent_email <> 0))', []],
    ['consent_email = true', '(f.consent_email = ?)', [1]],
    ['consent_email = 0', '(f.consent_email = ?)', [0]],
    ['true', '(? <> 0)', [1]],
    ['age is null', '(f.age IS NULL)', []],
    ['age IS NOT NULL', '(f.age IS NOT NULL)', []],
    ["lifecycle_stage in ('active', 'new')", '(f.lifecycle_stage IN (?, ?))', ['active', 'new']],
    ['age not in (1, 2)', '(f.age NOT IN (?, ?))', [1, 2]],
    [
      'share.category.apparel >= 0.5',
      '(coalesce((SELECT s.share FROM feature_shares s WHERE s.customer_id = f.customer_id AND s.dimension = ? AND s.value = ?), 0) >= ?)',
      ['category', 'apparel', 0.5],
    ],
    [
      "share.category.'home & garden' > 0",
      '(coalesce((SELECT s.share FROM feature_shares s WHERE s.customer_id = f.customer_id AND s.dimension = ? AND s.value = ?), 0) > ?)',
      ['category', 'home & garden', 0],
    ],
    ['monetary > 1 and frequency > 2 or age < 3', '(((f.monetary > ?) AND (f.frequency > ?)) OR (f.age < ?))', [1, 2, 3]],
    ['monetary > 1 and (frequency > 2 or age < 3)', '((f.monetary > ?) AND ((f.frequency > ?) OR (f.age < ?)))', [1, 2, 3]],
    ['not monetary > 1 and age < 3', '((NOT (f.monetary > ?)) AND (f.age < ?))', [1, 3]],
    ['NOT (monetary > 1 OR age < 3)', '(NOT ((f.monetary > ?) OR (f.age < ?)))', [1, 3]],
  ] as const)('%s', (text, sql, params) => {
    const compiled = compile(text);
    expect(compiled.sql).toBe(sql);
    expect(compiled.params).toEqual(params);
  });

  it('never puts user text into the SQL', () => {
    const hostile = "city = 'x''); DROP TABLE features; --' or share.category.\"a' OR 1=1 --\" > 0";
    const compiled = compile(hostile);
    expect(compiled.sql).not.toContain('DROP');
    expect(compiled.sql).not.toContain('OR 1=1');
    expect(compiled.params).toEqual(["x'); DROP TABLE features; --", 'category', "a' OR 1=1 --", 0]);
  });

  it('lists the share references', () => {
    expect(shareReferences(parseCondition('share.category.apparel > 0.5 or not share.channel.app < 0.1', vocabulary))).toEqual([
      { dimension: 'category', value: 'apparel' },
      { dimension: 'channel', value: 'app' },
    ]);
  });
});

describe('parseCondition errors', () => {
  it.each([
    ['monetry >= 20000', 'unknown feature "monetry"', 1, 'did you mean "monetary"?'],
    ['frequency > 2 and cupon_order_share > 0.5', 'unknown feature "cupon_order_share"', 19, 'did you mean "coupon_order_share"?'],
    ['share.categroy.apparel > 0.5', 'unknown share dimension "categroy"', 1, 'did you mean "share.category.apparel"?'],
    ['share.category > 0.5', 'needs a dimension and a value', 1, undefined],
    ['share.category.a.b > 0.5', 'has too many parts', 17, undefined],
    ['share > 0.5', '"share" needs a dimension and a value', 1, undefined],
    ["city = 'Shanghai", 'unterminated string', 8, undefined],
    ['monetary >= 20000 frequency', 'unexpected "frequency"', 19, 'join conditions with "and" or "or"'],
    ['monetary >=', 'expected a feature or a value, found the end of the condition', 12, undefined],
    ['(monetary > 1', 'expected ")" to close the "(" at column 1', 14, undefined],
    ['monetary > 1)', 'unexpected ")"', 13, undefined],
    ['monetary + 1 > 2', 'unexpected character "+"', 10, undefined],
    ['monetary > 1 && age < 3', 'unexpected character "&"', 14, undefined],
    ['monetary', 'monetary is a number: compare it with something', 1, 'e.g. monetary >= 1'],
    ['share.category.toys', 'share.category.toys is a number: compare it with something', 1, 'e.g. share.category.toys >= 0.5'],
    ['5', '5 is not a condition', 1, 'e.g. monetary >= 1000'],
    ['city', 'city is a text: compare it with something', 1, "e.g. city = 'value'"],
    ["monetary > 'a lot'", "monetary is a number and cannot be compared with 'a lot'", 12, 'compare monetary with a number'],
    ['city = Shanghai', 'unknown feature "Shanghai"', 8, undefined],
    ['city = 5', 'city is text and cannot be compared with 5', 8, "quote the value: '5'"],
    ['monetary > frequency and city > age', 'city is text and cannot be compared with age', 33, undefined],
    ['1 = 1', 'compares two values', 1, undefined],
    ['monetary = null', 'null is not a value to compare with', 12, 'write "feature is null" or "feature is not null"'],
    ['monetary is 5', 'expected "null" after "is"', 13, undefined],
    ['5 is null', '"is null" needs a feature on its left', 1, undefined],
    ["lifecycle_stage in 'active'", 'expected "(" after "in"', 20, undefined],
    ["lifecycle_stage in ('active', 5)", "lifecycle_stage is text and cannot be compared with 5", 31, undefined],
    ['lifecycle_stage in (city)', 'holds values', 21, undefined],
    ['monetary > 12abc', 'unexpected "a" after the number 12', 14, undefined],
    ['', 'the condition is empty', 1, undefined],
    ['and', 'expected a feature or a value, found "and"', 1, undefined],
  ] as const)('%j: %s (column %s)', (text, message, column, fix) => {
    const error = parseError(text);
    expect(error.message).toContain(message);
    expect(error.column).toBe(column);
    if (fix !== undefined) expect(error.fix).toBe(fix);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(parseError(`${'('.repeat(200)}monetary > 1${')'.repeat(200)}`).message).toContain('nests more than');
    expect(parseError(`${'not '.repeat(200)}consent_email`).message).toContain('nests more than');
  });
});

describe('compiled conditions in SQLite', () => {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE features (customer_id TEXT PRIMARY KEY, monetary REAL, frequency INTEGER, coupon_order_share REAL, age INTEGER,
                           lifecycle_stage TEXT, city TEXT, consent_email INTEGER);
    CREATE TABLE feature_shares (customer_id TEXT, dimension TEXT, value TEXT, share REAL, PRIMARY KEY (customer_id, dimension, value));
    INSERT INTO features VALUES
      ('a', 25000, 12, 0.1, 30, 'active', 'Shanghai', 1),
      ('b', 800, 3, 0.9, NULL, 'at_risk', 'London', 0),
      ('c', 0, 0, NULL, 70, 'prospect', NULL, NULL);
    INSERT INTO feature_shares VALUES ('a', 'category', 'apparel', 0.6), ('a', 'category', 'shoes', 0.4), ('b', 'category', 'grocery', 1);
  `);
  const matching = (text: string): string[] => {
    const { sql, params } = compile(text);
    return db.prepare(`SELECT customer_id FROM features f WHERE ${sql} ORDER BY customer_id`).pluck().all(...params) as string[];
  };

  it.each([
    ['monetary >= 20000', ['a']],
    ['coupon_order_share >= 0.6', ['b']],
    ['not (coupon_order_share >= 0.6)', ['a']], // unknown (NULL) stays unknown under not: c is not tagged
    ['coupon_order_share < 0.6 or coupon_order_share is null', ['a', 'c']],
    ['age >= 30', ['a', 'c']],
    ['age is null', ['b']],
    ['consent_email', ['a']],
    ['not consent_email', ['b']],
    ["lifecycle_stage in ('active', 'at_risk')", ['a', 'b']],
    ["lifecycle_stage not in ('active')", ['b', 'c']],
    ["city = 'Shanghai' or city = 'London'", ['a', 'b']],
    ['share.category.apparel >= 0.5', ['a']],
    ['share.category.apparel < 0.5', ['b', 'c']], // a share never bought is 0, not unknown
    ['share.category.grocery = 1 and frequency >= 3', ['b']],
    ['share.channel.app > 0', []],
    ['true', ['a', 'b', 'c']],
    ['false', []],
  ] as const)('%s → %j', (text, ids) => {
    expect(matching(text)).toEqual(ids);
  });
});

describe('attr.<name> operands', () => {
  const withAttributes: TagVocabulary = {
    features: new Map<string, ValueKind>([...vocabulary.features, ['attr.income', 'number'], ['attr.response', 'boolean'], ['attr.orders.country.top', 'text']]),
    shareDimensions: ['category', 'channel', 'country'],
  };

  it('reads feature_attributes with the name bound, and types it like a feature', () => {
    const compiled = compileCondition(parseCondition("attr.income >= 50000 and attr.response and attr.orders.country.top = 'DE' and share.country.DE > 0.5", withAttributes));
    expect(compiled.sql).toContain('(SELECT a.value FROM feature_attributes a WHERE a.customer_id = f.customer_id AND a.name = ?)');
    expect(compiled.params).toEqual(['income', 50000, 'response', 'orders.country.top', 'DE', 'country', 'DE', 0.5]);
    const db = new Database(':memory:');
    db.exec("CREATE TABLE features (customer_id TEXT); CREATE TABLE feature_attributes (customer_id TEXT, name TEXT, value); CREATE TABLE feature_shares (customer_id TEXT, dimension TEXT, value TEXT, share REAL)");
    db.exec("INSERT INTO features VALUES ('a'), ('b'); INSERT INTO feature_attributes VALUES ('a', 'income', 60000), ('a', 'response', 1), ('a', 'orders.country.top', 'DE'), ('b', 'income', 70000), ('b', 'response', 0)");
    db.exec("INSERT INTO feature_shares VALUES ('a', 'country', 'DE', 0.9)");
    expect(db.prepare(`SELECT customer_id FROM features f WHERE ${compiled.sql}`).pluck().all(...compiled.params)).toEqual(['a']);
  });

  it('names an unknown attribute and a type mismatch', () => {
    expect(() => parseCondition('attr.incme > 1', withAttributes)).toThrow(/unknown attribute "attr.incme"/);
    expect(() => parseCondition("attr.income = 'high'", withAttributes)).toThrow(/attr.income is a number/);
    expect(() => parseCondition('attr. > 1', withAttributes)).toThrow(/expected an attribute name/);
  });
});
