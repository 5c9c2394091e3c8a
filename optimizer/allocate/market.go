package allocate

import (
	"fmt"
	"math"
)

// Market is one territory's market estimate, the input of the market model
// of PRODUCT.md:
//
//	revenue(x) = M · [ F + (S − F) · Σ_r w_r · h(x_r; K_r, c_r) ]
//
// with h the Hill/ADBUDG curve (Little 1970).
type Market struct {
	// ID names the territory.
	ID string `json:"id"`
	// Market is the addressable revenue M, dollars per year.
	Market float64 `json:"market"`
	// MarketLow and MarketHigh bound the estimate of Market where known,
	// dollars per year; 0 means unknown. Carried for reporting; the
	// solve uses Market.
	MarketLow  float64 `json:"market_low,omitempty"`
	MarketHigh float64 `json:"market_high,omitempty"`
	// Share is the current share s of the market, a fraction in [0, 1].
	Share float64 `json:"share"`
	// Saturation is the share S attainable at saturation, a fraction in
	// (0, 1]; nil means Calibration.Saturation.
	Saturation *float64 `json:"saturation,omitempty"`
	// Floor is the share F kept with no effort, a fraction; nil means
	// Calibration.Floor.
	Floor *float64 `json:"floor,omitempty"`
	// Margin is the fraction of revenue kept as profit; nil means 1.
	Margin *float64 `json:"margin,omitempty"`
	// Current is the present allocation that produces Share, units per
	// resource.
	Current map[string]float64 `json:"current,omitempty"`
	// Reference maps resource name to the amount, in its units, that stands
	// in for this market's current allocation where it has none; absent
	// means Calibration.Reference.
	Reference map[string]float64 `json:"reference,omitempty"`
	// Min, Max and Locked are passed to the Territory unchanged.
	Min    map[string]float64 `json:"min,omitempty"`
	Max    map[string]float64 `json:"max,omitempty"`
	Locked bool               `json:"locked,omitempty"`
}

// Calibration sets how curves are derived from market estimates.
type Calibration struct {
	// Weights maps resource name to its weight w_r in the response
	// (normalized to sum to 1); a resource with no weight has no curve.
	Weights map[string]float64 `json:"weights"`
	// Shapes maps resource name to its Hill exponent c_r; absent means 1
	// (concave).
	Shapes map[string]float64 `json:"shapes,omitempty"`
	// Saturation is the default saturation share; 0 means 0.6.
	Saturation float64 `json:"saturation,omitempty"`
	// Floor is the default floor share; 0 means no floor.
	Floor float64 `json:"floor,omitempty"`
	// MaxPhi caps φ = (s − F)/(S − F), the fraction of the attainable lift
	// already won, so a saturated market keeps a finite, flat curve; 0
	// means 0.98.
	MaxPhi float64 `json:"max_phi,omitempty"`
	// MinPhi floors φ for markets at or below their floor share; 0 means
	// 0.01.
	MinPhi float64 `json:"min_phi,omitempty"`
	// Reference maps resource name to the amount, in its units, that
	// stands in for the current allocation of a market that has none;
	// absent means the mean positive current amount over all markets.
	Reference map[string]float64 `json:"reference,omitempty"`
}

// MarketProblem is an allocation problem stated with market estimates and
// a calibration instead of explicit curves; `terrane solve allocate`
// accepts it when the input has "markets".
type MarketProblem struct {
	// Objective, Budget, Resources and MaxChange are as in Problem.
	Objective Objective          `json:"objective,omitempty"`
	Budget    *float64           `json:"budget,omitempty"`
	Resources []Resource         `json:"resources"`
	MaxChange map[string]float64 `json:"max_change,omitempty"`
	// Calibration derives the curves.
	Calibration Calibration `json:"calibration"`
	// Markets are the territories with their market estimates.
	Markets []Market `json:"markets"`
}

