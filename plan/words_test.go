package plan

import (
	"strings"
	"testing"

	"github.com/terrane/terrane"
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
