// Terrane web app: sign-in, the territory map, side panels by role.
import './style.css';
import { api, ApiError, setToken, token, setOnUnauthorized } from './api';
import { h, clear, $ } from './dom';
import { TerritoryMap, bboxOf } from './map';
import { classify, classLabel, zeroColor, type Classes } from './color';
import {
  Store, initialState, measuresFor, measureByKey, measureValue, indexTerritories, tabsFor, key, resourceNames,
  compareDelta, activeRun, rerunKind, runDone, canPlan, type AppState, type Tab, type MeasureKey,
} from './state';
import { money, percent, ratio, amount } from './format';
import { errorText, loginErrorText } from './messages';
import { renderPanel, startRun, followRun, type Ctx } from './panels';
import { territoryConflicts } from './conflicts';
import { periodField, loadTerritoryKpis } from './pipeline';
import { fmtKpi, kpiDef, kpiLegendTitle } from './kpi';
import type { User, Scenario, Territory, TerritoriesResponse, Assignments, TerritoryCollection, RunEvent, ID } from './types';

const store = new Store<AppState>(initialState());
let tmap: TerritoryMap | null = null;
let unitName = new Map<string, string>();
let unitProps = new Map<string, Record<string, unknown>>();
let territoryFC: TerritoryCollection | null = null;
let classes: Classes | null = null;

// The test hook: app state and map queries for the browser tests.
const hook = {
  store,
  get state() {
    return store.get();
  },
  get map() {
    return tmap?.map;
  },
  ready: false,
  unitsLoaded: false,
  busy: 0,
  unitCentroid: (u: string): [number, number] | null => {
    const c = unitProps.get(u)?.centroid;
    return Array.isArray(c) && c.length === 2 ? [Number(c[0]), Number(c[1])] : null;
  },
  timings: {} as Record<string, number>,
  money, // the app's one money format, for the tests to compare with
  /** territoryColor is the colour the map paints a territory's units (null: no data). */
  territoryColor: (tid: string): string | null => territoryColor(tid),
  renderedUnits: () => tmap?.renderedUnits().length ?? 0,
  renderedTerritories: () => {
    const s = store.get();
    const ids = new Set<string>();
    for (const u of tmap?.renderedUnits() ?? []) {
      const t = s.assign.get(u);
      if (t !== undefined) ids.add(t);
    }
    return ids.size;
  },
  renderedTerritoryIds: () => {
    const s = store.get();
    const ids = new Set<string>();
    for (const u of tmap?.renderedUnits() ?? []) {
      const t = s.assign.get(u);
      if (t !== undefined) ids.add(t);
    }
    return [...ids].sort();
  },
  renderedOutlines: () => tmap?.renderedTerritoryOutlines().length ?? 0,
  /** unitsDrawn: the units' fill is drawn at this zoom (a dense layer's is not at the national view; its territories' fill is). */
  unitsDrawn: () => tmap?.unitsDrawn() ?? false,
  /** pixel is the colour drawn at a point of the map ([r, g, b], 0–255). */
  pixel: (lngLat: [number, number]): number[] | null => {
    if (!tmap) return null;
    const src = tmap.map.getCanvas();
    const p = tmap.map.project(lngLat);
    const r = src.width / src.clientWidth;
    const c = document.createElement('canvas');
    c.width = 1;
    c.height = 1;
    const g = c.getContext('2d')!;
    g.drawImage(src, Math.round(p.x * r), Math.round(p.y * r), 1, 1, 0, 0, 1, 1);
    return [...g.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  },
  renderedAccounts: () => tmap?.map.queryRenderedFeatures({ layers: ['accounts'] }).length ?? 0,
  idle: () => tmap?.idle(),
};
(window as unknown as { __terrane: typeof hook }).__terrane = hook;

const root = $('#root');

function showError(e: unknown): void {
  const msg = errorText(e);
  store.set({ error: msg });
  const el = document.getElementById('toast');
  if (el) {
    clear(el, h('span', msg), h('button.link', { onclick: () => (el.hidden = true), 'aria-label': 'Dismiss' }, '×'));
    el.hidden = false;
    el.className = 'toast error';
  }
}

function toast(msg: string): void {
  const el = document.getElementById('toast');
  if (!el) return;
  clear(el, h('span', msg));
  el.className = 'toast';
  el.hidden = false;
  setTimeout(() => (el.hidden = true), 3500);
}

async function busy<T>(p: Promise<T>): Promise<T> {
  hook.busy++;
  try {
    return await p;
  } finally {
    hook.busy--;
  }
}

// ---------- sign-in ----------

function showLogin(message?: string): void {
  hook.ready = false;
  tmap?.map.remove();
  tmap = null;
  const err = h('p.form-error', { role: 'alert', id: 'login-error' }, message ?? '');
  const name = h('input', { id: 'login-name', name: 'name', autocomplete: 'username', required: true }) as HTMLInputElement;
  const pw = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }) as HTMLInputElement;
  const form = h('form.login-card', {
    onsubmit: async (e: Event) => {
      e.preventDefault();
      err.textContent = '';
      try {
        const r = await api.login(name.value.trim(), pw.value);
        setToken(r.token);
        await startApp(r.user);
      } catch (x) {
        err.textContent = loginErrorText(x);
      }
    },
  },
    h('h1', h('span.logo', '◆'), ' Terrane'),
    h('p.muted', 'Territory and resource planning'),
    h('label', { for: 'login-name' }, 'Name'), name,
    h('label', { for: 'login-password' }, 'Password'), pw,
    err,
    h('button.primary', { type: 'submit', id: 'login-submit' }, 'Sign in'),
  );
  clear(root, h('main.login', form));
  name.focus();
}

