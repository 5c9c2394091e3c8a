// Package optimizer holds no code: it documents the contract that every
// solver package under optimizer/ (allocate, align) follows, in the
// Problem / Settings / Result / Status shape of gonum's optimize package.
//
// The solvers are pure: they work on index-based inputs, import gonum and at
// most geo, never store, api or gin, do not log and do not keep state
// between calls.
//
// Each solver package has:
//
//   - Problem, the input, which is also the canonical JSON read by
//     `terrane solve <package>`. Problem.Validate reports the first malformed
//     field, naming it; a valid problem may still be infeasible.
//   - Settings, how to search. The zero value works, and a nil *Settings
//     means the zero value. MaxIterations caps the iterations (0: the
//     package's default, documented on the field); Progress, if not nil, is
//     called from the solving goroutine with the fraction (0..1) of the work
//     done, never decreasing, and with 1 when Solve returns a Result.
//   - Solve(ctx, problem, settings) (*Result, error).
//   - Result, the answer, with its Status, its Objective recomputed from the
//     answer itself, a proven bound where the package has one, and Seconds,
//     the wall-clock time of the solve.
//   - Status, one word shared by the packages:
//     "optimal" (Optimal): every constraint holds and the objective meets
//     the proven bound within the tolerance;
//     "feasible" (Feasible): every constraint holds but optimality is not
//     proven (a gap remains, or the time limit, the iteration cap or
//     convergence ended the search);
//     "infeasible" (Infeasible): the answer breaks a constraint — allocate
//     proves no allocation can meet them all and names the clash in
//     Result.Conflicts, align found none and returns the least violating
//     assignment;
//     "canceled" (Canceled): the context was canceled; see below.
//
// Errors: Solve returns an error for malformed input and when the context
// is canceled, never for an infeasible problem, which is a Result with
// Status Infeasible. If the context is canceled, Solve returns promptly
// with the best answer found so far, Status Canceled, and an error that
// wraps ctx.Err() (so errors.Is(err, context.Canceled) holds); when it has
// no answer yet (allocate: no allocation that meets every constraint) it
// returns a nil Result and ctx.Err() joined with the package's
// ErrNoSolution. Callers that want the partial answer look at the
// Result whenever it is not nil.
//
// Money is in dollars per year throughout.
package optimizer
