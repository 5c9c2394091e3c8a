import { describe, it, expect } from 'vitest';
import { perTerritory, resolvedText, conflictKinds, type Conflicts, type ConflictResolution } from './conflicts';

const zero = Object.fromEntries(conflictKinds.map((k) => [k.kind, 0]));

describe('perTerritory', () => {
  it('counts each conflict in every territory it touches', () => {
    const c: Conflicts = {
      counts: zero, value: zero, bookings_from: null, bookings_to: null,
      conflicts: [
        { kind: 'owner_mismatch', territory_id: 'W', territories: ['W'], detail: '', value: 1 },
        { kind: 'split_customer', territory_id: '', territories: ['E', 'W'], detail: '', value: 2 },
        { kind: 'rep_without_territory', territory_id: '', territories: [], detail: '', value: 0 },
      ],
    };
    expect([...perTerritory(c)].sort()).toEqual([['E', 1], ['W', 2]]);
  });
});

describe('resolvedText', () => {
  const base: ConflictResolution = {
    action: 'give_accounts_to_owner', changed: true, owners_added: [{ territory_id: 'W', owner: 'rick', accounts: 1, opportunities: 0 }],
    moves: [], not_resolvable: [], before: { ...zero, owner_mismatch: 3 }, after: zero, scenario_version: 4,
  };
  it('says what changed and the mismatches before and after', () => {
    expect(resolvedText(base)).toBe('1 owner added to territories. Owner mismatches: 3 → 0.');
    expect(resolvedText({ ...base, action: 'move_accounts_to_owner', owners_added: [],
      moves: [{ unit_id: 'a1', from: 'W', to: 'E', owner: 'rick', accounts: ['x'] }, { unit_id: 'a2', from: 'W', to: 'E', owner: 'rick', accounts: ['y'] }],
      not_resolvable: [{ kind: 'owner_mismatch', account_id: 'z', reason: 'r' }], after: { ...zero, owner_mismatch: 1 } }))
      .toBe('2 units moved to their accounts’ owner’s territory; 1 not resolvable. Owner mismatches: 3 → 1.');
  });
  it('says when there was nothing to resolve', () => {
    expect(resolvedText({ ...base, changed: false, owners_added: [] })).toMatch(/^Nothing to resolve/);
  });
});