// ---------- the app shell ----------

async function startApp(user: User): Promise<void> {
  store.set({ ...initialState(), user, tab: 'territory' });
  renderShell(user);
  const mapEl = $('#map');
  mapEl.addEventListener('mousemove', () => (hook.timings.firstPointer ??= performance.now()), { capture: true });
  try {
    hook.timings.start = performance.now();
    // The scenario list, then the chosen scenario's figures, while the style loads.
    const scenP = api.scenarios();
    // The layers' sizes: the map colours its units faster when it knows them all.
    const layersP = api.layers().then((l) => {
      for (const x of l.layers ?? []) layerUnits.set(x.id, x.unit_count);
    }).catch(() => {});
    const pickP = scenP.then((scen) => {
      const scenarios = scen.scenarios ?? [];
      const want = new URLSearchParams(location.hash.slice(1)).get('s');
      const pick = scenarios.find((s) => key(s.id) === want) ?? scenarios.find((s) => s.status === 'published') ?? scenarios[0] ?? null;
      return { scenarios, pick, data: pick ? fetchScenario(pick) : null };
    });
    // The map draws the chosen scenario's layer (us-counties, us-zips, …),
    // so it is made once the list says which.
    const first = await busy(pickP);
    unitLayer = first.pick?.layer || defaultLayer;
    tmap = new TerritoryMap(mapEl, {
      hover: onHover,
      click: onClick,
      boxSelect: (ids) => {
        const s = store.get();
        if (s.tab !== 'align') return;
        const sel = new Set(s.selectedUnits);
        for (const id of ids) if (s.assign.has(id)) sel.add(id);
        store.set({ selectedUnits: sel });
      },
    }, unitTiles(unitLayer));
    // The units' shapes come as vector tiles (only what is in view); the
    // figures that colour them arrive before the first frame is drawn.
    const [picked, data] = await busy(Promise.all([
      pickP,
      pickP.then((p) => p.data),
      tmap.ready().then(() => (hook.timings.styleLoaded = performance.now())),
      layersP,
    ]));
    tmap.setLayerUnits(layerUnits.get(unitLayer) ?? 0);
    tmap.map.once('render', () => (hook.timings.firstRender = performance.now()));
    store.set({ scenarios: picked.scenarios });
    if (picked.pick && data) await applyScenario(picked.pick, data);
    else {
      paint();
      await markReady();
    }
    loadLayerData(unitLayer);
  } catch (e) {
    showError(e);
  }
}

/** defaultLayer is the layer drawn when there is no scenario. */
const defaultLayer = 'us-counties';
/** unitLayer is the layer the map draws: the current scenario's. */
let unitLayer = defaultLayer;
/** layerUnits is the number of units of each layer, by layer id. */
const layerUnits = new Map<string, number>();

