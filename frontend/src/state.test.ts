import { describe, it, expect, vi } from 'vitest';
import {
  measureValue, sortBy, nextSort, toggle, planMoves, movesBody, invert, UndoStack, applyMoves, balance, spread,
  canPlan, canApprove, tabsFor, Store, runDone, resourceNames, indexTerritories, measureByKey, compareDelta, basisText, measuresFor, activeRun, rerunKind,
} from './state';
import type { Territory, Scenario, Run, Comparison } from './types';

const terr = (id: string, o: Partial<Territory> = {}): Territory => ({
  id, name: id, owners: [], locked: false, units: 1, accounts: 0, market: 100, revenue: 10, share: 0.1, saturation: 0.3,
  floor: 0.05, headroom: 20, revenue_period: '2017', current: { money: 5 }, assumed: [], allocation: null, change: null, expected_revenue: null, revenue_change: null,
  marginal: null, ...o,
});

const run = (status: Run['status'], progress: number): Run => ({
  id: 1, scenario_id: 1, kind: 'allocate', status, progress, input_hash: '', solver_version: 'test', seed: 0,
  created_at: '2026-01-01T00:00:00Z',
});

describe('measureValue', () => {
  it('reads plain and per-resource measures', () => {
    const t = terr('CA', { allocation: { money: 7, reps: 2 }, change: { money: 2 }, marginal: { money: 1.4 } });
    expect(measureValue(t, 'market', 'money')).toBe(100);
    expect(measureValue(t, 'allocation', 'reps')).toBe(2);
    expect(measureValue(t, 'change', 'money')).toBe(2);
    expect(measureValue(t, 'marginal', 'money')).toBe(1.4);
  });
  it('is null when a run has not happened', () => {
    expect(measureValue(terr('TX'), 'allocation', 'money')).toBeNull();
    expect(measureValue(terr('TX'), 'expected_revenue', 'money')).toBeNull();
  });
  it('unknown measure keys fall back to market size', () => {
    expect(measureByKey('nope').key).toBe('market');
  });
});

describe('sortBy', () => {
  const rows = [{ v: 3 }, { v: null }, { v: 1 }, { v: 2 }];
  it('sorts numbers both ways with nulls last', () => {
    expect(sortBy(rows, (r) => r.v, 'asc').map((r) => r.v)).toEqual([1, 2, 3, null]);
    expect(sortBy(rows, (r) => r.v, 'desc').map((r) => r.v)).toEqual([3, 2, 1, null]);
  });
  it('sorts strings naturally and keeps ties in order', () => {
    const s = [{ k: 'b10', i: 0 }, { k: 'b2', i: 1 }, { k: 'a', i: 2 }, { k: 'a', i: 3 }];
    expect(sortBy(s, (r) => r.k, 'asc').map((r) => r.i)).toEqual([2, 3, 1, 0]);
  });
  it('does not change its input', () => {
    const copy = rows.slice();
    sortBy(rows, (r) => r.v, 'asc');
    expect(rows).toEqual(copy);
  });
  it('nextSort flips the same column and starts a new numeric column descending', () => {
    expect(nextSort({ key: 'a', dir: 'desc' }, 'a')).toEqual({ key: 'a', dir: 'asc' });
    expect(nextSort({ key: 'a', dir: 'asc' }, 'b')).toEqual({ key: 'b', dir: 'desc' });
    expect(nextSort({ key: 'a', dir: 'asc' }, 'name', false)).toEqual({ key: 'name', dir: 'asc' });
  });
});

describe('selection and moves', () => {
  const assign = new Map([['u1', 'A'], ['u2', 'A'], ['u3', 'B']]);
  it('toggle adds and removes without mutating', () => {
    const s0 = new Set(['u1']);
    const s1 = toggle(s0, 'u2');
    expect([...s1].sort()).toEqual(['u1', 'u2']);
    expect([...toggle(s1, 'u1')]).toEqual(['u2']);
    expect([...s0]).toEqual(['u1']);
  });
  it('planMoves skips units already in the target and unknown units', () => {
    expect(planMoves(['u1', 'u3', 'zz'], assign, 'B')).toEqual([{ unit: 'u1', from: 'A', to: 'B' }]);
  });
  it('movesBody and invert', () => {
    const m = planMoves(['u1', 'u2'], assign, 'B');
    expect(movesBody(m)).toEqual({ moves: { u1: 'B', u2: 'B' } });
    expect(invert(m)).toEqual([{ unit: 'u1', from: 'B', to: 'A' }, { unit: 'u2', from: 'B', to: 'A' }]);
  });
  it('undo restores the assignment batch by batch', () => {
    const u = new UndoStack();
    let a = new Map(assign);
    const m1 = planMoves(['u1'], a, 'B');
    a = applyMoves(a, m1);
    u.push(m1);
    const m2 = planMoves(['u3', 'u2'], a, 'C');
    a = applyMoves(a, m2);
    u.push(m2);
    u.push([]); // empty batches are not kept
    expect(u.size).toBe(2);
    a = applyMoves(a, u.pop()!);
    expect(a.get('u3')).toBe('B');
    expect(a.get('u2')).toBe('A');
    a = applyMoves(a, u.pop()!);
    expect(a).toEqual(assign);
    expect(u.pop()).toBeNull();
  });
  it('balance sums by territory and spread measures imbalance', () => {
    const b = balance(assign, (unit) => (unit === 'u3' ? 5 : 1));
    expect(b.get('A')).toEqual({ units: 2, weight: 2 });
    expect(b.get('B')).toEqual({ units: 1, weight: 5 });
    expect(spread([10, 10, 10])).toBe(0);
    expect(spread([5, 15])).toBe(1);
    expect(spread([])).toBe(0);
  });
});

