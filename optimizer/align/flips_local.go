package align

// Boundary moves near what changed, for large instances.
//
// flips scans every unit of the instance, up to 50 passes, and then
// recomputes every center: on the 33,232-ZIP case that is about a hundred
// milliseconds a call, and the search calls it every 16 iterations, while a
// recombination changes two territories (a cluster merge a few). flipsNear
// scans only the units of the territories whose load or size changed since
// its last call, and their neighbours in other territories, and
// recomputes only the centers of the territories it touched.

// nearState remembers each territory's load and size at the last
// flipsNear, to tell which territories changed since.
type nearState struct {
	load []float64
	size []int
}

// changedSince lists the territories whose load or size differs from the
// snapshot, and takes a new snapshot.
func (s *dsearch) changedSince() []int {
	k := s.p.k
	if s.near.load == nil {
		s.near.load = make([]float64, k)
		s.near.size = make([]int, k)
		for t := range k {
			s.near.size[t] = -1
		}
	}
	var ch []int
	for t := range k {
		if s.load[t] != s.near.load[t] || len(s.members[t]) != s.near.size[t] {
			ch = append(ch, t)
			s.near.load[t], s.near.size[t] = s.load[t], len(s.members[t])
		}
	}
	return ch
}

// flipsNear is flips (boundary moves that improve (violation, objective)
// and keep every territory connected and nonempty) restricted to the units
// of the territories changed since its last call and their outside
// neighbours, recentering only the territories whose members moved. It
// returns whether anything moved.
func (s *dsearch) flipsNear(r *runner) bool {
	p := s.p
	ch := s.changedSince()
	if len(ch) == 0 {
		return false
	}
	s.stamp++
	st := s.stamp
	var order []int
	for _, t := range ch {
		for _, j := range s.members[t] {
			if s.mark[j] != st {
				s.mark[j] = st
				order = append(order, j)
			}
			for _, v := range p.adj[j] {
				if s.mark[v] != st {
					s.mark[v] = st
					order = append(order, v)
				}
			}
		}
	}
	touched := make([]bool, p.k)
	any := s.flipPasses(r, order, func(a, b int) { touched[a], touched[b] = true, true })
	if !p.cut && any {
		var units []int
		for t, moved := range touched {
			if moved {
				units = append(units, s.members[t]...)
			}
		}
		before := s.regionObjective(units)
		for t, moved := range touched {
			if moved {
				s.cen[t], _ = s.median(s.members[t], s.load[t])
				s.capT[t] = s.capOf(s.cen[t])
			}
		}
		s.obj += s.regionObjective(units) - before
	}
	s.changedSince() // the moves above are not news to the next call
	return any
}
