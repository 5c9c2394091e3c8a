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
// [Diagnose] lists the units that make balance unreachable by themselves
// (oversize, or stranded under contiguity), so that a caller can make each a
// territory of its own; [Verify] re-checks any answer from the problem
// alone.
//
// Readers for the public benchmark formats produce the canonical [Problem]:
// [ReadORLib] (OR-Library pmed, Beasley 1985), [ReadCPMP] (capacitated
// p-median files) and [ReadDistricting] (networkx dual graphs).
package align
