package allocate

import "math"

// hill is the ADBUDG/Hill response x^c / (x^c + k^c), dimensionless in [0, 1).
func hill(x, k, c float64) float64 {
	if x <= 0 {
		return 0
	}
	if c == 1 {
		return x / (x + k)
	}
	t := math.Pow(x/k, c)
	if math.IsInf(t, 1) {
		return 1
	}
	return t / (1 + t)
}

// hillDeriv is d hill / dx, per unit of the resource.
func hillDeriv(x, k, c float64) float64 {
	if math.IsInf(x, 1) {
		return 0
	}
	if c == 1 {
		d := x + k
		return k / (d * d)
	}
	if x <= 0 {
		if c < 1 {
			return math.Inf(1)
		}
		return 0
	}
	t := math.Pow(x/k, c)
	if math.IsInf(t, 1) {
		return 0
	}
	return c * t / (x * (1 + t) * (1 + t))
}

// inflection is where an S-shaped Hill curve (c > 1) turns concave, units.
func inflection(k, c float64) float64 {
	if c <= 1 {
		return 0
	}
	return k * math.Pow((c-1)/(c+1), 1/c)
}

func softplus(u float64) float64 {
	if u > 0 {
		return u + math.Log1p(math.Exp(-u))
	}
	return math.Log1p(math.Exp(u))
}

func (it *item) value(x float64) float64 {
	if math.IsInf(x, 1) {
		if it.q > 0 {
			return math.Inf(-1)
		}
		return it.a
	}
	if it.a == 0 {
		return -it.q * x
	}
	return it.a*hill(x, it.k, it.c) - it.q*x
}

// deriv is d value / dx, dollars per year per unit.
func (it *item) deriv(x float64) float64 {
	if it.a == 0 {
		return -it.q
	}
	return it.a*hillDeriv(x, it.k, it.c) - it.q
}

// nonconcave reports whether the item's value is not concave on [lo, hi].
func (it *item) nonconcave() bool {
	return it.a > 0 && it.c > 1 && it.lo < it.infl && it.hi > it.lo
}

// stationary solves a·h'(x) = p for x on the concave (decreasing-h') branch,
// p > 0 in dollars per year per unit, and returns x and t = (x/k)^c. ok is false when
// a·h' < p everywhere (only for c ≥ 1). The Newton iteration runs on
// u = c·log(x/k), where the equation reads (1 − 1/c)·u − 2·softplus(u) =
// log(p·k/(a·c)): a concave decreasing function on the branch, so Newton
// converges from any start on it, and from the previous price's root in a
// few steps.
func (it *item) stationary(p float64) (x, t float64, ok bool) {
	a, k, c := it.a, it.k, it.c
	if c == 1 {
		if p*k >= a {
			return 0, 0, false
		}
		x = math.Sqrt(a*k/p) - k
		return x, x / k, true
	}
	y := math.Log(p * k / (a * c))
	s := 1 - 1/c
	u := it.u
	if c > 1 {
		uInfl := math.Log((c - 1) / (c + 1))
		if s*uInfl-2*softplus(uInfl) <= y {
			return 0, 0, false
		}
		if math.IsNaN(u) || u <= uInfl {
			u = math.Max(uInfl+1, -y/(1+1/c))
		}
	} else if math.IsNaN(u) {
		if y > 0 {
			u = y / s
		} else {
			u = -y / (1 + 1/c)
		}
	}
	for iter := 0; iter < 60; iter++ {
		var sp, sg float64
		if u > 0 {
			e := math.Exp(-u)
			sp = u + math.Log1p(e)
			sg = 1 / (1 + e)
		} else {
			e := math.Exp(u)
			sp = math.Log1p(e)
			sg = e / (1 + e)
		}
		f := s*u - 2*sp - y
		fp := s - 2*sg
		if fp > -1e-300 {
			fp = -1e-300
		}
		// Halley's step (cubic convergence) with f'' = −2σ(1−σ); it
		// falls back on Newton's when the correction would flip the step.
		fpp := -2 * sg * (1 - sg)
		du := f / fp
		if den := 1 - 0.5*du*fpp/fp; den > 0.5 {
			du /= den
		}
		u -= du
		// after a step of 1e-5 the error is of order 1e-15
		if math.Abs(du) <= 1e-5*(1+math.Abs(u)) {
			break
		}
	}
	it.u = u
	t = math.Exp(u)
	return k * math.Exp(u/c), t, true
}

// best maximizes value(x) − π·x over the item's domain, for price π ≥ 0 in
// dollars per year per unit. It returns x, value(x) and dxdp = d x / d π where x is
// interior and continuous, else 0.
func (it *item) best(pi float64, integer bool) (x, val, dxdp float64) {
	if it.lo == it.hi {
		return it.lo, it.vlo, 0
	}
	p := it.q + pi
	if it.a == 0 {
		if p >= 0 {
			return it.lo, it.vlo, 0
		}
		return it.hi, it.vhi, 0
	}
	if p <= 0 {
		return it.hi, it.vhi, 0
	}
	xs, t, ok := it.stationary(p)
	switch {
	case !ok || xs <= it.lo:
		x, val = it.lo, it.vlo
	case xs >= it.hi:
		x, val = it.hi, it.vhi
	default:
		x = xs
		h := t / (1 + t)
		if math.IsInf(t, 1) {
			h = 1
		}
		val = it.a*h - it.q*x
		// h'' = h'·((c−1) − 2c·h)/x with h' = c·h/(x·(1+t)); for integer
		// items this slope of the continuous relaxation guides the search.
		d1 := it.c * h / (x * (1 + t))
		if d2 := it.a * d1 * ((it.c - 1) - 2*it.c*h) / x; d2 < 0 {
			dxdp = 1 / d2
		}
	}
	if integer {
		f := math.Floor(x)
		cands := [4]float64{f, f + 1, it.lo, it.lo}
		if it.c > 1 {
			cands[3] = math.Floor(it.infl)
		}
		bx, bv := it.lo, it.vlo
		bphi := bv - pi*bx
		for _, v := range cands {
			if v < it.lo || v > it.hi || v == bx {
				continue
			}
			vv := it.value(v)
			if ph := vv - pi*v; ph > bphi || (ph == bphi && v < bx) {
				bx, bv, bphi = v, vv, ph
			}
		}
		return bx, bv, dxdp
	}
	if it.c > 1 && x > it.lo && val-pi*x <= it.vlo-pi*it.lo {
		return it.lo, it.vlo, 0
	}
	return x, val, dxdp
}

// prepare caches the values at the ends of the domain.
func (it *item) prepare() {
	it.vlo = it.value(it.lo)
	it.vhi = it.value(it.hi)
	it.infl = inflection(it.k, it.c)
}
