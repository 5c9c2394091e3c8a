// The side panels: territory detail, scenario editor with runs, results table
// and frontier, manual alignment, comparison, approval and audit.
import { api, ApiError, runEvents } from './api';
import { allocationSentence, alignmentSentence, auditLines, gainLoss, headcountChange, bandText, measureAmount, measureLabel, MEASURES, type Objective } from './messages';
import { h, clear, download } from './dom';
import { peoplePanel } from './people';
import { conflictsSection, compareConflicts } from './conflicts';
import { pipelinePanel, pipelineSection, updatePipelineSection } from './pipeline';
import { lineChart } from './chart';
import { money, moneyRange, percent, ratio, amount, change, count, counted, plural, singular, csv, dateTime, isMoney, shortUnit } from './format';
import {
  sortBy, nextSort, planMoves, movesBody, UndoStack, applyMoves, spread, canPlan, canApprove, key,
  resourceNames, runDone, basisText, type AppState, type Store, type Move,
} from './state';
import type {
  CurvesOutcome, Scenario, Territory, TerritoryDetail, Account, Run, RunKind, RunEvent, ScenarioSettings, PerResource, ID, AlignmentSummary, PublishImpact, TerritoryImpact,
} from './types';

export interface Ctx {
  store: Store<AppState>;
  unitName: (u: string) => string;
  unitProps: (u: string) => Record<string, unknown>;
  reloadTerritories: (withGeometry: boolean) => Promise<void>;
  /** applyRunResult shows a finished run's territories from its last event, fetching only outlines it redrew. */
  applyRunResult: (ev: RunEvent) => Promise<void>;
  refreshScenarios: (select?: Scenario) => Promise<void>;
  loadScenario: (sc: Scenario) => Promise<void>;
  showError: (e: unknown) => void;
  toast: (msg: string) => void;
  busy: <T>(p: Promise<T>) => Promise<T>;
  fmtMeasure: (v: number) => string;
  fitTerritory: (tid: string) => void;
  hook: { timings: Record<string, number> };
}

const undo = new UndoStack();
let undoScenario = '';

function panel(): HTMLElement {
  return document.getElementById('panel')!;
}

function unitOf(s: AppState, r: string): string {
  return s.scenario?.resources?.find((x) => x.name === r)?.unit ?? (r === 'money' ? 'dollars' : r);
}

/** renderPanel redraws the side panel when something it shows changed. */
export function renderPanel(ctx: Ctx, s: AppState, prev: AppState): void {
  const changed = (...ks: (keyof AppState)[]) => ks.some((k) => s[k] !== prev[k]);
  if (!document.getElementById('panel')) return;
  const tabChanged = s.tab !== prev.tab;
  switch (s.tab) {
    case 'territory':
      if (tabChanged || changed('selectedTerritory', 'territories', 'scenario', 'resource')) territoryPanel(ctx, s);
      else if (changed('kpis', 'kpiError')) updatePipelineSection(ctx, s);
      break;
    case 'pipeline':
      if (tabChanged || changed('scenario', 'period', 'territories')) pipelinePanel(ctx, panel(), s);
      break;
    case 'scenario':
      if (tabChanged || changed('scenario')) scenarioPanel(ctx, s);
      else if (changed('territories')) lockList(ctx, s);
      break;
    case 'results':
      if (tabChanged || changed('territories', 'sort', 'scenario', 'selectedTerritory', 'resource')) resultsPanel(ctx, s, tabChanged || changed('scenario', 'territories'));
      break;
    case 'align':
      if (tabChanged || changed('selectedUnits', 'lastMove', 'territories', 'scenario')) alignPanel(ctx, s);
      break;
    case 'compare':
      if (tabChanged || changed('compare', 'scenario', 'scenarios')) comparePanel(ctx, s);
      break;
    case 'audit':
      if (tabChanged || changed('scenario')) auditPanel(ctx, s);
      break;
    case 'people':
      if (tabChanged) peoplePanel({ scenario: s.scenario, me: s.user, showError: ctx.showError, toast: ctx.toast, busy: ctx.busy }, panel());
      break;
  }
}

// ---------- territory ----------

let detailSeq = 0;

function territoryPanel(ctx: Ctx, s: AppState): void {
  const el = panel();
  const tid = s.selectedTerritory;
  if (!tid || !s.territoryById.has(tid)) {
    clear(el,
      h('h2', 'Territories'),
      h('p.muted', s.user?.role === 'rep' ? 'You have no territory in the published plan.' : 'Click a territory on the map, or pick one:'),
      s.user?.role === 'rep' ? null : territoryPicker(ctx, s),
      summary(s),
    );
    return;
  }
  const t = s.territoryById.get(tid)!;
  const names = resourceNames(s.scenario, s.territories);
  const curves = h('div.chart', { id: 'curve-chart' }, h('p.muted', 'Loading response curves…'));
  const accts = h('div', { id: 'territory-accounts' }, h('p.muted', 'Loading accounts…'));
  clear(el,
    h('div.panel-head',
      h('h2', { id: 'territory-name' }, t.name),
      s.user?.role !== 'rep' ? territoryPicker(ctx, s) : null,
    ),
    h('p.muted', `${count(t.units)} units · ${count(t.accounts)} accounts` + (t.owners?.length ? ` · owner ${t.owners.join(', ')}` : '') + (t.locked ? ' · locked' : '')),
    h('dl.metrics',
      metric('Market size', money(t.market)),
      // The period the actual revenue is of (new actuals from accounts or history), when known.
      metric(t.revenue_period ? `Revenue (${t.revenue_period})` : 'Revenue', money(t.revenue)),
      metric('Share', percent(t.share)),
      metric('Saturation share', percent(t.saturation)),
      metric('Headroom', money(t.headroom)),
      metric('Expected revenue', money(t.expected_revenue)),
    ),
    pipelineSection(ctx, s, t),
    h('h3', 'Allocation'),
    h('div.tablewrap', h('table.grid.compact', { id: 'allocation-table' },
      h('thead', h('tr', h('th', 'Resource'), h('th.num', 'Current'), h('th.num', 'Optimal'), h('th.num', 'Change'), h('th.num', { title: 'Revenue from one more unit of the resource' }, 'Marginal'))),
      h('tbody', names.map((r) => {
        const u = unitOf(s, r);
        const int = integerOf(s, r);
        const num = (v: number | null | undefined) => (isMoney(u) ? money(v) : count(int && typeof v === 'number' ? Math.round(v) : v));
        const ch = t.change?.[r];
        const chText = change(ch, u, int);
        return h('tr',
          h('th', { scope: 'row' }, r, isMoney(u) ? '' : h('span.unit.muted', shortUnit(u))),
          h('td.num', num(t.current?.[r]), assumedMark(t, r)),
          h('td.num', num(t.allocation?.[r])),
          h('td.num', h('span', { class: ch == null ? '' : chText === 'no change' ? 'muted' : ch > 0 ? 'up' : 'down' }, isMoney(u) || chText === 'no change' || chText === '—' ? chText : chText.replace(/ [^\d]+$/, ''))),
          h('td.num', { title: t.marginal_reasons?.[r] ?? 'Revenue from one more unit of the resource' }, isMoney(u) ? ratio(t.marginal?.[r]) : money(t.marginal?.[r])),
        );
      })),
    )),
    t.allocation ? null : h('p.muted', 'No run yet: run the scenario to see the optimal allocation.'),
    Object.entries(t.marginal_reasons ?? {}).map(([r, why]) => h('p.muted.marginal-reason', `Marginal ${r} “—”: ${why}`)),
    h('h3', 'Response curve'),
    curves,
    h('h3', 'Accounts'),
    accts,
  );
  const seq = ++detailSeq;
  const sc = s.scenario!;
  ctx.busy(api.territory(sc.id, t.id)).then((d) => {
    if (seq !== detailSeq) return;
    drawCurves(curves, d, s);
    accountList(accts, d.accounts);
  }).catch((e) => {
    if (seq !== detailSeq) return;
    clear(curves, h('p.muted', 'Response curves are not available: ' + (e instanceof Error ? e.message : String(e))));
    loadAccountList(ctx, accts, sc.id, t.id, seq);
  });
}

function loadAccountList(ctx: Ctx, el: HTMLElement, sid: ID, tid: ID, seq: number): void {
  ctx.busy(api.accounts(sid, tid)).then((r) => {
    if (seq === detailSeq) accountList(el, r.accounts ?? []);
  }).catch(() => clear(el, h('p.muted', 'Accounts are not available.')));
}

function accountList(el: HTMLElement, list: Account[]): void {
  const top = sortBy(list, (a) => a.revenue, 'desc');
  clear(el,
    list.length === 0 ? h('p.muted', 'No accounts.') : h('table.grid.compact',
      h('caption.muted', `${count(list.length)} accounts, largest first`),
      h('thead', h('tr', h('th', 'Account'), h('th', 'Segment'), h('th.num', 'Revenue'))),
      h('tbody', top.slice(0, 50).map((a) => h('tr', h('td', a.name), h('td', a.segment ?? ''), h('td.num', money(a.revenue))))),
    ),
  );
}

let curveResource = '';