describe('roles', () => {
  it('planning and approval rights', () => {
    expect(canPlan('analyst')).toBe(true);
    expect(canPlan('rep')).toBe(false);
    expect(canApprove('leader')).toBe(true);
    expect(canApprove('admin')).toBe(true);
    expect(canApprove('analyst')).toBe(false);
  });
  it('a rep sees only the territory panel', () => {
    expect(tabsFor('rep')).toEqual(['territory']);
    expect(tabsFor('leader')).toContain('compare');
    expect(tabsFor('analyst')).toContain('scenario');
  });
});

describe('Store', () => {
  it('merges patches and tells listeners the previous state', () => {
    const s = new Store({ a: 1, b: 'x' });
    const seen = vi.fn();
    const off = s.subscribe(seen);
    s.set({ a: 2 });
    expect(s.get()).toEqual({ a: 2, b: 'x' });
    expect(seen).toHaveBeenCalledWith({ a: 2, b: 'x' }, { a: 1, b: 'x' });
    off();
    s.set({ a: 3 });
    expect(seen).toHaveBeenCalledTimes(1);
  });
});

describe('helpers', () => {
  it('runDone', () => {
    expect(runDone(null)).toBe(false);
    expect(runDone(run('running', 0.5))).toBe(false);
    for (const st of ['succeeded', 'failed', 'cancelled'] as const) {
      expect(runDone(run(st, 1))).toBe(true);
    }
  });
  it('resourceNames prefers the scenario resources', () => {
    const sc = { resources: [{ name: 'money', unit: 'dollars', unit_cost: 1, integer: false, total: 1 }, { name: 'reps', unit: 'reps', unit_cost: 1, integer: true, total: 2 }] } as Scenario;
    expect(resourceNames(sc, [])).toEqual(['money', 'reps']);
    expect(resourceNames(null, [terr('A', { current: { hours: 3 } })])).toEqual(['hours']);
    expect(resourceNames(null, [])).toEqual(['money']);
  });
  it('indexTerritories keys by string id', () => {
    const m = indexTerritories([terr('CA'), { ...terr('7'), name: 'x' }]);
    expect(m.get('7')?.name).toBe('x');
    expect(m.has('CA')).toBe(true);
  });
});

describe('compareDelta', () => {
  const row = { id: 'CA', name_a: 'California', name_b: 'California', expected_a: 10, expected_b: 12, expected_delta: 2, delta: 2,
    actual_a: 9, actual_b: 9, actual_delta: 0, market_a: 100, market_b: 100, allocation_delta: { money: -5, headcount: 1 } };
  it('reads the revenue change or a resource allocation change', () => {
    expect(compareDelta(row, 'revenue')).toBe(2);
    expect(compareDelta(row, 'money')).toBe(-5);
    expect(compareDelta(row, 'attention')).toBeNull();
    expect(compareDelta({ ...row, allocation_delta: {} }, 'money')).toBeNull();
  });
});

describe('compare like with like (issue 12, case 3)', () => {
  const row = (o: Partial<Comparison['territories'][number]>): Comparison['territories'][number] => ({
    id: 'CA', name_a: 'California', name_b: 'California', expected_a: 100, expected_b: 100, expected_delta: 0, delta: 0,
    actual_a: 90, actual_b: 90, actual_delta: 0, market_a: 1, market_b: 1, allocation_delta: { money: 0 }, ...o,
  } as Comparison['territories'][number]);
  it('maps expected against expected; a hair of difference is no change, one side only is no data', () => {
    expect(compareDelta(row({ expected_delta: 3.2e-10 }), 'revenue')).toBe(0);
    expect(compareDelta(row({ expected_delta: -1500, actual_delta: 31_200 }), 'revenue')).toBe(-1500);
    expect(compareDelta(row({ expected_delta: null }), 'revenue')).toBeNull();
    expect(compareDelta(row({ allocation_delta: { headcount: -2 } }), 'headcount')).toBe(-2);
  });
  it('says where each side’s expected revenue comes from', () => {
    expect(basisText('run', false)).toBe('from its latest run');
    expect(basisText('solved', false)).toMatch(/solved for this comparison/);
    expect(basisText('none', false)).toBe('no model');
  });
});

describe('runs to follow and to re-run (issue 12, cases 4 and 12)', () => {
  it('finds the latest queued or running run', () => {
    expect(activeRun([{ id: 3, status: 'succeeded' }, { id: 5, status: 'running' }, { id: 4, status: 'queued' }])?.id).toBe(5);
    expect(activeRun([{ id: 3, status: 'succeeded' }, { id: 4, status: 'cancelled' }])).toBeNull();
  });
  it('re-runs as the last run did: a redraw redraws', () => {
    expect(rerunKind(null)).toBe('allocate');
    expect(rerunKind({ kind: 'allocate' })).toBe('allocate');
    expect(rerunKind({ kind: 'align' })).toBe('align+allocate');
    expect(rerunKind({ kind: 'align+allocate' })).toBe('align+allocate');
  });
  it('offers a rep no change against the current plan', () => {
    expect(measuresFor('rep').map((m) => m.key)).not.toContain('change');
    expect(measuresFor('leader').map((m) => m.key)).toContain('change');
  });
});
