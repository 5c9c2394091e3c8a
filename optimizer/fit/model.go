package fit

import (
	"math"
)

// The model, on each territory's own scale (revenue / the territory's mean
// revenue in the fitted periods, resource / the territory's mean amount):
//
//	m_it = exp(η_t + γ·c_it) × (b_i + Σ_r β_ir · H(z_irt; k_r, n_r))
//	log(y_it/ȳ_i + δ) = log(m_it + δ) + ε_it,  ε ~ N(0, σ²)
//
// with H(z; k, n) = zⁿ/(zⁿ + kⁿ), z the carried-over amount (geometric
// adstock with decay λ_r, scaled so that a steady amount x gives z = x/x̄),
// η_t the period-of-year effects plus a linear trend in years, and c the
// standardised controls. The parameters, unconstrained:
//
//	local, per territory i:  log b_i, u_i1 … u_iR   (β_ir = exp(log β_r + u_ir))
//	shared:                  log β_r, log k_r, θn_r, θλ_r (r = 1…R),
//	                         season effects, trend, control effects, log σ
//
// n_r = 0.5 + 2.5·sigmoid(θn_r) ∈ (0.5, 3), λ_r = λmax·sigmoid(θλ_r).

const (
	delta  = 0.01 // δ: keeps log defined at zero revenue, 1 % of the territory's mean
	lamMax = 0.9  // the largest decay of carry-over
	nMin   = 0.5  // shape range
	nSpan  = 2.5
)

// prior is a normal prior: mean and standard deviation on the
// unconstrained scale.
type prior struct{ mean, sd float64 }

// Priors, weakly informative on the normalised scales (docs/fit.md).
var (
	priorLogB   = prior{math.Log(0.5), 1}
	priorU      = prior{0, 0.5} // the pooling: a territory's log β around the common curve's
	priorLogBet = prior{math.Log(0.2), 1.5}
	priorLogK   = prior{0, 1}
	priorLam    = prior{-1, 1.5} // decay ≈ 0.24
	priorSeason = prior{0, 0.5}
	priorTrend  = prior{0, 0.5}
	priorCtrl   = prior{0, 0.5}
	priorLogSig = prior{math.Log(0.1), 1}
)

// span is the width of the shape's range: (0.5, 3), or (0.5, MaxShape).
func (p *problem) span() float64 {
	if p.maxShape > nMin {
		return p.maxShape - nMin
	}
	return nSpan
}