/** drawCurves draws a territory's response curve for one resource, with buttons to pick the resource. */
function drawCurves(el: HTMLElement, d: TerritoryDetail, s: AppState): void {
  const curves = d.curves;
  const names = Object.keys(curves).filter((k) => (curves[k]?.length ?? 0) >= 2);
  if (names.length === 0) {
    clear(el, h('p.muted', 'No response curve for this territory yet.'));
    return;
  }
  const r = names.includes(curveResource) ? curveResource : names.includes(s.resource) ? s.resource : names[0];
  const pts = curves[r];
  const unit = unitOf(s, r);
  const marks: { x: number; label: string; color: string }[] = [];
  const { current, allocation } = d.territory;
  if (typeof current?.[r] === 'number') marks.push({ x: current[r], label: 'current', color: '#555555' });
  if (typeof allocation?.[r] === 'number') marks.push({ x: allocation[r], label: 'optimal', color: '#b35806' });
  const chart = h('div');
  clear(el,
    names.length > 1 ? h('div.row', { role: 'group', 'aria-label': 'Response curve resource' }, names.map((n) => h('button', {
      class: n === r ? 'chip on' : 'chip', 'aria-pressed': String(n === r), 'data-resource': n,
      onclick: () => {
        curveResource = n;
        drawCurves(el, d, s);
      },
    }, n))) : null,
    chart,
  );
  requestAnimationFrame(() => {
    lineChart(chart, {
      x: pts.map((p) => p.x),
      series: [{ label: `Expected revenue vs ${r} (${isMoney(unit) ? 'dollars' : shortUnit(unit)})`, values: pts.map((p) => p.revenue), color: '#3b528b' }],
      xFmt: (v) => amount(v, unit),
      yFmt: (v) => money(v),
      width: el.clientWidth || 320,
      height: 170,
      marks,
    });
  });
}

function changeCell(v: number | null | undefined, unit: string, integer = false): HTMLElement {
  const text = change(v, unit, integer);
  const cls = v === null || v === undefined || text === 'no change' ? 'muted' : v > 0 ? 'up' : 'down';
  return h('span', { class: cls }, text);
}

function integerOf(s: AppState, r: string): boolean {
  return !!s.scenario?.resources?.find((x) => x.name === r)?.integer;
}

function metric(label: string, value: string): HTMLElement[] {
  return [h('dt', label), h('dd', value)];
}

function territoryPicker(ctx: Ctx, s: AppState): HTMLElement {
  const sel = h('select', {
    id: 'territory-select', 'aria-label': 'Territory',
    onchange: (e: Event) => {
      const v = (e.target as HTMLSelectElement).value;
      ctx.store.set({ selectedTerritory: v || null });
      if (v) ctx.fitTerritory(v);
    },
  }, h('option', { value: '' }, 'Choose a territory…'), sortBy(s.territories, (t) => t.name, 'asc').map((t) => h('option', { value: key(t.id) }, t.name)));
  (sel as HTMLSelectElement).value = s.selectedTerritory ?? '';
  return sel;
}

function summary(s: AppState): HTMLElement {
  const sum = (f: (t: Territory) => number | null | undefined) => s.territories.reduce((a, t) => a + (f(t) ?? 0), 0);
  const market = sum((t) => t.market);
  const revenue = sum((t) => t.revenue);
  const ran = s.territories.some((t) => t.expected_revenue !== null && t.expected_revenue !== undefined);
  return h('dl.metrics', { id: 'scenario-summary' },
    metric('Territories', count(s.territories.length)),
    metric('Market size', money(market)),
    metric('Revenue', money(revenue)),
    metric('Share', percent(market ? revenue / market : null)),
    metric('Expected revenue', ran ? money(sum((t) => t.expected_revenue)) : '—'),
  );
}

// ---------- scenario editor and runs ----------

