/** A plain text table for terminals and logs: left-aligned text, right-aligned numbers. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = rows.map((row) => row.map((c) => (c === null || c === undefined ? '' : typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => row[i] === null || row[i] === undefined || typeof row[i] === 'number'));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const render = (row: readonly string[]) =>
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(headers), render(widths.map((w) => '-'.repeat(w))), ...cells.map(render)].join('\n');
}
