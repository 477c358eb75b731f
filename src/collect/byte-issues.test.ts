import { describe, expect, it } from 'vitest';
import { fieldsByColumn, inspectRecord, mergeIssues } from './byte-issues.js';
import type { FieldIssue } from './row-mapper.js';

const source = { columns: { source_id: 'id', full_name: { column: 'name' }, first_name: 'name' }, customer_source: undefined };
const header = ['id', ' name ', 'note'];

describe('NUL bytes and invalid bytes', () => {
  it('knows the fields read from each column', () => {
    expect(fieldsByColumn(source, header)).toEqual([['source_id'], ['full_name', 'first_name'], []]);
  });

  it('removes NULs in place and reports mapped fields only', () => {
    const record = ['1\u0000', 'A\u0000n\u0000n', 'x\u0000'];
    const issues: FieldIssue[] = [];
    const found = inspectRecord(record, header, fieldsByColumn(source, header), 'utf-8', issues);
    expect(record).toEqual(['1', 'Ann', 'x']);
    expect(found).toEqual({ nulBytes: 4, invalid: false });
    expect(issues.map((i) => [i.column, i.field, i.code, i.rawValue])).toEqual([
      ['id', 'source_id', 'nul_bytes', '1\\0'],
      ['name', 'full_name', 'nul_bytes', 'A\\0n\\0n'],
      ['name', 'first_name', 'nul_bytes', 'A\\0n\\0n'],
    ]);
    expect(issues[1]!.message).toBe('2 NUL bytes removed from the value');
  });

  it('reports U+FFFD with the declared encoding and keeps the value; unmapped columns only count', () => {
    const issues: FieldIssue[] = [];
    const record = ['7', 'Jos\uFFFD', '\uFFFD'];
    expect(inspectRecord(record, header, fieldsByColumn(source, header), 'gbk', issues)).toEqual({ nulBytes: 0, invalid: true });
    expect(record[1]).toBe('Jos\uFFFD');
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ column: 'name', field: 'full_name', code: 'invalid_bytes' });
    expect(issues[0]!.message).toContain('not valid gbk');
    const unmapped: FieldIssue[] = [];
    expect(inspectRecord(['1', 'a', '\uFFFD'], header, fieldsByColumn(source, header), 'gbk', unmapped).invalid).toBe(true);
    expect(unmapped).toEqual([]);
  });

  it('keeps one issue per field: the byte issue absorbs the parser issue of the same field', () => {
    const mapper: FieldIssue[] = [
      { column: 'Email', field: 'email', code: 'invalid_email', rawValue: 'a\uFFFD', message: '"a\uFFFD" is not an e-mail address' },
      { column: 'DOB', field: 'birth_date', code: 'invalid_date', rawValue: 'x', message: 'bad date' },
    ];
    mergeIssues([{ column: 'Email', field: 'email', code: 'invalid_bytes', rawValue: 'a\uFFFD', message: 'bytes that are not valid utf-8' }], mapper);
    expect(mapper.map((i) => [i.field, i.code])).toEqual([
      ['email', 'invalid_bytes'],
      ['birth_date', 'invalid_date'],
    ]);
    expect(mapper[0]!.message).toBe('bytes that are not valid utf-8; then: "a\uFFFD" is not an e-mail address');
  });
});