function scenarioPanel(ctx: Ctx, s: AppState): void {
  const el = panel();
  const sc = s.scenario;
  if (!sc) {
    clear(el, h('p.muted', 'No scenario.'));
    return;
  }
  // The baseline is the current plan every comparison uses: read-only, branched to change.
  const editable = canPlan(s.user?.role) && sc.status !== 'published' && !sc.baseline;
  const set: ScenarioSettings = JSON.parse(JSON.stringify(sc.settings ?? {}));
  const resources = JSON.parse(JSON.stringify(sc.resources ?? [])) as NonNullable<Scenario['resources']>;
  const branchName = h('input', { id: 'branch-name', value: `${sc.name} (copy)`, 'aria-label': 'New scenario name' }) as HTMLInputElement;
  const budget = numInput('budget', sc.budget, !editable);
  const objective = h('select', { id: 'objective', disabled: !editable },
    h('option', { value: 'revenue' }, 'Revenue'), h('option', { value: 'profit' }, 'Profit')) as HTMLSelectElement;
  objective.value = set.objective ?? 'revenue';
  const totals = resources.map((r) => numInput('total-' + r.name, r.total ?? '', !editable, 'no limit'));
  const maxChange = resources.map((r) => numInput('maxchange-' + r.name, set.max_change?.[r.name] ?? '', !editable, 'no limit'));
  const star = numInput('mult-all', set.market_multipliers?.['*'] ?? 1, !editable);
  (star as HTMLInputElement).step = '0.01';

  const multRows = h('tbody', { id: 'mult-rows' });
  const drawMult = () => {
    clear(multRows, Object.entries(set.market_multipliers ?? {}).filter(([k]) => k !== '*').map(([k, v]) => h('tr',
      h('td', s.territoryById.get(k)?.name ?? k), h('td.num', String(v)),
      h('td', editable ? h('button.link', { onclick: () => { delete set.market_multipliers![k]; drawMult(); }, 'aria-label': `Remove multiplier for ${k}` }, 'Remove') : null))));
  };
  drawMult();
  const multT = territorySelect(s, 'mult-territory');
  const multV = numInput('mult-value', 1.1, !editable);
  (multV as HTMLInputElement).step = '0.01';

  const boundRows = h('tbody', { id: 'bound-rows' });
  const drawBounds = () => {
    const rows: HTMLElement[] = [];
    for (const [tid, b] of Object.entries(set.bounds ?? {})) {
      for (const r of new Set([...Object.keys(b.min ?? {}), ...Object.keys(b.max ?? {})])) {
        rows.push(h('tr', h('td', s.territoryById.get(tid)?.name ?? tid), h('td', r),
          h('td.num', amount(b.min?.[r], unitOf(s, r))), h('td.num', amount(b.max?.[r], unitOf(s, r))),
          h('td', editable ? h('button.link', { onclick: () => {
            delete b.min?.[r];
            delete b.max?.[r];
            if (!Object.keys(b.min ?? {}).length && !Object.keys(b.max ?? {}).length) delete set.bounds![tid];
            drawBounds();
          } }, 'Remove') : null)));
      }
    }
    clear(boundRows, rows);
  };
  drawBounds();
  const boundT = territorySelect(s, 'bound-territory');
  const boundR = h('select', { id: 'bound-resource', 'aria-label': 'Resource' }, resources.map((r) => h('option', { value: r.name }, r.name))) as HTMLSelectElement;
  const boundMin = numInput('bound-min', '', !editable, 'min');
  const boundMax = numInput('bound-max', '', !editable, 'max');

  // Realignment: how many territories, how balanced, how much may move.
  const al = set.align ?? {};
  const alignK = numInput('align-k', al.k ?? '', !editable, String(s.territories.length));
  alignK.step = '1';
  // Balance measures (issue 17): market, accounts, workload and current
  // revenue, each with a checkbox and a ± tolerance; market alone, at
  // settings.align.tolerance, when no list is saved.
  const listed = new Map((al.balances ?? []).map((b) => [b.measure, b.tolerance]));
  const marketOnly = listed.size === 0;
  const measureOn: Record<string, HTMLInputElement> = {};
  const measureTol: Record<string, HTMLInputElement> = {};
  for (const m of MEASURES) {
    const on = marketOnly ? m === 'market' : listed.has(m);
    measureOn[m] = h('input', { id: 'align-measure-' + m, type: 'checkbox', checked: on, disabled: !editable, 'aria-label': 'Balance on ' + measureLabel(m).toLowerCase() }) as HTMLInputElement;
    const tol = m === 'market' && marketOnly ? al.tolerance : listed.get(m);
    measureTol[m] = numInput(m === 'market' ? 'align-tolerance' : 'align-tol-' + m, tol !== undefined ? Math.round(tol * 1e4) / 100 : '', !editable, m === 'market' ? '5' : '10');
    measureTol[m].setAttribute('aria-label', measureLabel(m) + ': ± % of the mean');
  }
  const alignTol = measureTol.market;
  const repHomes = h('input', { id: 'align-rep-homes', type: 'checkbox', checked: al.centers === 'rep_homes', disabled: !editable }) as HTMLInputElement;
  const alignMoved = numInput('align-max-moved', al.max_moved != null ? al.max_moved * 100 : '', !editable, 'no limit');
  const alignTime = numInput('align-time', al.time_limit_seconds ?? '', !editable, '20');
  const curves = h('select', { id: 'curves', disabled: !editable },
    h('option', { value: 'auto' }, 'Fitted where the back-test beats the naive forecast'),
    h('option', { value: 'fitted' }, 'Fitted wherever there is history'),
    h('option', { value: 'assumed' }, 'Assumed from market share')) as HTMLSelectElement;
  curves.value = set.curves || 'auto';
  const robust = h('input', { id: 'robust', type: 'checkbox', checked: !!set.robust, disabled: !editable }) as HTMLInputElement;
  const holdout = numInput('backtest-holdout', 4, false);
  (holdout as HTMLInputElement).step = '1';
  const collectAlign = (): ScenarioSettings['align'] => {
    const num = (el: HTMLInputElement, scale = 1) => (el.value.trim() === '' ? undefined : Number(el.value) * scale);
    const out: NonNullable<ScenarioSettings['align']> = { ...al, k: num(alignK), tolerance: num(alignTol, 0.01), max_moved: num(alignMoved, 0.01), time_limit_seconds: num(alignTime) };
    const on = MEASURES.filter((m) => measureOn[m].checked);
    if (on.length === 1 && on[0] === 'market') delete out.balances; // today's default: market at tolerance
    else out.balances = on.map((m) => ({ measure: m, tolerance: (num(measureTol[m], 0.01) ?? (m === 'market' ? 0.05 : 0.1)) }));
    if (repHomes.checked) out.centers = 'rep_homes';
    else delete out.centers;
    for (const [k, v] of Object.entries(out)) if (v === undefined) delete (out as Record<string, unknown>)[k];
    return out;
  };

  const collect = (): Partial<Scenario> => {
    const out: ScenarioSettings = { ...set, objective: objective.value as 'revenue' | 'profit' };
    const mc: PerResource = {};
    resources.forEach((r, i) => {
      const v = maxChange[i].value.trim();
      if (v !== '') mc[r.name] = Number(v);
    });
    out.max_change = mc;
    out.market_multipliers = { ...(set.market_multipliers ?? {}) };
    const sv = Number(star.value);
    if (star.value.trim() !== '' && sv !== 1) out.market_multipliers['*'] = sv;
    else delete out.market_multipliers['*'];
    out.locks = [...document.querySelectorAll<HTMLInputElement>('#lock-list input:checked')].map((c) => c.value);
    out.align = collectAlign();
    out.curves = curves.value === 'auto' ? undefined : curves.value;
    out.robust = robust.checked || undefined;
    resources.forEach((r, i) => (r.total = totals[i].value.trim() === '' ? undefined : Number(totals[i].value))); // blank = no limit, 0 = none
    return { budget: Number(budget.value), resources, settings: out };
  };

  const save = async (): Promise<Scenario | null> => {
    try {
      const body = collect();
      if (!Number.isFinite(body.budget) || (body.budget ?? 0) < 0) throw new Error('Budget must be a number ≥ 0.');
      const updated = await ctx.busy(api.patchScenario(sc.id, { ...body, version: ctx.store.get().scenario?.version ?? sc.version }));
      ctx.hook.timings.saved = performance.now();
      ctx.store.set({ scenario: updated, scenarios: ctx.store.get().scenarios.map((x) => (key(x.id) === key(updated.id) ? updated : x)) });
      return updated;
    } catch (e) {
      ctx.showError(e);
      return null;
    }
  };

  clear(el,
    h('h2', sc.name, ' ', h('span', { class: 'badge status-' + sc.status }, sc.status)),
    h('p.muted', sc.parent_id ? `Branched from ${ctx.store.get().scenarios.find((x) => key(x.id) === key(sc.parent_id))?.name ?? sc.parent_id}. ` : 'Baseline. ',
      sc.updated_at ? 'Updated ' + dateTime(sc.updated_at) + '.' : ''),
    canPlan(s.user?.role) ? h('section.box',
      h('h3', 'Branch'),
      h('div.row', branchName, h('button', { id: 'branch', onclick: async () => {
        try {
          const created = await ctx.busy(api.createScenario({ name: branchName.value.trim() || sc.name + ' (copy)', from: sc.id }));
          await ctx.refreshScenarios(created);
          ctx.toast(`Created “${created.name}”.`);
        } catch (e) {
          ctx.showError(e);
        }
      } }, sc.baseline ? 'Branch to change this plan' : 'Create from this scenario')),
    ) : null,
    sc.baseline && canPlan(s.user?.role) ? h('p.note', { id: 'baseline-note' }, h('strong', 'Branch to change this plan. '),
      'This is the current plan: every comparison is made against it, so its budget, resources, settings and territories are read-only.') : null,
    !editable && !sc.baseline ? h('p.note', sc.status === 'published' ? 'This scenario is published and read-only. Branch it to plan changes.' : 'Read-only.') : null,
    h('form.editor', { id: 'scenario-form', onsubmit: (e: Event) => e.preventDefault() },
      h('h3', 'Budget and totals'),
      h('div.formgrid',
        h('label', { for: 'budget' }, 'Budget (dollars per year)'), budget,
        h('label', { for: 'objective' }, 'Objective'), objective,
        resources.map((r, i) => [h('label', { for: 'total-' + r.name }, `Total ${r.name} (${r.unit})`), totals[i]]),
      ),
      h('h3', 'Max change from current plan'),
      h('div.formgrid', resources.map((r, i) => [h('label', { for: 'maxchange-' + r.name }, `${r.name} (${r.unit})`), maxChange[i]])),
      h('h3', 'Market assumptions'),
      h('div.formgrid', h('label', { for: 'mult-all' }, 'All markets ×'), star),
      h('table.grid.compact', h('thead', h('tr', h('th', 'Territory'), h('th.num', 'Market ×'), h('th', ''))), multRows),
      editable ? h('div.row', multT, multV, h('button', { type: 'button', id: 'mult-add', onclick: () => {
        if (!multT.value) return;
        set.market_multipliers = { ...(set.market_multipliers ?? {}), [multT.value]: Number(multV.value) };
        drawMult();
      } }, 'Add')) : null,
      h('h3', 'Bounds per territory'),
      h('table.grid.compact', h('thead', h('tr', h('th', 'Territory'), h('th', 'Resource'), h('th.num', 'Min'), h('th.num', 'Max'), h('th', ''))), boundRows),
      editable ? h('div.row', boundT, boundR, boundMin, boundMax, h('button', { type: 'button', id: 'bound-add', onclick: () => {
        if (!boundT.value) return;
        const b = (set.bounds ??= {})[boundT.value] ??= {};
        if (boundMin.value.trim() !== '') (b.min ??= {})[boundR.value] = Number(boundMin.value);
        if (boundMax.value.trim() !== '') (b.max ??= {})[boundR.value] = Number(boundMax.value);
        drawBounds();
      } }, 'Add')) : null,
      h('h3', 'Response curves'),
      h('div.formgrid', { id: 'curve-settings' },
        h('label', { for: 'curves' }, 'Curves'), curves,
        h('label', { for: 'robust' }, 'Also plan on the mean over the fit’s draws (robust)'), robust,
        h('label', { for: 'backtest-holdout' }, 'Back-test: periods held out'), holdout,
      ),
      h('div.row', h('button', { type: 'button', id: 'run-backtest', onclick: async () => {
        const n = Math.round(Number(holdout.value));
        if (!(n >= 1)) return ctx.showError(new Error('Back-test: hold out at least 1 period.'));
        await startRun(ctx, 'fit', { holdout_periods: n });
      } }, 'Back-test')),
      h('div', { id: 'backtest-report' }),
      h('h3', 'Realignment'),
      h('div.formgrid', { id: 'align-settings' },
        h('label', { for: 'align-k' }, 'Territories'), alignK,
      ),
      h('table.grid.compact', { id: 'align-measures' },
        h('caption.muted', 'Balance every territory on (± % of the mean territory)'),
        h('thead', h('tr', h('th', 'Measure'), h('th.num', '± %'))),
        h('tbody', MEASURES.map((m) => h('tr',
          h('td', h('label.check', measureOn[m], ' ', measureLabel(m))),
          h('td.num', measureTol[m]))))),
      h('p.muted', { id: 'align-measures-note' }, 'Workload counts the hours a year each account takes by its segment (24 hours unless the settings say otherwise); current revenue is what the accounts bring in today.'),
      h('div.formgrid',
        h('label', { for: 'align-rep-homes' }, 'Draw territories around rep homes'), repHomes,
        h('label', { for: 'align-max-moved' }, 'Most market that may change territory (%)'), alignMoved,
        h('label', { for: 'align-time' }, 'Search time (seconds)'), alignTime,
      ),
      h('h3', 'Locked territories'),
      h('div.locklist', { id: 'lock-list', role: 'group', 'aria-label': 'Locked territories' }),
      editable ? h('div.actions',
        h('button', { type: 'button', id: 'save-scenario', onclick: async () => {
          if (!(await save())) return;
          ctx.toast('Saved.');
          // New market assumptions change the figures, and the results are now out of date.
          await ctx.reloadTerritories(false).catch(ctx.showError);
        } }, 'Save'),
        h('button.primary', { type: 'button', id: 'run-scenario', onclick: async () => {
          const ok = await save();
          if (ok) await startRun(ctx, 'allocate');
        } }, 'Save and run'),
        h('button', { type: 'button', id: 'run-align', onclick: async () => {
          const ok = await save();
          if (ok) await startRun(ctx, 'align+allocate');
        } }, 'Realign and run'),
      ) : null,
    ),
  );
  lockList(ctx, s, set.locks ?? [], !editable);
}

function lockList(_ctx: Ctx, s: AppState, locks?: ID[], disabled?: boolean): void {
  const el = document.getElementById('lock-list');
  if (!el) return;
  const cur = locks ?? [...el.querySelectorAll<HTMLInputElement>('input:checked')].map((c) => c.value);
  const dis = disabled ?? !!el.querySelector('input:disabled');
  const set = new Set(cur.map(String));
  clear(el, sortBy(s.territories, (t) => t.name, 'asc').map((t) => h('label.check',
    h('input', { type: 'checkbox', value: key(t.id), checked: set.has(key(t.id)), disabled: dis }), ' ', t.name)));
}

