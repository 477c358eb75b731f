import { describe, expect, it } from 'vitest';
import { nothingLinkedNote } from './clean-stage.js';

describe('nothingLinkedNote', () => {
  const phones = { crm: { given: 3, invalid: 2, region: 'US', regionFrom: 'default_region' as const } };
  it('should say when identity linked none of the pairs it compared', () => {
    expect(nothingLinkedNote({ records: 40, candidatePairs: 7, linkedPairs: 0, phones })).toBe(
      'identity linked none of the 7 pairs it compared, so each of the 40 customer records is its own customer: if the data holds duplicates, check the column mapping (names, e-mail, phone, birth date, address) and the values that did not normalise (2 phones of crm; see data_issues)',
    );
  });
  it('should say nothing when something linked, or when there is only one record', () => {
    expect(nothingLinkedNote({ records: 40, candidatePairs: 7, linkedPairs: 1, phones })).toBeNull();
    expect(nothingLinkedNote({ records: 1, candidatePairs: 0, linkedPairs: 0, phones: {} })).toBeNull();
  });
});
