// Package loader loads the sample dataset into a store: the geography of
// data/sample directly, and the simulated company's files (data/sample/company)
// through the importers, as a user's own files would be (docs/import.md).
// It lives apart from data/sample because the importer uses data/sample's
// ZIP tables.
package loader

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/importer"
)

// Store is what Load needs of a store.
type Store interface {
	importer.Store
	terrane.UserService
	terrane.MetaService
}

// Load puts the sample into an empty store, once. A load that was cut off
// earlier (layer present, marker absent) is removed and done again. Then it
// loads the built-in layers not loaded yet (sample.LoadLayers). It reports
// whether it loaded anything.
func Load(ctx context.Context, s Store) (bool, error) {
	if _, err := s.Meta(ctx, sample.MetaKey); err == nil {
		layers, err := sample.LoadLayers(ctx, s)
		return len(layers) > 0, err
	} else if terrane.ErrorCode(err) != terrane.ENOTFOUND {
		return false, err
	}
	if _, err := s.FindLayerByID(ctx, sample.LayerID); err == nil {
		if err := s.DeleteLayer(ctx, sample.LayerID); err != nil {
			return false, fmt.Errorf("sample: remove a partial load: %w", err)
		}
	}
	ds, err := sample.Geography()
	if err != nil {
		return false, err
	}
	if err := s.CreateLayer(ctx, &ds.Layer); err != nil {
		return false, err
	}
	if err := s.ReplaceUnits(ctx, sample.LayerID, ds.Units); err != nil {
		return false, err
	}
	if err := s.SetAdjacency(ctx, sample.LayerID, ds.Edges); err != nil {
		return false, err
	}
	// The company, through the importers.
	if _, err := importFile(ctx, s, sample.FileMarkets, importer.Options{Kind: importer.KindMarkets, Layer: sample.LayerID}); err != nil {
		return false, err
	}
	if _, err := importFile(ctx, s, sample.FileAccounts, importer.Options{Kind: importer.KindAccounts, Layer: sample.LayerID}); err != nil {
		return false, err
	}
	res, err := importFile(ctx, s, sample.FileAssignments, importer.Options{Kind: importer.KindAssignments, Layer: sample.LayerID,
		Fields: map[string]string{"create_scenario": sample.BaselineName}, Actor: "sample"})
	if err != nil {
		return false, err
	}
	scenario := res.Scenario
	if _, err := importFile(ctx, s, sample.FileReps, importer.Options{Kind: importer.KindReps, Layer: sample.LayerID, Scenario: scenario, Actor: "sample"}); err != nil {
		return false, err
	}
	if err := loadPending(ctx, s, scenario); err != nil {
		return false, err
	}
	if err := setBaseline(ctx, s, scenario); err != nil {
		return false, err
	}
	if err := s.SetMeta(ctx, sample.MetaKey, terrane.Version); err != nil {
		return false, err
	}
	_, err = sample.LoadLayers(ctx, s)
	return true, err
}

// importFile imports one of the company files with opts.
func importFile(ctx context.Context, s Store, name string, opts importer.Options) (*importer.Result, error) {
	b, err := sample.CompanyFile(name)
	if err != nil {
		return nil, err
	}
	res, err := importer.Import(ctx, s, bytes.NewReader(b), opts)
	if err != nil {
		return nil, fmt.Errorf("sample: import %s: %w", name, err)
	}
	return res, nil
}

// loadPending loads the company's current resources (resources.csv, kind
// resources: the amounts are then no longer assumed), its opportunities
// (opportunities.csv.gz) and its 12 quarters of history (history.csv, by
// territory). The history is stored without updating the market estimates:
// markets.csv already holds the latest year's revenue, and the seasonal last
// quarter × 4 would stand in for it less well.
func loadPending(ctx context.Context, s Store, scenario int64) error {
	if _, err := importFile(ctx, s, sample.FileResources, importer.Options{Kind: importer.KindResources, Scenario: scenario, Actor: "sample"}); err != nil {
		return err
	}
	if _, err := importFile(ctx, s, sample.FileOpportunities, importer.Options{Kind: importer.KindOpportunities, Layer: sample.LayerID, Actor: "sample",
		Fields: map[string]string{"won": sample.WonStage, "lost": sample.LostStage}}); err != nil {
		return err
	}
	_, err := importFile(ctx, s, sample.FileHistory, importer.Options{Kind: importer.KindHistory, Layer: sample.LayerID, Scenario: scenario, Actor: "sample",
		Fields: map[string]string{"update_markets": "false"}})
	return err
}

// setBaseline gives the baseline its resources (the headcount at the
// quota-carrying reps' mean cost), totals (today's amounts), budget and
// settings, as sample.Build states them.
func setBaseline(ctx context.Context, s Store, scenario int64) error {
	ts, err := s.FindTerritories(ctx, scenario)
	if err != nil {
		return err
	}
	users, err := s.FindUsers(ctx)
	if err != nil {
		return err
	}
	var costs []float64
	for _, u := range users {
		if u.Role == terrane.RoleRep && u.Quota > 0 {
			costs = append(costs, u.Cost)
		}
	}
	sc := sample.Baseline(ts, costs)
	_, err = s.UpdateScenario(ctx, scenario, terrane.ScenarioUpdate{Budget: &sc.Budget, Resources: sc.Resources, Settings: sc.Settings}, "sample")
	return err
}

// Background loads the built-in layers that serve loads after it has
// started (sample.BackgroundLayers: us-zips), one after the other, and
// tells how far each is. The zero value is ready to use; it is safe for
// concurrent use.
type Background struct {
	mu    sync.Mutex
	loads []terrane.LayerLoad
}

// Run loads every background layer not loaded yet into s, returning the
// ids of those it loaded and the first error (the layer it failed on stays
// listed by Loads as "failed"). Each layer is listed by Loads from the
// start of Run until it is loaded.
func (b *Background) Run(ctx context.Context, s sample.Store) ([]string, error) {
	now := time.Now()
	b.mu.Lock()
	for _, id := range sample.BackgroundLayers {
		if _, err := s.Meta(ctx, sample.LayerMetaKey(id)); err != nil {
			b.loads = append(b.loads, terrane.LayerLoad{Layer: id, Stage: "waiting", Started: now})
		}
	}
	b.mu.Unlock()
	var loaded []string
	for _, id := range sample.BackgroundLayers {
		did, err := sample.LoadLayer(ctx, s, id, func(stage string) { b.set(id, stage, "") })
		if err != nil {
			b.set(id, "failed", err.Error())
			return loaded, err
		}
		b.done(id)
		if did {
			loaded = append(loaded, id)
		}
	}
	return loaded, nil
}

// Loads lists the layers not loaded yet, with their stage.
func (b *Background) Loads() []terrane.LayerLoad {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]terrane.LayerLoad(nil), b.loads...)
}

func (b *Background) set(id, stage, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.loads {
		if b.loads[i].Layer == id {
			b.loads[i].Stage, b.loads[i].Error = stage, msg
			if stage == sample.StageBuild {
				b.loads[i].Started = time.Now()
			}
		}
	}
}

func (b *Background) done(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.loads = slices.DeleteFunc(b.loads, func(l terrane.LayerLoad) bool { return l.Layer == id })
}
