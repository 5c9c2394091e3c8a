// Territory conflicts (GET /scenarios/{id}/conflicts): the map's "Conflicts"
// colouring, the list with its resolving actions in the Results tab, and each
// kind's count before and after in the Compare tab.
import { request } from './api';
import type { components } from './api-types';
import { h, clear } from './dom';
import { money } from './format';
import { canPlan, key } from './state';
import type { ID, Scenario } from './types';

export type Conflicts = components['schemas']['Conflicts'];
export type Conflict = components['schemas']['Conflict'];
export type ConflictResolution = components['schemas']['ConflictResolution'];
export type ResolveAction = 'give_accounts_to_owner' | 'move_accounts_to_owner';

/** conflictKinds are the kinds in the documented order, with their labels. */
export const conflictKinds: { kind: string; label: string }[] = [
  { kind: 'owner_mismatch', label: 'Account owner not a territory owner' },
  { kind: 'cross_territory_deal', label: 'Deal owned outside its territory' },
  { kind: 'unassigned_account', label: 'Account in no territory' },
  { kind: 'split_customer', label: 'Customer split across territories' },
  { kind: 'unowned_territory', label: 'Territory without owner' },
  { kind: 'rep_without_territory', label: 'Rep without territory' },
];

const enc = encodeURIComponent;

export const conflictsApi = {
  get: (id: ID) => request<Conflicts>('GET', `/scenarios/${enc(String(id))}/conflicts`),
  resolve: (id: ID, action: ResolveAction) =>
    request<ConflictResolution>('POST', `/scenarios/${enc(String(id))}/conflicts/resolve`, { action }),
};

// One scenario's conflicts at one version, fetched once.
const cache = new Map<string, Promise<Conflicts>>();

function cacheKey(sc: Pick<Scenario, 'id' | 'version' | 'layer_version'>): string {
  return `${key(sc.id)}@${sc.version}/${sc.layer_version}`;
}

/** loadConflicts fetches a scenario's conflicts, once per version of it and of its layer. */
export function loadConflicts(sc: Pick<Scenario, 'id' | 'version' | 'layer_version'>): Promise<Conflicts> {
  const k = cacheKey(sc);
  let p = cache.get(k);
  if (!p) {
    p = conflictsApi.get(sc.id);
    p.catch(() => cache.delete(k));
    if (cache.size > 16) cache.clear();
    cache.set(k, p);
  }
  return p;
}

/** perTerritory counts the conflicts touching each territory. */
export function perTerritory(c: Conflicts): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of c.conflicts) for (const t of x.territories) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

const loaded = new Map<string, Map<string, number>>();
const pending = new Set<string>();

/**
 * territoryConflicts is the number of conflicts of each territory of sc, for
 * the map; null until they are loaded, when onLoaded is called (to repaint).
 */
export function territoryConflicts(sc: Scenario, onLoaded: () => void, onError: (e: unknown) => void): Map<string, number> | null {
  const k = cacheKey(sc);
  const have = loaded.get(k);
  if (have) return have;
  if (pending.has(k)) return null;
  pending.add(k);
  loadConflicts(sc).then((c) => {
    if (loaded.size > 16) loaded.clear();
    loaded.set(k, perTerritory(c));
    onLoaded();
  }, onError).finally(() => pending.delete(k));
  return null;
}

/** territoryLabel names a territory for the list. */
type NameOf = (tid: string) => string;

function conflictRow(c: Conflict, nameOf: NameOf, select: (tid: string) => void): HTMLElement {
  const label = conflictKinds.find((k) => k.kind === c.kind)?.label ?? c.kind;
  const where = c.territories.map(nameOf).join(', ');
  return h('tr', { 'data-kind': c.kind, tabindex: '0', onclick: () => { if (c.territories.length) select(key(c.territories[0])); } },
    h('td', label), h('td.detail', c.detail), h('td', where || '—'), h('td.num', money(c.value)));
}

export interface ConflictsCtx {
  scenario: Scenario;
  role: string | undefined;
  nameOf: NameOf;
  select: (tid: string) => void;
  busy: <T>(p: Promise<T>) => Promise<T>;
  showError: (e: unknown) => void;
  toast: (msg: string) => void;
  /** reload re-reads the scenario after a resolution changed it. */
  reload: () => Promise<void>;
}

/** countsTable shows each kind's count and value. */
function countsTable(c: Conflicts): HTMLElement {
  return h('table.grid.compact', { id: 'conflict-counts' },
    h('thead', h('tr', h('th', 'Kind'), h('th.num', 'Count'), h('th.num', 'Value at stake'))),
    h('tbody', conflictKinds.map((k) => h('tr', { 'data-kind': k.kind },
      h('th', { scope: 'row' }, k.label), h('td.num', String(c.counts[k.kind] ?? 0)), h('td.num', money(c.value[k.kind] ?? 0))))));
}

