import { describe, it, expect } from 'vitest';
import { sample, viridis, classify, classLabel, quantileBreaks, categorical, zeroColor } from './color';
import { amount, money } from './format';

describe('sample', () => {
  it('returns the end stops and interpolates between them', () => {
    expect(sample(viridis, 0)).toBe('#440154');
    expect(sample(viridis, 1)).toBe('#fde725');
    expect(sample(viridis, 0.5)).toBe(viridis[4]);
    expect(sample(['#000000', '#ffffff'], 0.5)).toBe('#808080');
  });
  it('clamps out-of-range and NaN', () => {
    expect(sample(viridis, -1)).toBe('#440154');
    expect(sample(viridis, 2)).toBe('#fde725');
    expect(sample(viridis, NaN)).toBe('#440154');
  });
});

describe('quantileBreaks', () => {
  it('splits evenly spread values', () => {
    expect(quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8], 4)).toEqual([3, 5, 7]);
  });
  it('drops duplicate breaks', () => {
    expect(quantileBreaks([1, 1, 1, 1, 1, 2], 4)).toEqual([]);
    expect(quantileBreaks([], 4)).toEqual([]);
  });
});

describe('classify', () => {
  it('sequential: low values get the dark end, high values the bright end', () => {
    const c = classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(c.kind).toBe('sequential');
    expect(c.classes.length).toBe(5);
    expect(c.colorOf(1)).toBe(c.classes[0].color);
    expect(c.colorOf(10)).toBe(c.classes[4].color);
    expect(c.classes[0].from).toBe(1);
    expect(c.classes[4].to).toBe(10);
    expect(c.colorOf(null)).toBeNull();
  });
  it('diverging: symmetric around zero, sign decides the side', () => {
    const c = classify([-4, -1, 0, 2, 8], 6, true);
    expect(c.kind).toBe('diverging');
    expect(c.classes[0].from).toBe(-8);
    expect(c.classes[c.classes.length - 1].to).toBe(8);
    expect(c.colorOf(-8)).toBe(c.classes[0].color);
    expect(c.colorOf(8)).toBe(c.classes[c.classes.length - 1].color);
    expect(c.colorOf(0)).toBe('#f7f7f7');
    expect(c.colorOf(-1)).not.toBe(c.colorOf(1));
  });
  it('empty input gives no classes', () => {
    const c = classify([null, NaN], 5);
    expect(c.kind).toBe('empty');
    expect(c.colorOf(3)).toBeNull();
  });
  it('a single value gives one class', () => {
    const c = classify([5, 5, 5], 5);
    expect(c.classes.length).toBe(1);
    expect(c.colorOf(5)).toBe(c.classes[0].color);
  });
});

describe('categorical', () => {
  it('is stable per id', () => {
    expect(categorical('CA')).toBe(categorical('CA'));
    expect(categorical(7)).toMatch(/^#[0-9A-F]{6}$/i);
  });
});

describe('legend classes people can read (issue 12, cases 3 and 14)', () => {
  it('a class of one value shows one value', () => {
    const c = classify([3_420_000, 3_420_000], 6);
    expect(c.classes.map((k) => classLabel(k, (v) => money(v)))).toEqual(['$3.42M']);
  });
  it('integer resources get whole-unit classes, zero is no change', () => {
    const fmt = (v: number) => amount(v, 'reps', true);
    const c = classify([-1.3, -0.7, 0, 1, 2], 6, true, 'viridis', true);
    const labels = c.classes.map((k) => classLabel(k, fmt));
    expect(labels).toEqual(['−2 reps', '−1 rep', '+1 rep', '+2 reps']);
    expect(labels.join(' ')).not.toMatch(/\d\.\d/);
    expect(c.colorOf(0)).toBe(zeroColor);
    expect(c.colorOf(-2)).toBe(c.classes[0].color);
    expect(c.colorOf(1)).toBe(c.classes[2].color);
    expect(c.colorOf(2)).toBe(c.classes[3].color);
    const wide = classify([-10, 9], 6, true, 'viridis', true);
    expect(wide.classes.map((k) => classLabel(k, fmt))).toEqual(['−12 reps – −9 reps', '−8 reps – −5 reps', '−4 reps – −1 rep', '+1 rep – +4 reps', '+5 reps – +8 reps', '+9 reps – +12 reps']);
    expect(wide.colorOf(9)).toBe(wide.classes[5].color);
    expect(wide.colorOf(-4)).toBe(wide.classes[2].color);
  });
  it('no change anywhere is one "no change", not classes around zero', () => {
    const c = classify([0, 0, 0], 6, true);
    expect(c.classes).toEqual([]);
    expect(c.colorOf(0)).toBe(zeroColor);
    expect(c.colorOf(null)).toBeNull();
  });
  it('integer sequential classes hold whole numbers', () => {
    const c = classify([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5, false, 'viridis', true);
    expect(c.classes.map((k) => classLabel(k, (v) => String(v)))).toEqual(['0 – 1', '2 – 3', '4 – 5', '6 – 7', '8 – 9']);
  });
});
