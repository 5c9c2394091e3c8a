// Formatting of money, shares and counts for people.

const dash = '—';

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * money formats dollars compactly: $1.2M, $350k, $900, and cents only for
 * amounts under $10 that have them ($1.58). An amount that rounds to nothing
 * is "$0", never "$0.00" or "+$0".
 */
export function money(v: number | null | undefined, signed = false): string {
  if (!finite(v)) return dash;
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e9) s = trim(a / 1e9) + 'B';
  else if (a >= 1e6) s = trim(a / 1e6) + 'M';
  else if (a >= 1e3) s = trim(a / 1e3) + 'k';
  else if (a < 10 && Math.round(a * 100) % 100 !== 0) s = a.toFixed(2);
  else s = Math.round(a).toString();
  if (/^0(\.0+)?$/.test(s)) return '$0';
  const sign = v < 0 ? '−' : signed && v > 0 ? '+' : '';
  return sign + '$' + s;
}

/** moneyRange formats a range of dollars: "$416k–$460k", or one amount when both ends read the same. */
export function moneyRange(lo: number | null | undefined, hi: number | null | undefined): string {
  const a = money(lo);
  const b = money(hi);
  if (a === dash || b === dash) return a === dash ? b : a;
  return a === b ? a : `${a}–${b}`;
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

/** count formats a whole or fractional number with thousands separators; what rounds to 0 has no sign. */
export function count(v: number | null | undefined, signed = false, digits = 1): string {
  if (!finite(v)) return dash;
  const a = Math.abs(v);
  const s = Number.isInteger(a)
    ? a.toLocaleString('en-US')
    : a.toLocaleString('en-US', { maximumFractionDigits: digits });
  if (s === '0') return s;
  const sign = v < 0 ? '−' : signed && v > 0 ? '+' : '';
  return sign + s;
}

/**
 * plural picks the singular or plural of a noun for a count: plural(1, 'rep')
 * is "rep", plural(2, 'rep') "reps"; an irregular plural can be given.
 */
export function plural(n: number, singular: string, pluralForm?: string): string {
  return n === 1 || n === -1 ? singular : pluralForm ?? singular + 's';
}

/** counted writes a count with its noun: "1 rep", "3 reps", "1,204 units". */
export function counted(n: number, singular: string, pluralForm?: string): string {
  return `${count(n)} ${plural(n, singular, pluralForm)}`;
}

/** singular turns a plural unit into its singular: "reps" → "rep", "manager hours" → "manager hour". */
export function singular(unit: string): string {
  return unit.replace(/([^s\s])s$/i, '$1');
}

/** ratio formats a dimensionless number such as dollars of revenue per dollar: 1.23×. */
export function ratio(v: number | null | undefined): string {
  if (!finite(v)) return dash;
  return (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) + '×';
}

/**
 * amount formats a resource amount in its unit ("$" for dollars, otherwise the
 * unit name, singular for one: "1 rep"). Integer resources round to whole units.
 */
export function amount(v: number | null | undefined, unit: string, signed = false, integer = false): string {
  if (isMoney(unit)) return money(v, signed);
  const n = count(finite(v) && integer ? Math.round(v) : v, signed);
  if (n === dash) return n;
  const u = shortUnit(unit);
  return `${n} ${/^[−+]?1$/.test(n) ? singular(u) : u}`;
}

/**
 * change formats a change of an amount: signed, and "no change" when it
 * rounds to nothing ("+0 manager hours" and "+$0" are never written).
 */
export function change(v: number | null | undefined, unit: string, integer = false): string {
  if (!finite(v)) return dash;
  const s = amount(v, unit, true, integer);
  return /^[+−]/.test(s) ? s : 'no change';
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

/** waitFor says how long to wait, for people: "30 seconds", "1 minute", "2 minutes". */
export function waitFor(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return counted(s, 'second');
  return counted(Math.ceil(s / 60), 'minute');
}
