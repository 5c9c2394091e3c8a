// The API v1 client (docs/api.md): bearer token kept in sessionStorage, the
// session cookie as a fallback.
import type {
  User, Scenario, ScenarioRequest, TerritoriesResponse, TerritoryDetail, Run, RunKind, MoveResult, Frontier,
  Comparison, PublishImpact, AuditList, AccountList, LayerList, ScenarioList, ID, LoginResponse, Assignments, ErrorBody, UnitCollection,
  RegionCollection, TerritoryCollection, RunEvent, MovesRequest, LoginRequest, RunRequest, RunList,
  UserList, UserRequest, UserPatch, ImportResult, KPIs,
} from './types';

/**
 * ApiError is an answer of the API that is not a success: its message is the
 * server's, written for people (never an HTTP code), and retryAfter the
 * seconds the server asked to wait (429 with Retry-After), or null.
 */
export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public retryAfter: number | null = null) {
    super(message);
  }
}

/** statusMessage is what to tell people when an answer carries no message of its own. */
export function statusMessage(status: number): string {
  if (status === 0) return 'The server cannot be reached. Check the connection and try again.';
  if (status === 401) return 'Your session has ended. Sign in again.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'This was not found: it may have been deleted.';
  if (status === 409) return 'This conflicts with a change made meanwhile. Reload and try again.';
  if (status === 413) return 'This is too large to send.';
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500) return 'The server had a problem. Try again; if it persists, tell an administrator.';
  return 'The request was not accepted.';
}

/** retryAfterSeconds reads a Retry-After header (seconds or an HTTP date) as seconds, or null. */
export function retryAfterSeconds(v: string | null | undefined, now = Date.now()): number | null {
  if (!v) return null;
  const t = v.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const d = Date.parse(t);
  return Number.isNaN(d) ? null : Math.max(0, Math.ceil((d - now) / 1000));
}

const TOKEN = 'terrane.token';

export function token(): string | null {
  try {
    return sessionStorage.getItem(TOKEN);
  } catch {
    return null;
  }
}

export function setToken(t: string | null): void {
  try {
    if (t) sessionStorage.setItem(TOKEN, t);
    else sessionStorage.removeItem(TOKEN);
  } catch {
    /* storage unavailable: the cookie still works */
  }
}

/** onUnauthorized is called when any request answers 401. */
export let onUnauthorized: () => void = () => {};
export function setOnUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method,
      headers,
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'unreachable', statusMessage(0));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as Partial<ErrorBody> | null)?.error;
    if (res.status === 401 && !path.startsWith('/login')) onUnauthorized();
    throw new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? statusMessage(res.status), retryAfterSeconds(res.headers.get('Retry-After')));
  }
  return data as T;
}

const enc = encodeURIComponent;

/**
 * runEvents follows a run's server-sent events (GET /runs/{id}/events) with
 * the bearer token, calling onEvent for each message, until the "done"
 * message, which it returns. It rejects when the stream cannot be read, so
 * the caller can fall back to polling.
 */
export async function runEvents(id: ID, onEvent: (name: string, ev: RunEvent) => void, marks?: Record<string, number>): Promise<RunEvent> {
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  if (marks) marks.streamAsked = performance.now();
  const res = await fetch(`/api/v1/runs/${enc(String(id))}/events`, { headers, credentials: 'same-origin' });
  if (marks) marks.streamOpen = performance.now();
  if (!res.ok || !res.body) throw new ApiError(res.status, 'http_' + res.status, statusMessage(res.status));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const msg = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let name = 'message';
      let data = '';
      for (const line of msg.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (!data) continue;
      const ev = JSON.parse(data) as RunEvent;
      onEvent(name, ev);
      if (name === 'done') {
        reader.cancel().catch(() => {});
        return ev;
      }
    }
  }
  throw new ApiError(0, 'stream_ended', `The progress of run ${id} stopped arriving before the run ended.`);
}

