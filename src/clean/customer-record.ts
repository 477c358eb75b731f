/**
 * Pure: one raw customer row (as collect stored it) → the normalised record that identity
 * resolution compares and survivorship chooses from. The original values stay in raw_customers.
 */
import { emailMatchKey, normalizeEmail } from '../normalize/email.js';
import { normalizePhone } from '../normalize/phone.js';
import { nameMatchKeys, parseName } from '../normalize/name.js';
import { foldForMatch } from '../normalize/fold.js';
import { organizationKeys } from '../normalize/organization.js';
import { addressLineKey, addressTokens, compactKey, regionKey, streetNumberKey } from '../normalize/address.js';

export interface RawCustomerRow {
  source: string;
  line: number;
  source_id: string;
  full_name: string | null;
  first_name: string | null;
  last_name: string | null;
  /** Absent in databases collected before the field existed. */
  organization_name?: string | null;
  email: string | null;
  phone: string | null;
  birth_date: string | null;
  gender: string | null;
  street_number: string | null;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  postcode: string | null;
  state: string | null;
  country: string | null;
  national_id: string | null;
  consent_email: number | null;
  consent_sms: number | null;
  consent_push: number | null;
  created_at: string | null;
  loyalty_points: number | null;
  /** Added by a later version: absent on rows read from an older raw_customers. */
  birth_year?: number | null;
}

export interface CustomerRecord {
  readonly source: string;
  readonly sourceId: string;
  readonly line: number;
  /** Display values (golden-record candidates). */
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly displayName: string | null;
  readonly nameOriginal: string | null;
  /** An organisation's name as written (customers that are companies, shops or sites). */
  readonly organizationName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly birthDate: string | null;
  readonly gender: string | null;
  readonly streetNumber: string | null;
  readonly addressLine1: string | null;
  readonly addressLine2: string | null;
  readonly city: string | null;
  readonly postcode: string | null;
  readonly state: string | null;
  readonly country: string | null;
  /** Matching only: never a golden-record value. */
  readonly nationalId: string | null;
  readonly consentEmail: number | null;
  readonly consentSms: number | null;
  readonly consentPush: number | null;
  readonly createdAt: string | null;
  readonly loyaltyPoints: number | null;
  /** Year of birth from birth_year, or from the birth date when only that is known. */
  readonly birthYear: number | null;
  /** Match keys: lower-case ASCII, script- and order-independent. */
  readonly givenKey: string | null;
  readonly familyKey: string | null;
  readonly sortedNameKey: string | null;
  readonly givenSound: string | null;
  readonly familySound: string | null;
  readonly emailKey: string | null;
  readonly cityKey: string | null;
  /** Address keys (src/normalize/address.ts): "12-14", "wallaby pl", "sw1a1aa", "nsw". */
  readonly streetNumberKey: string | null;
  readonly addressLine1Key: string | null;
  readonly addressLine2Key: string | null;
  /** Distinct words of both street lines, sorted (empty when there is no street address). */
  readonly addressTokens: readonly string[];
  readonly postcodeKey: string | null;
  readonly stateKey: string | null;
  /** Letters and digits of the national id, lower-case. */
  readonly nationalIdKey: string | null;
  /** Organisation name keys (src/normalize/organization.ts): words in order, and sorted. */
  readonly organizationKey: string | null;
  readonly organizationWords: readonly string[];
  /** Problems met while normalising (kept for data_issues). */
  readonly issues: readonly { field: string; code: string; value: string }[];
}

const orNull = (s: string | null | undefined): string | null => (s === undefined || s === null || s === '' ? null : s);
const trimmed = (s: string | null | undefined): string | null => (s === undefined || s === null ? null : orNull(s.trim()));

export function normalizeCustomer(row: RawCustomerRow, defaultRegion: string | undefined): CustomerRecord {
  const issues: { field: string; code: string; value: string }[] = [];
  const hasName = row.full_name !== null || row.first_name !== null || row.last_name !== null;
  const name = hasName ? parseName({ full: row.full_name, first: row.first_name, last: row.last_name }) : null;
  const keys = name ? nameMatchKeys(name) : null;
  const organizationName = trimmed(row.organization_name);
  const organization = organizationKeys(organizationName);
  const personName = orNull(name ? [name.given, name.family].filter((p) => p !== '').join(' ') : null);

  const email = normalizeEmail(row.email);
  if (email.issue && row.email !== null) issues.push({ field: 'email', code: email.issue, value: row.email });
  const country = row.country === null ? null : row.country.trim().toUpperCase();
  const phone = normalizePhone(row.phone, defaultRegion, country ?? undefined);
  if (phone.issue && row.phone !== null) issues.push({ field: 'phone', code: phone.issue, value: row.phone });

  return {
    source: row.source,
    sourceId: row.source_id,
    line: row.line,
    givenName: orNull(name?.given),
    familyName: orNull(name?.family),
    // An organisation's golden display name is its own name when no person's name is given.
    displayName: personName ?? organizationName,
    nameOriginal: orNull(name?.original),
    organizationName,
    email: email.email,
    phone: phone.e164,
    birthDate: row.birth_date,
    gender: row.gender,
    streetNumber: trimmed(row.street_number),
    addressLine1: trimmed(row.address_line1),
    addressLine2: trimmed(row.address_line2),
    city: row.city === null ? null : row.city.trim(),
    postcode: trimmed(row.postcode),
    state: trimmed(row.state),
    country: country ?? phone.country ?? null,
    nationalId: trimmed(row.national_id),
    consentEmail: row.consent_email,
    consentSms: row.consent_sms,
    consentPush: row.consent_push,
    createdAt: row.created_at,
    loyaltyPoints: row.loyalty_points,
    birthYear: row.birth_year ?? (row.birth_date === null ? null : Number(row.birth_date.slice(0, 4))),
    givenKey: orNull(keys?.given),
    familyKey: orNull(keys?.family),
    sortedNameKey: orNull(keys?.sorted),
    givenSound: orNull(keys?.givenSound),
    familySound: orNull(keys?.familySound),
    emailKey: email.email === null ? null : emailMatchKey(email.email),
    cityKey: row.city === null ? null : orNull(foldForMatch(row.city)),
    streetNumberKey: streetNumberKey(row.street_number),
    addressLine1Key: addressLineKey(row.address_line1),
    addressLine2Key: addressLineKey(row.address_line2),
    addressTokens: addressTokens(row.address_line1, row.address_line2),
    postcodeKey: compactKey(row.postcode),
    stateKey: regionKey(row.state),
    nationalIdKey: compactKey(row.national_id),
    organizationKey: organization?.key ?? null,
    organizationWords: organization?.words ?? [],
    issues,
  };
}
