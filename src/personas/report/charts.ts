/**
 * Charts as inline SVG strings, rendered in Node by echarts' server-side SVG renderer (no DOM,
 * no canvas, no network). animation off so the output is the final picture, and the same input
 * gives the same bytes.
 */
import * as echarts from 'echarts';

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif';
export const PALETTE = ['#3b6ea8', '#e07b39', '#4f9d69', '#c4504a', '#8a6bb0', '#9a7b4f', '#d17fb0', '#7f7f7f', '#b5b83a', '#3bb0b5'];

export function renderChart(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: FONT, fontSize: 12 }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Horizontal bars: one row per label (top to bottom), one series per entry of `series`. */
export function barChart(labels: readonly string[], series: readonly { name: string; values: readonly (number | null)[] }[], options: { width: number; height?: number; percent?: boolean; signed?: boolean }): string {
  const height = options.height ?? Math.max(120, 40 + labels.length * (series.length > 1 ? 30 : 24));
  return renderChart(
    {
      grid: { left: 8, right: 48, top: series.length > 1 ? 28 : 8, bottom: 8, containLabel: true },
      legend: series.length > 1 ? { top: 0, data: series.map((s) => s.name) } : undefined,
      xAxis: { type: 'value', axisLabel: { formatter: options.percent ? (v: number) => `${Math.round(v * 100)}%` : undefined }, splitLine: { lineStyle: { color: '#e5e5e5' } } },
      yAxis: { type: 'category', inverse: true, data: [...labels], axisLabel: { width: 200, overflow: 'truncate' } },
      series: series.map((s) => ({
        type: 'bar',
        name: s.name,
        data: s.values.map((v) => (v === null ? null : options.signed ? { value: v, itemStyle: { color: v >= 0 ? '#3b6ea8' : '#c4504a' } } : v)),
        label: { show: true, position: 'right', fontSize: 10, formatter: (p: { value: number }) => (options.percent ? `${(p.value * 100).toFixed(p.value >= 0.1 ? 0 : 1)}%` : (p.value ?? 0).toFixed(2)) },
      })),
    },
    options.width,
    height,
  );
}

/** A heatmap of rows × columns (values are effect sizes, clipped to ±1.5 for the colour). */
export function heatmap(rows: readonly string[], columns: readonly string[], cells: readonly [number, number, number | null][], width: number, legend: readonly [string, string]): string {
  const height = 80 + rows.length * 34;
  return renderChart(
    {
      grid: { left: 8, right: 8, top: 8, bottom: 70, containLabel: true },
      xAxis: { type: 'category', data: [...columns], axisLabel: { rotate: 30, interval: 0, fontSize: 10 }, splitArea: { show: true } },
      yAxis: { type: 'category', inverse: true, data: [...rows], axisLabel: { width: 190, overflow: 'truncate' } },
      visualMap: { min: -1.5, max: 1.5, calculable: false, text: [...legend], orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#c4504a', '#f7f7f7', '#3b6ea8'] }, textStyle: { fontSize: 10 } },
      series: [{ type: 'heatmap', data: cells.map(([x, y, v]) => [x, y, v === null ? '-' : v]), label: { show: true, fontSize: 10, formatter: (p: { value: [number, number, number | string] }) => (typeof p.value[2] === 'number' ? p.value[2].toFixed(1) : '') } }],
    },
    width,
    height,
  );
}

/** Box plots from [p10, p25, p50, p75, p90] per row. */
export function boxChart(labels: readonly string[], boxes: readonly (readonly number[])[], width: number): string {
  return renderChart(
    {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', splitLine: { lineStyle: { color: '#e5e5e5' } } },
      yAxis: { type: 'category', inverse: true, data: [...labels] },
      series: [{ type: 'boxplot', data: boxes.map((b) => [...b]), itemStyle: { color: '#dbe6f3', borderColor: '#3b6ea8' } }],
    },
    width,
    60 + labels.length * 36,
  );
}
