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
// Every Result carries a certificate: Bound is the Lagrangian dual value,
// a proven upper bound on the optimum for any curve shape (for S-shaped
// curves it equals the bound of the concave envelope relaxation), and Gap =
// (Bound − Objective)/max(1, |Objective|). Status is Optimal when the gap is
// at most Settings.GapTolerance (default 1e-6).
//
// The market model (Market, MarketProblem) calibrates curves from market
// estimates so that the current allocation reproduces the current share;
// Frontier and UnitValues answer what-if questions. All computations are
// deterministic: no randomness, no map-order dependence, no concurrency.
package allocate
