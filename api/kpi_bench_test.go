package api_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// opportunities100k is a CSV of 100,000 seeded opportunities on the grid
// fixture's accounts, owned by rita and rick; salt changes the amounts.
func opportunities100k(salt int) string {
	var csv strings.Builder
	csv.WriteString("id,account,owner,stage,amount,created,close_date,product\n")
	rng := rand.New(rand.NewPCG(1, 2))
	stages := []string{"Prospecting", "Proposal", "Negotiation", "Closed Won", "Closed Lost"}
	for i := 0; i < 100000; i++ {
		c, r := rng.IntN(4), rng.IntN(3)
		created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(700))
		st := stages[rng.IntN(len(stages))]
		closeDate := ""
		if strings.HasPrefix(st, "Closed") || rng.IntN(2) == 0 {
			closeDate = created.AddDate(0, 0, 10+rng.IntN(200)).Format(time.DateOnly)
		}
		fmt.Fprintf(&csv, "o%06d,acct-%c%d,%s,%s,%d,%s,%s,Core\n", i, 'a'+c, r, []string{"rita", "rick"}[rng.IntN(2)], st, 1000+rng.IntN(90000)+salt, created.Format(time.DateOnly), closeDate)
	}
	return csv.String()
}

// BenchmarkKPIs100k: GET …/kpis over 100,000 opportunities on the grid
// fixture (SQLite), by territory and by rep; and, per iteration, an import
// of 100,000 opportunities followed by the first KPI request after it
// (reported as import-ms and first-kpis-ms).
func BenchmarkKPIs100k(b *testing.B) {
	f := newFixture(b, "sqlite::memory:")
	if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"}, opportunities100k(0)); code != 200 {
		b.Fatalf("import: %d %v", code, out)
	}
	for _, by := range []string{"territory", "rep"} {
		b.Run(by, func(b *testing.B) {
			path := fmt.Sprintf("/api/v1/scenarios/%d/kpis?by=%s", f.baseline, by)
			for b.Loop() {
				if code, _ := f.raw("ann", "GET", path, nil); code != 200 {
					b.Fatalf("GET kpis = %d", code)
				}
			}
		})
	}
	b.Run("first-after-import", func(b *testing.B) {
		path := fmt.Sprintf("/api/v1/scenarios/%d/kpis?by=territory", f.baseline)
		var imports, firsts time.Duration
		n := 0
		for b.Loop() {
			csv := opportunities100k(n + 1) // other amounts: a new set of current opportunities
			t0 := time.Now()
			if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"}, csv); code != 200 {
				b.Fatalf("import: %d %v", code, out)
			}
			t1 := time.Now()
			if code, _ := f.raw("ann", "GET", path, nil); code != 200 {
				b.Fatalf("GET kpis = %d", code)
			}
			imports += t1.Sub(t0)
			firsts += time.Since(t1)
			n++
		}
		b.ReportMetric(float64(imports.Milliseconds())/float64(n), "import-ms")
		b.ReportMetric(float64(firsts.Microseconds())/1000/float64(n), "first-kpis-ms")
	})
}
