package align

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadDistricting reads a districting dual graph in networkx
// `adjacency_data` JSON (the Validi & Buchanan 2022 county and tract graphs):
// `nodes` with `TOTPOP` population and a centroid (`C_X`,`C_Y`, or
// `INTPTLON10`,`INTPTLAT10` as strings), and `adjacency` aligned with
// `nodes`. It returns the canonical instance: demand = population, unique
// undirected edges without self loops, haversine distance, k districts,
// population within [lo, hi], contiguity required, objective cut_edges.
func ReadDistricting(r io.Reader, k int, lo, hi float64) (*Problem, error) {
	var g struct {
		Nodes     []map[string]any `json:"nodes"`
		Adjacency [][]struct {
			ID any `json:"id"`
		} `json:"adjacency"`
	}
	if err := json.NewDecoder(r).Decode(&g); err != nil {
		return nil, fmt.Errorf("align: districting: %w", err)
	}
	if len(g.Nodes) == 0 {
		return nil, fmt.Errorf("align: districting: graph has no nodes")
	}
	if len(g.Adjacency) != len(g.Nodes) {
		return nil, fmt.Errorf("align: districting: %d adjacency lists for %d nodes", len(g.Adjacency), len(g.Nodes))
	}
	index := map[string]int{}
	in := &Problem{K: k, Distance: Haversine, Objective: ObjectiveCutEdges, Contiguous: true,
		Balance: Balance{Min: lo, Max: hi}}
	in.Units = make([]Unit, len(g.Nodes))
	for i, nd := range g.Nodes {
		id := fmt.Sprint(nd["id"])
		index[id] = i
		pop, ok := number(nd["TOTPOP"])
		if !ok {
			return nil, fmt.Errorf("align: districting: node %d (%s) has no TOTPOP", i, id)
		}
		x, okx := number(nd["C_X"])
		y, oky := number(nd["C_Y"])
		if !okx || !oky {
			x, okx = number(nd["INTPTLON10"])
			y, oky = number(nd["INTPTLAT10"])
		}
		if !okx || !oky {
			return nil, fmt.Errorf("align: districting: node %d (%s) has no centroid (C_X/C_Y or INTPTLON10/INTPTLAT10)", i, id)
		}
		name := id
		if s, ok := nd["GEOID10"].(string); ok {
			name = s
		}
		in.Units[i] = Unit{ID: name, X: x, Y: y, Demand: pop, Weight: 1, Current: -1}
	}
	seen := map[[2]int]bool{}
	for i, nbrs := range g.Adjacency {
		for _, nb := range nbrs {
			j, ok := index[fmt.Sprint(nb.ID)]
			if !ok {
				return nil, fmt.Errorf("align: districting: node %d lists unknown neighbour %v", i, nb.ID)
			}
			if i == j {
				continue
			}
			a, b := min(i, j), max(i, j)
			if !seen[[2]int{a, b}] {
				seen[[2]int{a, b}] = true
				in.Edges = append(in.Edges, [2]int{a, b})
			}
		}
	}
	return in, in.Validate()
}

// number reads a JSON number or a numeric string.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}
