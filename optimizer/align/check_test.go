package align

import "testing"

// checkAnswer runs the independent checker (Verify) on an answer the tests
// get and fails the test on any disagreement. It returns whether the answer
// is feasible.
func checkAnswer(t *testing.T, in *Problem, res *Result) bool {
	t.Helper()
	feasible, err := Verify(in, res)
	if err != nil {
		t.Error(err)
	}
	return feasible
}

// checkDist is the checker's distance, for tests that recompute objectives.
func checkDist(in *Problem, i, j int) float64 { return verifyDist(in, i, j) }
