package align

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// A proof that several bands cannot all hold with compact territories.
//
// When two balanced measures are spread differently over a map (a market
// model weighted on payroll and an account count of establishments, say),
// a whole region can hold too many of one per unit of the other for any
// territory inside it. Search cannot tell "not found" from "there is
// none"; this bound can, for plans whose territories are not too wide.
//
// Every territory holds v_j(T) ≤ hi_j and v_i(T) ≥ lo_i, so with
// r = hi_j/lo_i it holds v_j(T) − r·v_i(T) ≤ 0: call q_u = v_ju − r·v_iu a
// unit's excess. Take a ball of radius a around a unit c. If every
// territory spans less than D (no two of its units D or more apart), the
// territories holding the units of the ball lie within a + D of c, and
// their union S holds the ball. Summing over them, Σ_S q ≤ 0, while
// Σ_S q ≥ Σ_ball q − Σ_{a < d < a+D} max(0, −q). So when the ball's excess
// is more than its surroundings out to a + D can absorb, no plan in every
// band has all its territories spanning less than D. Which pair of
// measures, which unit and which radius show it is the witness; anyone can
// add the sums up again (SpanWitness).

// SpanWitness shows that no plan holds every band while every territory
// spans less than Span (the distance between its two farthest units, in
// the problem's distance unit: meters for haversine).
type SpanWitness struct {
	// Span is the bound: every plan in every band has a territory whose
	// units lie Span or more apart. +Inf: no plan holds every band at all
	// (the whole map cannot absorb the ball's excess).
	Span float64 `json:"span"`
	// Center is the index of the unit the ball is drawn around; CenterID its id.
	Center   int    `json:"center"`
	CenterID string `json:"center_id"`
	// Radius is the ball's radius a: the units within it are those whose
	// excess no territory can hold.
	Radius float64 `json:"radius"`
	// Over is the measure the ball holds too much of against Under: at most
	// Ratio = hi(Over)/lo(Under) of Over per unit of Under fits a territory.
	Over  string  `json:"over"`
	Under string  `json:"under"`
	Ratio float64 `json:"ratio"`
	// Excess is Σ over the ball of Over − Ratio·Under; Absorb is Σ over the
	// units farther than Radius and nearer than Radius + Span of
	// max(0, Ratio·Under − Over) (distance − Radius < Span): less than Excess.
	Excess float64 `json:"excess"`
	Absorb float64 `json:"absorb"`
}

// spanCenters is the most units SpanBound draws balls around: spread over
// the unit order (in.Units), which for a national layer sorted by ZIP or
// FIPS visits every region.
const spanCenters = 400

// SpanBound looks for a SpanWitness with the largest Span over balls drawn
// around up to spanCenters units and every pair of balanced measures with
// a lower bound on one and an upper on the other. It returns nil when it
// finds none (which proves nothing) or the problem balances fewer than two
// measures; it stops early, with the best witness so far, when ctx is done.
// It runs in O(c·n·(log n + pairs)) for c centres.
func SpanBound(ctx context.Context, in *Problem) *SpanWitness {
	names, lo, hi := in.MeasureBounds()
	// The proof needs the triangle inequality: a given matrix may break
	// it, and floored distances do.
	metric := in.Distances == nil && (in.Distance == "" || in.Distance == Euclidean || in.Distance == Haversine)
	if len(names) < 2 || len(in.Units) == 0 || !metric {
		return nil
	}
	n := len(in.Units)
	vals := make([][]float64, len(names))
	for m, name := range names {
		vals[m] = make([]float64, n)
		for j := range n {
			vals[m][j] = in.MeasureValue(j, name)
		}
	}
	// A territory holds at most r of over per unit of under.
	type pair struct {
		over, under int
		r           float64
	}
	var pairs []pair
	for i := range names {
		for j := range names {
			if i != j && lo[i] > 0 && !math.IsInf(hi[j], 1) {
				pairs = append(pairs, pair{over: j, under: i, r: hi[j] / lo[i]})
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	p := newModelLite(in)
	stride := max(1, n/spanCenters)
	order := make([]int, n)
	dist := make([]float64, n)
	cumQ := make([]float64, n+1) // absorb of the first i units by distance
	var best *SpanWitness
	for c := 0; c < n; c += stride {
		if ctx.Err() != nil {
			break
		}
		for u := range n {
			order[u], dist[u] = u, p.d(c, u)
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Or(cmp.Compare(dist[a], dist[b]), a-b) })
		for _, pr := range pairs {
			q := func(u int) float64 { return vals[pr.over][u] - pr.r*vals[pr.under][u] }
			for i, u := range order {
				cumQ[i+1] = cumQ[i] + max(0, -q(u))
			}
			excess := 0.0
			for s, u := range order {
				excess += q(u)
				// The ball must hold every unit at its radius: only at the
				// last of a run of equal distances.
				if s+1 < n && dist[order[s+1]] == dist[u] {
					continue
				}
				if excess <= 0 {
					continue
				}
				a := dist[u]
				// The first unit past the ball at which the absorb reaches
				// the excess: territories spanning less than its distance − a
				// cannot reach it.
				want := cumQ[s+1] + excess
				t, _ := slices.BinarySearchFunc(cumQ[s+2:n+1], want, func(x, w float64) int {
					if x < w {
						return -1
					}
					return 1
				})
				t += s + 1 // index into order of the unit whose absorb reaches want
				span := math.Inf(1)
				if t < n {
					span = dist[order[t]] - a
				}
				if span <= 0 || (best != nil && span <= best.Span) {
					continue
				}
				absorb := 0.0
				for _, v := range order[s+1 : t] {
					if dist[v]-a < span {
						absorb += max(0, -q(v))
					}
				}
				best = &SpanWitness{Span: span, Center: c, CenterID: in.Units[c].ID, Radius: a,
					Over: names[pr.over], Under: names[pr.under], Ratio: pr.r, Excess: excess, Absorb: absorb}
			}
		}
	}
	return best
}
