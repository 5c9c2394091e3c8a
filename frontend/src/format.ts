// Formatting of money, shares and counts for people.

const dash = '—';

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** money formats dollars compactly: $1.2M, $350k, $900. */
export function money(v: number | null | undefined, signed = false): string {
  if (!finite(v)) return dash;
  const sign = v < 0 ? '−' : signed && v > 0 ? '+' : '';
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e9) s = trim(a / 1e9) + 'B';
  else if (a >= 1e6) s = trim(a / 1e6) + 'M';
  else if (a >= 1e3) s = trim(a / 1e3) + 'k';
  else if (a < 10 && !Number.isInteger(a)) s = a.toFixed(2);
  else s = Math.round(a).toString();
  return sign + '$' + s;
}

function trim(x: number): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  const s = x.toFixed(digits);
  return digits === 0 ? s : s.replace(/\.?0+$/, '');
}

/** percent formats a fraction (0.123) as "12.3%". */
export function percent(v: number | null | undefined, signed = false): string {
  if (!finite(v)) return dash;
  const p = v * 100;
  const sign = p < 0 ? '−' : signed && p > 0 ? '+' : '';
  const a = Math.abs(p);
  return sign + (a >= 10 ? a.toFixed(1) : a.toFixed(2)).replace(/\.0+$|(\.\d*?)0+$/, '$1') + '%';
}

/** count formats a whole or fractional number with thousands separators. */
export function count(v: number | null | undefined, signed = false, digits = 1): string {
  if (!finite(v)) return dash;
  const sign = v < 0 ? '−' : signed && v > 0 ? '+' : '';
  const a = Math.abs(v);
  const s = Number.isInteger(a)
    ? a.toLocaleString('en-US')
    : a.toLocaleString('en-US', { maximumFractionDigits: digits });
  return sign + s;
}

/** ratio formats a dimensionless number such as dollars of revenue per dollar: 1.23×. */
export function ratio(v: number | null | undefined): string {
  if (!finite(v)) return dash;
  return (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) + '×';
}

/** byResource formats a resource amount in its unit ("$" for dollars, otherwise the unit name). */
export function amount(v: number | null | undefined, unit: string, signed = false): string {
  if (isMoney(unit)) return money(v, signed);
  const n = count(v, signed);
  return n === dash ? n : `${n} ${shortUnit(unit)}`;
}

/** isMoney tells whether a resource unit is dollars ("dollars", "dollars per year", "$", "USD"). */
export function isMoney(unit: string | undefined): boolean {
  return !!unit && /^(\$|usd|dollars?)(\b|$)/i.test(unit.trim());
}

/** shortUnit drops the period from a unit: "manager hours per year" → "manager hours". */
export function shortUnit(unit: string): string {
  return unit.replace(/\s+per\s+(year|period|month|quarter)$/i, '');
}

/** csvCell quotes a value for CSV (RFC 4180). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** csv renders rows of cells as CSV text with a header. */
export function csv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** dateTime formats an ISO timestamp as "2026-11-22 22:40 UTC". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return dash;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
