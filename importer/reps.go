package importer

import (
	"context"
	"fmt"
	"slices"

	"github.com/terrane/terrane"
)

// OwnersScenario returns the scenario whose territories reps own: the
// scenario id when it is not 0, else the baseline of layer (any layer when
// layer is ""). With several baselines to choose from it takes the one
// holding territory want (when want is not ""). ENOTFOUND if there is no
// such scenario; EINVALID if the choice is ambiguous.
func OwnersScenario(ctx context.Context, s terrane.ScenarioService, id int64, layer, want string) (*terrane.Scenario, error) {
	if id != 0 {
		return s.FindScenarioByID(ctx, id)
	}
	all, err := s.FindScenarios(ctx, terrane.ScenarioFilter{Layer: layer})
	if err != nil {
		return nil, err
	}
	var baselines []*terrane.Scenario
	for _, sc := range all {
		if sc.Baseline {
			baselines = append(baselines, sc)
		}
	}
	if len(baselines) > 1 && want != "" {
		var holding []*terrane.Scenario
		for _, sc := range baselines {
			ts, err := s.FindTerritories(ctx, sc.ID)
			if err != nil {
				return nil, err
			}
			if slices.ContainsFunc(ts, func(t *terrane.Territory) bool { return t.ID == want }) {
				holding = append(holding, sc)
			}
		}
		if len(holding) == 1 {
			return holding[0], nil
		}
	}
	where := "any layer"
	if layer != "" {
		where = "layer " + layer
	}
	switch len(baselines) {
	case 0:
		return nil, terrane.Errorf(terrane.ENOTFOUND, "no baseline scenario on %s; give a scenario", where)
	case 1:
		return baselines[0], nil
	}
	return nil, terrane.Errorf(terrane.EINVALID, "%d baseline scenarios on %s; give a scenario", len(baselines), where)
}

// SetOwners makes each rep named in owners (rep name → territory ids) an
// owner of exactly those territories of scenario sc, and of no other, in
// one ReplaceTerritories audited by actor. Owners not named keep their
// territories. EINVALID, naming the id, if a territory is not in the
// scenario; ECONFLICT if the scenario is published.
func SetOwners(ctx context.Context, s terrane.ScenarioService, sc *terrane.Scenario, owners map[string][]string, actor string) error {
	ts, err := s.FindTerritories(ctx, sc.ID)
	if err != nil {
		return err
	}
	byID := map[string]*terrane.Territory{}
	for _, t := range ts {
		byID[t.ID] = t
	}
	for name, ids := range owners {
		for _, id := range ids {
			if byID[id] == nil {
				return terrane.Errorf(terrane.EINVALID, "territory %s of %s: not in scenario %d (%s)", quote(id), name, sc.ID, sc.Name)
			}
		}
	}
	changed := false
	for _, t := range ts {
		var kept []string
		for _, o := range t.Owners {
			if _, named := owners[o]; !named {
				kept = append(kept, o)
			}
		}
		for name, ids := range owners {
			if slices.Contains(ids, t.ID) {
				kept = append(kept, name)
			}
		}
		slices.Sort(kept)
		kept = slices.Compact(kept)
		if !slices.Equal(kept, t.Owners) {
			t.Owners, changed = orNone(kept), true
		}
	}
	if !changed {
		return nil
	}
	assignments, err := s.FindAssignments(ctx, sc.ID)
	if err != nil {
		return err
	}
	if err := s.ReplaceTerritories(ctx, sc.ID, ts, assignments, actor); err != nil {
		return fmt.Errorf("owners of scenario %d: %w", sc.ID, err)
	}
	return nil
}

func orNone(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
