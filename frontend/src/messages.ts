// What the app tells people when something goes wrong, and the plain-language
// sentences of run certificates and warnings: pure functions, unit tested.
import { ApiError } from './api';
import { waitFor, money, moneyRange, counted, count, percent } from './format';

/** errorText is an error as a sentence for people: the server's message, never an HTTP code. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const t = m.trim() || 'Something went wrong.';
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : s + '.';
}

/** loginErrorText explains a failed sign-in: wrong credentials, or how long to wait after too many attempts. */
export function loginErrorText(e: unknown): string {
  if (e instanceof ApiError && e.status === 401) return 'Wrong name or password.';
  if (e instanceof ApiError && e.status === 429) {
    return e.retryAfter !== null
      ? `Too many sign-in attempts. Try again in ${waitFor(e.retryAfter)}.`
      : 'Too many sign-in attempts. Wait a minute and try again.';
  }
  return errorText(e);
}

/** Objective is what an allocation maximises: revenue, or profit (revenue less what the resources cost). */
export type Objective = 'revenue' | 'profit';

/** AllocationCertificate is the part of an allocation run's result its certificate speaks of. */
export interface AllocationCertificate {
  status: string;
  objective: number; // dollars per year: revenue, or profit with the profit objective
  bound: number; // dollars per year: no allocation within the limits does better
  gap: number;
  total_revenue?: number; // dollars per year
  conflicts?: string[];
}

/**
 * allocationSentence is the one sentence a sales leader reads first about an
 * allocation: how good it is, in dollars, against the best any allocation
 * within the limits could do — in profit when profit is the objective.
 */
export function allocationSentence(res: AllocationCertificate, objective: Objective): string {
  if (res.status === 'infeasible') {
    const why = res.conflicts?.length ? `: ${res.conflicts.join('; ')}` : '';
    return `No allocation meets all your limits at once${why}. Loosen one of them and run again.`;
  }
  // The bound is never below the plan: rounding in the solver can leave it a hair under.
  const bound = Math.max(res.bound, res.objective);
  const profit = objective === 'profit';
  const best = profit
    ? `No other allocation within your limits makes more than ${money(bound)} of profit; this plan makes ${money(res.objective)}`
    : `No other allocation within your limits earns more than ${money(bound)}; this plan earns ${money(res.objective)}`;
  const rev = profit && typeof res.total_revenue === 'number' ? ` of profit, from ${money(res.total_revenue)} of revenue` : '';
  return best + rev + '.';
}

/** AlignmentCertificate is the part of an alignment run's result its certificate speaks of. */
export interface AlignmentCertificate {
  k: number;
  feasible: boolean;
  contiguous: boolean;
  balance_min: number; // dollars per year of market
  balance_max: number;
  moved: number; // share of market
  from_current: boolean;
  oversize: string[] | null;
  /** The band of every balance measure (market first when it is balanced); absent on older runs. */
  balances?: BandOfMeasure[] | null;
}

/** BandOfMeasure is one balance measure's band and worst territory in a run's alignment summary. */
export interface BandOfMeasure {
  measure: string; // market, accounts, workload or revenue
  min: number; // in the measure's unit
  max: number;
  worst_slack: number; // smallest min(load − min, max − load); negative: outside the band
  worst_territory: string;
  worst_load: number;
  outside: number; // territories outside the band
  reps_per_territory?: number;
}

/** The balance measures a scenario can balance on, in the order the editor offers them. */
export const MEASURES = ['market', 'accounts', 'workload', 'revenue'] as const;

/** measureLabel names a balance measure for people. */
export function measureLabel(m: string): string {
  return ({ market: 'Market', accounts: 'Accounts', workload: 'Workload (hours a year)', revenue: 'Current revenue' } as Record<string, string>)[m] ?? m;
}

