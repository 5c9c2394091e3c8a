package plan

import (
	"fmt"
	"math"
	"strings"
)

// Words for people: the warnings a run writes are read by sales leaders, so
// they use names, formatted amounts and correct plurals, as the web app does.

// money formats dollars compactly: $1.2M, $416k, $950.
func money(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "−", -v
	}
	trim := func(x float64) string {
		digits := 2
		if x >= 100 {
			digits = 0
		} else if x >= 10 {
			digits = 1
		}
		s := fmt.Sprintf("%.*f", digits, x)
		if digits > 0 {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return s
	}
	switch {
	case v >= 1e9:
		return sign + "$" + trim(v/1e9) + "B"
	case v >= 1e6:
		return sign + "$" + trim(v/1e6) + "M"
	case v >= 1e3:
		return sign + "$" + trim(v/1e3) + "k"
	}
	return sign + "$" + fmt.Sprintf("%.0f", math.Round(v))
}

// moneyRange formats a band of dollars: "$416k–$460k".
func moneyRange(lo, hi float64) string {
	a, b := money(lo), money(hi)
	if a == b {
		return a
	}
	return a + "–" + b
}

// counted writes a count with its noun in the right number: "1 unit", "3 units".
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// names joins names for a sentence, the first ten and a count of the rest:
// "A", "A and B", "A, B and C", "A, B, … and 4 more".
func names(list []string) string {
	if len(list) > 10 {
		return strings.Join(list[:10], ", ") + fmt.Sprintf(" and %d more", len(list)-10)
	}
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

// territoryNames maps today's territory ids to their names.
func territoryNames(in *Inputs) map[string]string {
	out := map[string]string{}
	for _, t := range in.Territories {
		if t.Name != "" {
			out[t.ID] = t.Name
		}
	}
	return out
}

// nameOf is a territory's name, or its id when it has none yet.
func nameOf(known map[string]string, id string) string {
	if n, ok := known[id]; ok {
		return n
	}
	return id
}

// count formats a number of things with thousands separators: 1,204.
func count(v float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(math.Round(v)))
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if v < -0.5 {
		return "−" + s
	}
	return s
}

// measureAmount formats a quantity of a balance measure: $1.2M, 1,204 accounts,
// 1,380 hours.
func measureAmount(measure string, v float64) string {
	switch measure {
	case MeasureMarket, MeasureRevenue:
		return money(v)
	case MeasureAccounts:
		return count(v) + " accounts"
	case MeasureWorkload:
		return count(v) + " hours"
	}
	return count(v)
}

// amountRange formats a band of a measure: "$416k–$460k", "95–116 accounts".
func amountRange(measure string, lo, hi float64) string {
	switch measure {
	case MeasureMarket, MeasureRevenue:
		return moneyRange(lo, hi)
	case MeasureAccounts:
		return count(lo) + "–" + count(hi) + " accounts"
	case MeasureWorkload:
		return count(lo) + "–" + count(hi) + " hours a year"
	}
	return count(lo) + "–" + count(hi)
}

// measureNoun is what a measure is called in a sentence.
func measureNoun(measure string) string {
	switch measure {
	case MeasureMarket:
		return "market"
	case MeasureRevenue:
		return "current revenue"
	case MeasureWorkload:
		return "hours of work"
	}
	return measure
}

// balancedSentence says in one sentence how the balanced territories meet
// every measure: "Every balanced territory holds $416k–$460k of market and
// 95–116 accounts." or, when some miss a band, which and how many.
func balancedSentence(bands []MeasureBand) string {
	if len(bands) == 0 {
		return ""
	}
	var held, missed []string
	for _, b := range bands {
		part := amountRange(b.Measure, b.Min, b.Max)
		switch b.Measure {
		case MeasureMarket:
			part += " of market"
		case MeasureRevenue:
			part += " of current revenue"
		case MeasureWorkload:
			part = count(b.Min) + "–" + count(b.Max) + " hours of work a year"
			if b.RepsPerTerritory > 0 {
				part += fmt.Sprintf(" (%.1f reps' time)", b.RepsPerTerritory)
			}
		}
		held = append(held, part)
		if b.Outside > 0 {
			missed = append(missed, fmt.Sprintf("%s on %s", counted(b.Outside, "territory misses its band", "territories miss their band"), measureNoun(b.Measure)))
		}
	}
	s := "Every balanced territory holds " + names(held) + "."
	if len(missed) > 0 {
		s = "Balanced territories should hold " + names(held) + "; " + names(missed) + "."
	}
	return s
}
