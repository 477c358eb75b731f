import { describe, expect, it } from 'vitest';
import { normalizationIssues, type SourceRegion } from './issues.js';

const regions: Record<string, SourceRegion> = {
  sites: { region: 'GB', from: 'default_region' },
  app: { region: undefined, from: 'none' },
  crm: { region: 'CN', from: 'inferred' },
};

describe('normalizationIssues', () => {
  it('should give every value clean cannot normalise a row with its reason', () => {
    const report = normalizationIssues(
      [
        { source: 'sites', line: 2, issues: [{ field: 'phone', code: 'invalid_phone', value: '7946 0958' }] },
        { source: 'app', line: 5, issues: [{ field: 'phone', code: 'ambiguous_phone', value: '18127120104' }, { field: 'email', code: 'invalid_email', value: 'a@b' }] },
        { source: 'crm', line: 9, issues: [] },
      ],
      new Map([['sites', 4], ['app', 1], ['crm', 3]]),
      (s) => regions[s]!,
    );
    expect(report.rows).toEqual([
      { source: 'sites', line: 2, code: 'invalid_phone', detail: expect.stringContaining('"7946 0958" is not a possible number in its default_region GB') },
      { source: 'app', line: 5, code: 'ambiguous_phone', detail: expect.stringContaining('Chinese mobile (+86) or a North American number (+1); set default_region') },
      { source: 'app', line: 5, code: 'invalid_email', detail: expect.stringContaining('"a@b" is rejected') },
    ]);
    expect(report.phones).toEqual({
      app: { given: 1, invalid: 1, region: null, regionFrom: 'none' },
      crm: { given: 3, invalid: 0, region: 'CN', regionFrom: 'inferred' },
      sites: { given: 4, invalid: 1, region: 'GB', regionFrom: 'default_region' },
    });
    // app: its only phone failed (more than half); sites: one in four is not "mostly".
    expect(report.notes).toEqual([expect.stringMatching(/^source app: 1 of 1 phones have no country code and the source has no default_region/)]);
  });

  it('should name the region when most phones of a source fail under it', () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ source: 'sites', line: i + 2, issues: [{ field: 'phone', code: 'invalid_phone', value: `79${i}0958` }] }));
    const report = normalizationIssues(rows, new Map([['sites', 4]]), (s) => regions[s]!);
    expect(report.notes).toEqual(['source sites: 3 of 4 phones are not valid under default_region GB (an area code missing, or another country?), so they are not compared (data_issues has each value)']);
  });
});
