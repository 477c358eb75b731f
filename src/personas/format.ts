/** Number formatting for cards and the report (fixed locale rules: no dependence on the machine). Pure. */
import type { Language } from './vocabulary.js';

export function formatInt(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatNumber(n: number | null, digits = 1): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1000) return formatInt(n);
  return n.toFixed(abs >= 100 ? 0 : digits);
}

export function formatPercent(share: number | null, language: Language): string {
  if (share === null || !Number.isFinite(share)) return '–';
  const v = (share * 100).toFixed(share * 100 >= 10 || share === 0 ? 0 : 1);
  return language === 'zh' ? `${v}%` : `${v} %`;
}

export function formatSigned(n: number | null): string {
  if (n === null) return '–';
  return `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}`;
}
