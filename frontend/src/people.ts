// The People screen (admins): every user and rep with their role,
// territories, manager, region, quota, cost and capacity; add, edit, set a
// first password, delete, and import reps from a CSV (the `reps` import).
import { api, ApiError } from './api';
import { h, clear, download } from './dom';
import { money, count, counted } from './format';
import { sortBy } from './state';
import type { User, UserPatch, ImportResult, Scenario } from './types';

/** PeopleCtx is what the screen needs of the app. */
export interface PeopleCtx {
  scenario: Scenario | null;
  me: User | null;
  showError: (e: unknown) => void;
  toast: (msg: string) => void;
  busy: <T>(p: Promise<T>) => Promise<T>;
}

const roles: User['role'][] = ['admin', 'leader', 'analyst', 'rep'];

/** peopleSummary says how many people there are by role, and how many cannot sign in yet. */
export function peopleSummary(users: User[]): string {
  const by = roles.map((r) => [r, users.filter((u) => u.role === r).length] as const).filter(([, n]) => n > 0);
  const waiting = users.filter((u) => !u.has_password).length;
  return `${counted(users.length, 'person', 'people')}` +
    (by.length ? ': ' + by.map(([r, n]) => counted(n, r)).join(', ') : '') +
    (waiting ? `; ${waiting} cannot sign in yet (no password)` : '') + '.';
}

/** parseTerritories reads a comma- or semicolon-separated list of territory ids. */
export function parseTerritories(s: string): string[] {
  return s.split(/[;,]/).map((x) => x.trim()).filter((x) => x !== '');
}

/** optionalNumber reads a field that may be blank (= 0, not known) as a number ≥ 0, or says why not. */
export function optionalNumber(label: string, s: string): number | string {
  const t = s.replace(/[$,\s]/g, '');
  if (t === '') return 0;
  const v = Number(t);
  if (!Number.isFinite(v) || v < 0) return `${label} must be a number ≥ 0, not “${s.trim()}”.`;
  return v;
}

export function peoplePanel(ctx: PeopleCtx, el: HTMLElement): void {
  const list = h('div', { id: 'people-list' }, h('p.muted', 'Loading…'));
  const summary = h('p', { id: 'people-summary' });
  const reload = async () => {
    try {
      const r = await ctx.busy(api.users());
      const users = sortBy(r.users ?? [], (u) => u.name.toLocaleLowerCase(), 'asc');
      summary.textContent = peopleSummary(users);
      clear(list, peopleTable(ctx, users, reload));
    } catch (e) {
      clear(list, h('p.muted', 'The list of people is not available: ' + (e instanceof Error ? e.message : String(e))));
    }
  };
  clear(el,
    h('h2', 'People'),
    h('p.muted', 'Everyone who signs in, and the reps who own territories. A rep sees only their own territories in the published plan.'),
    summary,
    importReps(ctx, reload),
    addPerson(ctx, reload),
    list,
  );
  void reload();
}

