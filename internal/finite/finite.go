// Package finite checks the numbers of the server's answers for tests: no
// sentinel or non-finite number leaves the server (docs/api.md), money in
// CSV has at most 2 decimals and counts none.
package finite

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Max is the largest magnitude a number in an answer may have: the
// solver's sentinels (math.MaxFloat64 for an unbounded slope) are far above
// it, every real figure — dollars per year of a national plan — far below.
const Max = 1e15

// JSON lists every number of a JSON document that is not finite or whose
// magnitude is above Max, by its path ($.a.b[2]); a document that is not
// JSON is one problem.
func JSON(raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{fmt.Sprintf("not JSON: %v", err)}
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case json.Number:
			f, err := strconv.ParseFloat(string(x), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > Max {
				out = append(out, fmt.Sprintf("%s = %s, not a finite number of magnitude ≤ %g", path, x, Max))
			}
		}
	}
	walk("$", v)
	return out
}

// CSV lists every numeric cell of a CSV document (header first) that is
// not finite, is above Max, is written with an exponent or has more than 4
// decimals; cells of the columns named in money may have at most 2
// decimals, of those in counts none. It returns the rows read.
func CSV(raw []byte, money, counts map[string]bool) ([][]string, []string) {
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, []string{fmt.Sprintf("not CSV: %v", err)}
	}
	var out []string
	head := rows[0]
	for i, row := range rows[1:] {
		for j, c := range row {
			f, err := strconv.ParseFloat(c, 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				continue // text
			}
			col := head[j]
			dec := 0
			if k := strings.IndexByte(c, '.'); k >= 0 {
				dec = len(c) - k - 1
			}
			bad := ""
			switch {
			case err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > Max:
				bad = fmt.Sprintf("not a finite number of magnitude ≤ %g", Max)
			case strings.ContainsAny(c, "eE"):
				bad = "not a plain decimal"
			case money[col] && dec > 2:
				bad = "money with more than 2 decimals"
			case counts[col] && dec > 0:
				bad = "a count that is not a whole number"
			case dec > 4:
				bad = "more than 4 decimals"
			}
			if bad != "" {
				out = append(out, fmt.Sprintf("row %d %s = %s: %s", i+2, col, c, bad))
			}
		}
	}
	return rows, out
}
