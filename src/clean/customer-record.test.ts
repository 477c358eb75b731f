import { describe, expect, it } from 'vitest';
import { normalizeCustomer, type RawCustomerRow } from './customer-record.js';

const EMPTY: RawCustomerRow = {
  source: 's',
  line: 2,
  source_id: '1',
  full_name: null,
  first_name: null,
  last_name: null,
  email: null,
  phone: null,
  birth_date: null,
  gender: null,
  street_number: null,
  address_line1: null,
  address_line2: null,
  city: null,
  postcode: null,
  state: null,
  country: null,
  national_id: null,
  consent_email: null,
  consent_sms: null,
  consent_push: null,
  created_at: null,
  loyalty_points: null,
};

describe('normalizeCustomer', () => {
  it('normalises a FEBRL row: names, address keys and national id', () => {
    const r = normalizeCustomer(
      {
        ...EMPTY,
        source_id: 'rec-988-dup-1',
        first_name: 'madeline',
        last_name: 'mason',
        street_number: '54',
        address_line1: 'hoseason street',
        address_line2: 'lakefront retrmnt vlge',
        city: 'granville',
        postcode: '4881',
        state: 'nsw',
        birth_date: '1908-11-28',
        national_id: '2185997',
      },
      undefined,
    );
    expect(r).toMatchObject({
      givenKey: 'madeline',
      familyKey: 'mason',
      displayName: 'Madeline Mason',
      streetNumber: '54',
      addressLine1: 'hoseason street',
      streetNumberKey: '54',
      addressLine1Key: 'hoseason st',
      addressLine2Key: 'lakefront retrmnt vlge',
      addressTokens: ['hoseason', 'lakefront', 'retrmnt', 'st', 'vlge'],
      cityKey: 'granville',
      postcodeKey: '4881',
      stateKey: 'nsw',
      nationalId: '2185997',
      nationalIdKey: '2185997',
      birthDate: '1908-11-28',
      email: null,
      phone: null,
      issues: [],
    });
  });

  it('leaves the address keys empty for a contacts-only row', () => {
    const r = normalizeCustomer({ ...EMPTY, full_name: 'WANG Wei', email: 'Wang.Wei12@QQ.com', phone: '138 0013 8000', city: '上海' }, 'CN');
    expect(r).toMatchObject({ givenKey: 'wei', familyKey: 'wang', emailKey: 'wang.wei12@qq.com', phone: '+8613800138000', cityKey: 'shanghai' });
    expect(r).toMatchObject({ streetNumberKey: null, addressLine1Key: null, addressLine2Key: null, addressTokens: [], postcodeKey: null, stateKey: null, nationalIdKey: null });
  });

  it('treats blank address values as missing', () => {
    const r = normalizeCustomer({ ...EMPTY, street_number: ' ', postcode: '', national_id: '  ' }, undefined);
    expect([r.streetNumber, r.streetNumberKey, r.postcode, r.postcodeKey, r.nationalId, r.nationalIdKey]).toEqual([null, null, null, null, null, null]);
  });
});
