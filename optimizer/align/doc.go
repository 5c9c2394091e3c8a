// Package align solves the alignment (territory design) problem of Terrane:
// assign n units to k territories that are balanced, contiguous, compact and
// close to the current plan.
//
// The package is a pure solver on index-based inputs and follows the
// Problem / Settings / Result / Status contract documented in package
// [github.com/terrane/terrane/optimizer]. A caller builds a [Problem] (units
// with coordinates and demand, adjacency edges, k, balance, contiguity,
// objective, disruption limit, seed), optionally a [Settings] (time limit,
// iteration cap, progress callback), and calls [Solve] with a context. The
// [Result] carries the assignment (unit → territory), the centers, the
// objective, a lower bound where one is cheap, feasibility and the slack of
// every constraint.
//
// Three engines are behind Solve, chosen from the problem:
//
//   - uncapacitated p-median (no balance, contiguity, capacity, locks or
//     disruption limit): greedy seeding, the fast interchange of Whitaker
//     (1983) as implemented by Resende & Werneck (2004) in the swap
//     neighbourhood of Teitz & Bart (1968), variable neighbourhood search
//     (Hansen & Mladenović 1997), and the Lagrangian lower bound of Beasley
//     (1985, 1993) with subgradient optimization;
//   - capacitated p-median: location–allocation alternation with regret
//     assignment, shift and swap moves and median relocation (Osman &
//     Christofides 1994; Lorena & Senne 2004), inside an iterated local search,
//     with a Lagrangian bound whose subproblems are fractional knapsacks;
//     then a large-neighbourhood search that re-solves regions — the units
//     of a few neighbouring territories — as small capacitated p-medians
//     (the local subproblems of Stefanello, de Araújo & Müller 2015 and
//     Gnägi & Baumann 2021, solved here by center moves, descents and
//     perturbed restarts instead of a MIP; variable neighbourhood
//     decomposition, Hansen, Mladenović & Pérez-Brito 2001), with disjoint
//     regions solved on all cores and joined in draw order so that a seed
//     gives the same answer on any machine. Above 1,500 units the walk is
//     skipped and near lists come from a grid; without a distance matrix
//     (above 3,500 units) the start is a Hilbert-curve sweep cut into runs
//     of equal demand instead of the greedy p-median;
//   - balanced and contiguous territories: seeding by recursive spanning-tree
//     partition or by region growing from p-median centers, contiguity repair,
//     boundary moves that keep every territory connected (articulation checks,
//     Ricca & Simeone 2008), and merge-and-split recombination of neighbouring
//     territories along random spanning trees (ReCom, DeFord, Duchin & Solomon
//     2021), and, while a territory violates its bounds, merge-and-split of a
//     violating territory with several around it by recursive tree partition,
//     scored on the cut-edge objective of Validi & Buchanan (2022) or on
//     distance to the territory centers. Above 3,500 units (no distance
//     matrix) the seeding is a recursive bisection of spanning trees into
//     pieces due to hold k₁ and k − k₁ territories that never starts over
//     (seed_split.go), centers of large territories are approximate
//     1-medians (center.go), and boundary moves run near the territories
//     that changed (flips_local.go).
//
// Every long loop (seeding, tree partition, repair, recombination,
// boundary moves, the Lagrangian bound) consults the clock and the
// context, so Solve returns close to its time limit with the best answer
// so far; past the deadline the seeding still completes a partition, one
// spanning tree per cut. Progress is reported from the seeding on.
//
// # Several balance measures and fixed centres
//
// Besides Balance on the units' demand, a problem may balance other
// measures the units carry (accounts, hours of work, revenue), each with its
// own band; every territory must hold every band:
//
//	{"units": [{"id": "a", "x": -86.6, "y": 32.5, "demand": 55869,
//	            "measures": {"accounts": 12, "workload": 300}}, …],
//	 "k": 200, "balance": {"tolerance": 0.05},
//	 "balances": [{"measure": "accounts", "tolerance": 0.10},
//	              {"measure": "workload", "min": 1200, "max": 1500}],
//	 "centers": [17, 4021, -1, …]}
//
// "measure": "demand" may name Balance in balances (Balance then stays
// zero). Inside the search a territory's violation is the sum over measures
// of how far its load lies outside the band, each measure scaled to demand
// units by the ratio of the mean territory demand to its mean territory
// load, so that measures in different units weigh alike; tree splitting
// (seeding, recombination) cuts only where every measure's part lies in its
// band (the seeding, after a few strict passes, where they are least
// violated). [Result] reports each measure's band, per-territory loads and
// slack and the worst territory in Slack.Balances; Feasible and [Verify]
// require every band.
//
// Centers fixes territory t's centre to unit Centers[t] (a rep's home; −1
// leaves it free): the territory must hold that unit, the distance
// objective is measured from it, and the territories are seeded by growing
// from the centres (centers.go).
//
// [Diagnose] lists the units that make balance unreachable by themselves
// (oversize, or stranded under contiguity), so that a caller can make each a
// territory of its own; [Verify] re-checks any answer from the problem
// alone.
//
// Readers for the public benchmark formats produce the canonical [Problem]:
// [ReadORLib] (OR-Library pmed, Beasley 1985), [ReadCPMP] (capacitated
// p-median files) and [ReadDistricting] (networkx dual graphs).
package align
