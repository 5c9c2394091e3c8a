package fit

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
	"time"
)

// loadGeoMedia reads Meridian's geo_media.csv (testdata, Apache-2.0; see
// testdata/PROVENANCE.meridian.md): territories = geos, periods = weeks,
// resources = the four channels' spend, revenue = conversions ×
// revenue_per_conversion, and the two controls if asked.
func loadGeoMedia(tb testing.TB, controls bool) *Dataset {
	tb.Helper()
	f, err := os.Open("testdata/geo_media.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	num := func(rec []string, name string) float64 {
		v, err := strconv.ParseFloat(rec[col[name]], 64)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		return v
	}
	res := []string{"Channel0_spend", "Channel1_spend", "Channel2_spend", "Channel3_spend"}
	var ctl []string
	if controls {
		ctl = []string{"competitor_activity_score_control", "sentiment_score_control"}
	}
	var rows []Row
	for _, rec := range recs[1:] {
		start, err := time.Parse(time.DateOnly, rec[col["time"]])
		if err != nil {
			tb.Fatal(err)
		}
		r := Row{Territory: rec[col["geo"]], Period: rec[col["time"]], Start: start,
			Revenue: num(rec, "conversions") * num(rec, "revenue_per_conversion")}
		for _, name := range res {
			r.Resources = append(r.Resources, num(rec, name))
		}
		for _, name := range ctl {
			r.Controls = append(r.Controls, num(rec, name))
		}
		rows = append(rows, r)
	}
	ds, err := NewDataset(rows, res, ctl, Day)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

func TestGeoMediaExplore(t *testing.T) {
	for _, ctl := range []bool{false, true} {
		ds := loadGeoMedia(t, ctl)
		res, err := Fit(ds, Options{Holdout: 13})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("controls %v: %s, %d iterations, converged %v, %.1fs", ctl, ds.Granularity, res.Iterations, res.Converged, res.Seconds)
		show := func(name string, m Metrics) {
			f := func(p *float64) float64 {
				if p == nil {
					return -1
				}
				return *p
			}
			t.Logf("  %-14s n=%d wape %.3f mape %.3f bias %+.3f cov %.2f", name, m.N, f(m.WAPE), f(m.MAPE), f(m.Bias), f(m.Coverage))
		}
		show("model", res.Holdout.Model)
		for _, b := range res.Holdout.Baselines {
			show(b.Name, b.Metrics)
		}
		t.Logf("  sigma %+v shape %+v decay %+v", res.Shared.Sigma, res.Territories[0].Resources[0].Shape, res.Territories[0].Resources[0].Decay)
	}
}
