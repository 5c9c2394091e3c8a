import { describe, it, expect } from 'vitest';
import { createExpression } from '@maplibre/maplibre-gl-style-spec';
import { byRuns, byId } from './unitexpr';

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
  it('gives every id its value, by runs of sorted ids', () => {
    const e = byRuns([...ids].reverse(), value);
    const f = evaluator(e);
    for (const id of ids) expect(f(id)).toBe(value(id));
    // Runs: 01, 06 (001), none, 06, 36, 48: six values, five comparisons.
    expect(JSON.stringify(e).match(/"case"/g)).toHaveLength(5);
  });
  it('is a constant when every id has the same value', () => {
    expect(byRuns(ids, () => 'x')).toBe('x');
  });
  it('works on numbers', () => {
    const f = evaluator(byRuns(ids, (id) => String(id < '06004' ? 0 : 1)));
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