function peopleTable(ctx: PeopleCtx, users: User[], reload: () => Promise<void>): HTMLElement {
  if (users.length === 0) return h('p.muted', 'Nobody yet.');
  return h('div.tablewrap', h('table.grid.compact', { id: 'people-table' },
    h('thead', h('tr',
      h('th', 'Name'), h('th', 'Role'), h('th', 'Territories'), h('th', 'Manager'), h('th', 'Region'),
      h('th.num', 'Quota', h('span.unit', '$ per year')), h('th.num', 'Cost', h('span.unit', '$ per year')),
      h('th.num', 'Capacity', h('span.unit', 'hours per year')), h('th', 'Sign-in'),
    )),
    h('tbody', users.map((u) => h('tr', { 'data-user': u.name, tabindex: '0', class: 'clickable', title: 'Edit ' + u.name,
      onclick: () => editPerson(ctx, u, reload),
      onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter') editPerson(ctx, u, reload); } },
      h('td', h('strong', u.name), u.email ? h('span.unit.muted', u.email) : null),
      h('td', u.role),
      h('td', u.territories?.length ? u.territories.join(', ') : h('span.muted', '—')),
      h('td', u.manager || h('span.muted', '—')),
      h('td', u.region || h('span.muted', '—')),
      h('td.num', u.quota ? money(u.quota) : h('span.muted', '—')),
      h('td.num', u.cost ? money(u.cost) : h('span.muted', '—')),
      h('td.num', u.capacity ? count(u.capacity) : h('span.muted', '—')),
      h('td', u.has_password ? 'yes' : h('span.warn', 'no password')),
    ))),
  ));
}

/** importReps uploads a reps CSV (POST /imports, kind reps) onto the open scenario's layer. */
function importReps(ctx: PeopleCtx, reload: () => Promise<void>): HTMLElement {
  const file = h('input', { type: 'file', id: 'reps-file', accept: '.csv,.gz,text/csv', 'aria-label': 'Reps CSV file' }) as HTMLInputElement;
  const skip = h('input', { type: 'checkbox', id: 'reps-skip' }) as HTMLInputElement;
  const out = h('div', { id: 'reps-import-result' });
  const go = async () => {
    const f = file.files?.[0];
    if (!f) {
      ctx.toast('Choose a CSV file of reps first.');
      return;
    }
    const form = new FormData();
    form.set('kind', 'reps');
    if (ctx.scenario) form.set('layer', ctx.scenario.layer);
    if (skip.checked) form.set('skip_invalid', 'true');
    form.set('file', f);
    try {
      const r = await ctx.busy(api.importFile(form));
      clear(out, importSummary(r));
      await reload();
    } catch (e) {
      clear(out, h('p.error', e instanceof ApiError || e instanceof Error ? e.message : String(e)));
    }
  };
  return h('details.box', { id: 'reps-import' },
    h('summary', 'Import reps from a CSV'),
    h('p.muted', 'Columns: name, email, role, territory (ids, “;”-separated), manager, region, postal_code or lon/lat, cost and quota ($ per year), capacity (hours per year). ' +
      'A row updates the person with the same email (else name) or creates one, and makes them the owner of their territories in the baseline plan' +
      (ctx.scenario ? ` of layer ${ctx.scenario.layer}` : '') + '. New people sign in once an admin sets their password here.'),
    h('div.row', file, h('label', skip, ' import the valid rows, list the others'), h('button', { id: 'reps-import-go', onclick: go }, 'Import')),
    out,
  );
}

/** importSummary tells what a reps import did, with the skipped rows to download. */
export function importSummary(r: ImportResult): HTMLElement {
  const skipped = r.skipped ?? [];
  return h('div',
    h('p', { id: 'reps-import-summary' }, `Imported ${counted(r.rows, 'row')}: ${counted(r.users_created ?? 0, 'person', 'people')} added, ${r.users_updated ?? 0} updated` +
      (skipped.length ? `; ${counted(skipped.length, 'row')} skipped.` : '.')),
    skipped.length ? [
      h('ul.detail', skipped.slice(0, 5).map((s) => h('li', `line ${s.line}${s.field ? ' (' + s.field + ')' : ''}: ${s.message}`))),
      r.skipped_csv ? h('button', { onclick: () => download('skipped-reps.csv', r.skipped_csv ?? '') }, 'Download the skipped rows') : null,
    ] : null,
  );
}

function addPerson(ctx: PeopleCtx, reload: () => Promise<void>): HTMLElement {
  const name = h('input', { id: 'new-name', placeholder: 'First Last', 'aria-label': 'Name' }) as HTMLInputElement;
  const role = h('select', { id: 'new-role', 'aria-label': 'Role' }, roles.map((r) => h('option', { value: r, selected: r === 'rep' }, r))) as HTMLSelectElement;
  const pw = h('input', { id: 'new-password', type: 'password', placeholder: 'first password (8+ characters)', autocomplete: 'new-password', 'aria-label': 'First password' }) as HTMLInputElement;
  const add = async () => {
    try {
      const u = await ctx.busy(api.createUser({ name: name.value.trim(), role: role.value as User['role'], password: pw.value }));
      ctx.toast(`${u.name} added${u.has_password ? '' : ': set a password so they can sign in'}.`);
      name.value = pw.value = '';
      await reload();
    } catch (e) {
      ctx.showError(e);
    }
  };
  return h('details.box', { id: 'people-add' },
    h('summary', 'Add a person'),
    h('div.row', name, role, pw, h('button.primary', { id: 'new-add', onclick: add }, 'Add')),
  );
}

/** editPerson opens a dialog to change a person's fields, set a password or delete them. */
function editPerson(ctx: PeopleCtx, u: User, reload: () => Promise<void>): void {
  document.getElementById('person-dialog')?.remove();
  const msg = h('p.error', { id: 'person-error', role: 'alert' });
  const dlg = h('dialog.publish', { id: 'person-dialog', 'aria-labelledby': 'person-title',
    oninput: () => { msg.textContent = ''; } }) as HTMLDialogElement; // a message answers the last Save only
  const close = () => {
    dlg.close();
    dlg.remove();
  };
  const field = (id: string, label: string, value: string, attrs: Record<string, unknown> = {}) => {
    const input = h('input', { id, value, ...attrs }) as HTMLInputElement;
    return [h('label', { for: id }, label), input] as const;
  };
  const role = h('select', { id: 'person-role' }, roles.map((r) => h('option', { value: r, selected: r === u.role }, r))) as HTMLSelectElement;
  const [lEmail, email] = field('person-email', 'Email', u.email ?? '', { type: 'email' });
  const [lTerr, terr] = field('person-territories', 'Territories (ids, comma-separated)', (u.territories ?? []).join(', '));
  const [lMgr, mgr] = field('person-manager', 'Manager', u.manager ?? '');
  const [lReg, reg] = field('person-region', 'Region', u.region ?? '');
  const [lQuota, quota] = field('person-quota', 'Quota ($ per year)', u.quota ? String(u.quota) : '', { inputmode: 'decimal' });
  const [lCost, cost] = field('person-cost', 'Fully loaded cost ($ per year)', u.cost ? String(u.cost) : '', { inputmode: 'decimal' });
  const [lCap, cap] = field('person-capacity', 'Capacity (hours per year)', u.capacity ? String(u.capacity) : '', { inputmode: 'decimal' });
  const [lPw, pw] = field('person-password', u.has_password ? 'New password (leave blank to keep)' : 'First password (8+ characters)', '', { type: 'password', autocomplete: 'new-password' });
  const save = async () => {
    const nums = [optionalNumber('Quota', quota.value), optionalNumber('Cost', cost.value), optionalNumber('Capacity', cap.value)];
    const bad = nums.find((v) => typeof v === 'string');
    if (typeof bad === 'string') {
      msg.textContent = bad;
      return;
    }
    const [q, c, k] = nums as number[];
    const body: UserPatch = { role: role.value as User['role'], email: email.value.trim(), manager: mgr.value.trim(), region: reg.value.trim(), quota: q, cost: c, capacity: k };
    const ts = parseTerritories(terr.value);
    if (ts.join(',') !== (u.territories ?? []).join(',')) body.territories = ts; // owned in the baseline holding them
    if (pw.value) body.password = pw.value;
    try {
      const saved = await ctx.busy(api.patchUser(u.id, body));
      close();
      ctx.toast(`${saved.name} saved.`);
      await reload();
    } catch (e) {
      msg.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  const del = async () => {
    if (!confirm(`Delete ${u.name}? They can no longer sign in, and their API tokens stop working.`)) return;
    try {
      await ctx.busy(api.deleteUser(u.id));
      close();
      ctx.toast(`${u.name} deleted.`);
      await reload();
    } catch (e) {
      msg.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  const self = ctx.me?.id === u.id;
  clear(dlg,
    h('h2', { id: 'person-title' }, u.name),
    h('div.form', h('label', { for: 'person-role' }, 'Role'), role, lEmail, email, lTerr, terr, lMgr, mgr, lReg, reg, lQuota, quota, lCost, cost, lCap, cap, lPw, pw),
    msg,
    h('div.row.end',
      h('button.danger', { id: 'person-delete', type: 'button', disabled: self, title: self ? 'You cannot delete yourself.' : undefined, onclick: del }, 'Delete'),
      h('button', { id: 'person-cancel', type: 'button', onclick: close }, 'Cancel'),
      h('button.primary', { id: 'person-save', type: 'button', onclick: save }, 'Save'),
    ),
  );
  document.body.append(dlg);
  dlg.showModal();
}