/** unitTiles is the URL template of a layer's vector tiles. */
function unitTiles(layer: string): string {
  return `${location.origin}/api/v1/tiles/${encodeURIComponent(layer)}/{z}/{x}/{y}.mvt`;
}

/**
 * loadLayerData fetches, after the first draw, the names and attributes of
 * the layer's units (tooltips, selection figures) and its region outlines.
 */
function loadLayerData(layer: string): void {
  hook.unitsLoaded = false;
  busy(api.units(layer)).then((units) => {
    if (layer !== unitLayer) return;
    hook.timings.unitsFetched = performance.now();
    unitName = new Map();
    unitProps = new Map();
    for (const f of units.features) {
      const id = f.properties.id;
      unitName.set(id, (f.properties.name || id) + (f.properties.region ? ', ' + f.properties.region : ''));
      unitProps.set(id, f.properties);
    }
    tmap?.setUnits(units);
    hook.unitsLoaded = true;
  }).catch(showError);
  // Basemap outlines come after the first draw.
  api.regions(layer).then((r) => {
    if (layer === unitLayer) tmap?.setRegions(r);
  }).catch(() => {});
}

/** useLayer switches the map to another layer's units (a scenario of another layer was chosen). */
function useLayer(layer: string): void {
  if (!tmap || layer === unitLayer) return;
  unitLayer = layer;
  unitName = new Map();
  unitProps = new Map();
  tmap.setUnitTiles(unitTiles(layer));
  tmap.setLayerUnits(layerUnits.get(layer) ?? 0);
  loadLayerData(layer);
}

function markReady(): Promise<void> {
  return (tmap?.idle() ?? Promise.resolve()).then(() => {
    if (!hook.ready) {
      hook.timings.mapReady = performance.now();
      hook.ready = true;
      document.body.dataset.ready = '1';
    }
  });
}

function renderShell(user: User): void {
  const planner = user.role !== 'rep';
  const scenSel = h('select', { id: 'scenario-select', 'aria-label': 'Scenario', onchange: (e: Event) => {
    const id = (e.target as HTMLSelectElement).value;
    const sc = store.get().scenarios.find((s) => key(s.id) === id);
    if (sc) loadScenario(sc).catch(showError);
  } });
  const measureSel = h('select', { id: 'measure-select', 'aria-label': 'Colour by', onchange: (e: Event) => {
    store.set({ measure: (e.target as HTMLSelectElement).value as MeasureKey });
  } }, measureOptions(user.role));
  const resSel = h('select', { id: 'resource-select', 'aria-label': 'Resource', onchange: (e: Event) => {
    store.set({ resource: (e.target as HTMLSelectElement).value });
  } });
  const tabs = tabsFor(user.role);
  const tabLabels: Record<Tab, string> = { territory: 'Territory', scenario: 'Scenario', results: 'Results', pipeline: 'Pipeline', align: 'Align', compare: 'Compare', audit: 'Approve & audit', people: 'People' };
  clear(root,
    h('a.skip', { href: '#side' }, 'Skip to panel'),
    h('header.top',
      h('div.brand', h('span.logo', '◆'), ' Terrane'),
      h('label.field', h('span', planner ? 'Scenario' : 'Plan'), scenSel, h('span.badge', { id: 'scenario-status' }, ''),
        // What the scenario's data is, from its settings (the sample's: "sample company, simulated").
        h('span.scenario-note', { id: 'scenario-note' }, '')),
      h('label.field', h('span', 'Colour by'), measureSel),
      h('label.field', { id: 'resource-field' }, h('span', 'Resource'), resSel),
      h('div.spacer'),
      h('div.user', { id: 'user-badge' }, h('strong', user.name), ' ', h('span.role', user.role)),
      h('button', { id: 'logout', onclick: logout }, 'Sign out'),
    ),
    h('main.app',
      h('section.mapwrap', { 'aria-label': 'Map' },
        h('div#map'),
        // Over the map, so that showing or changing it never resizes the
        // map (a resize redraws every unit).
        h('div.runbar', { id: 'runbar', hidden: true, role: 'status', 'aria-live': 'polite' }),
        h('div.legend', { id: 'legend', 'aria-live': 'polite' }),
        // The period of the pipeline KPIs (map, territory panel and KPI table), over the map like the legend.
        periodField(store),
        h('div.tooltip', { id: 'tooltip', role: 'tooltip', hidden: true }),
      ),
      h('aside.side', { id: 'side', tabindex: '-1' },
        h('div.stale-banner', { id: 'stale-banner', hidden: true, role: 'status' }),
        tabs.length > 1
          ? h('nav.tabs', { role: 'tablist', 'aria-label': 'Panels' }, tabs.map((t) => h('button.tab', {
              role: 'tab', id: 'tab-' + t, 'data-tab': t, 'aria-controls': 'panel',
              onclick: () => store.set({ tab: t }),
              onkeydown: (e: KeyboardEvent) => {
                const i = tabs.indexOf(t);
                const j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : -2;
                if (j === -2) return;
                const nt = tabs[(j + tabs.length) % tabs.length];
                store.set({ tab: nt });
                document.getElementById('tab-' + nt)?.focus();
              },
            }, tabLabels[t])))
          : null,
        h('div.panel', { id: 'panel', role: 'tabpanel' }),
      ),
    ),
    h('div.toast', { id: 'toast', hidden: true, role: 'status' }),
  );
  renderTabs();
}

