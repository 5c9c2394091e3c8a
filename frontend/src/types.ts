// Types of the API v1 contract (docs/api.md).

export type Role = 'admin' | 'leader' | 'analyst' | 'rep';
export type ID = string | number;

export interface User {
  id: ID;
  name: string;
  role: Role;
  territories: ID[] | null;
}

export interface Resource {
  name: string;
  unit: string;
  unit_cost: number;
  integer: boolean;
  total: number;
}

export type PerResource = Record<string, number>;

export interface ScenarioSettings {
  objective?: 'revenue' | 'profit';
  resource_weights?: PerResource;
  shape?: unknown;
  max_change?: PerResource;
  locks?: ID[];
  bounds?: Record<string, { min?: PerResource; max?: PerResource }>;
  market_multipliers?: Record<string, number>;
  align?: { k?: number; tolerance?: number; max_moved?: number; time_limit_seconds?: number; seed?: number };
  [key: string]: unknown;
}

export type ScenarioStatus = 'draft' | 'approved' | 'published';

export interface Scenario {
  id: ID;
  name: string;
  layer: string;
  parent_id: ID | null;
  status: ScenarioStatus;
  budget: number;
  resources: Resource[] | null;
  settings: ScenarioSettings | null;
  created_by?: string;
  created_at?: string;
  updated_at?: string;
}

export interface Territory {
  id: ID;
  name: string;
  owners: string[] | null;
  locked: boolean;
  units: number;
  accounts: number;
  market: number;
  revenue: number;
  share: number;
  saturation: number;
  headroom: number;
  current: PerResource | null;
  allocation: PerResource | null;
  change: PerResource | null;
  expected_revenue: number | null;
  marginal: PerResource | null;
}

export interface Account {
  id: ID;
  name: string;
  segment: string;
  postal_code: string;
  location: [number, number] | null;
  unit_id: string;
  revenue: number;
  owner: string;
}

export interface CurvePoint {
  x: number;
  revenue: number;
}

export interface TerritoryDetail extends Territory {
  unit_ids: string[];
  accounts_list?: Account[];
  curves: Record<string, CurvePoint[]> | null;
}

export interface TerritoriesResponse {
  territories: Territory[];
  totals: Record<string, unknown>;
  run_id: ID | null;
  stale?: boolean;
  scenario_version?: number;
}

/** RunEvent is one message of GET /runs/{rid}/events (api.runEvent). */
export interface RunEvent {
  run: Run;
  scenario?: Scenario;
  territories?: TerritoriesResponse;
  assignments?: Record<string, ID>;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  id: ID;
  scenario_id: ID;
  kind: string;
  status: RunStatus;
  progress: number;
  input_hash?: string;
  solver_version?: string;
  seed?: number;
  result?: unknown;
  error?: string | { code: string; message: string };
}

export interface BalanceRow {
  territory: ID;
  units: number;
  market: number;
  revenue: number;
}

export interface MoveResult {
  moved: number;
  balance: BalanceRow[];
  noncontiguous: ID[];
}

export interface FrontierPoint {
  amount: number;
  revenue: number;
  bound?: number;
}

export interface Comparison {
  moved_units: { unit_id: string; from: ID; to: ID }[];
  territories: { id: ID; revenue_a: number; revenue_b: number; delta: number; allocation_delta: PerResource | null }[];
  totals: { revenue_a: number; revenue_b: number; delta: number };
}

export interface AuditEntry {
  id: ID;
  actor: string;
  action: string;
  detail: unknown;
  at: string;
}

export interface Layer {
  id: string;
  name: string;
  description?: string;
  unit_count: number;
}
