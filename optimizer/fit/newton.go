package fit

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// arrow is the Gauss–Newton (Fisher) precision of the posterior at a
// point, H = [A B; Bᵀ C]: A block-diagonal with one (1+R)² block per
// territory (its local parameters), B the territory–shared blocks and C the
// shared parameters'. Territories touch each other only through the shared
// parameters, so H is an arrow and is solved through the Schur complement
// of A in O(T) small factorisations instead of one of size T(1+R).
type arrow struct {
	A []*mat.SymDense
	B []*mat.Dense
	C *mat.SymDense
}

// precision is the Fisher information of the likelihood at theta (the
// Gauss–Newton Hessian of the residuals, 2N for log σ) plus the priors'
// precisions.
func (p *problem) precision(theta []float64, priors []prior) *arrow {
	sig := math.Exp(theta[p.iSig()])
	iv := 1 / (sig * sig)
	nl, ns := p.nLoc(), p.nPar-p.sh
	ar := &arrow{A: make([]*mat.SymDense, p.T), B: make([]*mat.Dense, p.T), C: mat.NewSymDense(ns, nil)}
	for t := range ar.A {
		ar.A[t] = mat.NewSymDense(nl, nil)
		ar.B[t] = mat.NewDense(nl, ns, nil)
	}
	cd := make([]float64, ns*ns)
	ad := make([]float64, nl*nl)
	cur := -1
	flush := func() {
		if cur < 0 {
			return
		}
		for i := 0; i < nl; i++ {
			for j := i; j < nl; j++ {
				ar.A[cur].SetSym(i, j, ad[i*nl+j])
			}
		}
		clear(ad)
	}
	p.eachRow(theta, true, func(t, n int, m float64, dloc, dsh []float64) {
		if t != cur {
			flush()
			cur = t
		}
		if !p.fitted[n] {
			return
		}
		b := ar.B[t]
		for i, di := range dloc {
			w := iv * di
			for j := i; j < nl; j++ {
				ad[i*nl+j] += w * dloc[j]
			}
			row := b.RawRowView(i)
			for j, dj := range dsh {
				row[j] += w * dj
			}
		}
		for i, di := range dsh {
			if di == 0 {
				continue
			}
			w := iv * di
			row := cd[i*ns : (i+1)*ns]
			for j := i; j < ns; j++ {
				row[j] += w * dsh[j]
			}
		}
	})
	flush()
	for i := 0; i < ns; i++ {
		for j := i; j < ns; j++ {
			ar.C.SetSym(i, j, cd[i*ns+j])
		}
	}
	is := p.iSig() - p.sh
	ar.C.SetSym(is, is, ar.C.At(is, is)+2*float64(p.nFit))
	for j, pr := range priors {
		prec := 1 / (pr.sd * pr.sd)
		if j < p.sh {
			t, i := j/nl, j%nl
			ar.A[t].SetSym(i, i, ar.A[t].At(i, i)+prec)
		} else {
			ar.C.SetSym(j-p.sh, j-p.sh, ar.C.At(j-p.sh, j-p.sh)+prec)
		}
	}
	return ar
}

// laplaceFit is a factorised arrow precision: the Gaussian N(θ, H⁻¹) of
// the Laplace approximation, and the solver of Newton steps.
type laplaceFit struct {
	p     *problem
	chA   []mat.Cholesky
	la    []*mat.TriDense // Cholesky factors of the A blocks
	ainvB []*mat.Dense    // A_t⁻¹ B_t
	chS   mat.Cholesky
	ls    *mat.TriDense // Cholesky factor of S = C − Σ B_tᵀ A_t⁻¹ B_t
}