/** measureAmount formats an amount of a measure: "$1.2M", "1,204 accounts", "1,380 hours". */
export function measureAmount(m: string, v: number): string {
  if (m === 'market' || m === 'revenue') return money(v);
  if (m === 'accounts') return counted(Math.round(v), 'account');
  if (m === 'workload') return counted(Math.round(v), 'hour');
  return count(v);
}

/** bandText is a measure's band as a phrase: "$416k–$460k of market", "95–116 accounts", "1,150–1,400 hours of work a year". */
export function bandText(b: Pick<BandOfMeasure, 'measure' | 'min' | 'max'>): string {
  const r = (x: number) => count(Math.round(x));
  switch (b.measure) {
    case 'market': return moneyRange(b.min, b.max) + ' of market';
    case 'revenue': return moneyRange(b.min, b.max) + ' of current revenue';
    case 'accounts': return `${r(b.min)}–${r(b.max)} accounts`;
    case 'workload': return `${r(b.min)}–${r(b.max)} hours of work a year`;
  }
  return `${r(b.min)}–${r(b.max)} ${b.measure}`;
}

/** joinAnd joins phrases for a sentence: "a", "a and b", "a, b and c". */
function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : xs.slice(0, -1).join(', ') + ' and ' + xs[xs.length - 1];
}

/** alignmentSentence is the one sentence a sales leader reads first about redrawn territories. */
export function alignmentSentence(al: AlignmentCertificate): string {
  const single = al.oversize?.length ?? 0;
  const band = moneyRange(al.balance_min, al.balance_max);
  const parts = [`${counted(al.k, 'territory', 'territories')} redrawn`];
  if (single) parts[0] += ` (${counted(single, 'county', 'counties')} too large or too isolated to share a territory ${single === 1 ? 'is' : 'are'} ${single === 1 ? 'a territory of its own' : 'territories of their own'})`;
  const rest = al.k - single;
  const bands = al.balances ?? [];
  if (bands.length > 1 || (bands.length === 1 && bands[0].measure !== 'market')) {
    // several measures (or one other than market): name every band
    const who = rest === al.k ? (al.k === 1 ? 'it holds' : 'each holds') : `the other ${counted(rest, 'holds', 'each hold')}`;
    const missed = bands.filter((b) => b.outside > 0).map((b) => `${counted(b.outside, 'territory misses', 'territories miss')} the band on ${measureLabel(b.measure).toLowerCase().replace(/ \(.*\)$/, '')}`);
    parts.push(al.feasible || missed.length === 0
      ? `${who} ${joinAnd(bands.map(bandText))}`
      : `some miss a band (${joinAnd(missed)})`);
  } else {
    parts.push(al.feasible
      ? `${rest === al.k ? (al.k === 1 ? 'it holds' : 'each holds') : `the other ${counted(rest, 'holds', 'each hold')}`} between ${band.replace('–', ' and ')} of market`
      : `some miss the balance band of ${band}`);
  }
  parts.push(al.contiguous ? (al.k === 1 ? 'it is in one piece' : 'each is in one piece') : 'some are in several pieces');
  const moved = al.from_current ? `; ${percent(al.moved)} of the market changed territory` : '; the territories are new';
  return `${parts[0]}: ${parts.slice(1).join(', ')}${moved}.`;
}

/** gainLoss writes what a territory gains and loses: "+3 / −1", "+$120k", "−$30k", or "no change". */
export function gainLoss(gained: number, lost: number, fmt: (v: number) => string): string {
  const parts: string[] = [];
  if (gained) parts.push('+' + fmt(gained));
  if (lost) parts.push('−' + fmt(lost));
  return parts.length ? parts.join(' / ') : 'no change';
}

/** headcountChange writes a territory's reps before and after publishing: "4 → 0 reps", "2 reps", "—". */
export function headcountChange(before: number | null | undefined, after: number | null | undefined): string {
  const n = (v: number | null | undefined) => (typeof v === 'number' ? v : null);
  const b = n(before);
  const a = n(after);
  if (b === null && a === null) return '—';
  if (b === a) return `${counted(a!, 'rep')}, no change`;
  return `${b === null ? 'none' : count(b)} → ${a === null ? 'none' : counted(a, 'rep')}`;
}

