import { describe, it, expect } from 'vitest';
import { money, moneyRange, percent, count, ratio, amount, change, plural, counted, waitFor, csv, csvCell, dateTime } from './format';

describe('money', () => {
  const cases: [number | null, boolean, string][] = [
    [0, false, '$0'],
    [950, false, '$950'],
    [1500, false, '$1.5k'],
    [1_234_567, false, '$1.23M'],
    [12_345_678, false, '$12.3M'],
    [123_456_789, false, '$123M'],
    [600_000, false, '$600k'],
    [100, false, '$100'],
    [10_000_000, false, '$10M'],
    [5_500, false, '$5.5k'],
    [1.5787, false, '$1.58'],
    [54.3, false, '$54'],
    [8_520_000_000, false, '$8.52B'],
    [-2_500_000, false, '−$2.5M'],
    [2_500_000, true, '+$2.5M'],
    [null, false, '—'],
    [NaN, false, '—'],
    [Infinity, false, '—'],
  ];
  for (const [v, signed, want] of cases) {
    it(`${v} signed=${signed} → ${want}`, () => expect(money(v, signed)).toBe(want));
  }
});

describe('percent', () => {
  it('formats fractions', () => {
    expect(percent(0.137)).toBe('13.7%');
    expect(percent(0.05)).toBe('5%');
    expect(percent(0.0123)).toBe('1.23%');
    expect(percent(1)).toBe('100%');
    expect(percent(0.2)).toBe('20%');
    expect(percent(0.105)).toBe('10.5%');
    expect(percent(-0.02, true)).toBe('−2%');
    expect(percent(0.02, true)).toBe('+2%');
    expect(percent(undefined)).toBe('—');
  });
});

describe('count, ratio, amount', () => {
  it('counts with separators', () => {
    expect(count(3142)).toBe('3,142');
    expect(count(2.345)).toBe('2.3');
    expect(count(-5, true)).toBe('−5');
    expect(count(5, true)).toBe('+5');
  });
  it('ratios', () => {
    expect(ratio(1.23456)).toBe('1.23×');
    expect(ratio(250)).toBe('250×');
    expect(ratio(null)).toBe('—');
  });
  it('amounts by unit', () => {
    expect(amount(1_000_000, 'dollars')).toBe('$1M');
    expect(amount(12, 'reps')).toBe('12 reps');
    expect(amount(3, 'reps', true)).toBe('+3 reps');
    expect(amount(null, 'reps')).toBe('—');
  });
});

describe('csv', () => {
  it('quotes cells that need it', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(1.5)).toBe('1.5');
  });
  it('renders a header and rows with CRLF', () => {
    expect(csv(['a', 'b'], [[1, 'x,y'], [null, 2]])).toBe('a,b\r\n1,"x,y"\r\n,2\r\n');
  });
});

describe('dateTime', () => {
  it('formats ISO times in UTC', () => {
    expect(dateTime('2026-11-22T22:40:05Z')).toBe('2026-11-22 22:40 UTC');
    expect(dateTime(null)).toBe('—');
    expect(dateTime('not a date')).toBe('not a date');
  });
});

describe('one money format, plurals, no signed zero (issue 12, case 14)', () => {
  it('never writes $0.00 or +$0 for what rounds to nothing', () => {
    expect(money(0.001)).toBe('$0');
    expect(money(0.004, true)).toBe('$0');
    expect(money(-0.001, true)).toBe('$0');
    expect(money(0)).toBe('$0');
    expect(money(3)).toBe('$3');
    expect(money(3.0001)).toBe('$3');
  });
  it('writes ranges of money with one symbol per end, or one amount', () => {
    expect(moneyRange(416_439, 460_275)).toBe('$416k–$460k');
    expect(moneyRange(3_420_000, 3_420_000)).toBe('$3.42M');
  });
  it('says 1 rep, not 1 reps', () => {
    expect(amount(1, 'reps')).toBe('1 rep');
    expect(amount(-1, 'reps', true)).toBe('−1 rep');
    expect(amount(1, 'manager hours per year')).toBe('1 manager hour');
    expect(amount(2, 'reps')).toBe('2 reps');
    expect(amount(1.3, 'reps', false, true)).toBe('1 rep');
    expect(plural(1, 'territory', 'territories')).toBe('territory');
    expect(counted(1, 'unit')).toBe('1 unit');
    expect(counted(56, 'territory', 'territories')).toBe('56 territories');
  });
  it('writes no change rather than +0', () => {
    expect(count(0.01, true)).toBe('0');
    expect(amount(0.01, 'manager hours', true)).toBe('0 manager hours');
    expect(change(0.01, 'manager hours')).toBe('no change');
    expect(change(0, 'dollars')).toBe('no change');
    expect(change(0.2, 'reps', true)).toBe('no change');
    expect(change(2, 'reps', true)).toBe('+2 reps');
    expect(change(-1500, 'dollars')).toBe('−$1.5k');
    expect(change(null, 'dollars')).toBe('—');
  });
  it('says how long to wait', () => {
    expect(waitFor(1)).toBe('1 second');
    expect(waitFor(12.2)).toBe('13 seconds');
    expect(waitFor(90)).toBe('2 minutes');
  });
});
