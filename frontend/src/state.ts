// Application state: a small observable store and the pure functions the views
// use (measures, sorting, selection, undo of manual moves).
import type { ID, Territory, Scenario, User, Comparison, Run, MoveResult, MovesRequest, KPIs } from './types';
import { kpiDef, kpiMapFields, allDates, type KpiField, type Period } from './kpi';

export type MeasureKey = 'market' | 'share' | 'headroom' | 'marginal' | 'allocation' | 'change' | 'revenue' | 'expected_revenue' | 'conflicts' | `kpi.${KpiField}`;

export interface Measure {
  key: MeasureKey;
  label: string;
  kind: 'money' | 'share' | 'ratio' | 'amount' | 'count' | 'kpi';
  perResource: boolean;
  diverging: boolean;
  /** kpi is the pipeline KPI (by territory, for the period) a measure of kind 'kpi' shows. */
  kpi?: KpiField;
}

export const measures: Measure[] = [
  { key: 'market', label: 'Market size', kind: 'money', perResource: false, diverging: false },
  { key: 'share', label: 'Share', kind: 'share', perResource: false, diverging: false },
  { key: 'headroom', label: 'Headroom', kind: 'money', perResource: false, diverging: false },
  { key: 'marginal', label: 'Marginal return', kind: 'ratio', perResource: true, diverging: false },
  { key: 'allocation', label: 'Allocation', kind: 'amount', perResource: true, diverging: false },
  { key: 'change', label: 'Change vs current plan', kind: 'amount', perResource: true, diverging: true },
  { key: 'revenue', label: 'Revenue (current)', kind: 'money', perResource: false, diverging: false },
  { key: 'expected_revenue', label: 'Expected revenue', kind: 'money', perResource: false, diverging: false },
  // Not a field of the territory: the number of conflicts touching it (conflicts.ts).
  { key: 'conflicts', label: 'Conflicts', kind: 'count', perResource: false, diverging: false },
  // The pipeline KPIs, coloured from GET …/kpis?by=territory for the period.
  ...kpiMapFields.map((f): Measure => ({ key: `kpi.${f}`, label: kpiDef(f).label, kind: 'kpi', perResource: false, diverging: false, kpi: f })),
];

/**
 * measuresFor lists the measures a role may colour the map by: a rep sees the
 * published plan, so a change against "the current plan" means nothing to them.
 */
export function measuresFor(role: string | undefined): Measure[] {
  return role === 'rep' ? measures.filter((m) => m.key !== 'change') : measures;
}

export function measureByKey(key: string): Measure {
  return measures.find((m) => m.key === key) ?? measures[0];
}

/** isKpiMeasure tells whether a measure is a pipeline KPI. */
export function isKpiMeasure(key: MeasureKey): key is `kpi.${KpiField}` {
  return key.startsWith('kpi.');
}

/**
 * measureValue reads a measure of a territory; per-resource measures use
 * resource r, KPI measures the territory's group of the by-territory KPIs.
 */