// factor factorises H + mu·diag(H) (mu = 0: H itself).
func (p *problem) factor(ar *arrow, mu float64) (*laplaceFit, error) {
	nl, ns := p.nLoc(), p.nPar-p.sh
	lf := &laplaceFit{p: p, chA: make([]mat.Cholesky, p.T), la: make([]*mat.TriDense, p.T), ainvB: make([]*mat.Dense, p.T)}
	damp := func(a *mat.SymDense) *mat.SymDense {
		if mu == 0 {
			return a
		}
		d := mat.NewSymDense(a.SymmetricDim(), nil)
		d.CopySym(a)
		for i := 0; i < d.SymmetricDim(); i++ {
			d.SetSym(i, i, d.At(i, i)*(1+mu))
		}
		return d
	}
	S := mat.NewSymDense(ns, nil)
	S.CopySym(damp(ar.C))
	var btab mat.Dense
	for t := range ar.A {
		if !lf.chA[t].Factorize(damp(ar.A[t])) {
			return nil, fmt.Errorf("fit: the posterior of territory %s is not proper at its mode", p.ds.Territories[p.terr[t]])
		}
		lf.la[t] = mat.NewTriDense(nl, mat.Lower, nil)
		lf.chA[t].LTo(lf.la[t])
		ab := mat.NewDense(nl, ns, nil)
		if err := lf.chA[t].SolveTo(ab, ar.B[t]); err != nil {
			return nil, fmt.Errorf("fit: territory %s: %v", p.ds.Territories[p.terr[t]], err)
		}
		lf.ainvB[t] = ab
		btab.Mul(ar.B[t].T(), ab)
		for i := 0; i < ns; i++ {
			for j := i; j < ns; j++ {
				S.SetSym(i, j, S.At(i, j)-btab.At(i, j))
			}
		}
	}
	if !lf.chS.Factorize(S) {
		return nil, fmt.Errorf("fit: the posterior of the shared parameters is not proper at its mode")
	}
	lf.ls = mat.NewTriDense(ns, mat.Lower, nil)
	lf.chS.LTo(lf.ls)
	return lf, nil
}

// solve returns H⁻¹ g by block elimination.
func (lf *laplaceFit) solve(g []float64) ([]float64, error) {
	p := lf.p
	nl, ns := p.nLoc(), p.nPar-p.sh
	out := make([]float64, len(g))
	rhs := mat.NewVecDense(ns, append([]float64(nil), g[p.sh:]...))
	ys := make([]*mat.VecDense, p.T)
	for t := 0; t < p.T; t++ {
		y := mat.NewVecDense(nl, nil)
		if err := lf.chA[t].SolveVecTo(y, mat.NewVecDense(nl, g[t*nl:(t+1)*nl])); err != nil {
			return nil, err
		}
		ys[t] = y
		// rhs -= B_tᵀ y = (A⁻¹B)ᵀ g_t
		for j := 0; j < ns; j++ {
			s := 0.0
			for i := 0; i < nl; i++ {
				s += lf.ainvB[t].At(i, j) * g[t*nl+i]
			}
			rhs.SetVec(j, rhs.AtVec(j)-s)
		}
	}
	ds := mat.NewVecDense(ns, nil)
	if err := lf.chS.SolveVecTo(ds, rhs); err != nil {
		return nil, err
	}
	copy(out[p.sh:], ds.RawVector().Data)
	for t := 0; t < p.T; t++ {
		for i := 0; i < nl; i++ {
			v := ys[t].AtVec(i)
			row := lf.ainvB[t].RawRowView(i)
			for j := 0; j < ns; j++ {
				v -= row[j] * ds.AtVec(j)
			}
			out[t*nl+i] = v
		}
	}
	return out, nil
}

