// Types of the API v1 contract: aliases of the types openapi-typescript
// generates from api/openapi.json into api-types.ts (`make generate`, or
// `npm run generate` here). Nothing in this file describes API data by
// hand: a change of the Go types reaches the app through the generated file.
import type { components } from './api-types';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Role = User['role'];
export type Layer = Schemas['Layer'];
export type LayerList = Schemas['LayerList'];
export type Resource = Schemas['Resource'];
export type ScenarioSettings = Schemas['ScenarioSettings'];
export type AlignSettings = Schemas['AlignSettings'];
export type Scenario = Schemas['Scenario'];
export type ScenarioList = Schemas['ScenarioList'];
export type ScenarioStatus = Scenario['status'];
export type ScenarioRequest = Schemas['ScenarioRequest'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditList = Schemas['AuditList'];
export type Territory = Schemas['TerritoryMetrics'];
export type CurvesOutcome = Schemas['CurvesOutcome'];
export type Totals = Schemas['Totals'];
export type TerritoriesResponse = Schemas['TerritoryList'];
export type TerritoryDetail = Schemas['TerritoryDetail'];
export type CurvePoint = Schemas['CurvePoint'];
export type Account = Schemas['Account'];
export type AccountList = Schemas['AccountList'];
export type Assignments = Schemas['AssignmentList'];
export type BalanceRow = Schemas['BalanceRow'];
export type MovesRequest = Schemas['MovesRequest'];
export type MoveResult = Schemas['MoveResult'];
export type Frontier = Schemas['Frontier'];
export type FrontierPoint = Schemas['FrontierPoint'];
export type Comparison = Schemas['Comparison'];
export type PublishImpact = Schemas['PublishImpact'];
export type TerritoryImpact = Schemas['TerritoryImpact'];
export type Run = Schemas['Run'];
export type RunStatus = Run['status'];
export type RunKind = Run['kind'];
export type RunRequest = Schemas['RunRequest'];
export type RunList = Schemas['RunList'];
/** RunEvent is the data of one message of GET /runs/{rid}/events. */
export type RunEvent = Schemas['RunEvent'];
export type RunResult = Schemas['RunResult'];
export type AllocationResult = Schemas['AllocationResult'];
export type AlignmentSummary = Schemas['AlignmentSummary'];
export type LoginRequest = Schemas['LoginRequest'];
export type LoginResponse = Schemas['LoginResponse'];
export type UnitCollection = Schemas['UnitCollection'];
export type RegionCollection = Schemas['RegionCollection'];
export type TerritoryCollection = Schemas['TerritoryCollection'];
export type ErrorBody = Schemas['ErrorBody'];
export type UserList = Schemas['UserList'];
export type UserRequest = Schemas['UserRequest'];
export type UserPatch = Schemas['UserPatchInput'];
export type ImportResult = Schemas['ImportResult'];
export type KPIs = Schemas['KPIs'];
export type KPIGroup = Schemas['KPIGroup'];

/** PerResource is an amount per resource name, in the resource's unit. */
export type PerResource = NonNullable<Territory['current']>;
/** ID is any id the API hands out: scenarios and runs by number, territories and units by string. */
export type ID = Scenario['id'] | Territory['id'];
