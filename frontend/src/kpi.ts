// Pipeline KPIs (GET /scenarios/{id}/kpis, docs/api.md "Pipeline KPIs"):
// the fields and their units, number formats, the period the map, the
// territory panel and the KPI table share, the legend title and the CSV of
// the table. Pure: the views are in pipeline.ts.
import type { KPIs, KPIGroup } from './types';
import { money, percent, count, ratio, csv } from './format';

const dash = '—';

/** The groupings of GET …/kpis. */
export type KpiBy = 'territory' | 'rep' | 'region' | 'manager';
export const kpiBys: KpiBy[] = ['territory', 'rep', 'region', 'manager'];
export const kpiByLabel: Record<KpiBy, string> = { territory: 'Territory', rep: 'Rep', region: 'Region', manager: 'Manager' };

/** The numeric fields of a KPI group that are shown. */
export type KpiField =
  | 'opportunities' | 'won' | 'lost' | 'open' | 'win_rate' | 'win_rate_value' | 'won_value' | 'avg_won_deal'
  | 'cycle_days_median' | 'cycle_days_mean' | 'open_value' | 'velocity_per_day' | 'stale_open' | 'quota'
  | 'attainment' | 'coverage';

/** How a field reads: rate = fraction shown as a percentage, days with one decimal, money in dollars. */
export type KpiKind = 'count' | 'rate' | 'money' | 'days' | 'velocity' | 'ratio';

export interface KpiDef {
  field: KpiField;
  label: string; // for people, without the unit
  kind: KpiKind;
}

/** kpiDefs lists the fields in the order of the KPI table. */
export const kpiDefs: KpiDef[] = [
  { field: 'opportunities', label: 'Opportunities', kind: 'count' },
  { field: 'won', label: 'Won', kind: 'count' },
  { field: 'lost', label: 'Lost', kind: 'count' },
  { field: 'open', label: 'Open', kind: 'count' },
  { field: 'win_rate', label: 'Win rate', kind: 'rate' },
  { field: 'win_rate_value', label: 'Win rate by value', kind: 'rate' },
  { field: 'won_value', label: 'Won value', kind: 'money' },
  { field: 'avg_won_deal', label: 'Average won deal', kind: 'money' },
  { field: 'cycle_days_median', label: 'Cycle days (median)', kind: 'days' },
  { field: 'cycle_days_mean', label: 'Cycle days (mean)', kind: 'days' },
  { field: 'open_value', label: 'Open pipeline', kind: 'money' },
  { field: 'velocity_per_day', label: 'Velocity', kind: 'velocity' },
  { field: 'stale_open', label: 'Stale open deals', kind: 'count' },
  { field: 'quota', label: 'Quota', kind: 'money' },
  { field: 'attainment', label: 'Attainment', kind: 'rate' },
  { field: 'coverage', label: 'Coverage', kind: 'ratio' },
];

/** kpiMapFields are the KPIs the map can be coloured by, in the order of the "Colour by" list. */
export const kpiMapFields: KpiField[] = [
  'win_rate', 'win_rate_value', 'won_value', 'avg_won_deal', 'cycle_days_median', 'open_value',
  'velocity_per_day', 'stale_open', 'attainment', 'coverage', 'opportunities',
];

export function kpiDef(field: KpiField): KpiDef {
  return kpiDefs.find((d) => d.field === field)!;
}

