// Package fit learns response curves from a company's own history — the
// revenue of each territory in each past period and the resources it had —
// with honest uncertainty, and back-tests them against naive rules on
// periods the fit did not see.
//
// The model (docs/fit.md has the full statement and the reasons), on each
// territory's own scale — revenue over its mean revenue, each resource
// over its mean amount — so that territories of any size share one set of
// priors and the pooling is "a common curve scaled by the territory's
// size":
//
//	m_it = exp(season_t + trend·years_t + γ·controls_it) × (b_i + Σ_r β_ir zⁿʳ/(zⁿʳ + kᵣⁿʳ))
//	log(y_it/ȳ_i + δ) = log(m_it + δ) + ε,  ε ~ N(0, σ²)
//
// z is the resource carried over geometrically (adstock, one decay per
// resource shared across territories), β_ir = β_r·exp(u_ir) with
// u_ir ~ N(0, 0.5²) (partial pooling: a territory with little history
// borrows its curve's height from the others'), k, the shape n and the
// decay are shared, season effects are month or quarter dummies or three
// Fourier pairs for weeks and days, and the noise is multiplicative, so
// intervals scale with size. Every parameter is unconstrained (logs,
// logits) with a weakly informative normal prior.
//
// Fitting is maximum a posteriori: damped Gauss–Newton
// (Levenberg–Marquardt) steps on the Fisher information, which is an
// "arrow" — one small block per territory, tied only through the shared
// parameters — solved through its Schur complement with gonum/mat, then
// gonum/optimize's LBFGS polishes the point. The Laplace approximation is
// the Gaussian with that precision at the mode; σ is taken on the residual
// degrees of freedom (N less the effective number of parameters).
// Parameter intervals are the quantiles of draws from the Gaussian; curve
// values and forecasts, non-linear in many parameters at once, are
// linearised at the mode (the delta method on the same Gaussian), and a
// forecast's 80 % interval adds the residual noise.
//
// Fit holds out the latest Options.Holdout periods, forecasts them given
// the resources actually spent and scores the model and the naive
// Baselines on them with WAPE, MAPE, bias and the coverage of the 80 %
// intervals, per territory and in total. Simulate makes histories from
// known parameters for recovery tests. The package is pure numerics: no
// store, no I/O, no logging.
package fit
