import { describe, it, expect } from 'vitest';
import { sample, viridis, classify, quantileBreaks, categorical } from './color';

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
