// The territory map: a blank local style (no remote tiles, fonts or sprites),
// state outlines from our own data, unit fill coloured by an expression of the
// unit id (feature state for what changed since), territory outlines,
// selection, accounts as points when zoomed in.
import * as maplibregl from 'maplibre-gl';
import type { ExpressionSpecification, MapGeoJSONFeature, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { UnitCollection, RegionCollection, TerritoryCollection } from './types';
import { noDataColor } from './color';
import { byRuns, byId, sortIds } from './unitexpr';
// The worker ships as its own file; Vite copies it into dist/assets.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

maplibregl.setWorkerUrl(workerUrl);

export interface MapHandlers {
  /** hover names the unit under the pointer, or (units not drawn at this zoom) only its territory. */
  hover: (unitId: string | null, point: { x: number; y: number }, account?: Record<string, unknown>, territoryId?: string) => void;
  click: (unitId: string | null, ev: { shift: boolean; territoryId?: string }) => void;
  boxSelect: (unitIds: string[]) => void;
}

const empty: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** hiddenFill is the fill of a unit not drawn (outside the user's view, or not yet painted). */
const hiddenFill = 'rgba(0,0,0,0)';
/** unitLineOpacity is the opacity of a drawn unit's white outline (zoomed in). */
const unitLineOpacity = 0.45;
/** fillState are the feature state keys of a unit's colour over the layers' expression. */
const fillState = ['c', 'lo'];
/** unitLayers are the layers drawn from the units source, hidden until the first paint. */
const unitLayers = ['units-fill', 'units-line', 'units-moved', 'units-sel'];
/**
 * denseUnits is the number of units past which a layer's units are drawn only
 * from detailZoom: at the national view a ZIP cell (33,232 in us-zips) is a
 * few pixels, the tiles keep only each tile's 2,000 largest cells, and every
 * cell is filled in its territory's colour, so the territories' fill beneath
 * draws the same picture without laying out thousands of cells. Counties
 * (3,142) stay drawn at every zoom.
 */
const denseUnits = 10_000;
/** detailZoom is the zoom from which the units of a dense layer are drawn (the units' outlines start there too). */
const detailZoom = 4.5;

/**
 * asGeoJSON hands an API FeatureCollection to MapLibre. The generated types
 * describe geometry coordinates only as arrays (OpenAPI cannot say more), so
 * they are not the GeoJSON package's types, though the data is RFC 7946.
 */
function asGeoJSON(fc: UnitCollection | RegionCollection | TerritoryCollection): GeoJSON.FeatureCollection {
  return fc as unknown as GeoJSON.FeatureCollection;
}

/**
 * mapStyle is the local style. With unitTiles (a URL template of the API's vector
 * tiles) the units come as tiles, so the browser decodes only what is in view;
 * without, they come as one GeoJSON (setUnits).
 */
export function mapStyle(unitTiles: string | null): StyleSpecification {
  const units: StyleSpecification['sources'][string] = unitTiles
    ? { type: 'vector', tiles: [unitTiles], promoteId: { units: 'id' }, minzoom: 0, maxzoom: 12 }
    : { type: 'geojson', data: empty, promoteId: 'id', maxzoom: 10, tolerance: 0.5, buffer: 64 };
  const sl = unitTiles ? { 'source-layer': 'units' } : {};
  const shown = ['boolean', ['feature-state', 'shown'], false];
  // The units' layers wait for the first paint (TerritoryMap.paint), which
  // sets their colours: the tiles are then laid out once, already coloured.
  const unitLayout = { visibility: 'none' };
  return {
  version: 8,
  sources: {
    units,
    regions: { type: 'geojson', data: empty, maxzoom: 8, tolerance: 0.6 },
    territories: { type: 'geojson', data: empty, promoteId: 'id', maxzoom: 10, tolerance: 0.5, buffer: 64 },
    accounts: { type: 'geojson', data: empty },
  },
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#e9eef2' } },
    // The territories filled beneath their units, in the same colour: where
    // the tiles leave out units (specks, and past a tile's 2,000 largest: a
    // ZIP layer at national zoom),
    // the territory's colour shows instead of a hole. Opaque, so that a unit
    // drawn over it looks the same as one left out.
    {
      id: 'territories-fill', type: 'fill', source: 'territories',
      paint: {
        'fill-color': ['coalesce', ['feature-state', 'c'], noDataColor],
        'fill-opacity': ['case', shown, 1, 0],
        // No antialiasing outline around each polygon: the territory lines
        // are drawn over the edges that show (a unit's edges meet units of
        // its own colour); it cost 20 % of a frame (SwiftShader, 30 ms of 140).
        'fill-antialias': false,
      },
    },
    // The units' fill and outline: set by paint as an expression of the unit
    // id, with feature state over it for the units changed since.
    {
      id: 'units-fill', type: 'fill', source: 'units', ...sl, layout: unitLayout,
      paint: { 'fill-color': ['coalesce', ['feature-state', 'c'], hiddenFill], 'fill-opacity': 0.92, 'fill-antialias': false },
    },
    {
      id: 'units-line', type: 'line', source: 'units', minzoom: detailZoom, ...sl, layout: unitLayout,
      paint: { 'line-color': '#ffffff', 'line-opacity': ['coalesce', ['feature-state', 'lo'], 0], 'line-width': 0.4 },
    },
    { id: 'regions-line', type: 'line', source: 'regions', paint: { 'line-color': '#6b7785', 'line-width': 0.8 } },
    { id: 'territories-line', type: 'line', source: 'territories', paint: { 'line-color': '#111111', 'line-width': 1.4 } },
    {
      id: 'territory-hl', type: 'line', source: 'territories', filter: ['==', ['to-string', ['id']], '__none__'],
      paint: { 'line-color': '#000000', 'line-width': 3.5 },
    },
    {
      id: 'units-moved', type: 'line', source: 'units', ...sl, layout: unitLayout,
      paint: { 'line-color': '#000000', 'line-width': 2, 'line-dasharray': [1, 1], 'line-opacity': ['case', ['boolean', ['feature-state', 'moved'], false], 1, 0] },
    },
    {
      id: 'units-sel', type: 'line', source: 'units', ...sl, layout: unitLayout,
      paint: { 'line-color': '#d10069', 'line-width': 2.5, 'line-opacity': ['case', ['boolean', ['feature-state', 'sel'], false], 1, 0] },
    },
    {
      id: 'accounts', type: 'circle', source: 'accounts', minzoom: 5.5,
      paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 5.5, 2.5, 10, 5], 'circle-color': '#111111', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
    },
  ],
  } as StyleSpecification;
}

