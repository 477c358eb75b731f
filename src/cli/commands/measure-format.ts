/**
 * The terminal view of a measurement: one line per segment × arm × metric, the plain estimate and,
 * with a covariate, the adjusted one beside it with the interval width it saves. Rates are shown
 * in per cent and their uplift in percentage points; other metrics as plain numbers.
 */
import { formatTable } from '../format-table.js';
import type { ResultRow } from '../../measure/experiment.js';

const signed = (v: number, digits: number, unit = '') => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}${unit}`;

function value(row: ResultRow, v: number | null): string {
  if (v === null) return '';
  return row.kind === 'rate' ? `${(v * 100).toFixed(2)} %` : v.toFixed(4);
}

function uplift(row: ResultRow, v: number | null): string {
  if (v === null) return '';
  return row.kind === 'rate' ? signed(v * 100, 2, ' pp') : signed(v, 4);
}

function interval(row: ResultRow, low: number | null, high: number | null): string {
  if (low === null || high === null) return '';
  return `[${uplift(row, low)}, ${uplift(row, high)}]`;
}

function pValue(p: number | null): string {
  if (p === null) return '';
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

/** Pads every cell of a column to one width on the left, so formatTable's left alignment right-aligns numbers. */
function rightAlign(rows: string[][], columns: readonly number[], headers: readonly string[]): string[][] {
  for (const c of columns) {
    const width = Math.max(headers[c]!.length, ...rows.map((r) => r[c]!.length));
    for (const r of rows) r[c] = r[c]!.padStart(width);
  }
  return rows;
}

export function formatResults(rows: readonly ResultRow[]): string {
  const adjustedRows = new Map(rows.filter((r) => r.adjusted === 1).map((r) => [`${r.segment}\u0000${r.arm}\u0000${r.metric}`, r]));
  const hasAdjusted = adjustedRows.size > 0;
  const hasSegments = rows.some((r) => r.segment !== '');
  const hasRoi = rows.some((r) => r.roi !== null || r.cost_per_incremental !== null);
  const lines: string[][] = [];
  for (const row of rows.filter((r) => r.adjusted === 0)) {
    const adjusted = adjustedRows.get(`${row.segment}\u0000${row.arm}\u0000${row.metric}`);
    const relative = row.uplift_rel === null ? '' : `${signed(row.uplift_rel * 100, 1, ' %')} [${signed(row.uplift_rel_low! * 100, 1)}, ${signed(row.uplift_rel_high! * 100, 1)}]`;
    lines.push([
      ...(hasSegments ? [row.segment === '' ? '(all)' : row.segment] : []),
      row.arm,
      row.metric,
      row.n_arm.toLocaleString('en-US'),
      row.n_control.toLocaleString('en-US'),
      row.suppressed ? 'suppressed' : value(row, row.value_arm),
      value(row, row.value_control),
      uplift(row, row.uplift),
      interval(row, row.uplift_low, row.uplift_high),
      relative,
      pValue(row.p_value),
      row.incremental === null ? '' : signed(row.incremental, row.kind === 'rate' ? 1 : 2),
      ...(hasRoi ? [row.roi !== null ? signed(row.roi * 100, 0, ' %') : row.cost_per_incremental !== null ? `${row.cost_per_incremental.toFixed(2)}/conv` : ''] : []),
      ...(hasAdjusted ? [uplift(row, adjusted?.uplift ?? null), interval(row, adjusted?.uplift_low ?? null, adjusted?.uplift_high ?? null), adjusted?.width_saved == null ? '' : `${(adjusted.width_saved * 100).toFixed(2)} %`] : []),
    ]);
  }
  const headers = [
    ...(hasSegments ? ['segment'] : []),
    'arm',
    'metric',
    'n arm',
    'n control',
    'arm value',
    'control value',
    'uplift',
    '95 % interval',
    'relative [95 %]',
    'p',
    'incremental',
    ...(hasRoi ? ['ROI / cost'] : []),
    ...(hasAdjusted ? ['adj. uplift', 'adj. 95 % interval', 'width saved'] : []),
  ];
  const offset = hasSegments ? 1 : 0;
  const numeric = [2, 3, 4, 5, 6, 9, 10].map((c) => c + offset);
  if (hasRoi) numeric.push(11 + offset);
  if (hasAdjusted) numeric.push(headers.length - 3, headers.length - 1);
  return formatTable(headers, rightAlign(lines, numeric, headers));
}
