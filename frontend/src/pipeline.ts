// Pipeline KPIs in the app: the period chooser over the map (shared by the
// map, the territory panel and the KPI table), the by-territory KPIs that
// colour the map, the "Pipeline" section of the territory panel (the rep's
// view too) and the KPI table of the Pipeline tab. Pure parts are in kpi.ts.
import { api } from './api';
import { h, clear, download } from './dom';
import { errorText } from './messages';
import { counted } from './format';
import { sortBy, nextSort, key, type AppState, type Store, type SortDir } from './state';
import {
  kpiDefs, kpiDef, kpiBys, kpiByLabel, kpiUnit, kpiValue, fmtKpi, groupName, periodPresets, presetPeriod, periodProblem,
  periodLabel, kpiCSV, kpiFileName, type KpiBy, type KpiField, type Period, type PeriodPreset,
} from './kpi';
import type { KPIs, KPIGroup, Territory } from './types';

/** What the pipeline views need of the app (panels.ts's Ctx has it all). */
export interface PipelineCtx {
  store: Store<AppState>;
  busy: <T>(p: Promise<T>) => Promise<T>;
  fitTerritory: (tid: string) => void;
}

// ---------- the period chooser ----------

/** periodField is the period chooser over the map: a quick choice and the from/to dates it stands for. */
export function periodField(store: Store<AppState>): HTMLElement {
  const p = store.get().period;
  const preset = h('select', { id: 'period-preset', 'aria-label': 'Period' },
    periodPresets.map((x) => h('option', { value: x.key }, x.label))) as HTMLSelectElement;
  const from = h('input', { id: 'period-from', type: 'date', 'aria-label': 'From (close date)', value: p.from ?? '' }) as HTMLInputElement;
  const to = h('input', { id: 'period-to', type: 'date', 'aria-label': 'To (close date)', value: p.to ?? '' }) as HTMLInputElement;
  // The dates show for custom dates only: a quick choice's dates are in the legend and the panels.
  const dates = h('span.period-dates', { hidden: p.preset !== 'custom' }, from, h('span.muted', '–'), to);
  preset.value = p.preset;
  preset.addEventListener('change', () => {
    const next = presetPeriod(preset.value as PeriodPreset, new Date(), store.get().period);
    from.value = next.from ?? '';
    to.value = next.to ?? '';
    from.setCustomValidity('');
    dates.hidden = next.preset !== 'custom';
    store.set({ period: next });
    if (next.preset === 'custom') from.focus();
  });
  const onDate = () => {
    const next: Period = { preset: 'custom', from: from.value || null, to: to.value || null };
    const problem = periodProblem(next);
    from.setCustomValidity(problem ?? '');
    if (problem) {
      from.reportValidity();
      return;
    }
    preset.value = next.from || next.to ? 'custom' : 'all';
    dates.hidden = preset.value !== 'custom';
    store.set({ period: { ...next, preset: next.from || next.to ? 'custom' : 'all' } });
  };
  from.addEventListener('change', onDate);
  to.addEventListener('change', onDate);
  return h('div.field.period', { id: 'period-field', role: 'group', 'aria-label': 'Period of the pipeline KPIs', title: 'Won and lost deals by close date, open deals by created date' },
    h('span', 'Period'), preset, dates);
}

// ---------- the by-territory KPIs (map and panel) ----------

let territorySeq = 0;

/**
 * loadTerritoryKpis asks for the scenario's KPIs by territory for the
 * period, into state.kpis (which colours the map and fills the panel). An
 * answer that arrives after a newer question is dropped.
 */
export async function loadTerritoryKpis(c: PipelineCtx): Promise<void> {
  const s = c.store.get();
  if (!s.scenario) return;
  const seq = ++territorySeq;
  try {
    const k = await c.busy(api.kpis(s.scenario.id, 'territory', s.period.from, s.period.to));
    if (seq === territorySeq) c.store.set({ kpis: k, kpiError: null });
  } catch (e) {
    if (seq === territorySeq) c.store.set({ kpis: null, kpiError: errorText(e) });
  }
}