/** unitOf is the unit a kind is written in, for column heads and the CSV ("" for counts). */
export function kpiUnit(kind: KpiKind): string {
  switch (kind) {
    case 'rate': return '%';
    case 'money': return '$';
    case 'days': return 'days';
    case 'velocity': return '$/day';
    case 'ratio': return '×';
    default: return '';
  }
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** kpiValue reads a field of a group; null when it has no value (a ratio without denominator). */
export function kpiValue(g: KPIGroup | null | undefined, field: KpiField): number | null {
  const v = g?.[field];
  return finite(v) ? v : null;
}

/**
 * fmtKpi writes a value for people: money as format.ts money, rates as
 * percentages, days with one decimal ("12.5 days" with the unit), velocity
 * in dollars per day, coverage as a multiple, null as "—".
 */
export function fmtKpi(kind: KpiKind, v: number | null | undefined, withUnit = true): string {
  if (!finite(v)) return dash;
  switch (kind) {
    case 'rate': return percent(v);
    case 'money': return money(v);
    case 'days': {
      const s = count(Math.round(v * 10) / 10, false, 1).replace(/^(-?[\d,]+)$/, '$1.0');
      return withUnit ? `${s} ${s === '1.0' ? 'day' : 'days'}` : s;
    }
    case 'velocity': return money(v) + (withUnit ? '/day' : '');
    case 'ratio': return ratio(v);
    default: return count(v);
  }
}

/** kpiValues maps each group key (territory id, rep, …) of an answer to a field's value. */
export function kpiValues(k: KPIs | null | undefined, field: KpiField): Map<string, number | null> {
  const m = new Map<string, number | null>();
  for (const g of k?.groups ?? []) m.set(g.key, kpiValue(g, field));
  return m;
}

/** groupName is how a group is named for people: its name, else its key. */
export function groupName(g: Pick<KPIGroup, 'key' | 'name'>): string {
  return g.name || g.key;
}

// ---------- the period ----------

export type PeriodPreset = 'all' | 'last12' | 'this_year' | 'last_year' | 'custom';

/** A Period selects the deals the KPIs count: from/to are inclusive YYYY-MM-DD dates, null = unbounded. */
export interface Period {
  preset: PeriodPreset;
  from: string | null;
  to: string | null;
}

export const periodPresets: { key: PeriodPreset; label: string }[] = [
  { key: 'all', label: 'All dates' },
  { key: 'last12', label: 'Last 12 months' },
  { key: 'this_year', label: 'This year' },
  { key: 'last_year', label: 'Last year' },
  { key: 'custom', label: 'Custom dates' },
];

export const allDates: Period = { preset: 'all', from: null, to: null };

function ymd(y: number, m: number, d: number): string {
  // Date.UTC normalises overflowing days and months (e.g. 31 February).
  return new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
}

/**
 * presetPeriod is the period of a quick choice on the calendar day today
 * (the browser's): the last 12 months end today and start the day after
 * the same day a year before; this year and last year are calendar years.
 * A custom preset keeps the dates of cur.
 */
export function presetPeriod(preset: PeriodPreset, today: Date, cur: Period = allDates): Period {
  const y = today.getFullYear();
  const m = today.getMonth();
  const d = today.getDate();
  switch (preset) {
    case 'all': return { preset, from: null, to: null };
    case 'last12': return { preset, from: ymd(y - 1, m, d + 1), to: ymd(y, m, d) };
    case 'this_year': return { preset, from: `${y}-01-01`, to: `${y}-12-31` };
    case 'last_year': return { preset, from: `${y - 1}-01-01`, to: `${y - 1}-12-31` };
    default: return { preset: 'custom', from: cur.from, to: cur.to };
  }
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** periodProblem says what is wrong with a period's dates, for people, or null when they can be asked for. */
export function periodProblem(p: Period): string | null {
  for (const [name, v] of [['From', p.from], ['To', p.to]] as const) {
    if (v !== null && !(isoDate.test(v) && ymd(+v.slice(0, 4), +v.slice(5, 7) - 1, +v.slice(8, 10)) === v)) return `${name}: “${v}” is not a date.`;
  }
  if (p.from && p.to && p.from > p.to) return `From ${p.from} is after to ${p.to}.`;
  return null;
}

/** periodLabel names the period: "2025-01-01 – 2025-12-31", "from 2025-01-01", "until 2025-12-31" or "all dates". */
export function periodLabel(p: Pick<Period, 'from' | 'to'>): string {
  if (p.from && p.to) return `${p.from} – ${p.to}`;
  if (p.from) return `from ${p.from}`;
  if (p.to) return `until ${p.to}`;
  return 'all dates';
}

/** periodQuery is the from/to part of a KPI request's query ("" for all dates). */
export function periodQuery(p: Pick<Period, 'from' | 'to'>): string {
  return (p.from ? '&from=' + p.from : '') + (p.to ? '&to=' + p.to : '');
}

/** kpiLegendTitle is the map legend's title for a KPI: "Win rate, 2025-01-01 – 2025-12-31". */
export function kpiLegendTitle(field: KpiField, p: Pick<Period, 'from' | 'to'>): string {
  const d = kpiDef(field);
  const unit = d.kind === 'velocity' ? ' ($/day)' : d.kind === 'days' ? ' (days)' : '';
  return `${d.label}${unit}, ${periodLabel(p)}`;
}

// ---------- the table's CSV ----------

/** csvNumber is a value as the CSV holds it: percentages for rates, cents for money, one decimal for days; null is empty. */
export function csvNumber(kind: KpiKind, v: number | null | undefined): number | null {
  if (!finite(v)) return null;
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  switch (kind) {
    case 'rate': return round(v * 100, 2);
    case 'money':
    case 'velocity': return round(v, 2);
    case 'days': return round(v, 1);
    case 'ratio': return round(v, 3);
    default: return v;
  }
}

/** csvHead is a column's head in the CSV, with its unit: "Win rate (%)". */
export function csvHead(d: KpiDef): string {
  const u = kpiUnit(d.kind);
  return u ? `${d.label} (${u})` : d.label;
}

/**
 * kpiCSV renders the KPI table as shown: the rows in their order, then the
 * total, with the columns shown.
 */
export function kpiCSV(by: KpiBy, rows: KPIGroup[], total: KPIGroup | null | undefined, defs: KpiDef[] = kpiDefs): string {
  const line = (name: string, g: KPIGroup) => [name, ...defs.map((d) => csvNumber(d.kind, kpiValue(g, d.field)))];
  const body = rows.map((g) => line(groupName(g), g));
  if (total) body.push(line('Total', total));
  return csv([kpiByLabel[by], ...defs.map(csvHead)], body);
}

/** kpiFileName names the CSV: "Baseline-kpis-by-rep-2025-01-01-2025-12-31.csv". */
export function kpiFileName(scenario: string, by: KpiBy, p: Pick<Period, 'from' | 'to'>): string {
  const period = p.from || p.to ? `-${p.from ?? 'start'}-${p.to ?? 'end'}` : '-all-dates';
  return `${scenario.replace(/[^\w.-]+/g, '_')}-kpis-by-${by}${period}.csv`;
}
