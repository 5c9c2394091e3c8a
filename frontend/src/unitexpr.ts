// Expressions of a unit's id for the map's paint properties: the colour of
// every unit in a few comparisons rather than feature state on each.
import type { ExpressionSpecification } from 'maplibre-gl';

type Value = string | number;

/** unitId is the unit's id in a tile (a string, as the map knows it). */
const unitId: ExpressionSpecification = ['to-string', ['get', 'id']];

/**
 * byRuns is an expression of the unit id that gives value(id) for each of
 * ids, by runs of ids in sorted order with one value: a balanced tree of
 * comparisons with the first id of each run. An id not among ids gets the
 * value of the run it sorts into.
 */
export function byRuns<V extends Value>(ids: string[], value: (id: string) => V): ExpressionSpecification | V {
  const sorted = [...ids].sort();
  const starts: string[] = [];
  const values: V[] = [];
  for (const id of sorted) {
    const v = value(id);
    if (values.length && values[values.length - 1] === v) continue;
    starts.push(id);
    values.push(v);
  }
  if (values.length === 0) throw new Error('byRuns: no ids');
  // Runs lo..hi: below the first id of run mid, runs lo..mid-1.
  const tree = (lo: number, hi: number): ExpressionSpecification | V => {
    if (lo === hi) return values[lo];
    const mid = (lo + hi + 1) >> 1;
    return ['case', ['<', unitId, starts[mid]], tree(lo, mid - 1), tree(mid, hi)] as ExpressionSpecification;
  };
  return tree(0, values.length - 1);
}

/** byId is a match of the unit id that gives value(id) for each of ids, and otherwise (another id) the value given. */
export function byId<V extends Value>(ids: string[], value: (id: string) => V, otherwise: V): ExpressionSpecification | V {
  const groups = new Map<V, string[]>();
  for (const id of ids) {
    const v = value(id);
    if (v === otherwise) continue;
    const g = groups.get(v);
    if (g) g.push(id);
    else groups.set(v, [id]);
  }
  // match needs at least one label a branch.
  if (groups.size === 0) return otherwise;
  return ['match', unitId, ...[...groups].flatMap(([v, g]) => [g, v]), otherwise] as unknown as ExpressionSpecification;
}
