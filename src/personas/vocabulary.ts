/**
 * The words of persona names, stories and cards in English and Chinese. The Chinese is written
 * the way a Chinese marketer writes about customer groups (价格敏感型, 时尚追随者, 品质追求者,
 * 沉睡客户), not translated word for word. Pure data.
 */
export type Language = 'en' | 'zh';

/** A behaviour that can set a persona apart: its adjective (before a noun) and a noun of its own. */
export interface Descriptor {
  readonly id: string;
  readonly adjective: Record<Language, string>;
  readonly noun: Record<Language, string>;
}

export const DESCRIPTORS: Record<string, Descriptor> = {
  lapsing: { id: 'lapsing', adjective: { en: 'Lapsing', zh: '沉睡' }, noun: { en: 'Dormant customers', zh: '沉睡客户' } },
  new: { id: 'new', adjective: { en: 'Newly acquired', zh: '新晋' }, noun: { en: 'Newcomers', zh: '新客' } },
  high_value: { id: 'high_value', adjective: { en: 'High-value', zh: '高价值' }, noun: { en: 'High-value loyalists', zh: '高价值忠诚客户' } },
  frequent: { id: 'frequent', adjective: { en: 'Loyal', zh: '忠实' }, noun: { en: 'Loyal regulars', zh: '忠实常客' } },
  coupon: { id: 'coupon', adjective: { en: 'Coupon-driven', zh: '价格敏感型' }, noun: { en: 'Bargain hunters', zh: '价格敏感型客户' } },
  big_ticket: { id: 'big_ticket', adjective: { en: 'Big-ticket', zh: '高客单' }, noun: { en: 'Quality seekers', zh: '品质追求者' } },
  engaged: { id: 'engaged', adjective: { en: 'Highly engaged', zh: '高活跃' }, noun: { en: 'Active browsers', zh: '活跃浏览者' } },
  returns: { id: 'returns', adjective: { en: 'Return-prone', zh: '高退货' }, noun: { en: 'Serial returners', zh: '高退货客户' } },
  light: { id: 'light', adjective: { en: 'Occasional', zh: '低频' }, noun: { en: 'Occasional shoppers', zh: '低频客户' } },
};

/** Nouns for a persona whose top category sets it apart. */
export const CATEGORY_NOUNS: Record<string, Record<Language, string>> = {
  apparel: { en: 'fashion followers', zh: '时尚追随者' },
  fashion: { en: 'fashion followers', zh: '时尚追随者' },
  electronics: { en: 'electronics buyers', zh: '数码达人' },
  beauty: { en: 'beauty lovers', zh: '美妆达人' },
  grocery: { en: 'grocery regulars', zh: '囤货族' },
  home: { en: 'home makers', zh: '家居生活家' },
  shoes: { en: 'sneaker fans', zh: '鞋履控' },
  sports: { en: 'sports enthusiasts', zh: '运动达人' },
  books: { en: 'book lovers', zh: '阅读爱好者' },
  toys: { en: 'family shoppers', zh: '亲子家庭' },
};

export function categoryNoun(category: string, language: Language): string {
  const known = CATEGORY_NOUNS[category.toLowerCase()];
  if (known) return known[language];
  return language === 'zh' ? `${category}偏好客群` : `${category} buyers`;
}

/** Feature and value labels shown on cards. */
export const FEATURE_LABELS: Record<string, Record<Language, string>> = {
  recency_days: { en: 'days since last order', zh: '距上次购买天数' },
  frequency: { en: 'orders', zh: '订单数' },
  monetary: { en: 'net spend', zh: '累计消费' },
  avg_order_value: { en: 'average order value', zh: '客单价' },
  avg_items_per_order: { en: 'items per order', zh: '件单价' },
  coupon_order_share: { en: 'orders with a coupon', zh: '用券订单占比' },
  avg_discount_depth: { en: 'discount depth', zh: '平均折扣深度' },
  return_rate: { en: 'return rate', zh: '退货率' },
  category_count: { en: 'categories bought', zh: '购买品类数' },
  events_90d: { en: 'site/app events (90 d)', zh: '近90天互动次数' },
  cart_adds_without_purchase_90d: { en: 'abandoned cart adds (90 d)', zh: '近90天加购未买' },
  avg_interpurchase_days: { en: 'days between orders', zh: '复购间隔天数' },
  days_since_first_order: { en: 'days since first order', zh: '首单至今天数' },
  tenure_days: { en: 'days as a customer', zh: '客龄（天）' },
  age: { en: 'age', zh: '年龄' },
  top_channel_share: { en: 'share of top channel', zh: '主渠道占比' },
  tier_spend: { en: 'spend in the tier window', zh: '会员期消费' },
  clv: { en: 'expected CLV', zh: '预期客户终身价值' },
  p_alive: { en: 'P(alive)', zh: '活跃概率' },
  top_category: { en: 'top category', zh: '主购品类' },
  top_channel: { en: 'top channel', zh: '主渠道' },
  lifecycle_stage: { en: 'lifecycle stage', zh: '生命周期' },
  tier: { en: 'tier', zh: '会员等级' },
  age_band: { en: 'age band', zh: '年龄段' },
  gender: { en: 'gender', zh: '性别' },
  city: { en: 'city', zh: '城市' },
  rfm_segment: { en: 'RFM segment', zh: 'RFM 分群' },
  category: { en: 'category', zh: '品类' },
  channel: { en: 'channel', zh: '渠道' },
};