/** territoryKpis is a territory's group of the by-territory answer, or null. */
export function territoryKpis(s: AppState, tid: string): KPIGroup | null {
  return s.kpis?.groups.find((g) => g.key === tid) ?? null;
}

// ---------- the territory panel's section ----------

/** The KPIs of the territory panel, in its order. */
const panelFields: KpiField[] = [
  'opportunities', 'win_rate', 'win_rate_value', 'won_value', 'avg_won_deal', 'cycle_days_median',
  'open_value', 'velocity_per_day', 'stale_open', 'quota', 'attainment', 'coverage',
];

let repSeq = 0;

/**
 * pipelineSection is the territory panel's "Pipeline" section: the
 * territory's KPIs for the period beside the whole plan's (a planner) or the
 * rep's own deals (a rep). It redraws itself in place (updatePipelineSection).
 */
export function pipelineSection(c: PipelineCtx, s: AppState, t: Territory): HTMLElement {
  const el = h('section.pipeline', { id: 'territory-kpis', 'data-territory': key(t.id) });
  fillSection(c, el, s, t);
  return el;
}

/** updatePipelineSection redraws the section when the KPIs or the period changed. */
export function updatePipelineSection(c: PipelineCtx, s: AppState): void {
  const el = document.getElementById('territory-kpis');
  const t = el ? s.territoryById.get(el.dataset.territory ?? '') : undefined;
  if (el && t) fillSection(c, el, s, t);
}

function fillSection(c: PipelineCtx, el: HTMLElement, s: AppState, t: Territory): void {
  const rep = s.user?.role === 'rep';
  const head = h('h3', 'Pipeline ', h('span.muted.period-note', periodLabel(s.kpis ?? s.period)));
  if (s.kpiError && !s.kpis) {
    clear(el, head, h('p.muted', 'Pipeline KPIs are not available: ' + s.kpiError));
    return;
  }
  if (!s.kpis) {
    clear(el, head, h('p.muted', 'Loading the pipeline KPIs…'));
    return;
  }
  const g = territoryKpis(s, key(t.id));
  const table = (second: KPIGroup | null | 'loading', secondHead: string) => h('table.grid.compact.kpis', { id: 'territory-kpi-table' },
    h('thead', h('tr', h('th', 'KPI'), h('th.num', 'This territory'), h('th.num', secondHead))),
    h('tbody', panelFields.map((f) => {
      const d = kpiDef(f);
      return h('tr', { 'data-kpi': f },
        h('th', { scope: 'row' }, d.label),
        h('td.num', { 'data-col': 'territory' }, fmtKpi(d.kind, kpiValue(g, f))),
        h('td.num', { 'data-col': rep ? 'mine' : 'total' }, second === 'loading' ? '…' : fmtKpi(d.kind, kpiValue(second, f))));
    })),
  );
  const notes = h('p.muted.kpi-note',
    `As of ${s.kpis.as_of ?? '—'}. Won and lost deals by close date, open deals by created date; quota per year as entered.`,
    g && g.open_without_amount > 0 ? ` ${counted(g.open_without_amount, 'open deal')} of the territory ${g.open_without_amount === 1 ? 'has' : 'have'} no amount.` : '');
  if (!rep) {
    clear(el, head, g && g.opportunities === 0 ? h('p.muted', 'No opportunities of this territory in the period.') : null, table(s.kpis.total ?? null, 'All territories'), notes);
    return;
  }
  // A rep: their own figures by rep too (deals they own, wherever they are).
  clear(el, head, table('loading', 'Your deals'), notes);
  const seq = ++repSeq;
  const me = s.user?.name ?? '';
  c.busy(api.kpis(s.scenario!.id, 'rep', s.period.from, s.period.to)).then((k) => {
    if (seq !== repSeq) return;
    const mine = k.groups.find((x) => x.key === me) ?? null;
    clear(el, head, table(mine, 'Your deals'), notes);
  }).catch((e) => {
    if (seq !== repSeq) return;
    clear(el, head, table(null, 'Your deals'), notes, h('p.muted', 'Your own KPIs are not available: ' + errorText(e)));
  });
}

