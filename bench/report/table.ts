// Plain-text tables for the terminal (GitHub markdown pipes, so the same text pastes into docs).

export type Cell = string | number | undefined;

/** A number as a reader wants it in a table: no false precision, thousands separated. */
export function formatNumber(value: number | undefined, digits?: number): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  // Small ratios (a system 1,000 times slower than its baseline) keep two significant digits instead of 0.00.
  if (digits === undefined && value !== 0 && Math.abs(value) < 0.01) return value.toPrecision(2);
  const decimals = digits ?? (Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function renderTable(headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) => headers.map((_, i) => cellText(row[i])));
  const widths = headers.map((header, i) => Math.max(header.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, i) => (isNumeric(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...text.map(line)].join('\n');
}

function cellText(cell: Cell): string {
  if (cell === undefined) return '-';
  return typeof cell === 'number' ? formatNumber(cell) : cell;
}

function isNumeric(cell: string): boolean {
  return /^[-+]?[\d,.]+( ?[x%])?$/.test(cell);
}