// levenberg minimises the negative log posterior from x by damped
// Gauss–Newton (Levenberg–Marquardt) steps on the arrow precision. It
// returns the point, the iterations and whether it converged (relative
// decrease below 1e-10 or a negligible step); done is told each
// iteration's number; an error only when ctx is canceled.
func (p *problem) levenberg(ctx context.Context, x []float64, priors []prior, maxIter int, done func(int)) ([]float64, int, bool, error) {
	g := make([]float64, len(x))
	f := p.objective(x, g, priors)
	mu := 1e-3
	try := make([]float64, len(x))
	for it := 1; it <= maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return x, it, false, fmt.Errorf("fit: %w", err)
		}
		done(it)
		ar := p.precision(x, priors)
		improved := false
		for attempt := 0; attempt < 30; attempt++ {
			lf, err := p.factor(ar, mu)
			if err != nil {
				mu *= 10
				continue
			}
			step, err := lf.solve(g)
			if err != nil {
				mu *= 10
				continue
			}
			big := 0.0
			for j := range x {
				try[j] = x[j] - step[j]
				big = math.Max(big, math.Abs(step[j]))
			}
			ft := p.objective(try, nil, priors)
			if finite(ft) && ft <= f {
				dec := f - ft
				copy(x, try)
				f = p.objective(x, g, priors)
				mu = math.Max(mu/3, 1e-9)
				improved = true
				if dec <= 1e-10*math.Max(1, math.Abs(f)) || big < 1e-8 {
					return x, it, true, nil
				}
				break
			}
			mu *= 4
		}
		if !improved {
			return x, it, false, nil
		}
	}
	return x, maxIter, false, nil
}

// variance is gᵀ H⁻¹ g for a gradient g that is zero outside territory t's
// local block (gl) and the shared block (gs): the Laplace variance of a
// quantity of territory t linearised at the mode (the delta method).
func (lf *laplaceFit) variance(t int, gl, gs []float64) float64 {
	p := lf.p
	nl, ns := p.nLoc(), p.nPar-p.sh
	y := mat.NewVecDense(nl, nil)
	if err := lf.chA[t].SolveVecTo(y, mat.NewVecDense(nl, append([]float64(nil), gl...))); err != nil {
		return math.Inf(1)
	}
	v := mat.Dot(y, mat.NewVecDense(nl, append([]float64(nil), gl...)))
	r := mat.NewVecDense(ns, append([]float64(nil), gs...))
	for j := 0; j < ns; j++ {
		s := 0.0
		for i := 0; i < nl; i++ {
			s += lf.ainvB[t].At(i, j) * gl[i]
		}
		r.SetVec(j, r.AtVec(j)-s)
	}
	w := mat.NewVecDense(ns, nil)
	if err := lf.chS.SolveVecTo(w, r); err != nil {
		return math.Inf(1)
	}
	return v + mat.Dot(r, w)
}

// effectiveParameters is the fit's effective number of mean parameters,
// trace(H⁻¹F) = Σ_j (1 − prec_j (H⁻¹)_jj) over every parameter but log σ,
// F the data's information and prec_j the prior's: each parameter counts
// as fully as the data rather than its prior determine it.
func (lf *laplaceFit) effectiveParameters(priors []prior) float64 {
	p := lf.p
	nl, ns := p.nLoc(), p.nPar-p.sh
	sum := 0.0
	gl, gs := make([]float64, nl), make([]float64, ns)
	for j, pr := range priors {
		if j == p.iSig() {
			continue
		}
		prec := 1 / (pr.sd * pr.sd)
		var v float64
		if j < p.sh {
			t, i := j/nl, j%nl
			gl[i] = 1
			v = lf.variance(t, gl, gs)
			gl[i] = 0
		} else {
			gs[j-p.sh] = 1
			v = lf.variance(0, gl, gs)
			gs[j-p.sh] = 0
		}
		sum += 1 - prec*v
	}
	return sum
}

// sumSquares is the residuals' sum of squares at theta over the fitted
// rows.
func (p *problem) sumSquares(theta []float64) float64 {
	ss := 0.0
	p.eachRow(theta, false, func(t, n int, m float64, _, _ []float64) {
		if p.fitted[n] {
			r := p.ly[n] - math.Log(m+delta)
			ss += r * r
		}
	})
	return ss
}
