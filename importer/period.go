package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/terrane/terrane"
)

// period is a span of time named in a history file.
type period struct {
	label       string    // canonical: "2017-03-05", "2017-03", "2017-Q1" or "2017"
	start, end  time.Time // first and last day, UTC
	granularity string    // day, month, quarter or year
}

var (
	yearPattern    = regexp.MustCompile(`^(\d{4})$`)
	monthPattern   = regexp.MustCompile(`^(\d{4})[-/](\d{1,2})$`)
	quarterPattern = regexp.MustCompile(`^(\d{4})\s*[-/ ]?\s*[Qq]([1-4])$`)
	quarterFirst   = regexp.MustCompile(`^[Qq]([1-4])\s*[-/ ]?\s*(\d{4})$`)
)

// periodHelp says which periods are accepted.
const periodHelp = "use a date (YYYY-MM-DD), YYYY-MM, YYYY-Qn or YYYY"

// parsePeriod reads a period: a date (as crmDate reads it), a month
// YYYY-MM, a quarter YYYY-Qn (or Qn YYYY, 2017Q1) or a year YYYY, in a
// year from minYear to maxYear.
func parsePeriod(s string) (period, bool) {
	p, ok := readPeriod(strings.TrimSpace(s))
	if !ok || p.start.Year() < minYear || p.start.Year() > maxYear {
		return period{}, false
	}
	return p, true
}

func readPeriod(s string) (period, bool) {
	if m := yearPattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		start := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return period{m[1], start, start.AddDate(1, 0, -1), terrane.GranularityYear}, true
	}
	if m := monthPattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return period{}, false
		}
		start := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
		return period{start.Format("2006-01"), start, start.AddDate(0, 1, -1), terrane.GranularityMonth}, true
	}
	y, q := "", ""
	if m := quarterPattern.FindStringSubmatch(s); m != nil {
		y, q = m[1], m[2]
	} else if m := quarterFirst.FindStringSubmatch(s); m != nil {
		y, q = m[2], m[1]
	}
	if y != "" {
		yy, _ := strconv.Atoi(y)
		qq, _ := strconv.Atoi(q)
		start := time.Date(yy, time.Month(3*qq-2), 1, 0, 0, 0, 0, time.UTC)
		return period{fmt.Sprintf("%s-Q%s", y, q), start, start.AddDate(0, 3, -1), terrane.GranularityQuarter}, true
	}
	if d, ok := crmDate(s); ok {
		return period{d.Format(time.DateOnly), d, d, terrane.GranularityDay}, true
	}
	return period{}, false
}

// periodsPerYear is how many periods of a granularity make a year: the
// factor that annualises a period's revenue.
func periodsPerYear(granularity string) int {
	switch granularity {
	case terrane.GranularityDay:
		return 365
	case terrane.GranularityMonth:
		return 12
	case terrane.GranularityQuarter:
		return 4
	}
	return 1
}

// annualLabel names the revenue of period p annualised: "2017", or
// "2017-Q4 ×4" for a quarter.
func annualLabel(p period) string {
	if n := periodsPerYear(p.granularity); n != 1 {
		return fmt.Sprintf("%s ×%d", p.label, n)
	}
	return p.label
}

// labelEnd is the last day of the period a revenue label (annualLabel)
// names; ok is false for "" or a label it cannot read.
func labelEnd(label string) (time.Time, bool) {
	first, _, _ := strings.Cut(strings.TrimSpace(label), " ")
	p, ok := parsePeriod(first)
	return p.end, ok
}

// ParsePeriod reads a history period as the history import does (a date,
// YYYY-MM, YYYY-Qn or YYYY): its canonical label, first day (UTC) and
// granularity (day, month, quarter or year). ok is false for anything
// else; periodHelp's wording is PeriodHelp.
func ParsePeriod(s string) (label string, start time.Time, granularity string, ok bool) {
	p, ok := parsePeriod(s)
	return p.label, p.start, p.granularity, ok
}

// PeriodHelp says which periods ParsePeriod accepts.
const PeriodHelp = periodHelp