// Problem calibrates the market model and returns the equivalent Problem:
// base = M·F, and for each weighted resource r a curve with beta =
// M·(S − F)·w_r, shape c_r and k = x⁰_r · ((1 − φ)/φ)^(1/c_r), so that
// h(x⁰_r) = φ = (s − F)/(S − F) and the current allocation reproduces the
// current share. φ is clamped to [MinPhi, MaxPhi]: a market near
// saturation gets k far below its current amount, a flat curve with
// little return on more effort; a market with low share gets a steep
// one. A market with no current amount of a resource uses the reference
// amount for that curve, and φ is carried by the resources it has (φ
// divided by their total weight), so the current share is still
// reproduced where the clamps allow.
func (mp *MarketProblem) Problem() (*Problem, error) {
	cal := mp.Calibration
	bad := func(id, field, format string, args ...any) error {
		return &InputError{Territory: id, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	names := map[string]bool{}
	for _, r := range mp.Resources {
		names[r.Name] = true
	}
	wsum := 0.0
	for _, name := range sortedKeys(cal.Weights) {
		w := cal.Weights[name]
		if !names[name] {
			return nil, bad("", "calibration.weights."+name, "unknown resource %q", name)
		}
		if !finite(w) || w < 0 {
			return nil, bad("", "calibration.weights."+name, "must be a finite non-negative number, got %v", w)
		}
		wsum += w
	}
	if wsum <= 0 {
		return nil, bad("", "calibration.weights", "at least one resource needs a positive weight")
	}
	for _, name := range sortedKeys(cal.Shapes) {
		if c := cal.Shapes[name]; !names[name] || !finite(c) || c <= 0 || c > 20 {
			return nil, bad("", "calibration.shapes."+name, "must name a resource and be in (0, 20], got %v", c)
		}
	}
	def := func(v, d float64) float64 {
		if v == 0 {
			return d
		}
		return v
	}
	satDefault := def(cal.Saturation, 0.6)
	maxPhi, minPhi := def(cal.MaxPhi, 0.98), def(cal.MinPhi, 0.01)
	if !(minPhi > 0 && minPhi < maxPhi && maxPhi < 1) {
		return nil, bad("", "calibration.min_phi", "need 0 < min_phi < max_phi < 1, got %v and %v", minPhi, maxPhi)
	}
	// reference amounts
	ref := map[string]float64{}
	for name := range cal.Weights {
		if v, ok := cal.Reference[name]; ok {
			if !finite(v) || v <= 0 {
				return nil, bad("", "calibration.reference."+name, "must be a finite positive number, got %v", v)
			}
			ref[name] = v
			continue
		}
		s, n := 0.0, 0
		for _, m := range mp.Markets {
			if v := m.Current[name]; v > 0 && finite(v) {
				s += v
				n++
			}
		}
		if n > 0 {
			ref[name] = s / float64(n)
		}
	}
	p := &Problem{Objective: mp.Objective, Budget: mp.Budget, Resources: mp.Resources, MaxChange: mp.MaxChange}
	for _, m := range mp.Markets {
		if !finite(m.Market) || m.Market < 0 {
			return nil, bad(m.ID, "market", "must be a finite non-negative number of dollars, got %v", m.Market)
		}
		S, F := satDefault, cal.Floor
		if m.Saturation != nil {
			S = *m.Saturation
		}
		if m.Floor != nil {
			F = *m.Floor
		}
		if !finite(m.Share) || m.Share < 0 || m.Share > 1 {
			return nil, bad(m.ID, "share", "must be a fraction in [0, 1], got %v", m.Share)
		}
		if !finite(S) || S <= 0 || S > 1 {
			return nil, bad(m.ID, "saturation", "must be a fraction in (0, 1], got %v", S)
		}
		if !finite(F) || F < 0 || F > S {
			return nil, bad(m.ID, "floor", "must be a fraction in [0, saturation %v], got %v", S, F)
		}
		t := Territory{ID: m.ID, Base: m.Market * F, Margin: m.Margin, Current: m.Current,
			Min: m.Min, Max: m.Max, Locked: m.Locked, Curves: map[string]Curve{}}
		if m.Market == 0 || S == F {
			// No market, or no lift above the floor: effort earns nothing.
			p.Territories = append(p.Territories, t)
			continue
		}
		phi := math.Min(maxPhi, math.Max(minPhi, (m.Share-F)/(S-F)))
		// Resources the market has none of today earn nothing now, so the
		// ones it has carry the whole current share.
		present := 0.0
		for name, w := range cal.Weights {
			if m.Current[name] > 0 {
				present += w / wsum
			}
		}
		if present > 0 && present < 1 {
			phi = math.Min(maxPhi, phi/present)
		}
		for _, name := range sortedKeys(cal.Weights) {
			w := cal.Weights[name] / wsum
			if w == 0 {
				continue
			}
			c := def(cal.Shapes[name], 1)
			x0 := m.Current[name]
			if !(x0 > 0) {
				x0 = m.Reference[name]
			}
			if !(x0 > 0) {
				x0 = ref[name]
			}
			if !(x0 > 0) {
				return nil, bad(m.ID, "current."+name, "no market has a current amount of %q to calibrate from; give calibration.reference.%s", name, name)
			}
			t.Curves[name] = Curve{Beta: m.Market * (S - F) * w, K: x0 * math.Pow((1-phi)/phi, 1/c), Shape: c}
		}
		p.Territories = append(p.Territories, t)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}
