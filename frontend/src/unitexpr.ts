// Expressions of a unit's id for the map's paint properties: the colour of
// every unit in a few comparisons rather than feature state on each.
import type { ExpressionSpecification } from 'maplibre-gl';

type Value = string | number;

/** unitId is the unit's id in a tile (a string, as the map knows it). */
const unitId: ExpressionSpecification = ['to-string', ['get', 'id']];

/** digits is a whole decimal number. */
const digits = /^\d+$/;

/** SortedIds are unit ids in the order byRuns goes by. */
export interface SortedIds {
  ids: string[];
  /** numeric: the ids are whole numbers written with the same number of digits (so sorted as numbers too). */
  numeric: boolean;
}

/** sortIds sorts unit ids for byRuns. */
export function sortIds(ids: Iterable<string>): SortedIds {
  const all = [...ids].sort();
  // Digits of one length (FIPS, ZIP codes) sort as strings as they do as numbers.
  const n = all[0]?.length ?? 0;
  const numeric = n > 0 && n <= 15 && all.every((id) => id.length === n && digits.test(id));
  return { ids: all, numeric };
}

/**
 * byRuns is an expression of the unit id that gives value(id) for each of
 * the ids, by runs of ids (in their order) with one value. Numeric ids go
 * in one step (a binary search over the first id of each run); others in a
 * balanced tree of string comparisons. An id not among them gets the value
 * of the run it sorts into.
 */
export function byRuns<V extends Value>({ ids: sorted, numeric }: SortedIds, value: (id: string) => V): ExpressionSpecification | V {
  if (sorted.length === 0) throw new Error('byRuns: no ids');
  const starts: string[] = [];
  const values: V[] = [];
  for (const id of sorted) {
    const v = value(id);
    if (values.length && values[values.length - 1] === v) continue;
    starts.push(id);
    values.push(v);
  }
  if (values.length === 1) return values[0];
  if (numeric) {
    const step: unknown[] = ['step', ['to-number', ['get', 'id']], values[0]];
    for (let i = 1; i < values.length; i++) step.push(Number(starts[i]), values[i]);
    return step as ExpressionSpecification;
  }
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
