// Colour-blind-safe ramps (viridis, cividis, and a purple–orange diverging ramp)
// and the classification of values into legend classes.

// Viridis and cividis stops (matplotlib), 9 evenly spaced samples.
export const viridis = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
export const cividis = ['#00224e', '#123570', '#3b496c', '#575d6d', '#707173', '#8a8779', '#a69d75', '#c4b56c', '#e4cf5b'];
// PuOr (ColorBrewer), colour-blind safe diverging: negative purple, positive orange.
export const puor = ['#542788', '#8073ac', '#b2abd2', '#d8daeb', '#f7f7f7', '#fee0b6', '#fdb863', '#e08214', '#b35806'];

export type RampName = 'viridis' | 'cividis' | 'puor';
export const ramps: Record<RampName, string[]> = { viridis, cividis, puor };

function hex(c: string): [number, number, number] {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex(rgb: number[]): string {
  return '#' + rgb.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('');
}

/** sample returns the colour at t ∈ [0,1] of a ramp, interpolating between stops. */
export function sample(ramp: string[], t: number): string {
  if (!Number.isFinite(t)) t = 0;
  t = Math.max(0, Math.min(1, t));
  const x = t * (ramp.length - 1);
  const i = Math.min(Math.floor(x), ramp.length - 2);
  const f = x - i;
  const a = hex(ramp[i]);
  const b = hex(ramp[i + 1]);
  return toHex(a.map((v, k) => v + (b[k] - v) * f));
}

export interface LegendClass {
  from: number;
  to: number;
  color: string;
}

export interface Classes {
  kind: 'sequential' | 'diverging' | 'empty';
  classes: LegendClass[];
  colorOf: (v: number | null | undefined) => string | null;
}

/** quantileBreaks returns n−1 inner breaks of the values by quantile (duplicates removed). */
export function quantileBreaks(values: number[], n: number): number[] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0 || n < 2) return [];
  const out: number[] = [];
  for (let k = 1; k < n; k++) {
    const q = v[Math.min(v.length - 1, Math.floor((k * v.length) / n))];
    if (out.length === 0 || q > out[out.length - 1]) out.push(q);
  }
  return out.filter((b) => b > v[0]);
}

/**
 * classify splits values into at most n classes: quantile classes on a sequential
 * ramp, or, when diverging, classes symmetric around zero on a diverging ramp.
 * integer (a resource counted in whole units, e.g. reps) rounds the values and
 * gives classes of whole numbers, from..to inclusive.
 */
export function classify(values: (number | null | undefined)[], n = 6, diverging = false, ramp: RampName = 'viridis', integer = false): Classes {
  let v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (integer) v = v.map(Math.round);
  if (v.length === 0) return { kind: 'empty', classes: [], colorOf: () => null };
  const min = Math.min(...v);
  const max = Math.max(...v);
  if (diverging && min === 0 && max === 0) {
    // Nothing changed anywhere: no classes, only "no change".
    return { kind: 'diverging', classes: [], colorOf: (x) => (typeof x === 'number' && Number.isFinite(x) ? zeroColor : null) };
  }
  if (diverging && integer) {
    // Whole units: classes of whole numbers on each side of zero, zero its own
    // ("no change"); each class holds from..to inclusive.
    const top = Math.max(Math.abs(min), Math.abs(max)) || 1;
    const half = Math.min(Math.max(1, Math.floor(n / 2)), top);
    const step = Math.ceil(top / half);
    const classes: LegendClass[] = [];
    for (let j = half; j >= 1; j--) classes.push({ from: -j * step, to: -((j - 1) * step + 1), color: sample(puor, 0.5 - (j - 0.5) / (2 * half)) });
    for (let j = 1; j <= half; j++) classes.push({ from: (j - 1) * step + 1, to: j * step, color: sample(puor, 0.5 + (j - 0.5) / (2 * half)) });
    const colorOf = (x: number | null | undefined) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) return null;
      const r = Math.round(x);
      if (r === 0) return zeroColor;
      const j = Math.min(half, Math.ceil(Math.abs(r) / step));
      return classes[r < 0 ? half - j : half - 1 + j].color;
    };
    return { kind: 'diverging', classes, colorOf };
  }
  if (diverging) {
    const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
    const half = Math.max(1, Math.floor(n / 2));
    const edges: number[] = [];
    for (let k = -half; k <= half; k++) edges.push((k / half) * m);
    const classes: LegendClass[] = [];
    for (let k = 0; k < edges.length - 1; k++) {
      const mid = (edges[k] + edges[k + 1]) / 2;
      classes.push({ from: edges[k], to: edges[k + 1], color: sample(puor, 0.5 + mid / (2 * m)) });
    }
    const colorOf = (x: number | null | undefined) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) return null;
      if (x === 0) return zeroColor;
      const k = Math.min(classes.length - 1, Math.max(0, Math.floor(((x + m) / (2 * m)) * classes.length)));
      return classes[k].color;
    };
    return { kind: 'diverging', classes, colorOf };
  }
  const breaks = quantileBreaks(v, n);
  const edges = [min, ...breaks, max];
  const classes: LegendClass[] = [];
  const nc = Math.max(1, edges.length - 1);
  for (let k = 0; k < nc; k++) {
    // Whole units: a class holds the whole numbers from its lower edge up to
    // the next class's lower edge, excluded (the last one its upper edge).
    const to = edges[k + 1] ?? max;
    classes.push({ from: edges[k], to: integer && k < nc - 1 ? Math.max(edges[k], to - 1) : to, color: sample(ramps[ramp], nc === 1 ? 0.5 : k / (nc - 1)) });
  }
  const colorOf = (x: number | null | undefined) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) return null;
    let k = 0;
    while (k < breaks.length && x >= breaks[k]) k++;
    return classes[Math.min(k, classes.length - 1)].color;
  };
  return { kind: 'sequential', classes, colorOf };
}

/** zeroColor is the colour of "no change" on a diverging map. */
export const zeroColor = '#f7f7f7';

/** noDataColor is the colour of a unit without a value: grey, so that it never reads as "no change". */
export const noDataColor = '#c9ced4';

/**
 * classLabel writes a legend class for people: "$1.2M – $3.4M", and one value
 * when both ends read the same ("$3.42M", never "$3.42M – $3.42M").
 */
export function classLabel(c: LegendClass, fmt: (v: number) => string): string {
  const a = fmt(c.from);
  const b = fmt(c.to);
  return a === b ? a : `${a} – ${b}`;
}

/** categorical returns a stable colour for a territory id (for the "territory" measure). */
export function categorical(id: string | number): string {
  // Okabe–Ito palette, colour-blind safe, cycled by a hash of the id.
  const pal = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'];
  const s = String(id);
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return pal[h % pal.length];
}
