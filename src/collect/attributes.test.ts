import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../config/schema.js';
import { compileRowMapper } from './row-mapper.js';
import { compileValueParser, DEFAULT_NULL_VALUES, isParseFailure } from './value-parsers.js';
import type { CanonicalField } from '../config/canonical-fields.js';

const marketing: SourceConfig = {
  name: 'marketing',
  kind: 'customers',
  path: 'm.tsv',
  encoding: 'utf-8',
  columns: { source_id: 'ID', birth_year: { column: 'Year_Birth', formats: ['YYYY'] }, created_at: { column: 'Dt', formats: ['DD-MM-YY'] } },
  attributes: {
    income: { column: 'Income', type: 'number' },
    education: { column: 'Education', type: 'category', values: { '2n Cycle': 'Master' } },
    response: { column: 'Response', type: 'boolean' },
    since: { column: 'Dt', type: 'date', formats: ['DD-MM-YY'] },
    year_birth: { column: 'Year_Birth', type: 'year' },
  },
};
const header = ['ID', 'Year_Birth', 'Education', 'Income', 'Dt', 'Response'];

describe('attributes in the row mapper', () => {
  const mapper = compileRowMapper(marketing, header, 'USD');

  it('types every attribute, maps category values and leaves blanks out', () => {
    const mapped = mapper.map(['5524', '1957', '2n Cycle', '', '04-09-12', '1']);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.issues).toEqual([]);
    expect(mapped.attributes).toEqual({ education: 'Master', response: 1, since: '2012-09-04', year_birth: 1957 });
    expect(mapped.values).toContain(1957); // birth_year
    expect(mapped.values).toContain('2012-09-04T00:00:00Z'); // created_at: YY below 69 is 20YY
  });

  it('an unusable attribute value is a field issue named attr.<name>; the row is kept', () => {
    const mapped = mapper.map(['7', '57', 'PhD', '58k', '31-12-99', 'maybe']);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.attributes).toEqual({ education: 'PhD', since: '1999-12-31' });
    expect(mapped.issues.map((i) => [i.field, i.code, i.rawValue])).toEqual([
      ['birth_year', 'invalid_year', '57'],
      ['attr.income', 'invalid_number', '58k'],
      ['attr.response', 'invalid_boolean', 'maybe'],
      ['attr.year_birth', 'invalid_year', '57'],
    ]);
  });

  it('mapInto appends (attribute index, value) pairs and nothing for a rejected row', () => {
    const out: (string | number | null)[] = [];
    const pairs: (string | number | null)[] = [];
    expect(mapper.mapInto(['', '1957', 'PhD', '1', '04-09-12', '0'], out, 0, [], pairs)?.code).toBe('missing_source_id');
    expect(pairs).toEqual([]);
    expect(mapper.mapInto(['1', '1957', 'PhD', '1.5', '04-09-12', '0'], out, 0, [], pairs)).toBeUndefined();
    expect(pairs).toEqual([0, 1.5, 1, 'PhD', 2, 0, 3, '2012-09-04', 4, 1957]);
    expect(mapper.attributeNames).toEqual(['income', 'education', 'response', 'since', 'year_birth']);
  });
});

describe('null values', () => {
  const number: CanonicalField = { name: 'loyalty_points', type: 'number', required: false, description: '' };
  const text: CanonicalField = { name: 'city', type: 'string', required: false, description: '' };

  it('by default, NA-style markers are null in typed fields only (NA stays Namibia in text)', () => {
    const parse = compileValueParser(number, { column: 'x' }, {});
    for (const marker of [...DEFAULT_NULL_VALUES, 'na', ' n/a ', 'null']) expect(parse(marker)).toBeNull();
    expect(parse('12')).toBe(12);
    expect(isParseFailure(parse('lots'))).toBe(true);
    expect(compileValueParser(text, { column: 'x' }, {})('NA')).toBe('NA');
  });

  it("a source's null_values replace the default, win over a value that parses, and apply to text", () => {
    const parse = compileValueParser(number, { column: 'x' }, { null_values: ['-1', 'unknown'] });
    expect(parse('-1')).toBeNull();
    expect(parse(' Unknown ')).toBeNull();
    expect(isParseFailure(parse('NA'))).toBe(true);
    expect(compileValueParser(text, { column: 'x' }, { null_values: ['NA'] })('NA')).toBeNull();
  });
});
