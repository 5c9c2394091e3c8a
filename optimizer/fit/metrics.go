package fit

import "math"

// Metrics score forecasts against actuals. A figure that is undefined
// (WAPE and bias with no revenue, MAPE with no non-zero actual, coverage
// without intervals) is absent.
type Metrics struct {
	N        int      `json:"n"`                  // forecast rows
	WAPE     *float64 `json:"wape,omitempty"`     // Σ|actual − forecast| / Σ actual
	MAPE     *float64 `json:"mape,omitempty"`     // mean |actual − forecast| / actual, over rows with actual > 0
	Bias     *float64 `json:"bias,omitempty"`     // Σ(forecast − actual) / Σ actual
	Coverage *float64 `json:"coverage,omitempty"` // share of actuals within [p10, p90]
}

// Scored is a named forecaster's metrics.
type Scored struct {
	Name    string  `json:"name"`
	Metrics Metrics `json:"metrics"`
}

// Score computes the metrics of forecasts f of actuals a; lo and hi, if
// not nil, are the 80 % intervals.
func Score(a, f, lo, hi []float64) Metrics {
	m := Metrics{N: len(a)}
	var sa, sabs, sdiff, sape float64
	nape, in := 0, 0
	for i := range a {
		sa += a[i]
		sabs += math.Abs(a[i] - f[i])
		sdiff += f[i] - a[i]
		if a[i] > 0 {
			sape += math.Abs(a[i]-f[i]) / a[i]
			nape++
		}
		if lo != nil && a[i] >= lo[i] && a[i] <= hi[i] {
			in++
		}
	}
	ptr := func(v float64) *float64 { return &v }
	if sa > 0 {
		m.WAPE, m.Bias = ptr(sabs/sa), ptr(sdiff/sa)
	}
	if nape > 0 {
		m.MAPE = ptr(sape / float64(nape))
	}
	if lo != nil && len(a) > 0 {
		m.Coverage = ptr(float64(in) / float64(len(a)))
	}
	return m
}
