/**
 * A short description of a persona in which every claim is a number shown on its card: its
 * size and value held, then its three strongest traits, each with the persona's figure against
 * everyone else's. Pure.
 */
import type { GroupProfile, Trait } from './profile.js';
import { featureLabel, valueLabel, type Language } from './vocabulary.js';
import { rankedTraits } from './traits.js';
import { formatInt, formatNumber, formatPercent } from './format.js';

/** Numeric features that are shares (shown as percentages). */
const SHARE_FEATURES = new Set(['coupon_order_share', 'return_rate', 'top_channel_share', 'avg_discount_depth', 'cancel_rate', 'top_category_share', 'p_alive']);

export function formatFeatureValue(feature: string, value: number | null, language: Language): string {
  return SHARE_FEATURES.has(feature) ? formatPercent(value, language) : formatNumber(value);
}

export function traitSentence(t: Trait, language: Language): string {
  const label = featureLabel(t.feature, language);
  if (t.kind === 'numeric') {
    const a = formatFeatureValue(t.feature, t.inMean, language);
    const b = formatFeatureValue(t.feature, t.restMean, language);
    return language === 'zh' ? `${label}平均 ${a}（其他客户 ${b}）` : `${label}: ${a} on average against ${b}`;
  }
  const value = t.feature.startsWith('tag.') ? featureLabel(t.feature, language) : `${label} ${valueLabel(t.value, language)}`;
  return language === 'zh'
    ? `${value}：${formatPercent(t.inShare, language)}（其他客户 ${formatPercent(t.restShare, language)}）`
    : `${value}: ${formatPercent(t.inShare, language)} against ${formatPercent(t.restShare, language)}`;
}

export function storyOf(profile: GroupProfile, language: Language): string {
  const top = rankedTraits(profile).slice(0, 3);
  const zh = language === 'zh';
  const size = zh
    ? `共 ${formatInt(profile.customers)} 位客户，占 ${formatPercent(profile.share, language)}，贡献 ${formatPercent(profile.revenueShare, language)} 的收入与 ${formatPercent(profile.clvShare, language)} 的预期价值。`
    : `${formatInt(profile.customers)} customers (${formatPercent(profile.share, language)}) who hold ${formatPercent(profile.revenueShare, language)} of revenue and ${formatPercent(profile.clvShare, language)} of expected CLV.`;
  if (top.length === 0) return size + (zh ? '与其他客户没有明显差异。' : ' Nothing sets them clearly apart from everyone else.');
  const traits = top.map((t) => traitSentence(t, language));
  return zh ? `${size}最突出的特征：${traits.join('；')}。` : `${size} What sets them apart: ${traits.join('; ')}.`;
}
