// Package loader loads the sample dataset into a store: the geography of
// data/sample directly, and the simulated company's files (data/sample/company)
// through the importers, as a user's own files would be (docs/import.md).
// It lives apart from data/sample because the importer uses data/sample's
// ZIP tables.
package loader

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

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
// earlier (layer present, marker absent) is removed and done again. It
// reports whether it loaded anything.
func Load(ctx context.Context, s Store) (bool, error) {
	if _, err := s.Meta(ctx, sample.MetaKey); err == nil {
		return false, nil
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
	return true, s.SetMeta(ctx, sample.MetaKey, terrane.Version)
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

// loadPending loads the company's current resources, opportunities and
// history (files resources.csv, opportunities.csv.gz and history.csv, in
// the formats of the kinds resources, opportunities and history). Once
// those kinds are on main it is the three imports
//
//	importFile(ctx, s, sample.FileResources, importer.Options{Kind: "resources", Layer: sample.LayerID,
//		Fields: map[string]string{"scenario": id}})
//	importFile(ctx, s, sample.FileOpportunities, importer.Options{Kind: "opportunities", Layer: sample.LayerID,
//		Fields: map[string]string{"won": sample.WonStage, "lost": sample.LostStage}})
//	importFile(ctx, s, sample.FileHistory, importer.Options{Kind: "history", Layer: sample.LayerID,
//		Fields: map[string]string{"scenario": id}})
//
// (id = the baseline's id in decimal). Until then it sets the territories'
// current amounts from resources.csv directly through the store, and the
// opportunities and history stay in their files (no store holds them yet).
func loadPending(ctx context.Context, s Store, scenario int64) error {
	// wired after kinds resources, opportunities and history land on main
	b, err := sample.CompanyFile(sample.FileResources)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) == 0 {
		return fmt.Errorf("sample: %s: %v", sample.FileResources, firstNonNil(err, io.ErrUnexpectedEOF))
	}
	if h := recs[0]; len(h) != 3 || h[0] != "territory" || h[1] != "resource" || h[2] != "amount" {
		return fmt.Errorf("sample: %s: header %v, want territory,resource,amount", sample.FileResources, h)
	}
	ts, err := s.FindTerritories(ctx, scenario)
	if err != nil {
		return err
	}
	byID := map[string]*terrane.Territory{}
	for _, t := range ts {
		byID[t.ID] = t
		t.Current = map[string]float64{}
	}
	for n, rec := range recs[1:] {
		t := byID[rec[0]]
		v, err := strconv.ParseFloat(rec[2], 64)
		if t == nil || err != nil {
			return fmt.Errorf("sample: %s line %d: territory %q amount %q", sample.FileResources, n+2, rec[0], rec[2])
		}
		t.Current[rec[1]] = v
	}
	assignments, err := s.FindAssignments(ctx, scenario)
	if err != nil {
		return err
	}
	return s.ReplaceTerritories(ctx, scenario, ts, assignments, "sample")
}

func firstNonNil(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
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