async function logout(): Promise<void> {
  try {
    await api.logout();
  } catch {
    /* the token is dropped anyway */
  }
  setToken(null);
  showLogin();
}

// ---------- data loading ----------

type ScenarioData = [TerritoriesResponse, Assignments, TerritoryCollection | null];

function fetchScenario(sc: Scenario): Promise<ScenarioData> {
  return Promise.all([
    api.territories(sc.id),
    api.assignments(sc.id),
    api.territoriesGeoJSON(sc.id).catch(() => null),
  ]);
}

/** assignmentMap is the unit → territory map of an answer of GET …/assignments (33,232 entries for us-zips). */
function assignmentMap(a: Assignments['assignments'] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const u in a) m.set(u, String(a[u]));
  return m;
}

async function loadScenario(sc: Scenario): Promise<void> {
  await applyScenario(sc, await busy(fetchScenario(sc)));
}

async function applyScenario(sc: Scenario, [ts, asg, tgeo]: ScenarioData): Promise<void> {
  const id = sc.id;
  history.replaceState(null, '', '#s=' + encodeURIComponent(String(id)));
  const assign = assignmentMap(asg.assignments);
  const territories = ts.territories ?? [];
  const user = store.get().user;
  const names = resourceNames(sc, territories);
  const cur = store.get();
  let selectedTerritory = cur.selectedTerritory;
  if (user?.role === 'rep') selectedTerritory = territories[0] ? key(territories[0].id) : null;
  else if (selectedTerritory && !territories.some((t) => key(t.id) === selectedTerritory)) selectedTerritory = null;
  useLayer(sc.layer || defaultLayer);
  // Another scenario recolours most units: into the map's expression, not as feature state.
  tmap?.rebase();
  territoryFC = tgeo;
  if (tgeo) tmap?.setTerritories(tgeo);
  store.set({
    scenario: sc,
    runId: ts.run_id === null || ts.run_id === undefined ? null : key(ts.run_id),
    stale: !!ts.stale,
    territories,
    territoryById: indexTerritories(territories),
    assign,
    resource: names.includes(cur.resource) ? cur.resource : names[0],
    selectedTerritory,
    selectedUnits: new Set(),
    compare: null,
    compareWith: null,
    lastMove: null,
  });
  if (user?.role === 'rep' && tgeo) tmap?.fitTo(bboxOf(tgeo.features));
  hook.timings.scenarioLoaded = performance.now();
  await markReady();
  loadAccounts(id);
  resumeRun(sc);
}

/**
 * resumeRun follows a run of the scenario that is still queued or running
 * (started before a reload, or by someone else): the bar comes back and the
 * view updates when it ends.
 */
async function resumeRun(sc: Scenario): Promise<void> {
  if (!canPlan(store.get().user?.role)) return;
  try {
    const r = await api.runs(sc.id);
    const run = activeRun(r.runs ?? []);
    const s = store.get();
    if (!run || key(s.scenario?.id) !== key(sc.id)) return;
    if (s.run && key(s.run.id) === key(run.id) && !runDone(s.run)) return; // already followed
    store.set({ run });
    await followRun(ctx, run);
  } catch {
    /* the run bar is a convenience: the figures are right without it */
  }
}