export class TerritoryMap {
  readonly map: maplibregl.Map;
  private unitIds = new Set<string>();
  private readonly sourceLayer: string | undefined;
  /** state is the feature state set on each unit (c, lo: colour and outline overrides; sel, moved). */
  private state = new Map<string, Record<string, unknown>>();
  /** fill is each unit's fill as last painted (hiddenFill: not drawn). */
  private fill = new Map<string, string>();
  /**
   * base is the fill of each unit in the layers' expression (a unit not in it
   * is hidden); null until the first paint after the units' layers were made
   * or asked to be set anew (rebase).
   */
  private base: Map<string, string> | null = null;
  private selected = new Set<string>();
  private moved = new Set<string>();
  /** layerUnits is the number of units of the drawn layer (0: not known). */
  private layerUnits = 0;
  private territoryState = new Map<string, { c: string | null; shown: boolean }>();
  private box: HTMLElement | null = null;
  private hoverId: string | null = null;
  /** view is the bounds kept in view across resizes, until the map is moved otherwise. */
  private view: { bounds: maplibregl.LngLatBoundsLike; options: maplibregl.FitBoundsOptions } | null = { bounds: [[-125, 24], [-66.5, 49.8]], options: { padding: 20, duration: 0 } };
  private fitting = false;

  constructor(container: HTMLElement, private handlers: MapHandlers, unitTiles: string | null = null) {
    this.sourceLayer = unitTiles ? 'units' : undefined;
    this.map = new maplibregl.Map({
      container,
      style: mapStyle(unitTiles),
      bounds: [[-125, 24], [-66.5, 49.8]],
      fitBoundsOptions: { padding: 20 },
      minZoom: 1.5,
      maxZoom: 12,
      attributionControl: false,
      boxZoom: false,
      dragRotate: false,
      pitchWithRotate: false,
      fadeDuration: 0,
      canvasContextAttributes: { preserveDrawingBuffer: true },
      // The map follows its container's size itself (below), keeping its view.
      trackResize: false,
    } as maplibregl.MapOptions);
    this.map.touchZoomRotate.disableRotation();
    // The map keeps its whole view when a panel beside it opens or widens:
    // until the user moves it (or the app zooms to a territory), every
    // resize fits the same bounds into the width that remains.
    this.map.on('movestart', () => {
      if (!this.fitting) this.view = null;
    });
    new ResizeObserver(() => this.own(() => {
      this.map.resize();
      if (this.view) this.map.fitBounds(this.view.bounds, this.view.options);
    })).observe(container);
    this.map.keyboard.enable();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    this.map.getCanvas().setAttribute('aria-label', 'Territory map. Arrow keys pan, plus and minus zoom.');
    this.map.on('mousemove', 'units-fill', (e) => {
      const f = e.features?.[0];
      const id = f ? String(f.id ?? f.properties?.id) : null;
      this.hoverId = id;
      this.map.getCanvas().style.cursor = id ? 'pointer' : '';
      // An account point under the pointer (zoomed in) names the account too.
      const acct = this.map.getZoom() >= 5.5 ? this.map.queryRenderedFeatures(e.point, { layers: ['accounts'] })[0] : undefined;
      handlers.hover(id, e.point, acct?.properties);
    });
    this.map.on('mouseleave', 'units-fill', (e) => {
      this.hoverId = null;
      this.map.getCanvas().style.cursor = '';
      handlers.hover(null, e.point);
    });
    // Where a dense layer's units are not drawn (below detailZoom), the
    // pointer finds the territory beneath instead.
    this.map.on('mousemove', 'territories-fill', (e) => {
      if (this.unitsDrawn()) return;
      const t = this.shownTerritory(e.features);
      this.map.getCanvas().style.cursor = t ? 'pointer' : '';
      handlers.hover(null, e.point, undefined, t ?? undefined);
    });
    this.map.on('mouseleave', 'territories-fill', (e) => {
      if (this.unitsDrawn()) return;
      this.map.getCanvas().style.cursor = '';
      handlers.hover(null, e.point);
    });
    this.map.on('click', (e) => {
      const shift = e.originalEvent.shiftKey;
      if (!this.unitsDrawn()) {
        const t = this.shownTerritory(this.map.queryRenderedFeatures(e.point, { layers: ['territories-fill'] }));
        handlers.click(null, { shift, territoryId: t ?? undefined });
        return;
      }
      const f = this.map.queryRenderedFeatures(e.point, { layers: ['units-fill'] }).find((x) => !this.isHidden(x));
      handlers.click(f ? String(f.id ?? f.properties?.id) : null, { shift });
    });
    this.installBoxSelect();
    // A dense layer's units painted at the national view get their layers when zoomed in to.
    this.map.on('zoom', () => {
      if (!this.base && this.fill.size && this.unitsDrawn()) this.setBase();
    });
  }

