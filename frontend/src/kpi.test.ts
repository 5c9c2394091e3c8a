import { describe, it, expect } from 'vitest';
import {
  fmtKpi, kpiLegendTitle, periodLabel, periodQuery, presetPeriod, periodProblem, kpiCSV, csvNumber, csvHead, kpiDef,
  kpiValues, kpiFileName, groupName, kpiMapFields, kpiDefs, allDates,
} from './kpi';
import { measures, measureByKey, measureValue, isKpiMeasure } from './state';
import type { KPIGroup, KPIs, Territory } from './types';

function group(key: string, name: string, over: Partial<KPIGroup> = {}): KPIGroup {
  return {
    key, name, opportunities: 0, won: 0, lost: 0, open: 0, win_rate: null, win_rate_value: null, won_value: 0, avg_won_deal: null,
    cycle_days_mean: null, cycle_days_median: null, open_value: 0, open_without_amount: 0, open_by_stage: {}, velocity_per_day: null,
    stale_open: null, quota: null, attainment: null, coverage: null, bookings: {}, ...over,
  };
}

describe('fmtKpi', () => {
  it('writes money, rates, days with one decimal, velocity, coverage and counts; null is a dash', () => {
    expect(fmtKpi('money', 1234567)).toBe('$1.23M');
    expect(fmtKpi('rate', 0.4567)).toBe('45.7%');
    expect(fmtKpi('rate', 1)).toBe('100%');
    expect(fmtKpi('days', 42)).toBe('42.0 days');
    expect(fmtKpi('days', 12.345)).toBe('12.3 days');
    expect(fmtKpi('days', 1)).toBe('1.0 day');
    expect(fmtKpi('days', 1234.56, false)).toBe('1,234.6');
    expect(fmtKpi('velocity', 2500)).toBe('$2.5k/day');
    expect(fmtKpi('velocity', 2500, false)).toBe('$2.5k');
    expect(fmtKpi('ratio', 2.5)).toBe('2.50×');
    expect(fmtKpi('count', 12345)).toBe('12,345');
    for (const k of ['money', 'rate', 'days', 'velocity', 'ratio', 'count'] as const) {
      expect(fmtKpi(k, null)).toBe('—');
      expect(fmtKpi(k, undefined)).toBe('—');
      expect(fmtKpi(k, NaN)).toBe('—');
    }
  });
});

describe('period', () => {
  const today = new Date(2026, 11, 1); // 1 December 2026, local
  it('quick choices are dates on the calendar', () => {
    expect(presetPeriod('all', today)).toEqual({ preset: 'all', from: null, to: null });
    expect(presetPeriod('last12', today)).toEqual({ preset: 'last12', from: '2025-12-02', to: '2026-12-01' });
    expect(presetPeriod('this_year', today)).toEqual({ preset: 'this_year', from: '2026-01-01', to: '2026-12-31' });
    expect(presetPeriod('last_year', today)).toEqual({ preset: 'last_year', from: '2025-01-01', to: '2025-12-31' });
    expect(presetPeriod('custom', today, { preset: 'last12', from: '2025-03-01', to: null })).toEqual({ preset: 'custom', from: '2025-03-01', to: null });
    // The last 12 months from 29 February end the next year's 1 March.
    expect(presetPeriod('last12', new Date(2028, 1, 29))).toEqual({ preset: 'last12', from: '2027-03-02', to: '2028-02-29' });
    expect(presetPeriod('last12', new Date(2026, 11, 31))).toEqual({ preset: 'last12', from: '2026-01-01', to: '2026-12-31' });
  });
  it('is named and asked for', () => {
    expect(periodLabel({ from: '2025-01-01', to: '2025-12-31' })).toBe('2025-01-01 – 2025-12-31');
    expect(periodLabel({ from: '2025-01-01', to: null })).toBe('from 2025-01-01');
    expect(periodLabel({ from: null, to: '2025-12-31' })).toBe('until 2025-12-31');
    expect(periodLabel(allDates)).toBe('all dates');
    expect(periodQuery(allDates)).toBe('');
    expect(periodQuery({ from: '2025-01-01', to: '2025-12-31' })).toBe('&from=2025-01-01&to=2025-12-31');
  });
  it('says what is wrong with dates', () => {
    expect(periodProblem({ preset: 'custom', from: '2025-01-01', to: '2025-12-31' })).toBeNull();
    expect(periodProblem({ preset: 'custom', from: '2025-01-01', to: '2025-01-01' })).toBeNull();
    expect(periodProblem({ preset: 'custom', from: '2025-12-31', to: '2025-01-01' })).toBe('From 2025-12-31 is after to 2025-01-01.');
    expect(periodProblem({ preset: 'custom', from: '2025-02-30', to: null })).toBe('From: “2025-02-30” is not a date.');
    expect(periodProblem({ preset: 'custom', from: null, to: '31/12/2025' })).toBe('To: “31/12/2025” is not a date.');
  });
});