function numInput(id: string, v: number | string, disabled: boolean, placeholder?: string): HTMLInputElement {
  return h('input', { id, type: 'number', inputmode: 'decimal', value: v, disabled, placeholder, step: 'any', min: '0' }) as HTMLInputElement;
}

function territorySelect(s: AppState, id: string): HTMLSelectElement {
  return h('select', { id, 'aria-label': 'Territory' }, h('option', { value: '' }, 'Territory…'),
    sortBy(s.territories, (t) => t.name, 'asc').map((t) => h('option', { value: key(t.id) }, t.name))) as HTMLSelectElement;
}

let polling: { id: ID; stop: boolean } | null = null;

/** startRun starts a solve of the current scenario and follows it in the progress bar. */
export async function startRun(ctx: Ctx, kind: RunKind, fit?: { holdout_periods: number }): Promise<void> {
  const sc = ctx.store.get().scenario;
  if (!sc) return;
  try {
    const run = await ctx.busy(api.startRun(sc.id, kind, fit));
    ctx.hook.timings.runQueued = performance.now();
    ctx.store.set({ run });
    await followRun(ctx, run);
  } catch (e) {
    ctx.showError(e);
  }
}

/** followRun shows a run's progress in the bar over the map and, when it succeeds, its figures. */
export async function followRun(ctx: Ctx, run: Run): Promise<void> {
  if (polling) polling.stop = true;
  const me = { id: run.id, stop: false };
  polling = me;
  const t0 = performance.now();
  let r = run;
  drawRunBar(ctx, r);
  // The server pushes each change and, at the end, what the map and the
  // table need; polling is the fallback when the stream cannot be read.
  let last: RunEvent | null = null;
  try {
    last = await runEvents(run.id, (name, ev) => {
      ctx.hook.timings[name === 'done' ? 'runDoneEvent' : 'runProgressEvent'] = performance.now();
      if (me.stop) return;
      r = ev.run;
      ctx.store.set({ run: r });
      drawRunBar(ctx, r);
    }, ctx.hook.timings);
  } catch {
    last = null;
  }
  while (!last && !runDone(r) && !me.stop) {
    await new Promise((res) => setTimeout(res, 250));
    if (me.stop) return;
    try {
      r = await api.run(run.id);
    } catch (e) {
      ctx.showError(e);
      return;
    }
    ctx.store.set({ run: r });
    drawRunBar(ctx, r);
  }
  if (me.stop) return;
  ctx.hook.timings.lastRunMs = performance.now() - t0;
  ctx.hook.timings.runEnded = performance.now();
  if (r.status === 'succeeded' && r.kind === 'fit') {
    // a back-test changes no figure: its report goes under the button
    const full = r.result?.fit ? r : await api.run(r.id).catch(() => r);
    drawBacktest(ctx, full);
    ctx.toast('Back-test finished: its report is in the scenario editor.');
  } else if (r.status === 'succeeded') {
    if (last?.territories && last.scenario) await ctx.applyRunResult(last);
    else await ctx.reloadTerritories(r.kind !== 'allocate');
    ctx.hook.timings.runShown = performance.now();
    ctx.toast('Run finished: the map and the table show the new optimum.');
  } else if (r.status === 'failed') {
    const err = r.error || 'unknown error';
    ctx.showError(new Error('Run failed: ' + err));
  }
  drawRunBar(ctx, r);
}

function drawRunBar(ctx: Ctx, r: Run): void {
  const el = document.getElementById('runbar');
  if (!el) return;
  el.hidden = false;
  const pct = Math.round(Math.max(0, Math.min(1, r.progress ?? 0)) * 100);
  const done = runDone(r);
  clear(el,
    h('span.runlabel', `Run ${r.id} (${r.kind}${r.created_by ? `, by ${r.created_by}` : ''}): `, h('strong', { id: 'run-status' }, r.status)),
    h('progress', { id: 'run-progress', max: '100', value: String(r.status === 'succeeded' ? 100 : pct), 'aria-label': 'Run progress' }),
    h('span.runpct', `${r.status === 'succeeded' ? 100 : pct}%`),
    !done ? h('button', { id: 'run-cancel', onclick: async () => {
      try {
        const c = await api.cancelRun(r.id);
        ctx.store.set({ run: c });
        drawRunBar(ctx, c);
      } catch (e) {
        ctx.showError(e);
      }
    } }, 'Cancel') : h('button.link', { onclick: () => (el.hidden = true), 'aria-label': 'Hide run bar' }, 'Hide'),
  );
  el.dataset.status = r.status;
}

// ---------- results ----------

interface Col {
  key: string;
  label: string;
  get: (t: Territory) => number | string | null | undefined;
  fmt: (v: unknown) => string;
  numeric: boolean;
  note?: (t: Territory) => HTMLElement | null; // shown after the value, e.g. "assumed"
}

/** assumedMark labels a current amount derived from revenue rather than supplied; null when it was supplied. */
export function assumedMark(t: Pick<Territory, 'assumed'>, r: string): HTMLElement | null {
  if (!t.assumed?.includes(r)) return null;
  return h('small.assumed.muted', { title: 'derived from revenue — import resources to replace' }, ' assumed');
}

function columns(s: AppState): Col[] {
  const names = resourceNames(s.scenario, s.territories);
  const cols: Col[] = [
    { key: 'name', label: 'Territory', get: (t) => t.name, fmt: (v) => String(v ?? ''), numeric: false },
    { key: 'units', label: 'Units', get: (t) => t.units, fmt: (v) => count(v as number), numeric: true },
    { key: 'accounts', label: 'Accounts', get: (t) => t.accounts, fmt: (v) => count(v as number), numeric: true },
    { key: 'market', label: 'Market', get: (t) => t.market, fmt: (v) => money(v as number), numeric: true },
    { key: 'share', label: 'Share', get: (t) => t.share, fmt: (v) => percent(v as number), numeric: true },
    { key: 'headroom', label: 'Headroom', get: (t) => t.headroom, fmt: (v) => money(v as number), numeric: true },
    { key: 'revenue', label: 'Revenue', get: (t) => t.revenue, fmt: (v) => money(v as number), numeric: true },
    { key: 'expected_revenue', label: 'Expected revenue', get: (t) => t.expected_revenue, fmt: (v) => money(v as number), numeric: true },
    { key: 'curve_source', label: 'Curves', get: (t) => t.curve_source, fmt: (v) => String(v ?? '—'), numeric: false,
      note: (t) => (t.curve_note ? h('small.muted.curve-note', { title: t.curve_note }, ' ⓘ') : null) },
  ];
  for (const r of names) {
    const u = unitOf(s, r);
    const int = integerOf(s, r);
    cols.push(
      { key: 'current.' + r, label: `Current ${r}`, get: (t) => t.current?.[r], fmt: (v) => amount(v as number, u, false, int), numeric: true, note: (t) => assumedMark(t, r) },
      { key: 'allocation.' + r, label: `Optimal ${r}`, get: (t) => t.allocation?.[r], fmt: (v) => amount(v as number, u, false, int), numeric: true },
      { key: 'change.' + r, label: `Change ${r}`, get: (t) => t.change?.[r], fmt: (v) => change(v as number, u, int), numeric: true },
    );
    if (s.territories.some((t) => t.robust_allocation)) {
      cols.push({ key: 'robust.' + r, label: `Robust ${r}`, get: (t) => t.robust_allocation?.[r], fmt: (v) => amount(v as number, u, false, int), numeric: true });
    }
  }
  return cols;
}

/**
 * shownColumns are the results table's columns the planner picked; null
 * means the default: territory, then current, optimal and change of the
 * resource chosen in the header — what fits beside the map without scrolling.
 */
let shownColumns: Set<string> | null = null;

/** defaultColumns are the columns the results table shows until the planner picks others. */
export function defaultColumns(resource: string): string[] {
  return ['name', 'current.' + resource, 'allocation.' + resource, 'change.' + resource];
}