/**
 * auditLines turns an audit entry's detail (JSON text written by the store)
 * into lines for people: "budget: $2.44M → $2.2M" for a change, "Alpine
 * County: CA → NV" for a unit moved, "settings.locks: none → CA" for each
 * setting that changed. Nothing is cut mid-value: long lists say how many
 * more there are.
 */
export function auditLines(detail: string | null | undefined): string[] {
  if (!detail) return [];
  let v: unknown;
  try {
    v = JSON.parse(detail);
  } catch {
    return [detail];
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [show(v)];
  const out: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'moves' && Array.isArray(x)) {
      for (const m of x.slice(0, 20) as { unit_id?: string; unit_name?: string; from?: string; to?: string }[]) {
        out.push(`${m.unit_name ? `${m.unit_name} (${m.unit_id})` : m.unit_id}: ${m.from || 'none'} → ${m.to}`);
      }
      if (x.length > 20) out.push(`and ${counted(x.length - 20, 'more unit')}`);
      continue;
    }
    if (k === 'moves_not_listed') {
      out.push(`and ${counted(Number(x), 'more unit')} moved`);
      continue;
    }
    if (isChange(x)) {
      if (isPlain(x.old) && isPlain(x.new)) out.push(`${label(k)}: ${show(x.old, k)} → ${show(x.new, k)}`);
      else for (const line of diffLines(k, x.old, x.new)) out.push(line);
      continue;
    }
    if (x && typeof x === 'object' && !Array.isArray(x) && Object.values(x).every(isChange)) {
      // A map of changes, e.g. resources by name.
      for (const [sub, c] of Object.entries(x as Record<string, { old: unknown; new: unknown }>)) {
        for (const line of diffLines(`${k}.${sub}`, c.old, c.new)) out.push(line);
      }
      continue;
    }
    out.push(`${label(k)}: ${show(x, k)}`);
  }
  return out;
}

function isChange(x: unknown): x is { old: unknown; new: unknown } {
  return !!x && typeof x === 'object' && !Array.isArray(x) && 'old' in x && 'new' in x && Object.keys(x).length === 2;
}

function isPlain(x: unknown): boolean {
  return x === null || x === undefined || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => typeof y !== 'object'));
}

/** diffLines lists what differs between two values, key by key, as "key: old → new". */
function diffLines(key: string, a: unknown, b: unknown): string[] {
  if (isPlain(a) && isPlain(b)) return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${label(key)}: ${show(a, key)} → ${show(b, key)}`];
  const ao = (a && typeof a === 'object' && !Array.isArray(a) ? a : {}) as Record<string, unknown>;
  const bo = (b && typeof b === 'object' && !Array.isArray(b) ? b : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
  const out: string[] = [];
  for (const k of keys) out.push(...diffLines(`${key}.${k}`, ao[k], bo[k]));
  if (out.length === 0 && JSON.stringify(a) !== JSON.stringify(b)) out.push(`${label(key)}: ${show(a)} → ${show(b)}`);
  return out;
}

function label(k: string): string {
  return k.replace(/_/g, ' ');
}

/** show writes one value; key says what it is, so that money reads as money. */
function show(x: unknown, key = ''): string {
  if (x === null || x === undefined) return 'none';
  if (typeof x === 'number' && /(^|\.)(budget|unit_cost|market|revenue)$/.test(key)) return money(x);
  if (typeof x === 'number') return Number.isInteger(x) ? count(x) : String(Math.round(x * 1000) / 1000);
  if (typeof x === 'string') return x === '' ? 'none' : x;
  if (typeof x === 'boolean') return x ? 'yes' : 'no';
  if (Array.isArray(x)) return x.length === 0 ? 'none' : x.map((y) => show(y)).join(', ');
  const e = Object.entries(x as Record<string, unknown>);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${label(k)} ${show(v)}`).join(', ');
}