export const api = {
  login: (name: string, password: string) => request<LoginResponse>('POST', '/login', { name, password } satisfies LoginRequest),
  logout: () => request<void>('POST', '/logout'),
  me: () => request<User>('GET', '/me'),
  layers: () => request<LayerList>('GET', '/layers'),
  units: (layer: string) => request<UnitCollection>('GET', `/layers/${enc(layer)}/units`),
  regions: (layer: string) => request<RegionCollection>('GET', `/layers/${enc(layer)}/regions`),
  scenarios: () => request<ScenarioList>('GET', '/scenarios'),
  scenario: (id: ID) => request<Scenario>('GET', `/scenarios/${enc(String(id))}`),
  createScenario: (body: ScenarioRequest & { name: string; from: number }) =>
    request<Scenario>('POST', '/scenarios', body),
  /** patchScenario sends a change made on body.version (a stale one answers 409 conflict). */
  patchScenario: (id: ID, body: Omit<ScenarioRequest, 'from'> & { version: number }) => request<Scenario>('PATCH', `/scenarios/${enc(String(id))}`, body),
  approve: (id: ID) => request<Scenario>('POST', `/scenarios/${enc(String(id))}/approve`),
  publish: (id: ID) => request<Scenario>('POST', `/scenarios/${enc(String(id))}/publish`),
  publishImpact: (id: ID) => request<PublishImpact>('GET', `/scenarios/${enc(String(id))}/publish-impact`),
  audit: (id: ID) => request<AuditList>('GET', `/scenarios/${enc(String(id))}/audit`),
  territories: (id: ID) => request<TerritoriesResponse>('GET', `/scenarios/${enc(String(id))}/territories`),
  territory: (id: ID, tid: ID) =>
    request<TerritoryDetail>('GET', `/scenarios/${enc(String(id))}/territories/${enc(String(tid))}`),
  territoriesGeoJSON: (id: ID) => request<TerritoryCollection>('GET', `/scenarios/${enc(String(id))}/territories.geojson`),
  assignments: (id: ID) => request<Assignments>('GET', `/scenarios/${enc(String(id))}/assignments`),
  /** move sends moves made on the scenario's version (a stale one answers 409 conflict). */
  move: (id: ID, moves: MovesRequest['moves'], version: number, dryRun = false) =>
    request<MoveResult>('PATCH', `/scenarios/${enc(String(id))}/assignments${dryRun ? '?dry_run=true' : ''}`, { moves, version } satisfies MovesRequest),
  frontier: (id: ID, resource = 'money', points = 12) =>
    request<Frontier>('GET', `/scenarios/${enc(String(id))}/frontier?resource=${enc(resource)}&points=${points}`),
  compare: (a: ID, b: ID) => request<Comparison>('GET', `/scenarios/${enc(String(a))}/compare/${enc(String(b))}`),
  startRun: (id: ID, kind: RunKind = 'allocate', fit?: RunRequest['fit']) =>
    request<Run>('POST', `/scenarios/${enc(String(id))}/runs`, (fit ? { kind, fit } : { kind }) satisfies RunRequest),
  run: (id: ID) => request<Run>('GET', `/runs/${enc(String(id))}`),
  runs: (scenario: ID) => request<RunList>('GET', `/scenarios/${enc(String(scenario))}/runs`),
  cancelRun: (id: ID) => request<Run>('DELETE', `/runs/${enc(String(id))}`),
  accounts: (scenario: ID, territory?: ID) =>
    request<AccountList>('GET', `/accounts?scenario=${enc(String(scenario))}${territory !== undefined ? '&territory=' + enc(String(territory)) : ''}&limit=10000`),
  users: () => request<UserList>('GET', '/users'),
  createUser: (body: UserRequest) => request<User>('POST', '/users', body),
  patchUser: (id: ID, body: UserPatch) => request<User>('PATCH', `/users/${enc(String(id))}`, body),
  deleteUser: (id: ID) => request<void>('DELETE', `/users/${enc(String(id))}`),
  importFile: (form: FormData) => request<ImportResult>('POST', '/imports', form),
  /** kpis asks for the pipeline KPIs grouped by territory, rep, region or manager; from/to are YYYY-MM-DD or null. */
  kpis: (id: ID, by: string, from: string | null = null, to: string | null = null) =>
    request<KPIs>('GET', `/scenarios/${enc(String(id))}/kpis?by=${enc(by)}${from ? '&from=' + enc(from) : ''}${to ? '&to=' + enc(to) : ''}`),
  exportURL: (id: ID, file: string) => `/api/v1/scenarios/${enc(String(id))}/exports/${file}`,
};