// priorN is the shape's prior: centred on shape 1 (concave), or on 0.9
// of a range capped at 1.
func (p *problem) priorN() prior {
	c := math.Min(1, nMin+0.8*p.span())
	return prior{logit((c - nMin) / p.span()), 1.5}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
func logit(p float64) float64   { return math.Log(p / (1 - p)) }

// problem is a dataset prepared for the model.
type problem struct {
	ds        *Dataset
	T, R      int
	S, C      int  // season features, controls
	trend     bool // a trend parameter
	carryover bool
	maxShape  float64 // Options.MaxShape; 0 = 3
	terr      []int   // fitted territories, indices into ds.Territories
	ybar      []float64
	xbar      [][]float64 // [t][r]
	fitted    []bool      // per row: in the fit (not held out)
	ly        []float64   // per row: log(y/ȳ + δ)
	season    [][]float64 // per period
	tau       []float64   // per period: years, centred on the fitted periods' mean
	ctrl      [][]float64 // per row: standardised controls
	nFit      int         // fitted rows
	nPar      int
	sh        int // offset of the shared parameters
}

func (p *problem) nLoc() int { return 1 + p.R }

// shared parameter offsets
func (p *problem) iBeta(r int) int { return p.sh + r }
func (p *problem) iK(r int) int    { return p.sh + p.R + r }
func (p *problem) iN(r int) int    { return p.sh + 2*p.R + r }
func (p *problem) iLam(r int) int  { return p.sh + 3*p.R + r }
func (p *problem) iSeason() int    { return p.sh + 4*p.R }
func (p *problem) iTrend() int     { return p.iSeason() + p.S }
func (p *problem) iCtrl() int {
	if p.trend {
		return p.iTrend() + 1
	}
	return p.iTrend()
}
func (p *problem) iSig() int { return p.iCtrl() + p.C }

// priors lists each parameter's prior.
func (p *problem) priors() []prior {
	pr := make([]prior, p.nPar)
	for t := 0; t < p.T; t++ {
		o := t * p.nLoc()
		pr[o] = priorLogB
		for r := 0; r < p.R; r++ {
			pr[o+1+r] = priorU
		}
	}
	for r := 0; r < p.R; r++ {
		pr[p.iBeta(r)], pr[p.iK(r)], pr[p.iN(r)], pr[p.iLam(r)] = priorLogBet, priorLogK, p.priorN(), priorLam
	}
	for s := 0; s < p.S; s++ {
		pr[p.iSeason()+s] = priorSeason
	}
	if p.trend {
		pr[p.iTrend()] = priorTrend
	}
	for c := 0; c < p.C; c++ {
		pr[p.iCtrl()+c] = priorCtrl
	}
	pr[p.iSig()] = priorLogSig
	return pr
}

// start is the optimisation's starting point: every parameter at its
// prior mean.
func (p *problem) start() []float64 {
	x := make([]float64, p.nPar)
	for j, pr := range p.priors() {
		x[j] = pr.mean
	}
	return x
}

// curveParams are the shared curve parameters in natural units.
type curveParams struct {
	beta, k, n, lam []float64 // per resource: common β, k, shape, decay
	dn, dlam        []float64 // dn/dθn, dλ/dθλ
}

func (p *problem) curves(theta []float64) curveParams {
	c := curveParams{beta: make([]float64, p.R), k: make([]float64, p.R), n: make([]float64, p.R),
		lam: make([]float64, p.R), dn: make([]float64, p.R), dlam: make([]float64, p.R)}
	for r := 0; r < p.R; r++ {
		c.beta[r] = math.Exp(theta[p.iBeta(r)])
		c.k[r] = math.Exp(theta[p.iK(r)])
		s := sigmoid(theta[p.iN(r)])
		c.n[r], c.dn[r] = nMin+p.span()*s, p.span()*s*(1-s)
		if p.carryover {
			s = sigmoid(theta[p.iLam(r)])
			c.lam[r], c.dlam[r] = lamMax*s, lamMax*s*(1-s)
		}
	}
	return c
}

// carried fills z (normalised carried-over amounts) and dz/dλ for
// territory t's rows, resource r, in period order.
func (p *problem) carried(t, r int, lam float64, z, dz []float64) {
	rows := p.ds.Series[p.terr[t]]
	xb := p.xbar[t][r]
	if xb <= 0 {
		for j := range rows {
			z[j], dz[j] = 0, 0
		}
		return
	}
	var w, dw float64
	for j, n := range rows {
		x := p.ds.Rows[n].Resources[r] / xb
		if j == 0 {
			w, dw = x, 0
		} else {
			dw = -x + w + lam*dw
			w = (1-lam)*x + lam*w
		}
		z[j], dz[j] = w, dw
	}
}

// hill is H(z; k, n) and its derivatives in log k, n and z.
func hill(z, k, n float64) (h, dlogk, dn, dz float64) {
	if z <= 0 {
		return 0, 0, 0, 0
	}
	lq := n * math.Log(k/z)
	if lq > 700 {
		return 0, 0, 0, 0
	}
	q := math.Exp(lq)
	h = 1 / (1 + q)
	h2q := h * h * q
	return h, -n * h2q, -h2q * math.Log(k/z), h2q * n / z
}

// rowVisitor receives, for each row of a territory, its index, the mean m
// (normalised), and, if derivatives were asked for, dL/dθ of L = log(m+δ)
// for the territory's local parameters (dloc) and the shared ones (dsh,
// indexed from p.sh; the log σ entry is 0).
type rowVisitor func(t, n int, m float64, dloc, dsh []float64)

// eachRow evaluates the model at theta for every row of the fitted
// territories (held-out rows too), calling visit.
func (p *problem) eachRow(theta []float64, deriv bool, visit rowVisitor) {
	cp := p.curves(theta)
	maxLen := 0
	for _, t := range p.terr {
		maxLen = max(maxLen, len(p.ds.Series[t]))
	}
	z := make([][]float64, p.R)
	dz := make([][]float64, p.R)
	for r := range z {
		z[r], dz[r] = make([]float64, maxLen), make([]float64, maxLen)
	}
	nsh := p.nPar - p.sh
	dloc := make([]float64, p.nLoc())
	dsh := make([]float64, nsh)
	beta := make([]float64, p.R)
	H := make([]float64, p.R)
	hk := make([]float64, p.R)
	hn := make([]float64, p.R)
	hz := make([]float64, p.R)
	for t := 0; t < p.T; t++ {
		o := t * p.nLoc()
		b := math.Exp(theta[o])
		for r := 0; r < p.R; r++ {
			beta[r] = cp.beta[r] * math.Exp(theta[o+1+r])
			p.carried(t, r, cp.lam[r], z[r], dz[r])
		}
		for j, n := range p.ds.Series[p.terr[t]] {
			per := p.ds.PeriodOf[n]
			eta := 0.0
			for s, f := range p.season[per] {
				eta += theta[p.iSeason()+s] * f
			}
			if p.trend {
				eta += theta[p.iTrend()] * p.tau[per]
			}
			for c, v := range p.ctrl[n] {
				eta += theta[p.iCtrl()+c] * v
			}
			E := math.Exp(eta)
			inner := b
			for r := 0; r < p.R; r++ {
				H[r], hk[r], hn[r], hz[r] = hill(z[r][j], cp.k[r], cp.n[r])
				inner += beta[r] * H[r]
			}
			m := E * inner
			if !deriv {
				visit(t, n, m, nil, nil)
				continue
			}
			g := 1 / (m + delta) // dL/dm
			dloc[0] = g * E * b
			for r := 0; r < p.R; r++ {
				eb := g * E * beta[r]
				dloc[1+r] = eb * H[r]
				dsh[r] = eb * H[r]
				dsh[p.R+r] = eb * hk[r]
				dsh[2*p.R+r] = eb * hn[r] * cp.dn[r]
				dsh[3*p.R+r] = eb * hz[r] * dz[r][j] * cp.dlam[r]
			}
			gm := g * m
			for s, f := range p.season[per] {
				dsh[4*p.R+s] = gm * f
			}
			k := 4*p.R + p.S
			if p.trend {
				dsh[k] = gm * p.tau[per]
				k++
			}
			for c, v := range p.ctrl[n] {
				dsh[k+c] = gm * v
			}
			visit(t, n, m, dloc, dsh)
		}
	}
}

// objective is the negative log posterior at theta (up to a constant);
// with grad not nil it also fills the gradient.
func (p *problem) objective(theta, grad []float64, priors []prior) float64 {
	sig := math.Exp(theta[p.iSig()])
	iv := 1 / (sig * sig)
	f := 0.0
	ss := 0.0
	if grad != nil {
		clear(grad)
	}
	p.eachRow(theta, grad != nil, func(t, n int, m float64, dloc, dsh []float64) {
		if !p.fitted[n] {
			return
		}
		res := p.ly[n] - math.Log(m+delta)
		ss += res * res
		if grad == nil {
			return
		}
		w := -res * iv
		o := t * p.nLoc()
		for j, d := range dloc {
			grad[o+j] += w * d
		}
		for j, d := range dsh {
			if d != 0 {
				grad[p.sh+j] += w * d
			}
		}
	})
	f = 0.5*ss*iv + float64(p.nFit)*theta[p.iSig()]
	if grad != nil {
		grad[p.iSig()] += -ss*iv + float64(p.nFit)
	}
	for j, pr := range priors {
		d := (theta[j] - pr.mean) / pr.sd
		f += 0.5 * d * d
		if grad != nil {
			grad[j] += d / pr.sd
		}
	}
	return f
}