/** renderStale shows, over the panels, that the modelled figures predate the last change, with a Re-run button. */
function renderStale(): void {
  const el = document.getElementById('stale-banner');
  if (!el) return;
  const s = store.get();
  const running = !!s.run && !runDone(s.run) && key(s.run.scenario_id) === key(s.scenario?.id);
  const show = s.stale && !!s.runId && !!s.scenario && s.user?.role !== 'rep';
  el.hidden = !show;
  if (!show) return;
  clear(el,
    h('span', h('strong', 'Out of date: '), 'the expected revenue and the optimal allocation are from the run before the last change to this plan. Re-run to bring them up to date.'),
    canPlan(s.user?.role) && s.scenario?.status !== 'published'
      ? h('button.primary', { id: 'rerun', disabled: running, onclick: async () => {
          try {
            const last = s.runId ? await busy(api.run(s.runId)).catch(() => null) : null;
            // The baseline may be re-run but not redrawn.
            await startRun(ctx, s.scenario?.baseline ? 'allocate' : rerunKind(last));
          } catch (e) {
            showError(e);
          }
        } }, running ? 'Running…' : 'Re-run')
      : null,
  );
}

async function loadAccounts(id: Scenario['id']): Promise<void> {
  try {
    const r = await api.accounts(id);
    const feats: GeoJSON.Feature[] = [];
    for (const a of r.accounts ?? []) {
      if (!a.location) continue;
      feats.push({ type: 'Feature', geometry: { type: 'Point', coordinates: a.location }, properties: { id: a.id, name: a.name, revenue: a.revenue } });
    }
    if (key(store.get().scenario?.id) === key(id)) tmap?.setAccounts({ type: 'FeatureCollection', features: feats });
  } catch {
    /* accounts are optional on the map */
  }
}

/** reloadTerritories refreshes the current scenario's figures (after a run or a move). */
async function reloadTerritories(withGeometry: boolean): Promise<void> {
  const sc = store.get().scenario;
  if (!sc) return;
  const [fresh, ts, tgeo, asg] = await busy(Promise.all([
    api.scenario(sc.id).catch(() => sc),
    api.territories(sc.id),
    withGeometry ? api.territoriesGeoJSON(sc.id).catch(() => null) : Promise.resolve(null),
    withGeometry ? api.assignments(sc.id) : Promise.resolve(null),
  ]));
  const patch: Partial<AppState> = {
    scenario: fresh,
    runId: ts.run_id === null || ts.run_id === undefined ? null : key(ts.run_id),
    stale: !!ts.stale,
    territories: ts.territories ?? [],
    territoryById: indexTerritories(ts.territories ?? []),
  };
  if (asg) {
    patch.assign = assignmentMap(asg.assignments);
  }
  if (tgeo) {
    territoryFC = tgeo;
    tmap?.setTerritories(tgeo);
  }
  const scenarios = store.get().scenarios.map((s) => (key(s.id) === key(fresh.id) ? fresh : s));
  store.set({ ...patch, scenarios });
}

/** applyRunResult shows a finished run's figures from its last event; only a redrawn plan fetches its outlines. */
async function applyRunResult(ev: RunEvent): Promise<void> {
  const sc = ev.scenario;
  const ts = ev.territories;
  if (!sc || !ts || key(store.get().scenario?.id) !== key(sc.id)) return;
  const tgeo = ev.assignments ? await busy(api.territoriesGeoJSON(sc.id).catch(() => null)) : null;
  const patch: Partial<AppState> = {
    scenario: sc,
    runId: ts.run_id === null || ts.run_id === undefined ? null : key(ts.run_id),
    stale: !!ts.stale,
    territories: ts.territories ?? [],
    territoryById: indexTerritories(ts.territories ?? []),
  };
  if (ev.assignments) {
    patch.assign = assignmentMap(ev.assignments);
  }
  if (tgeo) {
    territoryFC = tgeo;
    tmap?.setTerritories(tgeo);
  }
  const scenarios = store.get().scenarios.map((s) => (key(s.id) === key(sc.id) ? sc : s));
  store.set({ ...patch, scenarios });
}

async function refreshScenarios(select?: Scenario): Promise<void> {
  const r = await api.scenarios();
  store.set({ scenarios: r.scenarios ?? [] });
  if (select) await loadScenario(select);
}

// ---------- map colouring ----------

