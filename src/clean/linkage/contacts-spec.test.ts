import { describe, expect, it } from 'vitest';
import { normalizeCustomer, type RawCustomerRow } from '../customer-record.js';
import { compileComparisons } from '../identity/comparisons.js';
import { contactsLinkageSpec, contactsLinkRecords } from './contacts-spec.js';

const EMPTY: RawCustomerRow = {
  source: 's', line: 2, source_id: '1', full_name: null, first_name: null, last_name: null, email: null, phone: null,
  birth_date: null, gender: null, street_number: null, address_line1: null, address_line2: null, city: null, postcode: null,
  state: null, country: null, national_id: null, consent_email: null, consent_sms: null, consent_push: null, created_at: null,
  loyalty_points: null,
};

const spec = contactsLinkageSpec({ matchProbability: 0.5, seed: 1 });
const comparisons = compileComparisons(spec);
const email = comparisons.find((c) => c.name === 'email')!;

/** The e-mail level label of each pair (a, b) among `emails`, with `filler` records making the providers known. */
function emailLevels(pairs: [string, string][], filler: string[] = []): string[] {
  const rows = [...pairs.flat(), ...filler].map((e, i) => normalizeCustomer({ ...EMPTY, source_id: String(i), line: i + 2, full_name: 'Lei Li', email: e }, 'CN'));
  const records = contactsLinkRecords(rows);
  return pairs.map((_, p) => email.labels[email.compare(records[2 * p]!, records[2 * p + 1]!)]!);
}

describe('contacts comparison set: e-mail levels', () => {
  const providers = ['a1@163.com', 'a2@163.com', 'a3@163.com', 'b1@126.com', 'b2@126.com', 'b3@126.com'];

  it('should call a typo in the local part a typo', () => {
    expect(emailLevels([['zhang.min77@qq.com', 'zhang.mni77@qq.com']])).toEqual(['typo (lev<=2)']);
  });

  it('should not call two established providers a typo: they are two mailboxes', () => {
    expect(emailLevels([['leili41@163.com', 'leili41@126.com']], providers)).toEqual(['else']);
  });

  it('should still call a misspelt rare domain a typo', () => {
    expect(emailLevels([['leili41@163.com', 'leili41@163.cmo']], providers)).toEqual(['typo (lev<=2)']);
  });

  it('should see a moved separator plus a typo as a typo once separators are dropped', () => {
    expect(emailLevels([['chlo.eanderson54@outlook.com', 'chloe.andersol54@outlook.com']])).toEqual(['typo (lev<=2)']);
  });

  it('should keep name-spelled addresses that differ only in their number apart', () => {
    expect(emailLevels([['lei.li41@qq.com', 'lei.li42@qq.com']])).toEqual(['else']);
  });
});

describe('contacts comparison set: blocking and gender', () => {
  it('should block on name + city and compare gender', () => {
    expect(spec.blocking.map((b) => b.name)).toContain('name+city');
    const gender = comparisons.find((c) => c.name === 'gender')!;
    const rows = ['female', 'female', 'male'].map((g, i) => normalizeCustomer({ ...EMPTY, source_id: String(i), gender: g }, 'CN'));
    const [a, b, c] = contactsLinkRecords(rows);
    expect(gender.labels[gender.compare(a!, b!)]).toBe('exact');
    expect(gender.labels[gender.compare(a!, c!)]).toBe('else');
  });
});
