package fit

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
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

// TestGeoMedia is the acceptance back-test on Meridian's geo_media: fit
// on the first 143 weeks of the 20 geos, forecast the last 13 given the
// spend and the controls; WAPE per geo-week ≤ 0.10, coverage of the 80 %
// intervals 0.70–0.90, and the naive baselines where the issue measured
// them (0.22 and 0.29).
func TestGeoMedia(t *testing.T) {
	ds := loadGeoMedia(t, true)
	res, err := Fit(context.Background(), ds, Options{Holdout: 13})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Granularity != Week || res.FittedPeriods != 143 || res.HoldoutPeriods != 13 || len(res.Territories) != 20 {
		t.Fatalf("%s, %d fitted + %d held out, %d territories; want weeks, 143 + 13, 20", ds.Granularity, res.FittedPeriods, res.HoldoutPeriods, len(res.Territories))
	}
	m := res.Holdout.Model
	t.Logf("model: %s; %d iterations, %.2fs", describe(m), res.Iterations, res.Seconds)
	if m.N != 260 || *m.WAPE > 0.10 || *m.Coverage < 0.70 || *m.Coverage > 0.90 {
		t.Errorf("model: %s; want n 260, WAPE ≤ 0.10, coverage 0.70–0.90", describe(m))
	}
	want := map[string]float64{"last_n_mean": 0.22, "year_ago": 0.29}
	for _, b := range res.Holdout.Baselines {
		t.Logf("%s: %s", b.Name, describe(b.Metrics))
		if w, ok := want[b.Name]; ok && math.Abs(*b.Metrics.WAPE-w) > 0.005 {
			t.Errorf("%s: WAPE %.3f, want %.2f", b.Name, *b.Metrics.WAPE, w)
		}
		if *b.Metrics.WAPE <= *m.WAPE {
			t.Errorf("%s (WAPE %.3f) is not beaten by the model (%.3f)", b.Name, *b.Metrics.WAPE, *m.WAPE)
		}
	}
	for _, tf := range res.Territories {
		if tf.Holdout == nil || tf.Holdout.N != 13 || len(tf.Baselines) != len(Baselines) {
			t.Fatalf("%s: holdout %+v, %d baselines; want 13 rows and %d baselines", tf.Territory, tf.Holdout, len(tf.Baselines), len(Baselines))
		}
	}
	if len(res.Predictions) != 260 {
		t.Fatalf("%d predictions, want 260", len(res.Predictions))
	}
	for _, pr := range res.Predictions {
		if !(pr.P10 <= pr.Forecast && pr.Forecast <= pr.P90) {
			t.Fatalf("%s %s: forecast %.0f outside its interval [%.0f, %.0f]", pr.Territory, pr.Period, pr.Forecast, pr.P10, pr.P90)
		}
	}
}

// BenchmarkGeoMedia times the geo_media fit (one core: go test -cpu 1).
func BenchmarkGeoMedia(b *testing.B) {
	ds := loadGeoMedia(b, true)
	for b.Loop() {
		if _, err := Fit(context.Background(), ds, Options{Holdout: 13}); err != nil {
			b.Fatal(err)
		}
	}
}

func describe(m Metrics) string {
	f := func(p *float64) string {
		if p == nil {
			return "–"
		}
		return strconv.FormatFloat(*p, 'f', 3, 64)
	}
	return fmt.Sprintf("n %d, WAPE %s, MAPE %s, bias %s, coverage %s", m.N, f(m.WAPE), f(m.MAPE), f(m.Bias), f(m.Coverage))
}
