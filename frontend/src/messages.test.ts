import { describe, it, expect } from 'vitest';
import { ApiError, statusMessage, retryAfterSeconds } from './api';
import { errorText, loginErrorText, allocationSentence, alignmentSentence, auditLines, gainLoss, headcountChange, bandText, measureAmount, measureLabel, MEASURES } from './messages';
import { money, count } from './format';

describe('error messages for people (issue 12, case 14)', () => {
  it('shows the server message without the HTTP code', () => {
    expect(errorText(new ApiError(409, 'conflict', 'scenario 3 must be approved before it is published'))).toBe('Scenario 3 must be approved before it is published.');
    expect(errorText(new ApiError(500, 'http_500', statusMessage(500)))).not.toMatch(/\b500\b|HTTP/);
    for (const code of [0, 400, 401, 403, 404, 409, 413, 429, 500, 502]) expect(statusMessage(code)).not.toMatch(/\d{3}|HTTP/);
  });
  it('says how long to wait after too many sign-in attempts', () => {
    expect(loginErrorText(new ApiError(429, 'rate_limited', 'too many', 12))).toBe('Too many sign-in attempts. Try again in 12 seconds.');
    expect(loginErrorText(new ApiError(429, 'rate_limited', 'too many', null))).toMatch(/wait a minute/i);
    expect(loginErrorText(new ApiError(401, 'unauthorized', 'wrong name or password'))).toBe('Wrong name or password.');
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds(new Date(10_000).toUTCString(), 0)).toBe(10);
  });
});

describe('certificates in plain language first (issue 12, cases 2 and 9)', () => {
  it('says what the plan earns against the best possible', () => {
    expect(allocationSentence({ status: 'optimal', objective: 566_012, bound: 566_013, gap: 1e-12 }, 'revenue'))
      .toBe('No other allocation within your limits earns more than $566k; this plan earns $566k.');
  });
  it('says profit with the profit objective, never a negative revenue', () => {
    const t = allocationSentence({ status: 'optimal', objective: 412_000, bound: 412_100, gap: 1e-4, total_revenue: 903_000 }, 'profit');
    expect(t).toBe('No other allocation within your limits makes more than $412k of profit; this plan makes $412k of profit, from $903k of revenue.');
    expect(t).not.toMatch(/revenue −|−\$/);
  });
  it('explains an infeasible plan', () => {
    expect(allocationSentence({ status: 'infeasible', objective: 0, bound: 0, gap: 0, conflicts: ['total headcount 0 < locked 4'] }, 'revenue'))
      .toMatch(/^No allocation meets all your limits at once: total headcount 0 < locked 4\./);
  });
  it('describes redrawn territories with formatted amounts and plurals', () => {
    const t = alignmentSentence({ k: 60, feasible: false, contiguous: true, balance_min: 416_439, balance_max: 460_275, moved: 0.31, from_current: true, oversize: ['06037'] });
    expect(t).toContain('60 territories redrawn (1 county too large or too isolated to share a territory is a territory of its own)');
    expect(t).toContain('$416k–$460k');
    expect(t).not.toMatch(/416439|dollars|1 are/);
    const ok = alignmentSentence({ k: 8, feasible: true, contiguous: true, balance_min: 1e6, balance_max: 1.1e6, moved: 0.05, from_current: true, oversize: [] });
    expect(ok).toBe('8 territories redrawn: each holds between $1M and $1.1M of market, each is in one piece; 5% of the market changed territory.');
  });
});

describe('publish impact for people (issue 12, case 8)', () => {
  it('writes gains and losses', () => {
    expect(gainLoss(3, 1, (v) => count(v))).toBe('+3 / −1');
    expect(gainLoss(0, 2_960_000, (v) => money(v))).toBe('−$2.96M');
    expect(gainLoss(0, 0, (v) => money(v))).toBe('no change');
  });
  it('writes headcount before and after, with plurals', () => {
    expect(headcountChange(4, 0)).toBe('4 → 0 reps');
    expect(headcountChange(2, 1)).toBe('2 → 1 rep');
    expect(headcountChange(1, 1)).toBe('1 rep, no change');
    expect(headcountChange(null, 3)).toBe('none → 3 reps');
    expect(headcountChange(null, null)).toBe('—');
  });
});