  /** unitsDrawn tells whether the units' fill is drawn at the map's zoom (a dense layer's is not below detailZoom). */
  unitsDrawn(): boolean {
    return this.map.getZoom() >= this.map.getLayer('units-fill')!.minzoom;
  }

  /** shownTerritory is the id of the first drawn territory of features (the user's own, for a rep). */
  private shownTerritory(fs: MapGeoJSONFeature[] | undefined): string | null {
    const f = fs?.find((x) => this.territoryState.get(String(x.id))?.shown);
    return f ? String(f.id) : null;
  }

  private isHidden(f: MapGeoJSONFeature): boolean {
    return (this.fill.get(String(f.id ?? f.properties?.id)) ?? hiddenFill) === hiddenFill;
  }

  /**
   * ready resolves when the style has loaded (sources and layers exist), before
   * any tile has: feature state set then colours the very first frame.
   */
  ready(): Promise<void> {
    return new Promise((res) => (this.map.isStyleLoaded() ? res() : this.map.once('style.load', () => res())));
  }

  /** idle resolves when the map has rendered everything it has. */
  idle(): Promise<void> {
    return new Promise((res) => {
      this.map.once('idle', () => res());
      this.map.triggerRepaint();
    });
  }

  private source(id: string): maplibregl.GeoJSONSource {
    return this.map.getSource(id) as maplibregl.GeoJSONSource;
  }

