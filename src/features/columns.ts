/**
 * The columns of `features`, in table order: the contract the segment stage (and tag
 * conditions) rely on. The definitions are in docs/features.md. Pure data.
 */

/** How a tag condition may use a column: compared with numbers, with strings, or as a flag. */
export type ValueKind = 'number' | 'text' | 'boolean';

export interface FeatureColumn {
  readonly name: string;
  readonly sqlType: 'TEXT' | 'INTEGER' | 'REAL';
  readonly kind: ValueKind;
  readonly notNull?: boolean;
}

const text = (name: string, notNull = false): FeatureColumn => ({ name, sqlType: 'TEXT', kind: 'text', notNull });
const int = (name: string, notNull = false): FeatureColumn => ({ name, sqlType: 'INTEGER', kind: 'number', notNull });
const real = (name: string, notNull = false): FeatureColumn => ({ name, sqlType: 'REAL', kind: 'number', notNull });
const flag = (name: string): FeatureColumn => ({ name, sqlType: 'INTEGER', kind: 'boolean' });

export const FEATURE_COLUMNS: readonly FeatureColumn[] = [
  text('customer_id', true),
  text('as_of', true),
  // purchase timeline
  text('first_contact_at'),
  text('first_order_at'),
  text('last_order_at'),
  int('tenure_days'),
  int('recency_days'),
  int('frequency', true),
  int('purchase_days', true),
  int('cancelled_orders', true),
  // money, in the base currency
  real('monetary', true),
  real('gross_revenue', true),
  real('returns_amount', true),
  real('avg_order_value'),
  real('avg_items_per_order'),
  real('units_purchased', true),
  real('units_returned', true),
  real('return_rate'),
  real('cancel_rate'),
  // assortment and channels
  text('top_category'),
  real('top_category_share'),
  int('category_count', true),
  real('category_entropy'),
  text('top_channel'),
  real('top_channel_share'),
  int('channel_count', true),
  // price sensitivity
  real('coupon_order_share'),
  real('avg_discount_depth'),
  // engagement
  int('events_30d', true),
  int('events_90d', true),
  text('last_event_at'),
  int('days_since_last_event'),
  int('cart_adds_90d', true),
  int('cart_adds_without_purchase_90d', true),
  // rhythm and lifecycle
  real('avg_interpurchase_days'),
  real('expected_gap_days'),
  text('lifecycle_stage', true),
  // profile (golden record)
  int('age'),
  text('age_band'),
  text('gender'),
  text('city'),
  text('country'),
  flag('consent_email'),
  flag('consent_sms'),
  flag('consent_push'),
  // membership
  text('tier'),
  real('tier_spend', true),
  int('tier_orders', true),
];

export const FEATURE_COLUMN_NAMES: readonly string[] = FEATURE_COLUMNS.map((c) => c.name);

/** Dimensions of feature_shares (share.<dimension>.<value> in tag conditions). */
export const SHARE_DIMENSIONS = ['category', 'channel'] as const;
export type ShareDimension = (typeof SHARE_DIMENSIONS)[number];