function resultsPanel(ctx: Ctx, s: AppState, redrawFrontier: boolean): void {
  const el = panel();
  const sc = s.scenario;
  if (!sc) return;
  const all = columns(s);
  const shown = shownColumns ?? new Set(defaultColumns(s.resource));
  const cols = all.filter((c) => c.key === 'name' || shown.has(c.key));
  const col = all.find((c) => c.key === s.sort.key) ?? cols[Math.min(2, cols.length - 1)];
  const rows = sortBy(s.territories, col.get, s.sort.dir);
  const old = document.getElementById('frontier-chart');
  const frontier = old && !redrawFrontier ? old : h('div.chart', { id: 'frontier-chart' }, h('p.muted', 'Loading the frontier…'));
  const exportCSV = () => download(`${sc.name.replace(/[^\w.-]+/g, '_')}-territories.csv`,
    csv(all.map((c) => c.label), rows.map((t) => all.map((c) => c.get(t)))));
  const picker = h('details.colpicker', { id: 'column-picker' },
    h('summary', `Columns (${cols.length} of ${all.length})`),
    h('div.colpicker-list', all.filter((c) => c.key !== 'name').map((c) => h('label.check',
      h('input', { type: 'checkbox', value: c.key, checked: shown.has(c.key), onchange: (e: Event) => {
        const next = new Set(shown);
        if ((e.target as HTMLInputElement).checked) next.add(c.key);
        else next.delete(c.key);
        shownColumns = next;
        resultsPanel(ctx, ctx.store.get(), false);
        document.querySelector<HTMLDetailsElement>('#column-picker')?.setAttribute('open', '');
      } }), ' ', c.label)),
      h('button.link', { type: 'button', onclick: () => {
        shownColumns = null;
        resultsPanel(ctx, ctx.store.get(), false);
      } }, 'Default columns')),
  );
  const table = h('table.grid.results', { id: 'results-table' },
    h('thead', h('tr', cols.map((c) => h('th', {
      scope: 'col', class: c.numeric ? 'num' : '',
      'aria-sort': c.key === col.key ? (s.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none',
    }, h('button.sort', { 'data-key': c.key, onclick: () => ctx.store.set({ sort: nextSort(s.sort, c.key, c.numeric) }) },
      c.label, c.key === col.key ? (s.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''))))),
    h('tbody', rows.map((t) => h('tr', {
      'data-id': key(t.id), tabindex: '0', class: key(t.id) === s.selectedTerritory ? 'sel' : '',
      onclick: () => { ctx.store.set({ selectedTerritory: key(t.id) }); },
      onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter') { ctx.store.set({ selectedTerritory: key(t.id) }); ctx.fitTerritory(key(t.id)); } },
    }, cols.map((c) => {
      const v = c.get(t);
      const text = c.fmt(v);
      const cls = c.numeric ? 'num' + (c.key.startsWith('change.') && typeof v === 'number' ? (text === 'no change' ? ' muted' : v > 0 ? ' up' : ' down') : '') : '';
      return h('td', { class: cls }, text, c.note?.(t));
    })))),
  );
  clear(el,
    h('h2', 'Results'),
    summary(s),
    h('div', { id: 'certificate' }),
    h('h3', `${sc.settings?.objective === 'profit' ? 'Profit' : 'Revenue'} vs money budget (optimal at each total)`),
    frontier,
    h('div.row.between',
      h('h3', `Territories (${s.territories.length})`),
      picker,
    ),
    h('div.tablewrap', { id: 'results-wrap' }, table),
    h('div.row',
        h('button', { id: 'export-csv', onclick: exportCSV }, 'Export table (CSV)'),
        h('a.button', { href: api.exportURL(sc.id, 'allocation.csv'), download: true }, 'allocation.csv'),
        h('a.button', { href: api.exportURL(sc.id, 'units.csv'), download: true }, 'units.csv'),
        h('a.button', { href: api.exportURL(sc.id, 'territories.geojson'), download: true }, 'GeoJSON'),
    ),
    resultsConflicts(ctx, s, sc),
  );
  if (frontier !== old) drawFrontier(ctx, frontier, s);
  drawCertificate(ctx, s);
}

/** resultsConflicts is the Conflicts section of the Results tab (conflicts.ts). */
function resultsConflicts(ctx: Ctx, s: AppState, sc: Scenario): HTMLElement {
  return conflictsSection({
    scenario: sc, role: s.user?.role, busy: ctx.busy, showError: ctx.showError, toast: ctx.toast,
    nameOf: (tid) => s.territoryById.get(tid)?.name ?? tid,
    select: (tid) => { ctx.store.set({ selectedTerritory: tid }); ctx.fitTerritory(tid); },
    reload: async () => {
      const fresh = await api.scenario(sc.id);
      await ctx.refreshScenarios(fresh);
    },
  });
}

/** drawCertificate shows how good the latest run's answer is: bound, gap and shadow prices. */
function drawCertificate(ctx: Ctx, s: AppState): void {
  const el = document.getElementById('certificate');
  if (!el || !s.runId) return;
  const runId = s.runId;
  // The run's last event already brought its result.
  const have = s.run && key(s.run.id) === runId && s.run.result ? Promise.resolve(s.run) : ctx.busy(api.run(runId));
  have.then((run) => {
    if (ctx.store.get().runId !== runId) return;
    const res = run.result?.allocation;
    const al = run.result?.alignment;
    if (!res && !al) return;
    const sp = Object.entries(res?.shadow_prices ?? {});
    const objective = ((run.result?.objective || ctx.store.get().scenario?.settings?.objective) === 'profit' ? 'profit' : 'revenue') as Objective;
    const what = objective === 'profit' ? 'Profit' : 'Revenue';
    clear(el,
      h('h3', 'How good is this plan?'),
      al ? alignmentCertificate(al, (id) => ctx.store.get().territoryById.get(id)?.name ?? id) : null,
      res ? h('div', { id: 'allocation-certificate' },
        al ? h('h4', 'Allocation') : null,
        h('p.lead', { id: 'allocation-sentence' }, allocationSentence(res, objective)),
        curvesBlock(run.result?.curves),
        sp.length ? h('table.grid.compact', { id: 'shadow-prices' },
          h('caption.muted', 'What one more of each limit would be worth'),
          h('thead', h('tr', h('th', 'Limit'), h('th.num', 'Used'), h('th.num', 'Worth of one more'))),
          h('tbody', sp.map(([k, v]) => {
            const u = k === 'budget' ? 'dollars' : unitOf(s, k);
            return h('tr', h('td', k === 'budget' ? 'Budget' : k), h('td.num', amount(res?.used?.[k], u, false, integerOf(s, k))),
              h('td.num', v === 0 ? 'nothing (not a limit here)' : `${money(v)} of ${what.toLowerCase()} per ${isMoney(u) ? 'dollar' : singular(shortUnit(u))}`));
          })),
        ) : null,
        h('details.more', { id: 'allocation-details' },
          h('summary', 'Details'),
          h('dl.metrics',
            metric('Solver status', res.status ?? run.status),
            metric(what, money(res.objective)),
            metric('Upper bound', money(res.bound)),
            metric('Gap to the bound', typeof res.gap === 'number' ? (res.gap < 1e-9 ? 'none (proven best)' : percent(res.gap)) : '—'),
            objective === 'profit' ? metric('Expected revenue', money(res.total_revenue)) : null,
          ),
        ),
      ) : null,
    );
  }).catch(() => {});
}

/** drawBacktest shows a fit run's back-test: the model and each naive baseline in total and per territory. */
function drawBacktest(ctx: Ctx, run: Run): void {
  const el = document.getElementById('backtest-report');
  const f = run.result?.fit;
  if (!el || !f) return;
  const ho = f.holdout;
  const pct = (v: number | undefined) => (typeof v === 'number' ? percent(v) : '—');
  const names: Record<string, string> = {
    last_n_mean: 'Recent mean', year_ago: 'A year earlier', linear_trend: 'Linear trend', mean_x_trend: 'Mean × trend',
  };
  type M = NonNullable<typeof ho>['model'];
  const row = (name: string, m: M, cls = '') => h('tr', { class: cls }, h('td', name), h('td.num', pct(m.wape)), h('td.num', pct(m.mape)), h('td.num', pct(m.bias)), h('td.num', pct(m.coverage)));
  const best = (bs: { name: string; metrics: M }[] | null | undefined) => (bs ?? []).filter((b) => typeof b.metrics.wape === 'number').sort((a, b) => a.metrics.wape! - b.metrics.wape!)[0];
  const name = (id: string) => ctx.store.get().territoryById.get(id)?.name ?? id;
  if (!ho) {
    clear(el, h('p.muted', 'The fit had no holdout: nothing to score.'));
    return;
  }
  const b0 = best(ho.baselines);
  const gain = b0 && typeof ho.model.wape === 'number' && b0.metrics.wape! > 0 ? 1 - ho.model.wape / b0.metrics.wape! : undefined;
  clear(el,
    h('p.lead', { id: 'backtest-sentence' }, `Fitted on ${count(f.fitted_periods)} ${f.granularity}s, forecast the last ${count(f.holdout_periods)} given the resources actually spent: `,
      gain === undefined ? 'no naive forecast to compare with.' : gain > 0 ? `the fitted curves beat the best naive forecast by ${percent(gain)}.` : `the fitted curves do not beat the best naive forecast (${names[b0!.name] ?? b0!.name}).`),
    h('table.grid.compact', { id: 'backtest-total' },
      h('caption.muted', 'All territories (coverage: share of actuals inside the 80 % interval)'),
      h('thead', h('tr', h('th', 'Forecast'), h('th.num', 'WAPE'), h('th.num', 'MAPE'), h('th.num', 'Bias'), h('th.num', 'Coverage'))),
      h('tbody', row('Fitted curves', ho.model, 'model'), (ho.baselines ?? []).map((b) => row(names[b.name] ?? b.name, b.metrics)))),
    h('details.more', { id: 'backtest-territories' },
      h('summary', `Per territory (${count((f.territories ?? []).length)})`),
      h('table.grid.compact',
        h('thead', h('tr', h('th', 'Territory'), h('th.num', 'WAPE'), h('th.num', 'Coverage'), h('th.num', { title: 'the lowest WAPE of the naive forecasts on the territory' }, 'Best naive'))),
        h('tbody', (f.territories ?? []).filter((t) => t.holdout).map((t) => {
          const b = best(t.baselines);
          return h('tr', h('td', name(t.territory)), h('td.num', pct(t.holdout!.wape)), h('td.num', pct(t.holdout!.coverage)),
            h('td.num', { title: b ? names[b.name] ?? b.name : '' }, pct(b?.metrics.wape)));
        })))),
  );
}

/** curvesBlock says which response curves the allocation used and, on fitted curves, the interval of its expected revenue. */
function curvesBlock(c: CurvesOutcome | undefined): HTMLElement | null {
  if (!c) return null;
  const er = c.expected_revenue;
  return h('div', { id: 'curves-certificate' },
    h('p', { id: 'curves-note' }, `Curves: ${c.note}.`),
    er ? h('p', { id: 'expected-interval' },
      `Expected revenue of this plan: ${money(er.estimate)}${er.interval ? `, 80 % interval ${moneyRange(er.interval.p10, er.interval.p90)}` : ''}. `,
      h('span.muted', `Over ${count(er.draws.n)} draws of the fitted curves: mean ${money(er.draws.mean)}, ${moneyRange(er.draws.interval.p10, er.draws.interval.p90)}.`)) : null,
    c.robust ? h('table.grid.compact', { id: 'robust-compare' },
      h('caption.muted', `Robust plan: maximises the mean revenue over the draws (certified on the mean curves, gap ${c.robust.gap < 1e-9 ? 'none' : percent(c.robust.gap)})`),
      h('thead', h('tr', h('th', 'Plan'), h('th.num', 'Mean over draws'), h('th.num', 'P10–P90'))),
      h('tbody',
        h('tr', h('td', 'On the fitted curves (this plan)'), h('td.num', money(c.robust.mode.mean)), h('td.num', moneyRange(c.robust.mode.interval.p10, c.robust.mode.interval.p90))),
        h('tr', h('td', 'Robust'), h('td.num', money(c.robust.robust.mean)), h('td.num', moneyRange(c.robust.robust.interval.p10, c.robust.robust.interval.p90))),
      ),
      h('tfoot', h('tr', h('td', { colspan: 3, id: 'robust-gain' }, c.robust.gain > 0
        ? `The robust plan adds ${money(c.robust.gain)} a year of expected revenue over the draws.`
        : 'The robust plan adds nothing over the draws: this plan is as good on them.')))) : null,
  );
}

/** alignmentCertificate says how the redrawn territories meet every balance band, and why some cannot; figures under Details. */
function alignmentCertificate(al: AlignmentSummary, name: (id: string) => string): HTMLElement {
  const km = (m: number | null | undefined) => (typeof m === 'number' ? `${count(m / 1000, false, 0)} km` : '—');
  const bands = al.balances ?? [];
  return h('div', { id: 'align-certificate' },
    h('h4', 'Territories'),
    h('p.lead', { id: 'align-sentence' }, alignmentSentence(al)),
    al.centers === 'rep_homes' ? h('p', { id: 'align-centers' }, 'Each territory is drawn around the home of the rep who owns it, where the rep has a home location.') : null,
    bands.length ? h('table.grid.compact', { id: 'align-balances' },
      h('caption.muted', 'Each measure’s band, and the territory closest to (or furthest outside) it'),
      h('thead', h('tr', h('th', 'Measure'), h('th', 'Band'), h('th', 'Worst territory'), h('th.num', 'It holds'), h('th.num', 'Outside'))),
      h('tbody', bands.map((b) => h('tr', { 'data-measure': b.measure },
        h('td', measureLabel(b.measure)),
        h('td', bandText(b)),
        h('td', name(b.worst_territory)),
        h('td.num', measureAmount(b.measure, b.worst_load)),
        h('td.num', b.outside === 0 ? 'none' : count(b.outside)))))) : null,
    al.balanced ? h('p', { id: 'align-balanced' }, al.balanced) : null,
    (al.warnings ?? []).map((w) => h('p.warn', { role: 'note' }, w)),
    h('details.more', { id: 'align-details' },
      h('summary', 'Details'),
      h('dl.metrics',
        metric('Territories redrawn', count(al.k)),
        al.balance_max > 0 ? metric('Balance band', moneyRange(al.balance_min, al.balance_max) + ' of market') : null,
        metric('Every band held', al.feasible ? 'yes' : 'no'),
        metric('Contiguous', al.contiguous ? 'yes' : 'no'),
        metric('Market moved', al.from_current === false ? 'new territories' : percent(al.moved)),
        metric('Solver status', al.status),
        metric('Distance to centres', km(al.objective)),
        metric('Lower bound on it', km(al.lower_bound)),
      ),
    ),
  );
}

function drawFrontier(ctx: Ctx, el: HTMLElement, s: AppState): void {
  const sc = s.scenario!;
  ctx.busy(api.frontier(sc.id, 'money', 12)).then((f) => {
    const pts = sortBy(f.points ?? [], (p) => p.amount, 'asc');
    if (pts.length < 2) {
      clear(el, h('p.muted', 'No frontier yet.'));
      return;
    }
    // The optimum and its bound measure the same objective: revenue, or profit.
    const what = f.objective === 'profit' ? 'profit' : 'revenue';
    const series = [{ label: `Optimal ${what}`, values: pts.map((p) => p.objective), color: '#21918c', points: true }];
    if (pts.some((p) => typeof p.bound === 'number')) series.push({ label: `Upper bound on ${what}`, values: pts.map((p) => p.bound ?? null) as number[], color: '#b35806', points: false });
    if (what === 'profit') series.push({ label: 'Expected revenue', values: pts.map((p) => p.revenue), color: '#3b528b', points: false });
    // The frontier varies one resource (money by default); "current" is that resource's total.
    const cur = f.current;
    requestAnimationFrame(() => lineChart(el, {
      x: pts.map((p) => p.amount), series, xFmt: (v) => money(v), yFmt: (v) => money(v),
      width: el.clientWidth || 360, height: 180,
      marks: typeof cur === 'number' ? [{ x: cur, label: 'current total', color: '#444444' }] : [],
    }));
  }).catch((e) => clear(el, h('p.muted', 'The frontier is not available: ' + (e instanceof ApiError ? e.message : String(e)))));
}

// ---------- manual alignment ----------

function alignPanel(ctx: Ctx, s: AppState): void {
  const el = panel();
  const sc = s.scenario;
  if (!sc) return;
  if (undoScenario !== key(sc.id)) {
    undo.clear();
    undoScenario = key(sc.id);
  }
  const editable = canPlan(s.user?.role) && sc.status !== 'published' && !sc.baseline;
  const sel = [...s.selectedUnits];
  const from = new Map<string, number>();
  let pop = 0;
  for (const u of sel) {
    const t = s.assign.get(u) ?? '?';
    from.set(t, (from.get(t) ?? 0) + 1);
    const p = Number(ctx.unitProps(u).pop_2018);
    if (Number.isFinite(p)) pop += p;
  }
  const target = territorySelect(s, 'move-target');
  target.setAttribute('aria-label', 'Move to territory');
  if (s.selectedTerritory) target.value = s.selectedTerritory;
  // Live balance: what the move would do to units and market, before it is
  // made. The server answers the balance of the moves without saving them
  // (dry run): the market with the scenario's multipliers, as the solver
  // balances it and as Results shows it.
  const preview = h('div', { id: 'move-preview', 'aria-live': 'polite' });
  let previewSeq = 0;
  const drawPreview = () => {
    const to = target.value;
    const seq = ++previewSeq;
    if (!sel.length || !to || !editable) {
      clear(preview);
      return;
    }
    const moves = planMoves(sel, s.assign, to);
    if (!moves.length) {
      clear(preview, h('p.muted', `Already in ${s.territoryById.get(to)?.name ?? to}.`));
      return;
    }
    clear(preview, h('p.muted', 'Working out the balance…'));
    ctx.busy(api.move(sc.id, movesBody(moves).moves, ctx.store.get().scenario?.version ?? sc.version, true)).then((r) => {
      if (seq !== previewSeq) return;
      const after = new Map((r.balance ?? []).map((b) => [key(b.territory), b]));
      const ids = [...new Set([...from.keys(), to])].filter((t) => s.territoryById.has(t));
      const before = (t: string) => s.territoryById.get(t);
      clear(preview,
        h('table.grid.compact', { id: 'move-preview-table' },
          h('caption.muted', `If moved to ${s.territoryById.get(to)?.name ?? to}:`),
          h('thead', h('tr', h('th', 'Territory'), h('th.num', 'Units'), h('th.num', 'Market'))),
          h('tbody', ids.map((t) => h('tr', { 'data-id': t },
            h('td', s.territoryById.get(t)?.name ?? t),
            h('td.num', `${count(before(t)?.units ?? 0)} → ${count(after.get(t)?.units ?? 0)}`),
            h('td.num', `${money(before(t)?.market ?? 0)} → ${money(after.get(t)?.market ?? 0)}`),
          ))),
        ),
        h('p.muted', `Market spread (max − min) / mean: ${percent(spread(s.territories.map((t) => t.market)))} → ${percent(spread((r.balance ?? []).map((b) => b.market)))}`),
      );
    }).catch((e) => {
      if (seq === previewSeq) clear(preview, h('p.muted', 'The balance cannot be worked out: ' + (e instanceof Error ? e.message : String(e))));
    });
  };
  target.addEventListener('change', drawPreview);
  const unitInput = h('input', { id: 'unit-id', placeholder: 'unit id, e.g. 06037', 'aria-label': 'Add a unit by id' }) as HTMLInputElement;
  const doMoves = async (moves: Move[], isUndo: boolean) => {
    if (!moves.length) return;
    try {
      const r = await ctx.busy(api.move(sc.id, movesBody(moves).moves, ctx.store.get().scenario?.version ?? sc.version));
      if (!isUndo) undo.push(moves);
      const cur = ctx.store.get().scenario;
      // The scenario's version (and status: an approved plan is a draft again) after the moves.
      const scenario = cur && r ? { ...cur, version: r.scenario_version, status: r.status } : cur;
      ctx.store.set({ assign: applyMoves(ctx.store.get().assign, moves), lastMove: r, selectedUnits: new Set(), scenario,
        scenarios: scenario ? ctx.store.get().scenarios.map((x) => (key(x.id) === key(scenario.id) ? scenario : x)) : ctx.store.get().scenarios });
      await ctx.reloadTerritories(true);
      ctx.toast(`${isUndo ? 'Undid' : 'Moved'} ${r?.moved ?? moves.length} unit${moves.length === 1 ? '' : 's'}.`);
    } catch (e) {
      ctx.showError(e);
    }
  };
  const lm = s.lastMove;
  // The balance is the territories' as GET …/territories answers after each
  // move (market with the scenario's multipliers), the same as Results.
  const mk = s.territories.map((t) => t.market);
  clear(el,
    h('h2', 'Manual alignment'),
    !editable ? h('p.note', { id: 'align-readonly' }, sc.baseline ? 'Branch to change this plan (Scenario tab): the current plan is read-only.'
      : sc.status === 'published' ? 'This scenario is published: branch it (Scenario tab) to move units.' : 'Read-only.') : null,
    h('p.muted', 'Click units to select them; shift-drag to box-select. Then choose a territory and move them.'),
    h('div.row', unitInput, h('button', { type: 'button', id: 'unit-select', onclick: () => {
      const u = unitInput.value.trim();
      if (s.assign.has(u)) ctx.store.set({ selectedUnits: new Set([...ctx.store.get().selectedUnits, u]) });
      else ctx.showError(new Error(`No unit ${u} in this scenario.`));
    } }, 'Select')),
    h('section.box', { id: 'selection' },
      h('h3', `Selected: ${sel.length} unit${sel.length === 1 ? '' : 's'}`),
      sel.length ? h('p', `Population ${count(pop)} · from ${[...from].map(([t, n]) => `${s.territoryById.get(t)?.name ?? t} (${n})`).join(', ')}`) : null,
      sel.length ? h('ul.unitlist', sel.slice(0, 30).map((u) => h('li', ctx.unitName(u), ' ', h('button.link', { onclick: () => {
        const n = new Set(ctx.store.get().selectedUnits);
        n.delete(u);
        ctx.store.set({ selectedUnits: n });
      }, 'aria-label': 'Deselect ' + ctx.unitName(u) }, '×')))) : null,
      h('div.row',
        target,
        h('button.primary', { id: 'move-units', disabled: !editable || !sel.length, onclick: () => {
          if (!target.value) return ctx.showError(new Error('Choose the territory to move the units to.'));
          doMoves(planMoves(sel, s.assign, target.value), false);
        } }, 'Move'),
        h('button', { id: 'clear-selection', disabled: !sel.length, onclick: () => ctx.store.set({ selectedUnits: new Set() }) }, 'Clear'),
        h('button', { id: 'undo-move', disabled: !editable || undo.size === 0, onclick: () => {
          const inv = undo.pop();
          if (inv) doMoves(inv, true);
        } }, `Undo${undo.size ? ` (${undo.size})` : ''}`),
      ),
      preview,
    ),
    lm && lm.noncontiguous?.length ? h('p.warn', { id: 'contiguity-warning', role: 'alert' },
      '⚠ Not contiguous: ', lm.noncontiguous.map((t) => s.territoryById.get(key(t))?.name ?? key(t)).join(', '), '.') : null,
    h('h3', 'Balance'),
    h('p.muted', { id: 'balance-spread' }, `Market spread (max − min) / mean: ${percent(spread(mk))}`),
    h('div.tablewrap.short', h('table.grid.compact', { id: 'balance-table' },
      h('thead', h('tr', h('th', 'Territory'), h('th.num', 'Units'), h('th.num', 'Market'), h('th.num', 'Revenue'))),
      h('tbody', sortBy(s.territories, (t) => t.market, 'desc').map((t) => ({ id: key(t.id), units: t.units, market: t.market, revenue: t.revenue }))
        .map((b) => h('tr', { 'data-id': b.id, class: from.has(b.id) || b.id === target.value ? 'sel' : '' },
          h('td', s.territoryById.get(b.id)?.name ?? b.id), h('td.num', count(b.units)), h('td.num', money(b.market)), h('td.num', money(b.revenue))))),
    )),
  );
  drawPreview();
}

// (the preview is drawn once the panel is in the document)

// ---------- compare ----------

function comparePanel(ctx: Ctx, s: AppState): void {
  const el = panel();
  const sc = s.scenario;
  if (!sc) return;
  const others = s.scenarios.filter((x) => key(x.id) !== key(sc.id));
  const other = h('select', { id: 'compare-with', 'aria-label': 'Compare with' }, others.map((x) => h('option', { value: key(x.id) }, x.name))) as HTMLSelectElement;
  if (s.compareWith) other.value = s.compareWith;
  const c = s.compare;
  const rows = c ? sortBy(c.territories ?? [], (t) => Math.abs(t.expected_delta ?? 0), 'desc') : [];
  const otherName = s.scenarios.find((x) => key(x.id) === s.compareWith)?.name ?? s.compareWith ?? '';
  const nameOf = (t: NonNullable<AppState['compare']>['territories'][number]) => t.name_b ?? t.name_a ?? s.territoryById.get(key(t.id))?.name ?? key(t.id);
  clear(el,
    h('h2', 'Compare scenarios'),
    h('div.row', h('span', h('strong', sc.name), ' compared with '), other,
      h('button.primary', { id: 'compare-run', disabled: !others.length, onclick: async () => {
        try {
          // From the other scenario (a) to this one (b): delta = this − other.
          const r = await ctx.busy(api.compare(other.value, sc.id));
          ctx.store.set({ compare: r, compareWith: other.value });
        } catch (e) {
          ctx.showError(e);
        }
      } }, 'Compare'),
      c ? h('button', { id: 'compare-clear', onclick: () => ctx.store.set({ compare: null, compareWith: null }) }, 'Back to plan map') : null),
    c ? h('label.row', 'Map shows the change in ', (() => {
      const sel = h('select', { id: 'compare-measure', onchange: (e: Event) => ctx.store.set({ compareMeasure: (e.target as HTMLSelectElement).value }) },
        h('option', { value: 'revenue' }, 'expected revenue'),
        resourceNames(s.scenario, s.territories).map((r) => h('option', { value: r }, `${r} allocation`))) as HTMLSelectElement;
      sel.value = s.compareMeasure;
      return sel;
    })()) : null,
    !others.length ? h('p.muted', 'There is only one scenario: branch it in the Scenario tab first.') : null,
    c ? [
      // Modelled against modelled, and actual apart: never one against the other.
      h('table.grid.compact', { id: 'compare-totals' },
        h('thead', h('tr', h('th', ''), h('th.num', otherName), h('th.num', sc.name), h('th.num', 'Change'))),
        h('tbody',
          h('tr', { id: 'compare-expected' }, h('th', { scope: 'row' }, 'Expected revenue', h('span.unit.muted', 'modelled')),
            h('td.num', money(c.totals?.expected_a), h('span.sub.muted', basisText(c.basis_a, c.stale_a))),
            h('td.num', money(c.totals?.expected_b), h('span.sub.muted', basisText(c.basis_b, c.stale_b))),
            h('td.num', changeCell(c.totals?.expected_delta, 'dollars'))),
          h('tr', { id: 'compare-actual' }, h('th', { scope: 'row' }, 'Actual revenue', h('span.unit.muted', "today's accounts")),
            h('td.num', money(c.totals?.actual_a)), h('td.num', money(c.totals?.actual_b)), h('td.num', changeCell(c.totals?.actual_delta, 'dollars'))),
        ),
      ),
      c.stale_a || c.stale_b ? h('p.warn', { id: 'compare-stale' }, `${[c.stale_a ? otherName : null, c.stale_b ? sc.name : null].filter(Boolean).join(' and ')} changed since ${c.stale_a && c.stale_b ? 'their' : 'its'} latest run: run ${c.stale_a && c.stale_b ? 'them' : 'it'} again to compare the plans as they are.`) : null,
      h('p.muted', `${counted(c.moved_units?.length ?? 0, 'unit')} changed territory.`),
      sideBySide(s, s.scenarios.find((x) => key(x.id) === s.compareWith) ?? null, sc),
      otherScenario(s) ? compareConflicts(otherScenario(s)!, sc, ctx.showError) : null,
      h('p.muted', `The map shows the change per territory from “${otherName}” to “${sc.name}” (orange up, purple down, white no change); moved units have a dashed outline.`),
      h('div.tablewrap', h('table.grid.compact', { id: 'compare-table' },
        h('thead', h('tr', h('th', 'Territory'), h('th.num', { title: otherName }, 'Expected, other'), h('th.num', 'Expected, this'), h('th.num', 'Δ expected'), h('th.num', 'Δ actual'))),
        h('tbody', rows.map((t) => h('tr', { 'data-id': key(t.id), tabindex: '0', onclick: () => ctx.store.set({ selectedTerritory: key(t.id) }) },
          h('td', nameOf(t)), h('td.num', money(t.expected_a)), h('td.num', money(t.expected_b)),
          h('td.num', changeCell(t.expected_delta, 'dollars')), h('td.num', changeCell(t.actual_delta, 'dollars'))))),
      )),
      c.moved_units?.length ? [h('h3', 'Moved units'), h('ul.unitlist', { id: 'moved-list' }, c.moved_units.slice(0, 100).map((m) => h('li',
        `${ctx.unitName(String(m.unit_id))}: ${s.territoryById.get(key(m.from))?.name ?? key(m.from)} → ${s.territoryById.get(key(m.to))?.name ?? key(m.to)}`)))] : null,
    ] : null,
  );
}

/** otherScenario is the scenario the Compare tab compares with. */
function otherScenario(s: AppState): Scenario | null {
  return s.scenarios.find((x) => key(x.id) === s.compareWith) ?? null;
}

/** sideBySide sets the two scenarios' inputs next to each other: status, budget, totals (the revenue is in the totals above). */
function sideBySide(s: AppState, a: Scenario | null, b: Scenario): HTMLElement | null {
  if (!a) return null;
  const names = [...new Set([...(a.resources ?? []), ...(b.resources ?? [])].map((r) => r.name))];
  const total = (x: Scenario, n: string) => x.resources?.find((r) => r.name === n)?.total;
  const row = (label: string, va: string, vb: string) => h('tr', h('th', { scope: 'row' }, label), h('td.num', va), h('td.num', vb));
  return h('table.grid.compact', { id: 'compare-side' },
    h('caption.muted', 'Side by side'),
    h('thead', h('tr', h('th', ''), h('th.num', a.name), h('th.num', b.name))),
    h('tbody',
      row('Status', a.status, b.status),
      row('Budget', money(a.budget), money(b.budget)),
      names.map((n) => row(`Total ${n}`, amount(total(a, n), unitOf(s, n)), amount(total(b, n), unitOf(s, n)))),
    ),
  );
}

// ---------- approve, publish, audit ----------

/** auditDetail shows an audit entry's detail (an object, or JSON text) as key: value lines. */
function auditDetail(d: string | null | undefined): HTMLElement | null {
  const lines = auditLines(d);
  return lines.length ? h('ul.detail', lines.map((l) => h('li', l))) : null;
}

function auditPanel(ctx: Ctx, s: AppState): void {
  const el = panel();
  const sc = s.scenario;
  if (!sc) return;
  const leader = canApprove(s.user?.role);
  const list = h('div', { id: 'audit-list' }, h('p.muted', 'Loading…'));
  const act = async (what: 'approve' | 'publish') => {
    try {
      const updated = await ctx.busy(what === 'approve' ? api.approve(sc.id) : api.publish(sc.id));
      await ctx.refreshScenarios();
      ctx.store.set({ scenario: updated });
      ctx.toast(what === 'approve' ? 'Approved.' : 'Published: reps now see this plan.');
    } catch (e) {
      ctx.showError(e);
    }
  };
  // Publishing changes what reps see: it is offered only once the plan is
  // approved, and asks for a confirmation that lists its impact on people.
  const publishHint = sc.status === 'draft' ? 'Approve the plan first: only an approved plan can be published.'
    : sc.status === 'published' ? 'This plan is the one reps see.' : '';
  clear(el,
    h('h2', 'Approve and publish'),
    h('p', 'Status: ', h('span', { id: 'status-badge', class: 'badge status-' + sc.status }, sc.status)),
    leader ? [h('div.row',
      h('button', { id: 'approve', disabled: sc.status !== 'draft', onclick: () => act('approve') }, 'Approve'),
      h('button.primary', { id: 'publish', disabled: sc.status !== 'approved', title: publishHint || undefined, onclick: () => confirmPublish(ctx, sc, () => act('publish')) }, 'Publish…'),
    ), publishHint ? h('p.muted', { id: 'publish-hint' }, publishHint) : null] : h('p.note', 'Only leaders can approve and publish.'),
    h('h3', 'Audit trail'),
    list,
  );
  ctx.busy(api.audit(sc.id)).then((r) => {
    const entries = sortBy(r.audit ?? [], (a) => a.at, 'desc');
    clear(list, entries.length === 0 ? h('p.muted', 'No entries.') : h('ol.audit', entries.map((a) => h('li',
      h('div', h('strong', a.action), ' by ', a.actor, h('span.muted', ' · ' + dateTime(a.at))),
      auditDetail(a.detail),
    ))));
  }).catch((e) => clear(list, h('p.muted', 'The audit trail is not available: ' + (e instanceof Error ? e.message : String(e)))));
}

/**
 * confirmPublish asks before publishing, listing for each territory that
 * changes and its owners what it gains and loses (units, accounts, market,
 * revenue) and its headcount before and after (GET …/publish-impact).
 */
async function confirmPublish(ctx: Ctx, sc: Scenario, publish: () => Promise<void>): Promise<void> {
  let impact: PublishImpact;
  try {
    impact = await ctx.busy(api.publishImpact(sc.id));
  } catch (e) {
    ctx.showError(e);
    return;
  }
  // The plan impact on people (GET …/compare/{against}/{sc}): what each
  // owner gains and loses; without it the dialog still lists territories.
  type PersonImpact = Awaited<ReturnType<typeof api.compare>>['people'][number];
  let people: PersonImpact[] = [];
  let peopleError = '';
  if (impact.against_id != null) {
    try {
      people = (await ctx.busy(api.compare(impact.against_id, sc.id))).people.filter((p) => p.changed);
    } catch (e) {
      peopleError = 'The impact on people is not available: ' + (e instanceof Error ? e.message : String(e));
    }
  }
  people = sortBy(people, (p) => p.market_gained + p.market_lost, 'desc');
  document.getElementById('publish-dialog')?.remove();
  const current = ctx.store.get().scenarios.find((x) => key(x.id) === key(impact.published_id ?? impact.against_id));
  const changes = sortBy(impact.changes ?? [], (c) => c.market_gained + c.market_lost, 'desc');
  const reps = impact.reps_affected ?? [];
  const dlg = h('dialog.publish', { id: 'publish-dialog', 'aria-labelledby': 'publish-title' }) as HTMLDialogElement;
  const close = () => {
    dlg.close();
    dlg.remove();
  };
  const lead = changes.length === 0
    ? `Publishing “${sc.name}” changes no territory${current ? ` of “${current.name}”, the plan reps see now` : ''}.`
    : `Publishing “${sc.name}” replaces ${current ? `“${current.name}”, the plan reps see now` : 'the current plan'}: ${counted(changes.length, 'territory', 'territories')} ${changes.length === 1 ? 'changes' : 'change'}` +
      (reps.length ? `, and ${counted(reps.length, 'person', 'people')} will see a different territory: ${reps.join(', ')}.` : ', none of them owned by anyone.');
  clear(dlg,
    h('h2', { id: 'publish-title' }, `Publish “${sc.name}”?`),
    h('p', { id: 'publish-lead' }, lead),
    changes.length ? h('div.tablewrap', h('table.grid.compact', { id: 'publish-impact' },
      h('thead', h('tr', h('th', 'Territory'), h('th', 'Owners'), h('th.num', 'Units'), h('th.num', 'Accounts'), h('th.num', 'Market'), h('th.num', { title: "actual revenue of today's accounts" }, 'Revenue'), h('th.num', 'Headcount'))),
      h('tbody', changes.map((c: TerritoryImpact) => h('tr', { 'data-id': c.territory },
        h('td', c.name, c.status !== 'changed' ? h('span.unit.muted', c.status === 'added' ? 'new territory' : 'removed') : null),
        h('td', c.owners?.length ? c.owners.join(', ') : h('span.muted', 'nobody')),
        h('td.num', gainLoss(c.units_gained, c.units_lost, (v) => count(v))),
        h('td.num', gainLoss(c.accounts_gained, c.accounts_lost, (v) => count(v))),
        h('td.num', gainLoss(c.market_gained, c.market_lost, (v) => money(v))),
        h('td.num', gainLoss(c.revenue_gained, c.revenue_lost, (v) => money(v))),
        h('td.num', headcountChange(c.headcount_before, c.headcount_after)),
      ))),
    )) : null,
    people.length ? h('div.tablewrap', h('table.grid.compact', { id: 'publish-people' },
      h('thead', h('tr', h('th', 'Person'), h('th.num', 'Accounts'), h('th.num', { title: 'open deals of their accounts' }, 'Open pipeline'),
        h('th.num', { title: 'won deals of their accounts closed in the 12 months to the latest deal date' }, 'Bookings 12 mo'), h('th.num', 'Market'), h('th.num', 'Quota'))),
      h('tbody', people.map((p) => h('tr', { 'data-name': p.name },
        h('td', p.name, p.territories_b.length === 0 ? h('span.unit.muted', 'no territory after') : p.territories_a.length === 0 ? h('span.unit.muted', 'new owner') : null),
        h('td.num', gainLoss(p.accounts_gained, p.accounts_lost, (v) => count(v))),
        h('td.num', gainLoss(p.open_pipeline_gained, p.open_pipeline_lost, (v) => money(v))),
        h('td.num', gainLoss(p.bookings_gained, p.bookings_lost, (v) => money(v))),
        h('td.num', gainLoss(p.market_gained, p.market_lost, (v) => money(v))),
        h('td.num', gainLoss(p.quota_gained, p.quota_lost, (v) => money(v))),
      ))),
    )) : null,
    peopleError ? h('p.muted', { id: 'publish-people-error' }, peopleError) : null,
    h('div.row.end',
      h('button', { id: 'publish-cancel', type: 'button', onclick: close }, 'Cancel'),
      h('button.primary', { id: 'publish-confirm', type: 'button', onclick: async () => {
        close();
        await publish();
      } }, reps.length ? `Publish and change ${counted(reps.length, "person's territory", "people's territories")}` : 'Publish'),
    ),
  );
  document.body.append(dlg);
  dlg.showModal();
}
