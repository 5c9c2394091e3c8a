package align

import (
	"math"
	"slices"
	"time"
)

// Annealing the violation away.
//
// Balanced on several measures at once, a territory out of one band can
// rarely be fixed by a move that improves it without hurting a neighbour:
// a city territory long on market and short on accounts has to take a
// rural unit from one neighbour, which then takes one from the next, and
// so on until the excess meets a territory with room. Strict descent
// (flips) stops at the first such step; simulated annealing (Kirkpatrick,
// Gelatt & Vecchi 1983) over the same boundary moves takes it, and the
// chain forms. The energy is the violation alone: inside every band a
// move costs nothing, and it is taken when it shortens the distance (and
// now and then when it does not, so that territories can reshape to mix
// units of different ratios). The temperature falls geometrically from
// three times the mean uphill step to 10⁻⁴ of that over the time given.

// The schedule: the start temperature is annealHeat × the mean uphill
// step, the end annealCool × the start; annealPlateau is the chance that
// a move leaving the violation unchanged but lengthening the distance is
// taken. Measured on the ZIP-level multi-measure instance of bench align
// (zips33232-k200-measures): 3, 10⁻⁴ and 0.3 ended with the least
// violation of the schedules tried (1–30, 10⁻⁵–10⁻², 0.05–0.5).
const (
	annealHeat    = 3.0
	annealCool    = 1e-4
	annealPlateau = 0.3
	// annealDraws is the number of moves drawn per unit when the search
	// runs on an iteration cap: the schedule then follows the draws, not
	// the clock, so that the answer is the same on any machine.
	annealDraws = 2000
)

// anneal runs until the violation is gone, until (or annealDraws per unit
// on an iteration cap), or the time limit, and
// leaves the least violating assignment it saw installed (recentered). It
// reports whether that is better than where it started.
func (s *dsearch) anneal(r *runner, until time.Time) bool {
	p := s.p
	eps := capEps * s.scale
	v0, _ := s.total()
	if v0 <= eps || p.n < 2 {
		return false
	}
	// A free boundary move, at random: unit j and the territory b of one of
	// its neighbours (ok false when there is none this draw).
	draw := func() (j, a, b int, ok bool) {
		j = r.rng.IntN(p.n)
		a = s.assign[j]
		if p.lockT[j] >= 0 || len(s.members[a]) == 1 || (!p.cut && s.cen[a] == j) || len(p.adj[j]) == 0 {
			return j, a, a, false
		}
		b = s.assign[p.adj[j][r.rng.IntN(len(p.adj[j]))]]
		return j, a, b, b != a
	}
	// The mean uphill step of a sample of boundary moves sets the start.
	var up float64
	nUp := 0
	for tries := 0; nUp < 2000 && tries < 200000; tries++ {
		j, a, b, ok := draw()
		if !ok {
			continue
		}
		if dv, _ := s.flipDelta(j, a, b); dv > eps {
			up += dv
			nUp++
		}
	}
	if nUp == 0 {
		return false
	}
	t0 := annealHeat * up / float64(nUp)
	start := time.Now()
	span := until.Sub(start).Seconds()
	budget := 0
	if r.maxIter > 0 {
		budget = annealDraws * p.n
	}
	if span <= 0 {
		return false
	}
	best := slices.Clone(s.assign)
	bestV, snapV, cur := v0, v0, v0
	sinceSnap := 0
	temp := t0
	for it := 0; budget == 0 || it < budget; it++ {
		if it&1023 == 0 {
			if r.expired() || budget == 0 && !time.Now().Before(until) {
				break
			}
			if it&(1<<20-1) == 0 {
				cur, _ = s.total() // no drift of the running sum
			}
			done := time.Since(start).Seconds() / span
			if budget > 0 {
				done = float64(it) / float64(budget)
			}
			temp = t0 * math.Pow(annealCool, math.Min(1, done))
		}
		j, a, b, ok := draw()
		if !ok {
			continue
		}
		dv, do := s.flipDelta(j, a, b)
		switch {
		case dv < -eps:
		case dv <= eps:
			if do > 0 && r.rng.Float64() >= annealPlateau {
				continue
			}
		default:
			if r.rng.Float64() >= math.Exp(-dv/temp) {
				continue
			}
		}
		if p.contig && !s.connectedWithout(j, a) {
			continue
		}
		s.move(j, b)
		s.obj += do
		cur += dv
		sinceSnap++
		if cur < bestV-eps {
			bestV = cur
			// Copying every new best would cost more than the moves: keep
			// one now and then, and always the answer without violation.
			if cur <= eps || sinceSnap > p.n/8 {
				copy(best, s.assign)
				snapV, sinceSnap = cur, 0
				if cur <= eps {
					break
				}
			}
		}
	}
	if cur, _ = s.total(); cur > snapV {
		s.install(best)
	} else if !p.cut {
		s.recenter()
	}
	v, _ := s.total()
	return v < v0-eps
}
