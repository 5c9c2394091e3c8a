package sample_test

import (
	"flag"
	"os"
	"testing"

	"github.com/terrane/terrane/data/sample"
)

var updateHistory = flag.Bool("update-superstore-history", false, "rewrite data/sample/"+sample.SuperstoreHistoryFile)

// TestSuperstoreStateHistory checks the committed by-state history is what
// SuperstoreStateHistory writes (go test ./data/sample -run
// TestSuperstoreStateHistory -update-superstore-history rewrites it).
func TestSuperstoreStateHistory(t *testing.T) {
	b, err := sample.SuperstoreStateHistory()
	if err != nil {
		t.Fatal(err)
	}
	if *updateHistory {
		if err := os.WriteFile(sample.SuperstoreHistoryFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(sample.SuperstoreHistoryFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(b) {
		t.Fatalf("%s is not what SuperstoreStateHistory writes; rerun with -update-superstore-history", sample.SuperstoreHistoryFile)
	}
}

// TestStateMarketProxies checks the state proxies sum to the national
// market over the 50 states and DC (a little above: the $1,000 floor), with saturation between rural and
// metro.
func TestStateMarketProxies(t *testing.T) {
	ms, err := sample.StateMarketProxies(26e6, 0.08, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 51 {
		t.Fatalf("%d states, want 51", len(ms))
	}
	var tot float64
	for id, m := range ms {
		tot += m.Market
		if m.Saturation < 0.05-1e-12 || m.Saturation > 0.08+1e-12 || m.Low >= m.Market || m.High <= m.Market {
			t.Errorf("%s: %+v", id, m)
		}
	}
	// the $1,000 floor of a county lifts the sum a little above the national
	if tot < 26e6 || tot > 26e6*1.03 {
		t.Errorf("sum of markets %.0f, want 26e6 to 3 %% above", tot)
	}
}