describe('audit details for people (issue 12, case 10)', () => {
  it('says which units moved, by name, from and to', () => {
    const d = JSON.stringify({ territories: 51, units: 3142, units_moved: 1, moves: [{ unit_id: '06003', unit_name: 'Alpine County', from: 'CA', to: 'NV' }] });
    expect(auditLines(d)).toEqual(['territories: 51', 'units: 3,142', 'units moved: 1', 'Alpine County (06003): CA → NV']);
  });
  it('says how many more moved than are listed', () => {
    const moves = Array.from({ length: 25 }, (_, i) => ({ unit_id: 'u' + i, unit_name: '', from: 'A', to: 'B' }));
    const lines = auditLines(JSON.stringify({ moves, moves_not_listed: 30 }));
    expect(lines).toHaveLength(22);
    expect(lines[0]).toBe('u0: A → B');
    expect(lines[20]).toBe('and 5 more units');
    expect(lines[21]).toBe('and 30 more units moved');
  });
  it('writes each change as old → new, money as money, settings key by key, never cut mid-value', () => {
    const d = JSON.stringify({
      budget: { old: 2441704, new: 2197534 },
      status: { old: 'draft', new: 'approved' },
      settings: { old: { shape: 0.8, locks: [] }, new: { shape: 0.8, locks: ['CA'], market_multipliers: { TX: 1.2 } } },
    });
    expect(auditLines(d)).toEqual([
      `budget: ${money(2441704)} → ${money(2197534)}`,
      'status: draft → approved',
      'settings.locks: none → CA',
      'settings.market multipliers.TX: none → 1.2',
    ]);
  });
  it('keeps text that is not JSON as it is', () => {
    expect(auditLines('run 3 redrew the plan')).toEqual(['run 3 redrew the plan']);
    expect(auditLines('')).toEqual([]);
  });
});

describe('several balance measures (issue 17)', () => {
  const market = { measure: 'market', min: 1e6, max: 1.1e6, worst_slack: 2_000, worst_territory: 'T1', worst_load: 1_098_000, outside: 0 };
  const accounts = { measure: 'accounts', min: 95.4, max: 116.2, worst_slack: 0.4, worst_territory: 'T2', worst_load: 116, outside: 0 };
  it('writes each band in its own unit', () => {
    expect(bandText(market)).toBe('$1M–$1.1M of market');
    expect(bandText(accounts)).toBe('95–116 accounts');
    expect(bandText({ measure: 'workload', min: 1149.6, max: 1405 })).toBe('1,150–1,405 hours of work a year');
    expect(bandText({ measure: 'revenue', min: 2.1e6, max: 2.5e6 })).toBe('$2.1M–$2.5M of current revenue');
    expect(measureAmount('accounts', 1)).toBe('1 account');
    expect(measureAmount('workload', 1380)).toBe('1,380 hours');
    expect(MEASURES.map(measureLabel)).toEqual(['Market', 'Accounts', 'Workload (hours a year)', 'Current revenue']);
  });
  it('names every band in the sentence', () => {
    const t = alignmentSentence({ k: 8, feasible: true, contiguous: true, balance_min: 1e6, balance_max: 1.1e6, moved: 0.05, from_current: true, oversize: [], balances: [market, accounts] });
    expect(t).toBe('8 territories redrawn: each holds $1M–$1.1M of market and 95–116 accounts, each is in one piece; 5% of the market changed territory.');
    const miss = alignmentSentence({ k: 8, feasible: false, contiguous: true, balance_min: 1e6, balance_max: 1.1e6, moved: 0.05, from_current: true, oversize: [], balances: [market, { ...accounts, outside: 2, worst_slack: -3 }] });
    expect(miss).toContain('some miss a band (2 territories miss the band on accounts)');
  });
});