export function featureLabel(feature: string, language: Language): string {
  const known = FEATURE_LABELS[feature];
  if (known) return known[language];
  if (feature.startsWith('tag.')) return language === 'zh' ? `标签 ${feature.slice(4)}` : `tag ${feature.slice(4)}`;
  if (feature.startsWith('attr.')) return feature.slice(5);
  return feature;
}

export const VALUE_LABELS: Record<string, Record<Language, string>> = {
  active: { en: 'active', zh: '活跃' },
  new: { en: 'new', zh: '新客' },
  at_risk: { en: 'at risk', zh: '流失预警' },
  lapsed: { en: 'lapsed', zh: '沉睡' },
  churned: { en: 'churned', zh: '已流失' },
  prospect: { en: 'prospect', zh: '潜客' },
  email: { en: 'e-mail', zh: '邮件' },
  sms: { en: 'SMS', zh: '短信' },
  push: { en: 'push', zh: 'App 推送' },
  other: { en: 'other', zh: '其他' },
  yes: { en: 'yes', zh: '是' },
  male: { en: 'male', zh: '男' },
  female: { en: 'female', zh: '女' },
};

export function valueLabel(value: string, language: Language): string {
  return VALUE_LABELS[value]?.[language] ?? value;
}

/** Fixed text of cards and the report. */
export const TEXT: Record<string, Record<Language, string>> = {
  title: { en: 'Personas', zh: '客户画像' },
  overview: { en: 'Overview', zh: '总览' },
  customers: { en: 'customers', zh: '位客户' },
  customersLabel: { en: 'Customers', zh: '客户数' },
  shareOfCustomers: { en: 'share of customers', zh: '客户占比' },
  shareOfRevenue: { en: 'share of revenue', zh: '收入占比' },
  shareOfClv: { en: 'share of expected CLV', zh: '预期价值占比' },
  differentiators: { en: 'What sets them apart', zh: '核心差异特征' },
  effect: { en: 'effect size', zh: '效应量' },
  persona: { en: 'persona', zh: '画像' },
  everyoneElse: { en: 'everyone else', zh: '其他客户' },
  mixes: { en: 'Category and channel mix', zh: '品类与渠道构成' },
  rfmLifecycle: { en: 'RFM and lifecycle mix', zh: 'RFM 与生命周期构成' },
  profileMix: { en: 'Age, gender and city', zh: '年龄、性别与城市' },
  clvDistribution: { en: 'Expected CLV and P(alive)', zh: '预期价值与活跃概率分布' },
  reach: { en: 'Reach per channel', zh: '各渠道可触达人数' },
  approach: { en: 'Suggested approach', zh: '运营建议' },
  channel: { en: 'Channel', zh: '渠道' },
  offer: { en: 'Offer', zh: '权益' },
  timing: { en: 'Timing', zh: '时机' },
  comparison: { en: 'Personas compared on key features', zh: '关键指标对比' },
  map: { en: 'How the personas differ (effect size against everyone else)', zh: '画像差异地图（相对其他客户的效应量）' },
  sizes: { en: 'Size and value held', zh: '规模与价值占比' },
  suppressed: { en: 'fewer than {n} customers: not shown', zh: '不足 {n} 人，不予展示' },
  suppressedMark: { en: '<{n}', zh: '<{n}' },
  value: { en: 'value', zh: '取值' },
  share: { en: 'share', zh: '占比' },
  lift: { en: 'lift', zh: '提升度' },
  asOf: { en: 'as of', zh: '数据截至' },
  population: { en: 'customers in personas', zh: '纳入画像的客户' },
  feature: { en: 'feature', zh: '指标' },
  mean: { en: 'mean', zh: '均值' },
  median: { en: 'median', zh: '中位数' },
  quantile: { en: 'quantile', zh: '分位' },
  reachable: { en: 'reachable', zh: '可触达' },
  higher: { en: 'higher than everyone else', zh: '高于其他客户' },
  lower: { en: 'lower', zh: '低于其他客户' },
  hiddenPersonas: { en: '{k} persona(s) with fewer than {n} customers: not shown', zh: '{k} 个画像不足 {n} 人，不予展示' },
};

export function text(key: keyof typeof TEXT | string, language: Language, n?: number): string {
  const t = TEXT[key]?.[language] ?? key;
  return n === undefined ? t : t.replace('{n}', String(n));
}
