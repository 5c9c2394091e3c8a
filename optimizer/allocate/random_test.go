package allocate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestRandomInvariants runs the invariant harness over 200 random problems
// of 5 to 44 territories with one to three integer resources, both
// objectives, locks, change limits, budgets and totals; the concave ones
// must be proven optimal.
func TestRandomInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(99, 1))
	for n := range 200 {
		ints := []bool{rng.IntN(2) == 0, rng.IntN(2) == 0, rng.IntN(3) == 0}
		s := n%4 == 1
		p := smallProblem(rng, 5+rng.IntN(40), ints, s, n%3 == 0)
		f := fixture{name: fmt.Sprintf("case%d", n), p: p, opt: math.NaN(), concave: !s}
		t.Run(f.name, func(t *testing.T) { solveFixture(t, f) })
	}
}
