package align

// move puts unit j into territory b, keeping loads, members and the moved
// demand; centers and the objective are the caller's.
func (s *dsearch) move(j, b int) {
	p := s.p
	a := s.assign[j]
	s.removeMember(j, a)
	s.load[a] -= p.demand[j]
	s.addMember(j, b)
	s.load[b] += p.demand[j]
	s.assign[j] = b
	if p.nm > 0 {
		s.madd(j, a, -1)
		s.madd(j, b, 1)
	}
	if c := p.current[j]; c >= 0 {
		if c == a {
			s.moved += p.demand[j]
		} else if c == b {
			s.moved -= p.demand[j]
		}
	}
}

// connectedWithout reports whether territory a stays connected when unit
// j leaves it: a breadth-first search from one neighbour of j inside a that
// stops as soon as every neighbour of j inside a is reached (j is then not
// an articulation point of a; Ricca & Simeone 2008 use the same test).
func (s *dsearch) connectedWithout(j, a int) bool {
	p := s.p
	need, start := 0, -1
	for _, v := range p.adj[j] {
		if s.assign[v] == a {
			need++
			start = v
		}
	}
	if need <= 1 {
		return need == 1 || len(s.members[a]) == 1
	}
	s.stamp++
	st := s.stamp
	s.mark[j] = st
	s.mark[start] = st
	found := 1
	q := append(s.queue[:0], start)
	// neighbours of j get a distinct mark so we can count them
	isNbr := func(u int) bool {
		for _, v := range p.adj[j] {
			if v == u {
				return true
			}
		}
		return false
	}
	for len(q) > 0 {
		u := q[len(q)-1]
		q = q[:len(q)-1]
		for _, v := range p.adj[u] {
			if s.mark[v] == st || s.assign[v] != a {
				continue
			}
			s.mark[v] = st
			if isNbr(v) {
				found++
				if found == need {
					s.queue = q
					return true
				}
			}
			q = append(q, v)
		}
	}
	s.queue = q
	return false
}

// flipDelta is the change of (violation, objective) when j moves from a to b.
func (s *dsearch) flipDelta(j, a, b int) (float64, float64) {
	p := s.p
	dv := s.shiftViol(j, a, b)
	var do float64
	if p.cut {
		for _, v := range p.adj[j] {
			switch s.assign[v] {
			case a:
				do++
			case b:
				do--
			}
		}
	} else {
		do = p.weight[j] * (p.d(j, s.cen[b]) - p.d(j, s.cen[a]))
	}
	return dv, do
}

// flips moves single boundary units to a neighbouring territory while that
// improves (violation, objective) and keeps every territory connected and
// nonempty (boundary moves with articulation checks). It returns whether
// anything moved.
func (s *dsearch) flips(r *runner) bool {
	any := s.flipPasses(r, upTo(s.p.n), nil)
	if !s.p.cut && any {
		s.recenter()
	}
	return any
}

// flipPasses moves the units of order, shuffled, to their bestFlip while
// that keeps their territory connected, pass after pass (at most 50) until
// a pass moves nothing or the clock runs out. moved, if not nil, is told
// the two territories of each move. It reports whether anything moved.
func (s *dsearch) flipPasses(r *runner, order []int, moved func(a, b int)) bool {
	p := s.p
	any := false
	for pass := 0; pass < 50; pass++ {
		r.rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		improved := false
		for _, j := range order {
			if r.hardStop() {
				return any
			}
			a := s.assign[j]
			bestB, bestO := s.bestFlip(j)
			if bestB < 0 || (p.contig && !s.connectedWithout(j, a)) {
				continue
			}
			s.move(j, bestB)
			s.obj += bestO
			if moved != nil {
				moved(a, bestB)
			}
			improved, any = true, true
		}
		if !improved {
			break
		}
	}
	return any
}

// bestFlip is the neighbouring territory whose taking unit j improves the
// search most (violation, then objective), and the objective's change; −1
// when j may not move (locked or a fixed center: lockT; the last unit or
// the center of its territory) or no move improves. Connectivity is the
// caller's to check.
func (s *dsearch) bestFlip(j int) (int, float64) {
	p := s.p
	a := s.assign[j]
	if p.lockT[j] >= 0 || len(s.members[a]) == 1 || (!p.cut && s.cen[a] == j) {
		return -1, 0
	}
	bestB, bestV, bestO := -1, 0.0, 0.0
	for _, v := range p.adj[j] {
		b := s.assign[v]
		if b == a || b == bestB {
			continue
		}
		dv, do := s.flipDelta(j, a, b)
		if bestB < 0 && better(dv, do, s.scale) || bestB >= 0 && better(dv-bestV, do-bestO, s.scale) {
			bestB, bestV, bestO = b, dv, do
		}
	}
	return bestB, bestO
}