// ---------- the KPI table (Pipeline tab) ----------

let tableBy: KpiBy = 'territory';
/** The table's columns until people pick others: what fits beside the map. */
export const defaultKpiColumns: KpiField[] = ['opportunities', 'won', 'win_rate', 'won_value', 'avg_won_deal', 'cycle_days_median', 'open_value', 'attainment'];
let shownColumns: Set<KpiField> | null = null;
let tableSort: { key: string; dir: SortDir } = { key: 'opportunities', dir: 'desc' };
let tableSeq = 0;
let tableAnswer: { by: KpiBy; period: Period; scenario: string; territories: Territory[]; kpis: KPIs } | null = null;

/** pipelinePanel draws the Pipeline tab: the KPI table by territory, rep, region or manager for the period. */
export function pipelinePanel(c: PipelineCtx, el: HTMLElement, s: AppState): void {
  const sc = s.scenario;
  if (!sc) {
    clear(el, h('h2', 'Pipeline'), h('p.muted', 'No scenario.'));
    return;
  }
  const have = tableAnswer && tableAnswer.by === tableBy && tableAnswer.period === s.period && tableAnswer.scenario === key(sc.id) && tableAnswer.territories === s.territories ? tableAnswer.kpis : null;
  drawTable(c, el, s, have);
  if (have) return;
  const seq = ++tableSeq;
  const by = tableBy;
  c.busy(api.kpis(sc.id, by, s.period.from, s.period.to)).then((k) => {
    if (seq !== tableSeq) return;
    tableAnswer = { by, period: s.period, scenario: key(sc.id), territories: s.territories, kpis: k };
    const now = c.store.get();
    if (now.tab === 'pipeline' && now.period === s.period && now.territories === s.territories && key(now.scenario?.id) === key(sc.id)) drawTable(c, el, now, k);
  }).catch((e) => {
    if (seq !== tableSeq) return;
    const box = document.getElementById('kpi-table-wrap');
    if (box) clear(box, h('p.muted', 'Pipeline KPIs are not available: ' + errorText(e)));
  });
}

