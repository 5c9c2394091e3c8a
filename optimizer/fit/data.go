package fit

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Granularities of a period, as the history import names them.
const (
	Day     = "day"
	Week    = "week" // days seven apart: read from dates by NewDataset
	Month   = "month"
	Quarter = "quarter"
	Year    = "year"
)

// Row is one territory's revenue in one period, with the amount of each
// resource (in Dataset.Resources' order) and each control.
type Row struct {
	Territory string
	Period    string    // label, e.g. "2023-Q1"
	Start     time.Time // first day of the period
	Revenue   float64
	Resources []float64
	Controls  []float64
}

// Dataset is a history ready to fit: rows sorted by territory and period,
// the distinct periods in time order, and what the periods are.
type Dataset struct {
	Resources   []string
	Controls    []string
	Granularity string // day, week, month, quarter or year
	Periods     []string
	Starts      []time.Time
	Territories []string
	// Series[i] lists territory i's rows by period: Series[i][j] is row
	// Rows[Series[i][j]], and PeriodOf[that row] its period index.
	Series   [][]int
	Rows     []Row
	PeriodOf []int
}

// NewDataset checks rows and orders them. granularity is the history
// import's (day, month, quarter or year); day periods exactly seven days
// apart become weeks. Every row needs a territory, a finite revenue ≥ 0,
// one finite amount ≥ 0 per resource and one finite value per control, and
// a (territory, period) pair appears once. Fit needs at least one
// resource; the share model's back-test (plan.ShareBacktest) does not.
func NewDataset(rows []Row, resources, controls []string, granularity string) (*Dataset, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("history: no rows")
	}
	ds := &Dataset{Resources: resources, Controls: controls, Granularity: granularity}
	byStart := map[int64]string{}
	terr := map[string]int{}
	for n, r := range rows {
		switch {
		case r.Territory == "":
			return nil, fmt.Errorf("history row %d: empty territory", n+1)
		case !finite(r.Revenue) || r.Revenue < 0:
			return nil, fmt.Errorf("history row %d (%s, %s): revenue must be a finite number ≥ 0", n+1, r.Territory, r.Period)
		case len(r.Resources) != len(resources):
			return nil, fmt.Errorf("history row %d (%s, %s): %d resource amounts for %d resources", n+1, r.Territory, r.Period, len(r.Resources), len(resources))
		case len(r.Controls) != len(controls):
			return nil, fmt.Errorf("history row %d (%s, %s): %d control values for %d controls", n+1, r.Territory, r.Period, len(r.Controls), len(controls))
		}
		for j, v := range r.Resources {
			if !finite(v) || v < 0 {
				return nil, fmt.Errorf("history row %d (%s, %s): resource %s must be a finite number ≥ 0", n+1, r.Territory, r.Period, resources[j])
			}
		}
		for j, v := range r.Controls {
			if !finite(v) {
				return nil, fmt.Errorf("history row %d (%s, %s): control %s must be a finite number", n+1, r.Territory, r.Period, controls[j])
			}
		}
		byStart[r.Start.Unix()] = r.Period
		if _, ok := terr[r.Territory]; !ok {
			terr[r.Territory] = len(terr)
		}
	}
	starts := make([]int64, 0, len(byStart))
	for s := range byStart {
		starts = append(starts, s)
	}
	sort.Slice(starts, func(a, b int) bool { return starts[a] < starts[b] })
	index := map[int64]int{}
	for i, s := range starts {
		index[s] = i
		ds.Periods = append(ds.Periods, byStart[s])
		ds.Starts = append(ds.Starts, time.Unix(s, 0).UTC())
	}
	if granularity == Day && len(starts) > 1 {
		weekly := true
		for i := 1; i < len(starts); i++ {
			if (starts[i]-starts[i-1])%(7*86400) != 0 {
				weekly = false
			}
		}
		if weekly {
			ds.Granularity = Week
		}
	}
	for name := range terr {
		ds.Territories = append(ds.Territories, name)
	}
	sort.Strings(ds.Territories)
	for i, name := range ds.Territories {
		terr[name] = i
	}
	ds.Rows = append([]Row(nil), rows...)
	sort.SliceStable(ds.Rows, func(a, b int) bool {
		ta, tb := terr[ds.Rows[a].Territory], terr[ds.Rows[b].Territory]
		if ta != tb {
			return ta < tb
		}
		return ds.Rows[a].Start.Before(ds.Rows[b].Start)
	})
	ds.Series = make([][]int, len(ds.Territories))
	ds.PeriodOf = make([]int, len(ds.Rows))
	for n, r := range ds.Rows {
		i := terr[r.Territory]
		p := index[r.Start.Unix()]
		if s := ds.Series[i]; len(s) > 0 && ds.PeriodOf[s[len(s)-1]] == p {
			return nil, fmt.Errorf("history: territory %s has period %s twice", r.Territory, r.Period)
		}
		ds.PeriodOf[n] = p
		ds.Series[i] = append(ds.Series[i], n)
	}
	return ds, nil
}

// PeriodsPerYear is how many periods of a granularity make a year (1 for
// years and unknown granularities).
func PeriodsPerYear(granularity string) int { return periodsPerYear(granularity) }

// periodsPerYear is how many periods make a year.
func periodsPerYear(granularity string) int {
	switch granularity {
	case Day:
		return 365
	case Week:
		return 52
	case Month:
		return 12
	case Quarter:
		return 4
	}
	return 1
}

// seasonFeatures returns the period-of-year features of a period start:
// dummies for months (11) and quarters (3) against the first, three
// Fourier pairs of the day of the year for weeks and days, none for years.
func seasonFeatures(granularity string, t time.Time) []float64 {
	switch granularity {
	case Month:
		f := make([]float64, 11)
		if m := int(t.Month()); m > 1 {
			f[m-2] = 1
		}
		return f
	case Quarter:
		f := make([]float64, 3)
		if q := (int(t.Month())-1)/3 + 1; q > 1 {
			f[q-2] = 1
		}
		return f
	case Week, Day:
		f := make([]float64, 0, 6)
		x := 2 * math.Pi * float64(t.YearDay()-1) / 365.25
		for k := 1.0; k <= 3; k++ {
			f = append(f, math.Sin(k*x), math.Cos(k*x))
		}
		return f
	}
	return nil
}

// seasonName names the season features of a granularity.
func seasonNames(granularity string) []string {
	switch granularity {
	case Month:
		return []string{"02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}
	case Quarter:
		return []string{"Q2", "Q3", "Q4"}
	case Week, Day:
		return []string{"sin1", "cos1", "sin2", "cos2", "sin3", "cos3"}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