  setUnits(fc: UnitCollection): void {
    for (const f of fc.features) this.unitIds.add(f.properties.id);
    if (this.sourceLayer) return; // the units come as vector tiles
    this.source('units').setData(asGeoJSON(fc));
  }

  /**
   * setUnitTiles draws another layer's units: the tiles come from url, and
   * the feature state of the old layer's units (whose ids may be the new
   * ones', e.g. FIPS 01001 and ZIP 01001) is dropped; paint them again.
   */
  setUnitTiles(url: string): void {
    const src = this.map.getSource('units') as maplibregl.VectorTileSource | undefined;
    if (!src || !this.sourceLayer) return;
    this.map.removeFeatureState({ source: 'units', sourceLayer: this.sourceLayer });
    this.state.clear();
    this.fill.clear();
    this.selected.clear();
    this.moved.clear();
    this.unitIds.clear();
    // Hidden until painted, so that the new tiles are laid out once, coloured.
    this.base = null;
    for (const id of unitLayers) this.map.setLayoutProperty(id, 'visibility', 'none');
    this.source('regions').setData(empty);
    src.setTiles([url]);
  }

  setRegions(fc: RegionCollection): void {
    this.source('regions').setData(asGeoJSON(fc));
  }

  setTerritories(fc: TerritoryCollection): void {
    this.source('territories').setData(asGeoJSON(fc));
    // New data: the state of its features is set anew by paintTerritories.
    this.territoryState.clear();
  }

  setAccounts(fc: GeoJSON.FeatureCollection): void {
    this.source('accounts').setData(fc);
  }

  private put(id: string, patch: Record<string, unknown>): void {
    const cur = this.state.get(id) ?? {};
    let changed = false;
    for (const [k, v] of Object.entries(patch)) {
      if (cur[k] !== v) {
        cur[k] = v;
        changed = true;
      }
    }
    if (!changed) return;
    this.state.set(id, cur);
    this.map.setFeatureState({ source: 'units', sourceLayer: this.sourceLayer, id }, patch);
  }

  /** unput removes feature state keys of a unit (back to the layers' expression). */
  private unput(id: string, keys: string[]): void {
    const cur = this.state.get(id);
    if (!cur) return;
    for (const k of keys) {
      if (!(k in cur)) continue;
      delete cur[k];
      this.map.removeFeatureState({ source: 'units', sourceLayer: this.sourceLayer, id }, k);
    }
    if (Object.keys(cur).length === 0) this.state.delete(id);
  }

  /**
   * rebase asks the next paint to set the units' colours into the layers'
   * expression anew (a new scenario: most units change colour) rather than
   * as feature state over the old one.
   */
  rebase(): void {
    this.base = null;
  }

  /**
   * paint sets each unit's fill colour (null: no data); undefined hides the unit
   * (not in the user's view). ids adds units to those the map knows.
   *
   * The first paint (and the one after rebase) writes the colours into the
   * layers' paint expression, a match on the unit id: MapLibre evaluates it
   * as it lays out a tile, once per feature, in its worker. Feature state for
   * every unit instead costs the main thread, per tile loaded and per bucket,
   * a pass over every unit's state (33,232 for us-zips). Later paints (a run,
   * a move, another measure) set feature state only on the units whose
   * colour differs from the expression's, so that the map does not lay out its
   * tiles again.
   */
  paint(colorOf: (unitId: string) => string | null | undefined, ids: Iterable<string> = []): void {
    for (const id of ids) this.unitIds.add(id);
    this.fill.clear();
    for (const id of this.unitIds) {
      const c = colorOf(id);
      this.fill.set(id, c === undefined ? hiddenFill : c ?? noDataColor);
    }
    if (!this.base) {
      this.setBaseWhenDrawn();
      return;
    }
    for (const [id, f] of this.fill) {
      if (f === (this.base.get(id) ?? hiddenFill)) this.unput(id, fillState);
      else this.put(id, { c: f, lo: f === hiddenFill ? 0 : unitLineOpacity });
    }
  }

  /**
   * setLayerUnits tells how many units the drawn layer has: when the map
   * knows them all (painted ids), its expression can go by runs of ids.
   */
  setLayerUnits(n: number): void {
    this.layerUnits = n;
    this.map.setLayerZoomRange('units-fill', n > denseUnits ? detailZoom : 0, 24);
  }