describe('legend', () => {
  it('names the KPI, its unit where a swatch would not say it, and the period', () => {
    expect(kpiLegendTitle('win_rate', { from: '2025-01-01', to: '2025-12-31' })).toBe('Win rate, 2025-01-01 – 2025-12-31');
    expect(kpiLegendTitle('win_rate', { from: null, to: null })).toBe('Win rate, all dates');
    expect(kpiLegendTitle('cycle_days_median', { from: null, to: null })).toBe('Cycle days (median) (days), all dates');
    expect(kpiLegendTitle('velocity_per_day', { from: '2025-01-01', to: null })).toBe('Velocity ($/day), from 2025-01-01');
  });
  it('every KPI of the map is a measure of the Colour by list, read from the by-territory KPIs', () => {
    for (const f of kpiMapFields) {
      const m = measureByKey('kpi.' + f);
      expect(m.kpi).toBe(f);
      expect(m.label).toBe(kpiDef(f).label);
      expect(isKpiMeasure(m.key)).toBe(true);
    }
    expect(measures.filter((m) => m.kpi).map((m) => m.kpi)).toEqual(kpiMapFields);
    const k: KPIs = { by: 'territory', from: null, to: null, as_of: '2026-05-25', groups: [group('CA', 'California', { win_rate: 0.25 }), group('TX', 'Texas')], total: group('', 'Total') };
    const t = { id: 'CA' } as Territory;
    expect(measureValue(t, 'kpi.win_rate', 'money', k)).toBe(0.25);
    expect(measureValue({ id: 'TX' } as Territory, 'kpi.win_rate', 'money', k)).toBeNull(); // no data, grey
    expect(measureValue(t, 'kpi.win_rate', 'money', null)).toBeNull();
    expect(measureValue({ id: 'NV' } as Territory, 'kpi.opportunities', 'money', k)).toBeNull();
    expect(kpiValues(k, 'win_rate')).toEqual(new Map([['CA', 0.25], ['TX', null]]));
  });
});

describe('CSV', () => {
  it('holds the rows as shown, then the total, with units in the heads and null empty', () => {
    const rows = [
      group('ann', 'Ann Lee', { opportunities: 3, won: 1, lost: 1, open: 1, win_rate: 0.5, won_value: 12345.678, avg_won_deal: 12345.678, cycle_days_median: 30.25, cycle_days_mean: 30.25, open_value: 500, velocity_per_day: 205.76, quota: 100000, attainment: 0.12345678, coverage: 0.0057 }),
      group('', 'No owner', { opportunities: 1, lost: 1, win_rate: 0 }),
    ];
    const text = kpiCSV('rep', rows, group('', '', { opportunities: 4, won: 1, lost: 2, open: 1, win_rate: 1 / 3 }));
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Rep,' + kpiDefs.map(csvHead).join(','));
    expect(lines[0]).toContain('Win rate (%),Win rate by value (%),Won value ($),Average won deal ($),Cycle days (median) (days)');
    expect(lines[1]).toBe('Ann Lee,3,1,1,1,50,,12345.68,12345.68,30.3,30.3,500,205.76,,100000,12.35,0.006');
    expect(lines[2]).toBe('No owner,1,0,1,0,0,,0,,,,0,,,,,');
    expect(lines[3].startsWith('Total,4,1,2,1,33.33,')).toBe(true);
    expect(csvNumber('rate', null)).toBeNull();
    expect(groupName({ key: 'West', name: '' })).toBe('West');
    expect(kpiFileName('Plan 2026 / draft', 'rep', { from: '2025-01-01', to: null })).toBe('Plan_2026_draft-kpis-by-rep-2025-01-01-end.csv');
    expect(kpiFileName('Baseline', 'territory', allDates)).toBe('Baseline-kpis-by-territory-all-dates.csv');
  });
});