/** territoryColor is the colour the map gives a territory's units as now painted (null: no data). */
let territoryColor: (tid: string) => string | null = () => null;

/** perTerritory remembers a territory's colour: paint asks it once per unit (33,232 for us-zips). */
function perTerritory(f: (tid: string) => string | null): (tid: string) => string | null {
  const seen = new Map<string, string | null>();
  return (t) => {
    let c = seen.get(t);
    if (c === undefined) seen.set(t, (c = f(t)));
    return c;
  };
}

function paint(): void {
  const s = store.get();
  if (!tmap) return;
  const t0 = performance.now();
  const m = measureByKey(s.measure);
  if (s.compare) {
    // Difference map: territories by revenue delta, moved units outlined.
    const delta = new Map<string, number>();
    for (const t of s.compare.territories ?? []) {
      const d = compareDelta(t, s.compareMeasure);
      if (d !== null) delta.set(key(t.id), d);
    }
    classes = classify([...delta.values()], 6, true, 'puor', s.compareMeasure !== 'revenue' && isInteger(s.compareMeasure));
    territoryColor = perTerritory((t) => classes!.colorOf(delta.get(t)) ?? null);
    tmap.paint((u) => {
      const t = s.assign.get(u);
      if (t === undefined) return undefined;
      return territoryColor(t);
    }, s.assign.keys());
    tmap.paintTerritories((t) => territoryColor(t), s.territories.map((t) => key(t.id)));
    tmap.setMoved(new Set((s.compare.moved_units ?? []).map((x) => String(x.unit_id))));
  } else {
    const values = new Map<string, number | null>();
    for (const t of s.territories) values.set(key(t.id), territoryValue(t, m.key));
    const counted = m.kpi ? kpiDef(m.kpi).kind === 'count' : (m.key === 'allocation' || m.key === 'change') && isInteger(s.resource) || m.kind === 'count';
    classes = classify([...values.values()], 6, m.diverging, 'viridis', counted);
    territoryColor = perTerritory((t) => classes!.colorOf(values.get(t)) ?? null);
    tmap.paint((u) => {
      const t = s.assign.get(u);
      if (t === undefined) return s.user?.role === 'rep' ? undefined : null;
      if (!s.territoryById.has(t)) return undefined;
      return territoryColor(t);
    }, s.assign.keys());
    tmap.paintTerritories((t) => territoryColor(t), s.territories.map((t) => key(t.id)));
    tmap.setMoved(new Set());
  }
  renderLegend();
  hook.timings.paintMs = performance.now() - t0;
}

/** territoryValue is the value of the measure the map is coloured by: a field of the territory, or its number of conflicts. */
function territoryValue(t: Territory, m: MeasureKey): number | null {
  const s = store.get();
  if (m !== 'conflicts') return measureValue(t, m, s.resource, s.kpis);
  if (!s.scenario) return null;
  const counts = territoryConflicts(s.scenario, () => { if (store.get().measure === 'conflicts') paint(); }, showError);
  return counts ? counts.get(key(t.id)) ?? 0 : null;
}

/** isInteger tells whether a resource of the scenario is counted in whole units (reps). */
function isInteger(resource: string): boolean {
  return !!store.get().scenario?.resources?.find((r) => r.name === resource)?.integer;
}

function fmtMeasure(v: number): string {
  const s = store.get();
  if (s.compare) {
    if (s.compareMeasure === 'revenue') return money(v, true);
    return amount(v, s.scenario?.resources?.find((r) => r.name === s.compareMeasure)?.unit ?? s.compareMeasure, true, isInteger(s.compareMeasure));
  }
  const m = measureByKey(s.measure);
  if (m.kpi) return fmtKpi(kpiDef(m.kpi).kind, v);
  const unit = s.scenario?.resources?.find((r) => r.name === s.resource)?.unit ?? (s.resource === 'money' ? 'dollars' : s.resource);
  switch (m.kind) {
    case 'money': return money(v);
    case 'share': return percent(v);
    case 'ratio': return ratio(v);
    case 'count': return String(Math.round(v));
    default: return amount(v, unit, m.diverging, isInteger(s.resource));
  }
}