  /**
   * setBaseWhenDrawn writes the units' fills into their layers now if they
   * are drawn at this zoom or outline something (selected, moved units);
   * otherwise (a dense layer at the national view) when the map zooms in to
   * them: sorting 33,232 ids into an expression no frame draws would cost
   * every first paint.
   */
  private setBaseWhenDrawn(): void {
    if (this.unitsDrawn() || this.selected.size || this.moved.size) this.setBase();
  }

  /** setBase writes the units' fills as last painted into the units' layers and shows them. */
  private setBase(): void {
    const base = new Map<string, string>();
    for (const [id, f] of this.fill) {
      if (this.state.size) this.unput(id, fillState);
      if (f !== hiddenFill) base.set(id, f);
    }
    this.base = base;
    const fill = (id: string) => base.get(id) ?? hiddenFill;
    const line = (id: string) => (base.has(id) ? unitLineOpacity : 0);
    // With every unit of the layer known, the expression goes by runs of
    // ids in sorted order (a plan by state: 60 runs for 33,232 ZIPs): a few
    // comparisons a feature, and small; MapLibre copies a bucket's paint
    // expressions with every tile it lays out. Otherwise a unit it does not
    // know could fall in a run: a match on every id, exact.
    const complete = this.layerUnits > 0 && this.fill.size >= this.layerUnits;
    const ids = [...this.fill.keys()];
    const sorted = complete ? sortIds(ids) : null;
    const fillExpr = sorted ? byRuns(sorted, fill) : byId(ids, fill, hiddenFill);
    const lineExpr = sorted ? byRuns(sorted, line) : byId(ids, line, 0);
    // Valid by construction; the style validator would walk every label.
    const opts = { validate: false };
    this.map.setPaintProperty('units-fill', 'fill-color', ['coalesce', ['feature-state', 'c'], fillExpr] as ExpressionSpecification, opts);
    this.map.setPaintProperty('units-line', 'line-opacity', ['coalesce', ['feature-state', 'lo'], lineExpr] as ExpressionSpecification, opts);
    this.map.setLayoutProperty('units-fill', 'visibility', 'visible');
    this.map.setLayoutProperty('units-line', 'visibility', 'visible');
    this.showMarks();
  }

  /**
   * showMarks shows the outlines of selected and of moved units only while
   * there are some: drawn, even transparent, they cost every frame a line
   * over every unit (SwiftShader draws them on the CPU).
   */
  private showMarks(): void {
    if (!this.base) {
      // Painted but not drawn yet (setBaseWhenDrawn): marks draw the units' layers now.
      if (this.fill.size) this.setBaseWhenDrawn();
      return;
    }
    this.map.setLayoutProperty('units-sel', 'visibility', this.selected.size ? 'visible' : 'none');
    this.map.setLayoutProperty('units-moved', 'visibility', this.moved.size ? 'visible' : 'none');
  }

  /**
   * paintTerritories colours the territories' fill beneath the units: colorOf
   * as for paint, by territory id.
   */
  paintTerritories(colorOf: (territoryId: string) => string | null | undefined, ids: Iterable<string>): void {
    for (const id of ids) {
      const c = colorOf(id);
      const patch = c === undefined ? { c: null, shown: false } : { c, shown: true };
      const cur = this.territoryState.get(id);
      if (cur && cur.c === patch.c && cur.shown === patch.shown) continue;
      this.territoryState.set(id, patch);
      this.map.setFeatureState({ source: 'territories', id }, patch);
    }
  }

  // Selection and moved units are few: feature state only on them (and on
  // those that were, to clear them), not on every unit.
  setSelected(sel: ReadonlySet<string>): void {
    this.selected = this.mark('sel', this.selected, sel);
    this.showMarks();
  }

  setMoved(moved: ReadonlySet<string>): void {
    this.moved = this.mark('moved', this.moved, moved);
    this.showMarks();
  }

  /** mark sets the boolean state k on the units of next (known to the map), clears it on those of prev, and returns the units set. */
  private mark(k: string, prev: ReadonlySet<string>, next: ReadonlySet<string>): Set<string> {
    const now = new Set<string>();
    for (const id of prev) if (!next.has(id)) this.unput(id, [k]);
    for (const id of next) {
      if (!this.unitIds.has(id)) continue;
      now.add(id);
      this.put(id, { [k]: true });
    }
    return now;
  }

