import { describe, it, expect } from 'vitest';
import { createExpression } from '@maplibre/maplibre-gl-style-spec';
import { byRuns, byId, sortIds } from './unitexpr';

/** evaluate evaluates an expression of a unit id for a feature with that id. */
function evaluator(e: unknown): (id: string) => unknown {
  const parsed = createExpression(e, { type: 'string', 'property-type': 'data-driven', expression: { interpolated: false, parameters: ['zoom', 'feature'] } } as never);
  if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
  return (id) => parsed.value.evaluate({ zoom: 3 }, { type: 'Polygon', properties: { id }, geometry: [] } as never);
}

// Units by state, as FIPS codes, with one county hidden in each.
const ids = ['01001', '01003', '01005', '06001', '06003', '06005', '06007', '36001', '36003', '48001'];
const value = (id: string) => (id === '06003' ? 'none' : 's' + id.slice(0, 2));

describe('byRuns', () => {
  it('gives every id its value, by runs of ids in numeric order, in one step', () => {
    const e = byRuns(sortIds([...ids].reverse()), value);
    const f = evaluator(e);
    for (const id of ids) expect(f(id)).toBe(value(id));
    // Runs: 01, 06 (001), none, 06, 36, 48: six values, five stops.
    expect(e).toEqual(['step', ['to-number', ['get', 'id']], 's01', 6001, 's06', 6003, 'none', 6005, 's06', 36001, 's36', 48001, 's48']);
  });
  it('goes by string when the ids are not all numbers of one length', () => {
    for (const extra of ['x1', '1001']) { // not a number; a number of another length
      const all = [...ids, extra];
      const e = byRuns(sortIds(all), value);
      const f = evaluator(e);
      for (const id of all) expect(f(id)).toBe(value(id));
      expect(JSON.stringify(e)).toContain('"case"');
    }
  });
  it('orders numbers of several lengths as strings', () => {
    const mixed = ['9', '10', '100', '11'];
    const f = evaluator(byRuns(sortIds(mixed), (id) => (Number(id) < 11 ? 'lo' : 'hi')));
    expect(mixed.map(f)).toEqual(['lo', 'lo', 'hi', 'hi']);
    expect(sortIds(mixed)).toEqual({ ids: ['10', '100', '11', '9'], numeric: false });
  });
  it('is a constant when every id has the same value', () => {
    expect(byRuns(sortIds(ids), () => 'x')).toBe('x');
  });
  it('works on numbers', () => {
    const f = evaluator(byRuns(sortIds(ids), (id) => String(id < '06004' ? 0 : 1)));
    expect(ids.map(f)).toEqual(['0', '0', '0', '0', '0', '1', '1', '1', '1', '1']);
  });
});

describe('byId', () => {
  it('gives every id its value and another id the fallback', () => {
    const f = evaluator(byId(ids, value, 'none'));
    for (const id of ids) expect(f(id)).toBe(value(id));
    expect(f('99999')).toBe('none');
  });
  it('is the fallback when no id has another value', () => {
    expect(byId(ids, () => 'none', 'none')).toBe('none');
  });
});
