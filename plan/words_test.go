package plan

import (
	"math"
	"strings"
	"testing"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/align"
)

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{416439, "$416k"}, {460275, "$460k"}, {3_420_000, "$3.42M"}, {950, "$950"}, {0, "$0"}, {-2_500_000, "−$2.5M"}, {12_345, "$12.3k"},
	} {
		if got := money(tc.v); got != tc.want {
			t.Errorf("money(%v) = %q; want %q", tc.v, got, tc.want)
		}
	}
	if got, want := moneyRange(416439, 460275), "$416k–$460k"; got != want {
		t.Errorf("moneyRange = %q; want %q", got, want)
	}
}

// TestWarningsForPeople: the alignment's warnings name counties, format
// dollars, use correct plurals and do not contradict one another (issue 12,
// case 9: "56 of 56 territories are outside the balance band" beside "the
// other 56 territories are balanced among themselves"; "1 are stranded";
// "416439–460275 dollars").
func TestWarningsForPeople(t *testing.T) {
	in := &Inputs{Units: []*terrane.Unit{{ID: "06037", Name: "Los Angeles County"}, {ID: "32009", Name: "Esmeralda County"}}}
	ap := &Alignment{IDs: make([]string, 56), Oversize: []int{0, 1}, Stranded: []string{"32009"}}
	renamed := &Inputs{Territories: []*terrane.Territory{{ID: "CA", Name: "California"}, {ID: "AK", Name: "Alaska"}},
		Units: []*terrane.Unit{{ID: "06085", Name: "Santa Clara County"}}}
	lost := &Alignment{Renamed: []Renamed{{From: "CA", To: "T-06085", Kept: 0.13}, {From: "AK", To: "T-02020"}}}
	for _, tc := range []struct {
		name, got string
		want, not []string
	}{
		{"all miss the band", bandWarning(56, 56, 416439, 460275, []string{"California ($380k)"}, 6),
			[]string{"None of the 56 territories", "$416k–$460k", "California ($380k)"}, []string{"416439", "dollars"}},
		{"one misses the band", bandWarning(1, 56, 416439, 460275, []string{"Nevada ($500k)"}, 6),
			[]string{"1 of 56 territories holds"}, []string{"1 of 56 territories hold more"}},
		{"peeled, others balanced", peeledWarning(in, ap, 0),
			[]string{"2 counties are each a territory of their own", "1 holds more market", "Los Angeles County", "1 is stranded", "Esmeralda County", "The other 56 territories are balanced"},
			[]string{"06037", "1 are", "1 hold "}},
		{"peeled, all miss the band", peeledWarning(in, ap, 56),
			[]string{"2 counties"}, []string{"balanced among themselves", "the other 56"}},
		{"renamed, by name", renamedWarning(renamed, lost),
			[]string{"2 of today's territories are not kept", "California (13% of its market is now in Santa Clara County) and Alaska."}, []string{"(CA", "T-06085", "13 %"}},
		{"peeled, some miss the band", peeledWarning(in, ap, 6),
			[]string{"Of the other 56 territories, 50 are within the band"}, []string{"balanced among themselves"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(tc.got, w) {
					t.Errorf("%q\nlacks %q", tc.got, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(tc.got, w) {
					t.Errorf("%q\nsays %q", tc.got, w)
				}
			}
		})
	}
}

func TestBalancedSentence(t *testing.T) {
	market := MeasureBand{Measure: MeasureMarket, Min: 416_439, Max: 460_275}
	accounts := MeasureBand{Measure: MeasureAccounts, Min: 95.4, Max: 116.2}
	work := MeasureBand{Measure: MeasureWorkload, Min: 1149.6, Max: 1405, RepsPerTerritory: 0.8}
	rev := MeasureBand{Measure: MeasureRevenue, Min: 2.1e6, Max: 2.5e6}
	for _, tc := range []struct {
		bands []MeasureBand
		want  string
	}{
		{[]MeasureBand{market}, "Every balanced territory holds $416k–$460k of market."},
		{[]MeasureBand{market, accounts, work, rev}, "Every balanced territory holds $416k–$460k of market, 95–116 accounts, 1,150–1,405 hours of work a year (0.8 reps' time) and $2.1M–$2.5M of current revenue."},
		{[]MeasureBand{market, {Measure: MeasureAccounts, Min: 95, Max: 116, Outside: 2}}, "Balanced territories should hold $416k–$460k of market and 95–116 accounts; 2 territories miss their band on accounts."},
		{nil, ""},
	} {
		if got := balancedSentence(tc.bands); got != tc.want {
			t.Errorf("got %q\nwant %q", got, tc.want)
		}
	}
	if got := count(-1234.4); got != "−1,234" {
		t.Errorf("count(−1234.4) = %q", got)
	}
}

func TestSpanWarningSaysWhereBandsContradict(t *testing.T) {
	in := &Inputs{Units: []*terrane.Unit{{ID: "12001"}, {ID: "12086", Name: "Miami-Dade County, FL"}}}
	ap := &Alignment{Units: []int{0, 1}}
	w := &align.SpanWitness{Span: 817_258, Center: 1, Radius: 96_395, Over: "accounts", Under: align.DemandMeasure, Ratio: 0.0024546}
	got := spanWarning(in, ap, w)
	for _, want := range []string{"around Miami-Dade County, FL", "within 96 km", "more accounts per $1M of market than", "(at most 2,455 accounts per $1M of market)", "the units within 914 km cannot make up for it", "at least 817 km across", "Widen the accounts or the market band"} {
		if !strings.Contains(got, want) {
			t.Errorf("spanWarning = %q; want it to contain %q", got, want)
		}
	}
	w.Radius = 0
	if got := spanWarning(in, ap, w); !strings.Contains(got, "around Miami-Dade County, FL: it holds more accounts") {
		t.Errorf("spanWarning (the unit alone) = %q; want it to say the unit holds more accounts", got)
	}
	w.Span = math.Inf(1)
	if got := spanWarning(in, ap, w); !strings.Contains(got, "no plan holds every band") {
		t.Errorf("spanWarning (no plan at all) = %q; want it to say no plan holds every band", got)
	}
}