  highlightTerritory(id: string | null): void {
    this.map.setFilter('territory-hl', ['==', ['to-string', ['id']], id ?? '__none__']);
  }

  fitTo(bbox: [number, number, number, number] | null): void {
    if (!bbox) return;
    this.view = { bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]], options: { padding: 30, duration: 0, maxZoom: 8 } };
    this.own(() => this.map.fitBounds(this.view!.bounds, this.view!.options));
  }

  /** own runs a move of the app's own (a fit, a resize), which keeps the view it fits. */
  private own(f: () => void): void {
    this.fitting = true;
    try {
      f();
    } finally {
      this.fitting = false;
    }
  }

  /** rendered lists the unit features drawn on screen (not hidden). */
  renderedUnits(): string[] {
    const ids = new Set<string>();
    for (const f of this.map.queryRenderedFeatures({ layers: ['units-fill'] })) {
      if (!this.isHidden(f)) ids.add(String(f.id ?? f.properties?.id));
    }
    return [...ids];
  }

  renderedTerritoryOutlines(): string[] {
    const ids = new Set<string>();
    for (const f of this.map.queryRenderedFeatures({ layers: ['territories-line'] })) ids.add(String(f.id ?? f.properties?.id));
    return [...ids];
  }

  get hovered(): string | null {
    return this.hoverId;
  }

  private installBoxSelect(): void {
    const canvas = this.map.getCanvasContainer();
    let start: { x: number; y: number } | null = null;
    const pos = (e: MouseEvent) => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left - canvas.clientLeft, y: e.clientY - r.top - canvas.clientTop };
    };
    const move = (e: MouseEvent) => {
      if (!start) return;
      const p = pos(e);
      if (!this.box) {
        this.box = document.createElement('div');
        this.box.className = 'boxdraw';
        canvas.append(this.box);
      }
      const minX = Math.min(start.x, p.x), minY = Math.min(start.y, p.y);
      Object.assign(this.box.style, {
        transform: `translate(${minX}px, ${minY}px)`,
        width: Math.abs(p.x - start.x) + 'px',
        height: Math.abs(p.y - start.y) + 'px',
      });
    };
    const up = (e: MouseEvent) => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
      this.map.dragPan.enable();
      const s = start;
      start = null;
      this.box?.remove();
      this.box = null;
      if (!s) return;
      const p = pos(e);
      if (Math.abs(p.x - s.x) < 3 && Math.abs(p.y - s.y) < 3) return;
      if (!this.unitsDrawn()) {
        // A dense layer's units are not drawn here: zoom to the box, where they are.
        const a = this.map.unproject([s.x, s.y]), b = this.map.unproject([p.x, p.y]);
        const cam = this.map.cameraForBounds([[Math.min(a.lng, b.lng), Math.min(a.lat, b.lat)], [Math.max(a.lng, b.lng), Math.max(a.lat, b.lat)]]);
        if (cam) this.map.jumpTo({ center: cam.center, zoom: Math.max(cam.zoom ?? 0, detailZoom) });
        return;
      }
      const feats = this.map.queryRenderedFeatures(
        [[Math.min(s.x, p.x), Math.min(s.y, p.y)], [Math.max(s.x, p.x), Math.max(s.y, p.y)]],
        { layers: ['units-fill'] },
      );
      const ids = new Set<string>();
      for (const f of feats) if (!this.isHidden(f)) ids.add(String(f.id ?? f.properties?.id));
      this.handlers.boxSelect([...ids]);
    };
    canvas.addEventListener(
      'mousedown',
      (e: MouseEvent) => {
        if (!(e.shiftKey && e.button === 0)) return;
        e.preventDefault();
        e.stopPropagation();
        this.map.dragPan.disable();
        start = pos(e);
        document.addEventListener('mousemove', move);
        document.addEventListener('mouseup', up);
      },
      true,
    );
  }
}

/** bboxOf returns the bounding box of some features' geometries. */
export function bboxOf(features: TerritoryCollection['features']): [number, number, number, number] | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (x < x0) x0 = x;
      if (y < y0) y0 = y;
      if (x > x1) x1 = x;
      if (y > y1) y1 = y;
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const f of features) walk(f.geometry.coordinates);
  return Number.isFinite(x0) ? [x0, y0, x1, y1] : null;
}