/** resolvedText says in a sentence what a resolution did. */
export function resolvedText(r: ConflictResolution): string {
  if (!r.changed) return 'Nothing to resolve: no account owner differs from its territory’s owners.';
  const done = r.action === 'give_accounts_to_owner'
    ? `${r.owners_added.length} owner${r.owners_added.length === 1 ? '' : 's'} added to territories`
    : `${r.moves.length} unit${r.moves.length === 1 ? '' : 's'} moved to their accounts’ owner’s territory`;
  const left = r.not_resolvable.length ? `; ${r.not_resolvable.length} not resolvable` : '';
  return `${done}${left}. Owner mismatches: ${r.before.owner_mismatch ?? 0} → ${r.after.owner_mismatch ?? 0}.`;
}

/**
 * conflictsSection is the Conflicts section of the Results tab: counts and
 * values by kind, the conflicts by value, and (planners, drafts) the two
 * resolving actions. It fills itself once the conflicts arrive.
 */
export function conflictsSection(cx: ConflictsCtx): HTMLElement {
  const el = h('section', { id: 'conflicts' }, h('h3', 'Conflicts'), h('p.muted', 'Loading conflicts…'));
  const sc = cx.scenario;
  const actions = canPlan(cx.role) && sc.status === 'draft' && sc.parent_id ? (['give_accounts_to_owner', 'move_accounts_to_owner'] as ResolveAction[]) : [];
  const labels: Record<ResolveAction, string> = {
    give_accounts_to_owner: 'Give each account to its territory’s owner',
    move_accounts_to_owner: 'Move each account to its owner’s territory',
  };
  const titles: Record<ResolveAction, string> = {
    give_accounts_to_owner: 'The CRM owner of each mismatched account (and of each deal owned outside its territory) becomes an owner of the account’s territory in this draft.',
    move_accounts_to_owner: 'The unit of each mismatched account moves to the territory its CRM owner owns, when the unit holds only that owner’s accounts.',
  };
  loadConflicts(sc).then((c) => {
    const total = Object.values(c.counts).reduce((a, b) => a + b, 0);
    const rows = [...c.conflicts].sort((a, b) => b.value - a.value);
    clear(el,
      h('h3', `Conflicts (${total})`),
      h('p.muted', c.bookings_to
        ? `Value at stake: open pipeline plus deals won after ${c.bookings_from} up to ${c.bookings_to}. Colour the map by “Conflicts” to see where they are.`
        : 'Value at stake: open pipeline plus the last 12 months’ bookings (no opportunities imported).'),
      countsTable(c),
      actions.length ? h('div.row', { id: 'conflict-actions' }, actions.map((a) => h('button', {
        'data-action': a, title: titles[a], disabled: (c.counts.owner_mismatch ?? 0) + (c.counts.cross_territory_deal ?? 0) === 0,
        onclick: async () => {
          try {
            const r = await cx.busy(conflictsApi.resolve(sc.id, a));
            cx.toast(resolvedText(r));
            await cx.reload();
          } catch (e) {
            cx.showError(e);
          }
        },
      }, labels[a]))) : null,
      rows.length ? h('div.tablewrap', h('table.grid.compact', { id: 'conflict-list' },
        h('thead', h('tr', h('th', 'Kind'), h('th', 'What'), h('th', 'Territories'), h('th.num', 'Value'))),
        h('tbody', rows.slice(0, 200).map((x) => conflictRow(x, cx.nameOf, cx.select))))) : h('p.muted', 'No conflicts.'),
      rows.length > 200 ? h('p.muted', `The 200 of ${rows.length} with the most at stake are listed.`) : null,
    );
  }, (e) => {
    clear(el, h('h3', 'Conflicts'), h('p.muted', 'Conflicts could not be read.'));
    cx.showError(e);
  });
  return el;
}

/**
 * compareConflicts shows each kind's count in scenario a (before) and b
 * (after), once both arrive.
 */
export function compareConflicts(a: Scenario, b: Scenario, showError: (e: unknown) => void): HTMLElement {
  const el = h('div', { id: 'compare-conflicts' }, h('p.muted', 'Loading conflicts…'));
  Promise.all([loadConflicts(a), loadConflicts(b)]).then(([ca, cb]) => {
    clear(el, h('h3', 'Conflicts, before and after'), h('table.grid.compact',
      h('thead', h('tr', h('th', ''), h('th.num', a.name), h('th.num', b.name), h('th.num', 'Change'))),
      h('tbody', conflictKinds.map((k) => {
        const na = ca.counts[k.kind] ?? 0;
        const nb = cb.counts[k.kind] ?? 0;
        const d = nb - na;
        return h('tr', { 'data-kind': k.kind }, h('th', { scope: 'row' }, k.label), h('td.num', String(na)), h('td.num', String(nb)),
          h('td.num', { class: d === 0 ? 'muted' : d > 0 ? 'up' : 'down' }, d === 0 ? 'no change' : (d > 0 ? '+' : '−') + Math.abs(d)));
      }))));
  }, (e) => {
    clear(el, h('p.muted', 'Conflicts could not be read.'));
    showError(e);
  });
  return el;
}
