// Package allocate solves Terrane's resource-allocation problem: split money,
// headcount and attention over territories to maximize expected revenue (or
// profit) under resource totals, a shared budget, per-territory bounds,
// limits on change from the current plan and locked territories, and prove
// how good the answer is.
//
// Each territory i responds to resource r through an ADBUDG/Hill curve
// (Little 1970, "Models and managers: the concept of a decision calculus";
// Lodish 1971, "CALLPLAN: an interactive salesman's call planning system"):
//
//	revenue_i(x) = base_i + Σ_r beta_ir · x_ir^c / (x_ir^c + k_ir^c)
//
// concave for c ≤ 1 and S-shaped for c > 1. The problem is separable, so the
// coupling constraints (resource totals and the budget) are priced out with
// Lagrange multipliers (Everett 1963, "Generalized Lagrange multiplier
// method for solving problems of optimum allocation of resources"): at given
// prices every territory and resource is solved on its own in closed form or
// by a one-dimensional Newton iteration, and the prices are found by a
// safeguarded Newton/bisection search on the (convex, one-dimensional) dual.
// Continuous concave resources are solved by this water-filling to the
// optimum; integer resources (headcount) are completed by greedy marginal
// analysis (Fox 1966, "Discrete optimization via marginal analysis"), which
// is exact for separable concave objectives under one constraint, and an
// integer resource that shares the budget with continuous ones is optimized
// over its total, whose value is concave (Ibaraki & Katoh 1988, "Resource
// Allocation Problems").
//
// S-shaped curves (c > 1) are handled by the same prices: each item is
// priced over its whole curve (the Lagrangian dual then equals the bound of
// the concave-envelope relaxation), every item is kept on the side of its
// inflection point the prices chose and the now concave problem is solved
// exactly; when the gap is still open, the on/off choices nearest a tie are
// switched and swapped, and integer amounts are exchanged k units at a
// time, while the objective improves. By the Shapley–Folkman lemma the
// duality gap does not grow with the number of territories, so on national
// plans the gap is tiny; on a handful of territories it can be large, and
// the Bound says so.
//
// Every Result carries a certificate: Bound is the Lagrangian dual value,
// a proven upper bound on the optimum for any curve shape (for S-shaped
// curves it equals the bound of the concave envelope relaxation), and Gap =
// (Bound − Objective)/max(1, |Objective|). Status is Optimal when the gap is
// at most Settings.GapTolerance (default 1e-6).
//
// Solve follows the Problem / Settings / Result / Status contract
// documented in package [github.com/terrane/terrane/optimizer]; money is in
// dollars per year.
//
// The market model (Market, MarketProblem) calibrates curves from market
// estimates so that the current allocation reproduces the current share;
// Frontier and UnitValues answer what-if questions. All computations are
// deterministic: no randomness, no map-order dependence, no concurrency.
package allocate
