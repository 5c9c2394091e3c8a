package allocate

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
)

// PiecewiseModel is a piecewise-linear model of a Problem for a generic
// LP/MIP solver, written in CPLEX LP format: each curve is replaced by
// segments between breakpoints (every integer for integer resources,
// points of equal revenue increments otherwise), and the maximization of
// the concave piecewise-linear objective is an LP (a MIP with integer
// resources). It is how `terrane bench allocate` compares this package
// with GLPK or CBC on the same instances. Exact only for concave curves.
type PiecewiseModel struct {
	p        *Problem
	constant float64 // objective dollars per year at every item's lower bound
	lo       [][]float64
	segs     [][][]int // variable numbers per resource, territory
	names    []string
	Columns  int // number of variables
	Rows     int // number of constraints
}

// WritePiecewiseLP writes p as a piecewise-linear LP with at most segments
// segments per continuous curve to w. It returns the model, which decodes
// a solver's variable values. S-shaped curves are refused: their
// piecewise-linear form needs binaries the comparison does not model.
func WritePiecewiseLP(w io.Writer, p *Problem, segments int) (*PiecewiseModel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m, conflicts := build(p)
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("allocate: piecewise model of an infeasible problem: %s", conflicts[0])
	}
	if segments < 1 {
		segments = 16
	}
	pm := &PiecewiseModel{p: p, constant: m.constant}
	bw := bufio.NewWriter(w)
	type seg struct {
		v     int
		slope float64
		len   float64
	}
	all := make([][][]seg, len(m.res))
	var ints []string
	for r, rm := range m.res {
		all[r] = make([][]seg, len(m.territory))
		pm.lo = append(pm.lo, make([]float64, len(m.territory)))
		pm.segs = append(pm.segs, make([][]int, len(m.territory)))
		for i := range rm.items {
			it := &rm.items[i]
			pm.lo[r][i] = it.lo
			pm.constant += it.vlo
			if it.lo == it.hi || it.a == 0 {
				continue
			}
			if it.c > 1 {
				return nil, fmt.Errorf("allocate: territory %q: %s curve is S-shaped (shape %v); the piecewise-linear LP handles concave curves only", m.territory[i], rm.name, it.c)
			}
			hi := it.hi
			if math.IsInf(hi, 1) {
				hi = rm.total
			}
			if math.IsInf(hi, 1) && rm.coupled {
				hi = m.budget / rm.cost
			}
			if math.IsInf(hi, 1) {
				return nil, fmt.Errorf("allocate: territory %q: %s is unbounded", m.territory[i], rm.name)
			}
			var pts []float64
			if rm.integer {
				for x := it.lo; x <= hi; x++ {
					pts = append(pts, x)
				}
			} else {
				pts = append(pts, it.lo)
				h0 := hill(it.lo, it.k, it.c)
				h1 := hill(hi, it.k, it.c)
				for j := 1; j < segments; j++ {
					hj := h0 + (h1-h0)*float64(j)/float64(segments)
					x := it.k * math.Pow(hj/(1-hj), 1/it.c)
					if x > pts[len(pts)-1] && x < hi {
						pts = append(pts, x)
					}
				}
				pts = append(pts, hi)
			}
			for j := 1; j < len(pts); j++ {
				l := pts[j] - pts[j-1]
				if l <= 0 {
					continue
				}
				v := len(pm.names)
				pm.names = append(pm.names, "v"+strconv.Itoa(v))
				all[r][i] = append(all[r][i], seg{v, (it.value(pts[j]) - it.value(pts[j-1])) / l, l})
				pm.segs[r][i] = append(pm.segs[r][i], v)
			}
			if rm.integer && len(all[r][i]) > 0 {
				ints = append(ints, fmt.Sprintf("n%d_%d", r, i))
			}
		}
	}
	fmt.Fprintln(bw, "\\ Terrane allocation, piecewise-linear model")
	fmt.Fprintln(bw, "Maximize")
	fmt.Fprint(bw, " obj:")
	nterm := 0
	for r := range all {
		for i := range all[r] {
			for _, s := range all[r][i] {
				fmt.Fprintf(bw, " %+.17g %s", s.slope, pm.names[s.v])
				if nterm++; nterm%8 == 0 {
					fmt.Fprint(bw, "\n ")
				}
			}
		}
	}
	if nterm == 0 {
		fmt.Fprint(bw, " 0 dummy")
	}
	fmt.Fprintln(bw, "\nSubject To")
	row := func(name string, coef func(r int) float64, rhs float64) {
		fmt.Fprintf(bw, " %s:", name)
		n := 0
		for r := range all {
			c := coef(r)
			if c == 0 {
				continue
			}
			for i := range all[r] {
				for _, s := range all[r][i] {
					fmt.Fprintf(bw, " %+.17g %s", c, pm.names[s.v])
					if n++; n%8 == 0 {
						fmt.Fprint(bw, "\n ")
					}
				}
			}
		}
		if n == 0 {
			fmt.Fprint(bw, " 0 dummy")
		}
		fmt.Fprintf(bw, " <= %.17g\n", rhs)
		pm.Rows++
	}
	for r, rm := range m.res {
		if !math.IsInf(rm.total, 1) {
			row(fmt.Sprintf("total%d", r), func(q int) float64 {
				if q == r {
					return 1
				}
				return 0
			}, rm.total-rm.sumLo())
		}
	}
	if !math.IsInf(m.budget, 1) {
		row("budget", func(q int) float64 { return m.res[q].cost }, m.budget-m.budgetAtLo())
	}
	for r, rm := range m.res {
		if !rm.integer {
			continue
		}
		for i := range all[r] {
			if len(all[r][i]) == 0 {
				continue
			}
			fmt.Fprintf(bw, " int%d_%d: n%d_%d", r, i, r, i)
			for _, s := range all[r][i] {
				fmt.Fprintf(bw, " - %s", pm.names[s.v])
			}
			fmt.Fprintln(bw, " = 0")
			pm.Rows++
		}
	}
	fmt.Fprintln(bw, "Bounds")
	for r := range all {
		for i := range all[r] {
			for _, s := range all[r][i] {
				fmt.Fprintf(bw, " 0 <= %s <= %.17g\n", pm.names[s.v], s.len)
			}
		}
	}
	if nterm == 0 {
		fmt.Fprintln(bw, " dummy = 0")
	}
	if len(ints) > 0 {
		fmt.Fprintln(bw, "General")
		for _, n := range ints {
			fmt.Fprintln(bw, " "+n)
		}
	}
	fmt.Fprintln(bw, "End")
	pm.Columns = len(pm.names) + len(ints)
	return pm, bw.Flush()
}

// Allocation turns a solver's variable values (name → value; absent is 0)
// into an allocation of the original problem, territory id → resource
// name → units. Integer amounts are rounded.
func (pm *PiecewiseModel) Allocation(values map[string]float64) map[string]map[string]float64 {
	out := make(map[string]map[string]float64, len(pm.p.Territories))
	for i, t := range pm.p.Territories {
		a := make(map[string]float64, len(pm.p.Resources))
		for r, res := range pm.p.Resources {
			x := pm.lo[r][i]
			for _, v := range pm.segs[r][i] {
				x += values[pm.names[v]]
			}
			if res.Integer {
				x = math.Round(x)
			}
			a[res.Name] = x
		}
		out[t.ID] = a
	}
	return out
}

// Constant is the objective at every amount's lower bound, dollars per
// year: add it to the LP's objective to compare with Result.Objective.
func (pm *PiecewiseModel) Constant() float64 { return pm.constant }
