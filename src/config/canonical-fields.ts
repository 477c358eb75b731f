/**
 * The canonical schema of each source kind: the fields persona understands, their value type and
 * whether a row without them is usable at all. A pipeline file maps a source's own column names
 * onto these fields; collect validates every row against this table.
 */

export const SOURCE_KINDS = ['customers', 'orders', 'events', 'fx_rates'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** How a raw text value becomes a stored value. */
export type FieldType =
  | 'string'
  | 'email'
  | 'phone'
  | 'date'
  | 'timestamp'
  | 'boolean'
  | 'number'
  | 'integer'
  | 'year'
  | 'gender';

export interface CanonicalField {
  readonly name: string;
  readonly type: FieldType;
  /** A row whose value is missing or unparseable is rejected (otherwise the field becomes null). */
  readonly required: boolean;
  readonly description: string;
}

function field(name: string, type: FieldType, required: boolean, description: string): CanonicalField {
  return { name, type, required, description };
}

export const CANONICAL_FIELDS: Readonly<Record<SourceKind, readonly CanonicalField[]>> = {
  customers: [
    field('source_id', 'string', true, "the record's id in its own system"),
    field('full_name', 'string', false, 'the whole name in one field (any order, any script)'),
    field('first_name', 'string', false, 'given name'),
    field('last_name', 'string', false, 'family name'),
    field('organization_name', 'string', false, "organisation, company, shop or site name (compared as an organisation's name, never parsed as a person's)"),
    field('email', 'email', false, 'e-mail address'),
    field('phone', 'phone', false, 'phone number in any national or international style'),
    field('birth_date', 'date', false, 'date of birth'),
    field('gender', 'gender', false, 'gender (male/female vocabularies, also M/F and 男/女)'),
    field('street_number', 'string', false, 'house number'),
    field('address_line1', 'string', false, 'street address, first line'),
    field('address_line2', 'string', false, 'street address, second line'),
    field('city', 'string', false, 'city (or suburb)'),
    field('postcode', 'string', false, 'postal code'),
    field('state', 'string', false, 'state, province or region'),
    field('country', 'string', false, 'country (ISO 3166 alpha-2 preferred)'),
    field('national_id', 'string', false, 'a national identifier such as a social security number (used for matching only)'),
    field('consent_email', 'boolean', false, 'consent to marketing e-mail'),
    field('consent_sms', 'boolean', false, 'consent to marketing SMS'),
    field('consent_push', 'boolean', false, 'consent to app push messages'),
    field('created_at', 'timestamp', false, 'when the record was created in its system'),
    field('loyalty_points', 'number', false, 'loyalty points balance'),
    field('birth_year', 'year', false, 'year of birth, when no full birth date is known (age bands use it)'),
  ],
  orders: [
    field('order_id', 'string', true, 'order (invoice) number'),
    field('line_no', 'integer', false, 'line number within the order'),
    field('customer_ref', 'string', false, "the customer's id in the customer source (empty = anonymous)"),
    field('sku', 'string', false, 'product code'),
    field('product_name', 'string', false, 'product description'),
    field('category', 'string', false, 'product category'),
    field('quantity', 'number', true, 'units; negative for returns'),
    field('unit_price', 'number', false, 'price per unit in the line currency (map this or line_amount)'),
    field('line_amount', 'number', false, 'total of the line in the line currency, when there is no unit price'),
    field('currency', 'string', false, 'ISO 4217 code; defaults to the source currency or base_currency'),
    field('ordered_at', 'timestamp', true, 'when the order was placed'),
    field('channel', 'string', false, 'sales channel (web, app, store, phone, …)'),
    field('coupon_code', 'string', false, 'coupon or voucher code used'),
    field('discount', 'number', false, 'discount amount of the line in the line currency'),
    field('status', 'string', false, 'completed, cancelled or returned (map other words with `values`)'),
  ],
  events: [
    field('occurred_at', 'timestamp', true, 'when the event happened'),
    field('customer_ref', 'string', true, "the customer's id in the customer source"),
    field('event_type', 'string', true, 'page_view, search, add_to_cart, wishlist, …'),
    field('sku', 'string', false, 'product code the event concerns'),
    field('device', 'string', false, 'device or app platform'),
  ],
  fx_rates: [
    field('currency', 'string', true, 'ISO 4217 code'),
    field('date', 'date', true, 'the day the rate applies to'),
    field('rate', 'number', true, 'units of base_currency for one unit of currency'),
  ],
};

export function canonicalField(kind: SourceKind, name: string): CanonicalField | undefined {
  return CANONICAL_FIELDS[kind].find((f) => f.name === name);
}

/** Kinds whose rows point at a customer record of some customer source. */
export function hasCustomerRef(kind: SourceKind): boolean {
  return kind === 'orders' || kind === 'events';
}