function drawTable(c: PipelineCtx, el: HTMLElement, s: AppState, k: KPIs | null): void {
  const sc = s.scenario!;
  const bySel = h('div.row', { role: 'group', 'aria-label': 'Group the KPIs by', id: 'kpi-by' },
    h('span.muted', 'By'),
    kpiBys.map((b) => h('button', {
      class: b === tableBy ? 'chip on' : 'chip', 'aria-pressed': String(b === tableBy), 'data-by': b,
      onclick: () => {
        if (b === tableBy) return;
        tableBy = b;
        tableSort = { key: 'opportunities', dir: 'desc' };
        pipelinePanel(c, el, c.store.get());
      },
    }, kpiByLabel[b])),
  );
  const byRow = h('div.row.between', bySel);
  const head = [
    h('h2', 'Pipeline'),
    h('p.muted', { id: 'kpi-period' }, `Pipeline KPIs by ${kpiByLabel[tableBy].toLowerCase()}, ${periodLabel(k ?? s.period)}` + (k?.as_of ? `; open deals aged at ${k.as_of}.` : '.')),
    byRow,
  ];
  if (!k) {
    clear(el, head, h('div', { id: 'kpi-table-wrap' }, h('p.muted', 'Loading the pipeline KPIs…')));
    return;
  }
  const sortKey = tableSort.key;
  const getter = (g: KPIGroup): number | string | null => (sortKey === 'name' ? groupName(g) : kpiValue(g, sortKey as KpiField));
  // The group of deals that belong to none ("No territory"…) stays last.
  const rows = [...sortBy(k.groups.filter((g) => g.key !== ''), getter, tableSort.dir), ...k.groups.filter((g) => g.key === '')];
  const arrow = (col: string) => (col === sortKey ? (tableSort.dir === 'asc' ? ' ▲' : ' ▼') : '');
  const ariaSort = (col: string) => (col === sortKey ? (tableSort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  const sortTo = (col: string, numeric: boolean) => {
    tableSort = nextSort(tableSort, col, numeric);
    drawTable(c, el, c.store.get(), k);
  };
  const shown = shownColumns ?? new Set(defaultKpiColumns);
  const defs = kpiDefs.filter((d) => shown.has(d.field));
  const picker = h('details.colpicker', { id: 'kpi-columns' },
    h('summary', `Columns (${defs.length} of ${kpiDefs.length})`),
    h('div.colpicker-list', kpiDefs.map((d) => h('label.check',
      h('input', { type: 'checkbox', value: d.field, checked: shown.has(d.field), onchange: (e: Event) => {
        const next = new Set(shown);
        if ((e.target as HTMLInputElement).checked) next.add(d.field);
        else next.delete(d.field);
        shownColumns = next;
        drawTable(c, el, c.store.get(), k);
        document.querySelector<HTMLDetailsElement>('#kpi-columns')?.setAttribute('open', '');
      } }), ' ', d.label)),
      h('button.link', { type: 'button', onclick: () => {
        shownColumns = null;
        drawTable(c, el, c.store.get(), k);
      } }, 'Default columns')),
  );
  byRow.append(picker);
  const cells = (g: KPIGroup) => defs.map((d) => h('td.num', { 'data-kpi': d.field }, fmtKpi(d.kind, kpiValue(g, d.field), false)));
  const table = h('table.grid.kpi-table', { id: 'kpi-table', 'data-by': tableBy },
    h('thead', h('tr',
      h('th', { scope: 'col', 'aria-sort': ariaSort('name') }, h('button.sort', { 'data-key': 'name', onclick: () => sortTo('name', false) }, kpiByLabel[tableBy], arrow('name'))),
      defs.map((d) => h('th.num', { scope: 'col', 'aria-sort': ariaSort(d.field) },
        h('button.sort', { 'data-key': d.field, onclick: () => sortTo(d.field, true) },
          d.label + arrow(d.field), kpiUnit(d.kind) ? h('span.unit.muted', kpiUnit(d.kind)) : ''))),
    )),
    h('tbody', rows.map((g) => h('tr', {
      'data-key': g.key,
      class: tableBy === 'territory' && g.key !== '' && g.key === s.selectedTerritory ? 'sel' : g.key === '' ? 'none' : '',
      tabindex: tableBy === 'territory' && g.key !== '' ? '0' : null,
      onclick: tableBy === 'territory' && g.key !== '' ? () => {
        c.store.set({ selectedTerritory: g.key });
        c.fitTerritory(g.key);
      } : null,
    }, h('th', { scope: 'row' }, groupName(g)), cells(g)))),
    k.total ? h('tfoot', h('tr.total', { 'data-key': 'total' }, h('th', { scope: 'row' }, 'Total'), cells(k.total))) : null,
  );
  clear(el, head,
    h('div.tablewrap.kpi-wrap', { id: 'kpi-table-wrap' }, table),
    h('div.row',
      h('button', { id: 'kpi-csv', onclick: () => download(kpiFileName(sc.name, tableBy, k), kpiCSV(tableBy, rows, k.total, defs)) }, 'Download CSV'),
      h('span.muted', `${rows.length} ${rows.length === 1 ? 'row' : 'rows'} and the total`)),
    h('p.muted.kpi-note', 'Win rate by count; win rate by value over deals with an amount. Cycle days of won deals. Velocity = open × win rate × average won deal ÷ mean cycle days. Stale: open longer than twice the median cycle. Quota per year as entered; attainment = won value ÷ quota; coverage = open pipeline ÷ (quota − won value).'),
  );
}