function renderLegend(): void {
  const el = document.getElementById('legend');
  if (!el) return;
  const s = store.get();
  const m = measureByKey(s.measure);
  const title = s.compare
    ? `${s.compareMeasure === 'revenue' ? 'Expected revenue' : s.compareMeasure + ' allocation'} change, ${scenarioName(s.compareWith)} → ${scenarioName(s.scenario?.id)}`
    : m.kpi ? kpiLegendTitle(m.kpi, s.kpis ?? s.period)
    : m.label + (m.perResource ? ` (${s.resource})` : '');
  const cls = classes?.classes ?? [];
  clear(el,
    h('div.legend-title', title),
    cls.length === 0
      ? h('div.muted', classes?.kind === 'diverging' ? 'No change anywhere.' : m.perResource && !s.compare ? 'No run yet — run the scenario to see this measure.'
        : m.kpi && !s.compare && !s.kpis ? (s.kpiError ? 'Pipeline KPIs are not available: ' + s.kpiError : 'Loading the pipeline KPIs…') : 'No data')
      : h('ul', cls.map((c) => h('li', h('span.sw', { style: { background: c.color } }), classLabel(c, fmtMeasure)))),
    h('div.legend-extra',
      classes?.kind === 'diverging' ? [h('span.sw', { style: { background: zeroColor } }), 'no change '] : null,
      h('span.sw.sw-none'), 'no data ',
      s.compare ? [h('span.sw.sw-moved'), 'moved unit'] : null,
    ),
  );
}

/** measureOptions lists the measures of the "Colour by" list, the pipeline KPIs in a group of their own. */
function measureOptions(role: string | undefined): HTMLElement[] {
  const ms = measuresFor(role);
  return [
    ...ms.filter((m) => !m.kpi).map((m) => h('option', { value: m.key }, m.label)),
    h('optgroup', { label: 'Pipeline (for the period)' }, ms.filter((m) => m.kpi).map((m) => h('option', { value: m.key }, m.label))),
  ];
}

function scenarioName(id: unknown): string {
  return store.get().scenarios.find((s) => key(s.id) === key(id as string))?.name ?? String(id ?? '');
}

// ---------- hover and click ----------

function onHover(unit: string | null, p: { x: number; y: number }, account?: Record<string, unknown>, territory?: string): void {
  const tip = document.getElementById('tooltip');
  if (!tip) return;
  const s = store.get();
  // A unit, or where a dense layer's units are not drawn (national zoom) its territory.
  const tid = unit ? s.assign.get(unit) : territory;
  if (tid === undefined || (!unit && !s.territoryById.has(tid))) {
    tip.hidden = true;
    return;
  }
  const t = s.territoryById.get(tid);
  const m = measureByKey(s.measure);
  const v = t ? territoryValue(t, m.key) : null;
  const ct = s.compare?.territories?.find((x) => key(x.id) === tid);
  const delta = ct ? compareDelta(ct, s.compareMeasure) : null;
  clear(tip,
    account ? h('div.tt-account', h('strong', String(account.name ?? 'Account')), ' · revenue ', money(Number(account.revenue))) : null,
    unit ? h('div.tt-unit', unitName.get(unit) ?? unit) : h('div.tt-hint', 'Zoom in to see its units'),
    h('div', 'Territory ', h('strong', t?.name ?? tid)),
    s.compare ? h('div', 'Change ', h('strong', delta === null ? '—' : fmtMeasure(delta))) : h('div', m.label + ' ', h('strong', v === null ? '—' : fmtMeasure(v))),
  );
  tip.hidden = false;
  hook.timings.firstTooltip ??= performance.now();
  const wrap = tip.parentElement!;
  const x = Math.min(p.x + 14, wrap.clientWidth - tip.offsetWidth - 4);
  const y = Math.min(p.y + 14, wrap.clientHeight - tip.offsetHeight - 4);
  tip.style.transform = `translate(${Math.max(0, x)}px, ${Math.max(0, y)}px)`;
}

function onClick(unit: string | null, ev: { territoryId?: string } = {}): void {
  const s = store.get();
  if (s.tab === 'align' && s.user?.role !== 'rep') {
    if (!unit || !s.assign.has(unit)) return;
    const sel = new Set(s.selectedUnits);
    if (sel.has(unit)) sel.delete(unit);
    else sel.add(unit);
    store.set({ selectedUnits: sel });
    return;
  }
  const tid = unit ? s.assign.get(unit) : ev.territoryId;
  if (tid === undefined || !s.territoryById.has(tid)) return;
  store.set({ selectedTerritory: tid, tab: s.tab === 'compare' || s.tab === 'results' ? s.tab : 'territory' });
}

