/** One Markdown card per persona, from the persona tables (report-data.ts). Pure. */
import type { PersonaView, ReportData } from './report-data.js';
import { featureLabel, text, valueLabel, type Language } from '../vocabulary.js';
import { formatInt, formatNumber, formatPercent, formatSigned } from '../format.js';
import { formatFeatureValue } from '../story.js';

export function traitLabel(t: { feature: string; value: string; kind: string }, language: Language): string {
  if (t.kind === 'numeric') return featureLabel(t.feature, language);
  if (t.feature.startsWith('tag.')) return `${featureLabel(t.feature, language)}${t.value === 'yes' ? '' : ` = ${valueLabel(t.value, language)}`}`;
  return `${featureLabel(t.feature, language)} = ${valueLabel(t.value, language)}`;
}

export function topTraits(p: PersonaView, n: number): PersonaView['traits'] {
  return p.traits.filter((t) => t.rank !== null).slice(0, n);
}

const MIX_GROUPS: Record<string, readonly string[]> = {
  mixes: ['category', 'channel'],
  rfmLifecycle: ['rfm_segment', 'lifecycle_stage'],
  profileMix: ['age_band', 'gender', 'city'],
};

export function mixLine(p: PersonaView, mix: string, data: ReportData): string {
  const rows = p.mixes.filter((m) => m.mix === mix);
  const shown = rows.filter((m) => !m.suppressed).map((m) => `${valueLabel(m.value, data.language)} ${formatPercent(m.share, data.language)}`);
  const hidden = rows.filter((m) => m.suppressed).length;
  const mark = hidden > 0 ? (data.language === 'zh' ? `；另 ${hidden} 项${text('suppressed', data.language, data.minGroupSize)}` : `; ${hidden} more: ${text('suppressed', data.language, data.minGroupSize)}`) : '';
  return `${shown.join(data.language === 'zh' ? '、' : ', ') || '–'}${mark}`;
}

export function cardMarkdown(p: PersonaView, data: ReportData): string {
  const l = data.language;
  const lines: string[] = [`# ${p.name} (${p.persona_id})`, ''];
  if (p.suppressed) {
    lines.push(text('suppressed', l, data.minGroupSize), '');
    return lines.join('\n');
  }
  lines.push(`**${formatInt(p.customers)}** ${text('customers', l)} · ${text('shareOfCustomers', l)} ${formatPercent(p.share, l)} · ${text('shareOfRevenue', l)} ${formatPercent(p.revenue_share, l)} · ${text('shareOfClv', l)} ${formatPercent(p.clv_share, l)}`, '');
  lines.push(p.description ?? '', '');
  lines.push(`## ${text('differentiators', l)}`, '', `| ${text('feature', l)} | ${text('persona', l)} | ${text('everyoneElse', l)} | ${text('effect', l)} | ${text('lift', l)} |`, '|---|---:|---:|---:|---:|');
  for (const t of topTraits(p, 8)) {
    const a = t.kind === 'numeric' ? `${formatFeatureValue(t.feature, t.in_mean, l)} (${text('median', l)} ${formatFeatureValue(t.feature, t.in_median, l)})` : formatPercent(t.in_share, l);
    const b = t.kind === 'numeric' ? `${formatFeatureValue(t.feature, t.rest_mean, l)} (${text('median', l)} ${formatFeatureValue(t.feature, t.rest_median, l)})` : formatPercent(t.rest_share, l);
    lines.push(`| ${traitLabel(t, l)} | ${a} | ${b} | ${formatSigned(t.effect)} | ${t.lift === null ? '–' : `${formatNumber(t.lift, 2)}×`} |`);
  }
  lines.push('');
  for (const [title, mixes] of Object.entries(MIX_GROUPS)) {
    lines.push(`## ${text(title, l)}`, '');
    for (const mix of mixes) lines.push(`- ${featureLabel(mix, l)}: ${mixLine(p, mix, data)}`);
    lines.push('');
  }
  lines.push(`## ${text('clvDistribution', l)}`, '', `| | P10 | P25 | P50 | P75 | P90 |`, '|---|---:|---:|---:|---:|---:|');
  for (const measure of ['clv', 'p_alive']) {
    const qs = p.quantiles.filter((q) => q.measure === measure);
    lines.push(`| ${featureLabel(measure, l)} | ${qs.map((q) => (q.suppressed ? text('suppressedMark', l, data.minGroupSize) : measure === 'p_alive' ? formatPercent(q.value, l) : formatNumber(q.value))).join(' | ')} |`);
  }
  lines.push('', `## ${text('reach', l)}`, '', `| ${text('channel', l)} | ${text('reachable', l)} | ${text('share', l)} |`, '|---|---:|---:|');
  for (const r of p.reach) lines.push(`| ${valueLabel(r.channel, l)} | ${r.suppressed ? text('suppressedMark', l, data.minGroupSize) : formatInt(r.customers ?? 0)} | ${r.suppressed ? '–' : formatPercent(r.share, l)} |`);
  lines.push('', `## ${text('approach', l)}`, '', `- **${text('channel', l)}**: ${p.approach_channel ?? '–'}`, `- **${text('offer', l)}**: ${p.approach_offer ?? '–'}`, `- **${text('timing', l)}**: ${p.approach_timing ?? '–'}`, '');
  return lines.join('\n');
}
