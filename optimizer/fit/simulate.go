package fit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Simulation says what history Simulate makes.
type Simulation struct {
	Territories int
	Periods     int
	Granularity string // week, month or quarter
	Resources   int
	Seed        uint64
	Sigma       float64 // residual noise, log scale (0: 0.08)
	Carryover   bool    // simulate adstock (decay 0.1–0.5)
}

// Truth is what a simulated history was generated from: for each
// territory (Dataset.Territories' order) the noise-free revenue of the
// latest period at a steady Multipliers[j] × that period's resources.
type Truth struct {
	Curve [][]float64 // [territory][multiplier]
	Mean  [][]float64 // [territory][period]: the noise-free revenue
	Shape []float64   // per resource
	Decay []float64   // per resource
}

// Simulate generates a history from the model itself with known
// parameters, for parameter-recovery tests and benchmarks: territories of
// log-normal size ($0.1M–$10M a period), each resource's amount varying
// ±40 % around a territory-specific level, per-territory curve heights
// scattered (sd 0.3 in log) around a common curve, season effects of sd
// 0.1, a 3 % yearly trend and log-normal noise.
func Simulate(s Simulation) (*Dataset, *Truth, error) {
	switch {
	case s.Territories < 1 || s.Periods < 2 || s.Resources < 1:
		return nil, nil, fmt.Errorf("simulate: need territories ≥ 1, periods ≥ 2, resources ≥ 1")
	case s.Granularity != Week && s.Granularity != Month && s.Granularity != Quarter:
		return nil, nil, fmt.Errorf("simulate: granularity %q must be week, month or quarter", s.Granularity)
	}
	if s.Sigma == 0 {
		s.Sigma = 0.08
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0xc0ffee))
	R := s.Resources
	k, n, lam, beta := make([]float64, R), make([]float64, R), make([]float64, R), make([]float64, R)
	names := make([]string, R)
	for r := 0; r < R; r++ {
		names[r] = fmt.Sprintf("resource%d", r+1)
		k[r] = 0.5 + rng.Float64()
		n[r] = 0.8 + 1.7*rng.Float64()
		beta[r] = 0.1 + 0.3*rng.Float64()
		if s.Carryover {
			lam[r] = 0.1 + 0.4*rng.Float64()
		}
	}
	starts := make([]time.Time, s.Periods)
	labels := make([]string, s.Periods)
	t0 := time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)
	for p := range starts {
		switch s.Granularity {
		case Week:
			starts[p] = t0.AddDate(0, 0, 7*p)
			labels[p] = starts[p].Format(time.DateOnly)
		case Month:
			starts[p] = time.Date(2020, time.Month(1+p), 1, 0, 0, 0, 0, time.UTC)
			labels[p] = starts[p].Format("2006-01")
		case Quarter:
			starts[p] = time.Date(2020, time.Month(1+3*p), 1, 0, 0, 0, 0, time.UTC)
			labels[p] = fmt.Sprintf("%d-Q%d", starts[p].Year(), (int(starts[p].Month())-1)/3+1)
		}
	}
	feat := seasonFeatures(s.Granularity, starts[0])
	coef := make([]float64, len(feat))
	for j := range coef {
		coef[j] = 0.1 * rng.NormFloat64()
	}
	eta := make([]float64, s.Periods)
	for p, st := range starts {
		for j, f := range seasonFeatures(s.Granularity, st) {
			eta[p] += coef[j] * f
		}
		eta[p] += 0.03 * st.Sub(starts[0]).Hours() / 24 / 365.25
	}
	truth := &Truth{Shape: n, Decay: lam}
	var rows []Row
	width := len(fmt.Sprint(s.Territories))
	for i := 0; i < s.Territories; i++ {
		name := fmt.Sprintf("T%0*d", width, i+1)
		scale := math.Exp(math.Log(1e6) + rng.NormFloat64())
		b := math.Exp(math.Log(0.5) + 0.3*rng.NormFloat64())
		bi := make([]float64, R)
		x := make([][]float64, R)
		xbar := make([]float64, R)
		for r := 0; r < R; r++ {
			bi[r] = beta[r] * math.Exp(0.3*rng.NormFloat64())
			level := math.Exp(math.Log(1e4) + rng.NormFloat64())
			x[r] = make([]float64, s.Periods)
			for p := range x[r] {
				x[r][p] = level * math.Exp(0.4*rng.NormFloat64())
				xbar[r] += x[r][p] / float64(s.Periods)
			}
		}
		mean := func(p int, xr func(r, p int) float64) float64 {
			inner := b
			for r := 0; r < R; r++ {
				h, _, _, _ := hill(xr(r, p)/xbar[r], k[r], n[r])
				inner += bi[r] * h
			}
			return scale * math.Exp(eta[p]) * inner
		}
		w := make([][]float64, R)
		for r := 0; r < R; r++ {
			w[r] = make([]float64, s.Periods)
			for p := range w[r] {
				if p == 0 {
					w[r][p] = x[r][p]
				} else {
					w[r][p] = (1-lam[r])*x[r][p] + lam[r]*w[r][p-1]
				}
			}
		}
		means := make([]float64, s.Periods)
		for p := 0; p < s.Periods; p++ {
			m := mean(p, func(r, p int) float64 { return w[r][p] })
			means[p] = m
			row := Row{Territory: name, Period: labels[p], Start: starts[p], Revenue: m * math.Exp(s.Sigma*rng.NormFloat64())}
			for r := 0; r < R; r++ {
				row.Resources = append(row.Resources, x[r][p])
			}
			rows = append(rows, row)
		}
		last := s.Periods - 1
		cv := make([]float64, len(Multipliers))
		for j, mult := range Multipliers {
			cv[j] = mean(last, func(r, p int) float64 { return mult * x[r][p] })
		}
		truth.Curve = append(truth.Curve, cv)
		truth.Mean = append(truth.Mean, means)
	}
	g := s.Granularity
	if g == Week {
		g = Day
	}
	ds, err := NewDataset(rows, names, nil, g)
	return ds, truth, err
}