// ---------- reacting to state ----------

const ctx: Ctx = {
  store,
  unitName: (u) => unitName.get(u) ?? u,
  unitProps: (u) => unitProps.get(u) ?? {},
  reloadTerritories,
  applyRunResult,
  refreshScenarios,
  loadScenario,
  showError,
  toast,
  busy,
  fmtMeasure,
  fitTerritory: (tid) => {
    const f = territoryFC?.features.find((x) => x.id === tid);
    if (f) tmap?.fitTo(bboxOf([f]));
  },
  hook,
};

store.subscribe((s, prev) => {
  if (!tmap) return;
  if (s.territories !== prev.territories || s.assign !== prev.assign || s.measure !== prev.measure || s.resource !== prev.resource || s.compare !== prev.compare || s.compareMeasure !== prev.compareMeasure) {
    paint();
  }
  if (s.kpis !== prev.kpis && measureByKey(s.measure).kpi && !s.compare) paint();
  // The by-territory KPIs follow the scenario, its territories and the period.
  if (s.scenario?.id !== prev.scenario?.id || s.territories !== prev.territories || s.period !== prev.period) loadTerritoryKpis(ctx);
  if (s.selectedUnits !== prev.selectedUnits) tmap.setSelected(s.selectedUnits);
  if (s.selectedTerritory !== prev.selectedTerritory) tmap.highlightTerritory(s.selectedTerritory);
  if (s.scenarios !== prev.scenarios || s.scenario !== prev.scenario) renderScenarioSelect();
  if (s.scenario !== prev.scenario || s.territories !== prev.territories || s.measure !== prev.measure) renderResourceSelect();
  if (s.tab !== prev.tab) renderTabs(); // the map refits itself to the width that remains
  if (s.stale !== prev.stale || s.runId !== prev.runId || s.scenario !== prev.scenario || s.run !== prev.run) renderStale();
  if (s.tab !== prev.tab && prev.tab === 'align' && s.selectedUnits.size) store.set({ selectedUnits: new Set() });
  renderPanel(ctx, s, prev);
});

function renderScenarioSelect(): void {
  const s = store.get();
  const sel = document.getElementById('scenario-select') as HTMLSelectElement | null;
  if (!sel) return;
  clear(sel, s.scenarios.map((sc) => h('option', { value: key(sc.id) }, `${sc.name}${sc.status !== 'draft' ? ' · ' + sc.status : ''}`)));
  sel.value = key(s.scenario?.id);
  const badge = document.getElementById('scenario-status');
  if (badge) {
    badge.textContent = s.scenario?.status ?? '';
    badge.className = 'badge status-' + (s.scenario?.status ?? 'none');
  }
  const note = document.getElementById('scenario-note');
  if (note) note.textContent = s.scenario?.settings?.note ?? '';
}

function renderResourceSelect(): void {
  const s = store.get();
  const sel = document.getElementById('resource-select') as HTMLSelectElement | null;
  if (!sel) return;
  const names = resourceNames(s.scenario, s.territories);
  clear(sel, names.map((n) => h('option', { value: n }, n)));
  sel.value = s.resource;
  const field = document.getElementById('resource-field');
  if (field) field.hidden = !measureByKey(s.measure).perResource;
  (document.getElementById('measure-select') as HTMLSelectElement).value = s.measure;
}

function renderTabs(): void {
  const s = store.get();
  document.querySelectorAll<HTMLButtonElement>('.tab').forEach((b) => {
    const on = b.dataset.tab === s.tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  });
  document.body.dataset.tab = s.tab;
}

// ---------- boot ----------

setOnUnauthorized(() => {
  setToken(null);
  showLogin('Your session has ended. Sign in again.');
});

// Escape clears the selection of units (alignment).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  const s = store.get();
  if (s.selectedUnits.size) store.set({ selectedUnits: new Set() });
});

async function boot(): Promise<void> {
  if (token()) {
    try {
      const me = await api.me();
      await startApp(me);
      renderTabs();
      return;
    } catch {
      setToken(null);
    }
  }
  showLogin();
}

boot();