export function measureValue(t: Territory, key: MeasureKey, r: string, kpis: KPIs | null = null): number | null {
  if (isKpiMeasure(key)) {
    const g = kpis?.groups.find((x) => x.key === String(t.id));
    const v = g?.[key.slice(4) as KpiField];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  switch (key) {
    case 'marginal':
    case 'allocation':
    case 'change': {
      const m = t[key];
      const v = m ? m[r] : undefined;
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    }
    case 'conflicts':
      return null; // not a field: main.ts reads the conflicts (conflicts.ts)
    default: {
      const v = t[key];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    }
  }
}

export type SortDir = 'asc' | 'desc';

/** sortBy returns a sorted copy; nulls last whatever the direction; ties keep order. */
export function sortBy<T>(rows: T[], get: (r: T) => number | string | null | undefined, dir: SortDir): T[] {
  const idx = rows.map((r, i) => ({ r, i, v: get(r) }));
  idx.sort((a, b) => {
    const an = a.v === null || a.v === undefined || (typeof a.v === 'number' && !Number.isFinite(a.v));
    const bn = b.v === null || b.v === undefined || (typeof b.v === 'number' && !Number.isFinite(b.v));
    if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
    let c: number;
    if (typeof a.v === 'number' && typeof b.v === 'number') c = a.v - b.v;
    else c = String(a.v).localeCompare(String(b.v), 'en', { numeric: true });
    if (c === 0) return a.i - b.i;
    return dir === 'asc' ? c : -c;
  });
  return idx.map((x) => x.r);
}

/** nextSort returns the sort after clicking column key: same column flips, new column starts descending for numbers. */
export function nextSort(cur: { key: string; dir: SortDir }, key: string, numeric = true): { key: string; dir: SortDir } {
  if (cur.key === key) return { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: numeric ? 'desc' : 'asc' };
}

/** toggle adds or removes id from a selection, returning a new set. */
export function toggle<T>(sel: ReadonlySet<T>, id: T): Set<T> {
  const s = new Set(sel);
  if (s.has(id)) s.delete(id);
  else s.add(id);
  return s;
}

/** A Move changes one unit's territory. */
export interface Move {
  unit: string;
  from: string;
  to: string;
}

/** planMoves returns the moves that put the selected units into territory to (skipping units already there). */
export function planMoves(units: Iterable<string>, assign: ReadonlyMap<string, string>, to: string): Move[] {
  const out: Move[] = [];
  for (const u of units) {
    const from = assign.get(u);
    if (from === undefined || from === to) continue;
    out.push({ unit: u, from, to });
  }
  return out;
}

/** movesBody renders moves as the PATCH /assignments body. */
export function movesBody(moves: Move[]): MovesRequest {
  const m: Record<string, string> = {};
  for (const mv of moves) m[mv.unit] = mv.to;
  return { moves: m };
}

/** invert returns the moves that undo moves. */
export function invert(moves: Move[]): Move[] {
  return moves.map((m) => ({ unit: m.unit, from: m.to, to: m.from }));
}

/** UndoStack keeps batches of manual moves so they can be undone in reverse order. */
export class UndoStack {
  private stack: Move[][] = [];
  push(batch: Move[]): void {
    if (batch.length) this.stack.push(batch);
  }
  /** pop returns the moves that undo the latest batch, or null when there is nothing to undo. */
  pop(): Move[] | null {
    const b = this.stack.pop();
    return b ? invert(b) : null;
  }
  get size(): number {
    return this.stack.length;
  }
  clear(): void {
    this.stack = [];
  }
}

/** applyMoves returns a copy of the assignment with moves applied. */
export function applyMoves(assign: ReadonlyMap<string, string>, moves: Move[]): Map<string, string> {
  const m = new Map(assign);
  for (const mv of moves) m.set(mv.unit, mv.to);
  return m;
}

/** balance sums a per-unit measure by territory (for live balance figures before the server answers). */
export function balance(assign: ReadonlyMap<string, string>, weight: (unit: string) => number): Map<string, { units: number; weight: number }> {
  const out = new Map<string, { units: number; weight: number }>();
  for (const [u, t] of assign) {
    const b = out.get(t) ?? { units: 0, weight: 0 };
    b.units++;
    const w = weight(u);
    if (Number.isFinite(w)) b.weight += w;
    out.set(t, b);
  }
  return out;
}

/** spread is (max − min) / mean of a list of totals: 0 is perfectly balanced. */
export function spread(totals: number[]): number {
  const v = totals.filter(Number.isFinite);
  if (v.length === 0) return 0;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (mean === 0) return 0;
  return (Math.max(...v) - Math.min(...v)) / mean;
}

/** canPlan tells whether a role may edit and run scenarios. */
export function canPlan(role: string | undefined): boolean {
  return role === 'admin' || role === 'leader' || role === 'analyst';
}

/** canApprove tells whether a role may approve and publish. */
export function canApprove(role: string | undefined): boolean {
  return role === 'admin' || role === 'leader';
}

export type Tab = 'territory' | 'scenario' | 'results' | 'pipeline' | 'align' | 'compare' | 'audit' | 'people';

/** tabsFor lists the side-panel tabs a role sees. */
export function tabsFor(role: string | undefined): Tab[] {
  if (role === 'rep') return ['territory'];
  const tabs: Tab[] = ['territory', 'scenario', 'results', 'pipeline', 'align', 'compare', 'audit'];
  return role === 'admin' ? [...tabs, 'people'] : tabs;
}

export interface AppState {
  user: User | null;
  scenarios: Scenario[];
  scenario: Scenario | null;
  territories: Territory[];
  territoryById: Map<string, Territory>;
  assign: Map<string, string>; // unit id → territory id
  measure: MeasureKey;
  resource: string;
  selectedTerritory: string | null;
  selectedUnits: Set<string>;
  tab: Tab;
  run: Run | null;
  compare: Comparison | null;
  compareWith: string | null;
  compareMeasure: string; // 'revenue', or a resource name for its allocation change
  runId: string | null; // the run whose result the territories show; null = none yet
  stale: boolean; // the modelled figures were computed before the scenario last changed
  lastMove: MoveResult | null;
  error: string | null;
  sort: { key: string; dir: SortDir };
  period: Period; // of the pipeline KPIs: the map, the territory panel and the KPI table share it
  kpis: KPIs | null; // the scenario's KPIs by territory for the period; null until they arrive
  kpiError: string | null; // why they could not be had
}

export function initialState(): AppState {
  return {
    user: null,
    scenarios: [],
    scenario: null,
    territories: [],
    territoryById: new Map(),
    assign: new Map(),
    measure: 'market',
    resource: 'money',
    selectedTerritory: null,
    selectedUnits: new Set(),
    tab: 'territory',
    run: null,
    compare: null,
    compareWith: null,
    compareMeasure: 'revenue',
    runId: null,
    stale: false,
    lastMove: null,
    error: null,
    sort: { key: 'market', dir: 'desc' },
    period: allDates,
    kpis: null,
    kpiError: null,
  };
}

type Listener<S> = (s: S, prev: S) => void;

/** Store holds a state object; set merges a patch and notifies listeners. */
export class Store<S extends object> {
  private s: S;
  private listeners = new Set<Listener<S>>();
  constructor(init: S) {
    this.s = init;
  }
  get(): S {
    return this.s;
  }
  set(patch: Partial<S>): void {
    const prev = this.s;
    this.s = { ...prev, ...patch };
    for (const l of this.listeners) l(this.s, prev);
  }
  subscribe(l: Listener<S>): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

/** indexTerritories builds the id → territory map (ids as strings). */
export function indexTerritories(ts: Territory[]): Map<string, Territory> {
  return new Map(ts.map((t) => [String(t.id), t]));
}

/** activeRun picks the run still to be followed among a scenario's runs: the latest queued or running one. */
export function activeRun<R extends Pick<Run, 'id' | 'status'>>(runs: R[]): R | null {
  let best: R | null = null;
  for (const r of runs) {
    if (r.status !== 'queued' && r.status !== 'running') continue;
    if (!best || Number(r.id) > Number(best.id)) best = r;
  }
  return best;
}

/** rerunKind is the kind of run that brings stale results up to date: the last run redrew the territories, so does this one. */
export function rerunKind(last: Pick<Run, 'kind'> | null): Run['kind'] {
  return last && last.kind !== 'allocate' ? 'align+allocate' : 'allocate';
}

/** runDone tells whether a run has finished, well or not. */
export function runDone(r: Run | null): boolean {
  return !!r && (r.status === 'succeeded' || r.status === 'failed' || r.status === 'cancelled');
}

/** resourceNames lists a scenario's resources, falling back to those seen in territories. */
export function resourceNames(sc: Scenario | null, ts: Territory[]): string[] {
  const names = new Set<string>();
  for (const r of sc?.resources ?? []) names.add(r.name);
  for (const t of ts) for (const k of Object.keys(t.current ?? t.allocation ?? {})) names.add(k);
  if (names.size === 0) names.add('money');
  return [...names];
}

/**
 * compareDelta reads the change shown on the difference map: expected revenue
 * (modelled against modelled), or a resource's allocation. Less than half a
 * dollar of revenue is no change; null is no data (a territory on one side only).
 */
export function compareDelta(t: Comparison['territories'][number], measure: string): number | null {
  const v = measure === 'revenue' ? t.expected_delta : t.allocation_delta?.[measure];
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return measure === 'revenue' && Math.abs(v) < 0.5 ? 0 : v;
}

/** basisText says where one side's expected revenue of a comparison comes from, for people. */
export function basisText(basis: Comparison['basis_a'], stale: boolean): string {
  if (basis === 'run') return stale ? 'from its latest run, out of date' : 'from its latest run';
  if (basis === 'solved') return 'its optimum, solved for this comparison';
  if (basis === 'current') return 'its current plan (no optimum within its limits)';
  return 'no model';
}

/** key is the string form of an id. */
export const key = (id: ID | null | undefined): string => (id === null || id === undefined ? '' : String(id));
