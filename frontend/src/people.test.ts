import { describe, expect, it } from 'vitest';
import { peopleSummary, parseTerritories, optionalNumber } from './people';
import type { User } from './types';

const user = (name: string, role: User['role'], hasPassword = true): User => ({
  id: name.length, name, role, has_password: hasPassword, territories: [], email: '', manager: '', region: '',
  cost: 0, capacity: 0, quota: 0, home: null, created_at: '2026-01-01T00:00:00Z',
});

describe('peopleSummary', () => {
  it('counts people by role and those who cannot sign in yet', () => {
    const s = peopleSummary([user('ada', 'admin'), user('Ana María Pérez', 'rep', false), user('Li Wei', 'rep', false), user('lee', 'leader')]);
    expect(s).toBe('4 people: 1 admin, 1 leader, 2 reps; 2 cannot sign in yet (no password).');
  });
  it('says so when there is nobody', () => {
    expect(peopleSummary([])).toBe('0 people.');
  });
});

describe('parseTerritories', () => {
  it('reads ids separated by commas or semicolons, dropping blanks', () => {
    expect(parseTerritories(' CA, NV;;OR ,')).toEqual(['CA', 'NV', 'OR']);
    expect(parseTerritories('')).toEqual([]);
  });
});

describe('optionalNumber', () => {
  it('reads blanks as 0 and money with $ and commas', () => {
    expect(optionalNumber('Quota', '')).toBe(0);
    expect(optionalNumber('Quota', '$1,200,000')).toBe(1.2e6);
  });
  it('names the field of a bad value', () => {
    expect(optionalNumber('Cost', '-5')).toBe('Cost must be a number ≥ 0, not “-5”.');
    expect(optionalNumber('Capacity', 'lots')).toBe('Capacity must be a number ≥ 0, not “lots”.');
  });
});
