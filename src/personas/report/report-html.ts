/**
 * The self-contained HTML report: overview (sizes, value held, a map of how the personas differ),
 * a card per persona and a personas × key-features comparison. Charts are inline SVG from
 * charts.ts; no script, no font or style from the network; prints on A4 with a page per card.
 */
import type { PersonaView, ReportData } from './report-data.js';
import { KEY_FEATURES } from './report-data.js';
import { barChart, boxChart, heatmap } from './charts.js';
import { cardMarkdown, mixLine, topTraits, traitLabel } from './cards.js';
import { featureLabel, text, valueLabel, type Language } from '../vocabulary.js';
import { formatInt, formatPercent, formatSigned } from '../format.js';
import { formatFeatureValue } from '../story.js';

void cardMarkdown;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --accent: #3b6ea8; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1000px; padding: 24px; line-height: 1.45; font-size: 14px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; color: var(--accent); }
.meta { color: var(--muted); margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
section.comparison table { font-size: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 24px 0; }
.card h2 { border: none; margin-top: 0; }
.kpis { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 12px; }
.kpi { background: #f3f6fa; border-radius: 6px; padding: 6px 12px; }
.kpi b { display: block; font-size: 18px; }
.story { font-size: 15px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px 24px; }
.chart svg { max-width: 100%; height: auto; }
.approach dt { font-weight: bold; } .approach dd { margin: 0 0 6px 0; }
.suppressed { color: var(--muted); font-style: italic; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .card { page-break-before: always; break-before: page; border: none; padding: 0; margin: 0; }
  .grid > div, table, .chart { break-inside: avoid; }
  section.overview, section.comparison { break-after: page; }
}
`;

function cardHtml(p: PersonaView, data: ReportData): string {
  const l = data.language;
  if (p.suppressed) return `<section class="card" id="${esc(p.persona_id)}"><h2>${esc(p.name)} <small>${esc(p.persona_id)}</small></h2><p class="suppressed">${esc(text('suppressed', l, data.minGroupSize))}</p></section>`;
  const traits = topTraits(p, 8);
  const diffChart = traits.length > 0 ? barChart(traits.map((t) => traitLabel(t, l)), [{ name: text('effect', l), values: traits.map((t) => t.effect) }], { width: 460, signed: true }) : '';
  const mixChart = (mix: string): string => {
    const rows = p.mixes.filter((m) => m.mix === mix && !m.suppressed);
    // One value (all 'unknown', say) is said in words below, not drawn.
    return rows.length > 1 ? barChart(rows.map((m) => valueLabel(m.value, l)), [{ name: featureLabel(mix, l), values: rows.map((m) => m.share) }], { width: 460, percent: true }) : '';
  };
  const boxes = (['clv'] as const).map((m) => p.quantiles.filter((q) => q.measure === m && !q.suppressed).map((q) => q.value as number));
  const clvChart = boxes[0] && boxes[0].length === 5 ? boxChart([featureLabel('clv', l)], boxes, 460) : '';
  const rows = traits
    .map((t) => {
      const a = t.kind === 'numeric' ? formatFeatureValue(t.feature, t.in_mean, l) : formatPercent(t.in_share, l);
      const b = t.kind === 'numeric' ? formatFeatureValue(t.feature, t.rest_mean, l) : formatPercent(t.rest_share, l);
      return `<tr><td>${esc(traitLabel(t, l))}</td><td class="n">${esc(a)}</td><td class="n">${esc(b)}</td><td class="n">${esc(formatSigned(t.effect))}</td></tr>`;
    })
    .join('');
  const pAlive = p.quantiles.filter((q) => q.measure === 'p_alive');
  const clvRow = p.quantiles.filter((q) => q.measure === 'clv');
  const qCell = (q: { value: number | null; suppressed: number }, pct: boolean): string => `<td class="n">${q.suppressed ? esc(text('suppressedMark', l, data.minGroupSize)) : esc(pct ? formatPercent(q.value, l) : formatFeatureValue('clv', q.value, l))}</td>`;
  return `<section class="card" id="${esc(p.persona_id)}">
<h2>${esc(p.name)} <small style="color:#616e7c;font-weight:normal">${esc(p.persona_id)}</small></h2>
<div class="kpis"><div class="kpi"><b>${esc(formatInt(p.customers))}</b>${esc(text('customersLabel', l))}</div><div class="kpi"><b>${esc(formatPercent(p.share, l))}</b>${esc(text('shareOfCustomers', l))}</div><div class="kpi"><b>${esc(formatPercent(p.revenue_share, l))}</b>${esc(text('shareOfRevenue', l))}</div><div class="kpi"><b>${esc(formatPercent(p.clv_share, l))}</b>${esc(text('shareOfClv', l))}</div></div>
<p class="story">${esc(p.description ?? '')}</p>
<div class="grid">
<div><h3>${esc(text('differentiators', l))}</h3><div class="chart">${diffChart}</div>
<table><tr><th>${esc(text('feature', l))}</th><th class="n">${esc(text('persona', l))}</th><th class="n">${esc(text('everyoneElse', l))}</th><th class="n">${esc(text('effect', l))}</th></tr>${rows}</table></div>
<div><h3>${esc(text('approach', l))}</h3><dl class="approach"><dt>${esc(text('channel', l))}</dt><dd>${esc(p.approach_channel ?? '–')}</dd><dt>${esc(text('offer', l))}</dt><dd>${esc(p.approach_offer ?? '–')}</dd><dt>${esc(text('timing', l))}</dt><dd>${esc(p.approach_timing ?? '–')}</dd></dl>
<h3>${esc(text('reach', l))}</h3><table>${p.reach.map((r) => `<tr><td>${esc(valueLabel(r.channel, l))}</td><td class="n">${r.suppressed ? esc(text('suppressedMark', l, data.minGroupSize)) : esc(formatInt(r.customers ?? 0))}</td><td class="n">${r.suppressed ? '–' : esc(formatPercent(r.share, l))}</td></tr>`).join('')}</table>
<h3>${esc(text('clvDistribution', l))}</h3><div class="chart">${clvChart}</div>
<table><tr><th></th><th class="n">P10</th><th class="n">P25</th><th class="n">P50</th><th class="n">P75</th><th class="n">P90</th></tr><tr><td>${esc(featureLabel('clv', l))}</td>${clvRow.map((q) => qCell(q, false)).join('')}</tr><tr><td>${esc(featureLabel('p_alive', l))}</td>${pAlive.map((q) => qCell(q, true)).join('')}</tr></table></div>
${['category', 'channel'].map((m) => { const chart = mixChart(m); return chart ? `<div><h3>${esc(featureLabel(m, l))}</h3><div class="chart">${chart}</div></div>` : `<div><h3>${esc(featureLabel(m, l))}</h3><p>${esc(mixLine(p, m, data))}</p></div>`; }).join('\n')}
</div>
<h3>${esc(text('rfmLifecycle', l))}</h3><ul>${['rfm_segment', 'lifecycle_stage'].map((m) => `<li>${esc(featureLabel(m, l))}: ${esc(mixLine(p, m, data))}</li>`).join('')}</ul>
${profileMix(p, data)}
</section>`;
}

function profileMix(p: PersonaView, data: ReportData): string {
  const l = data.language;
  const known = ['age_band', 'gender', 'city'].filter((m) => p.mixes.some((x) => x.mix === m));
  if (known.length === 0) return '';
  return `<h3>${esc(text('profileMix', l))}</h3><ul>${known.map((m) => `<li>${esc(featureLabel(m, l))}: ${esc(mixLine(p, m, data))}</li>`).join('')}</ul>`;
}

function keyMeans(p: PersonaView, feature: string): { mean: number | null; effect: number | null } {
  const t = p.traits.find((x) => x.kind === 'numeric' && x.feature === feature && !x.suppressed);
  return { mean: t?.in_mean ?? null, effect: t?.effect ?? null };
}

export function reportHtml(data: ReportData): string {
  const l: Language = data.language;
  const shown = data.personas.filter((p) => !p.suppressed);
  // A feature on which no persona differs (constant in the data) is left out: a column of zeros says nothing.
  const features = KEY_FEATURES.filter((f) => shown.some((p) => Math.abs(keyMeans(p, f).effect ?? 0) >= 0.1));
  const sizes = shown.length > 0 ? barChart(shown.map((p) => p.name), [
    { name: text('shareOfCustomers', l), values: shown.map((p) => p.share) },
    { name: text('shareOfRevenue', l), values: shown.map((p) => p.revenue_share) },
    { name: text('shareOfClv', l), values: shown.map((p) => p.clv_share) },
  ], { width: 940, percent: true, height: 60 + shown.length * 72 }) : '';
  const cells: [number, number, number | null][] = [];
  shown.forEach((p, y) => features.forEach((f, x) => cells.push([x, y, keyMeans(p, f).effect])));
  const map = shown.length > 0 && features.length > 0 ? heatmap(shown.map((p) => p.name), features.map((f) => featureLabel(f, l)), cells, 940, [text('higher', l), text('lower', l)]) : '';
  const comparison = `<table><tr><th>${esc(text('persona', l))}</th><th class="n">${esc(text('customersLabel', l))}</th>${features.map((f) => `<th class="n">${esc(featureLabel(f, l))}</th>`).join('')}</tr>${shown
    .map((p) => `<tr><td>${esc(p.name)}</td><td class="n">${esc(formatInt(p.customers))}</td>${features.map((f) => `<td class="n">${esc(formatFeatureValue(f, keyMeans(p, f).mean, l))}</td>`).join('')}</tr>`)
    .join('')}</table>`;
  const hidden = data.personas.length - shown.length;
  return `<!DOCTYPE html>
<html lang="${l === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(text('title', l))}</title><style>${CSS}</style></head>
<body>
<section class="overview">
<h1>${esc(text('title', l))}</h1>
<p class="meta">${esc(text('asOf', l))} ${esc(data.asOf)} · ${esc(text('population', l))}: ${esc(formatInt(data.population))}${hidden > 0 ? ` · ${esc(text('hiddenPersonas', l, data.minGroupSize).replace('{k}', String(hidden)))}` : ''}</p>
<h2>${esc(text('sizes', l))}</h2><div class="chart">${sizes}</div>
<h2>${esc(text('map', l))}</h2><div class="chart">${map}</div>
</section>
<section class="comparison"><h2>${esc(text('comparison', l))}</h2>${comparison}</section>
${data.personas.map((p) => cardHtml(p, data)).join('\n')}
</body>
</html>
`;
}
