package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/terrane/terrane"
)

// DefaultMaxErrors is the number of problems listed in an *Errors when
// Options.MaxErrors is zero.
const DefaultMaxErrors = 20

// Problem is one thing wrong with an imported file.
type Problem struct {
	// Row is the line of a CSV file, 1-based, the header being line 1; 0 when
	// the problem is not about one row.
	Row int `json:"row,omitempty"`
	// Feature is the 0-based index of a feature (GeoJSON, TopoJSON) or record
	// (shapefile); nil when the problem is not about one feature.
	Feature *int `json:"feature,omitempty"`
	// ID is the id of the unit, account or feature concerned, when known.
	ID string `json:"id,omitempty"`
	// Field names the column, property or part of the file that is wrong,
	// e.g. "revenue", "geometry", "Postal Code"; empty for the whole row or file.
	Field string `json:"field,omitempty"`
	// Message says what is wrong, for people.
	Message string `json:"message"`
}

// String renders the problem, e.g. `line 12: revenue: "-3" is negative`.
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Row > 0:
		fmt.Fprintf(&b, "line %d", p.Row)
	case p.Feature != nil:
		fmt.Fprintf(&b, "feature %d", *p.Feature)
	}
	if p.ID != "" {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "(id %s)", strconv.Quote(p.ID))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Errors is the error of a rejected file: its problems in file order, at most
// Options.MaxErrors of them, and how many more were found. It unwraps to a
// *terrane.Error with code EINVALID whose message lists the problems, so
// terrane.ErrorCode and terrane.ErrorMessage work on it.
type Errors struct {
	// Kind is what was imported: one of Kinds.
	Kind string `json:"kind"`
	// Format is the file format: csv, geojson, topojson or shapefile.
	Format string `json:"format"`
	// Problems are the problems listed.
	Problems []Problem `json:"problems"`
	// More is the number of further problems found but not listed.
	More int `json:"more"`
	// ProblemsTotal is the number of problems found, listed or not: every
	// row of the file is checked however many problems there are.
	ProblemsTotal int `json:"problems_total"`
}

// Total is the number of problems found, listed or not.
func (e *Errors) Total() int { return len(e.Problems) + e.More }

// Message renders the problems for people: a summary line, then one problem
// per line, then "… and N more".
func (e *Errors) Message() string {
	var b strings.Builder
	n := e.Total()
	fmt.Fprintf(&b, "%s file (%s) rejected: %d problem", e.Kind, e.Format, n)
	if n != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.More)
	}
	return b.String()
}

// Error implements the error interface with Message.
func (e *Errors) Error() string { return "importer: " + e.Message() }

// Unwrap returns the *terrane.Error (EINVALID) equivalent of e.
func (e *Errors) Unwrap() error { return &terrane.Error{Code: terrane.EINVALID, Message: e.Message()} }

// Skipped is a row left out of an import made with skip_invalid=true, and why.
type Skipped struct {
	// Line is the CSV line of the row, 1-based, the header being line 1;
	// for a units file, the 0-based index of the feature (or shapefile
	// record), as in the repairs list.
	Line int `json:"line"`
	// ID is the id of the unit, account or territory of the row, when known.
	ID string `json:"id,omitempty"`
	// Field names the column that is wrong; empty for the whole row.
	Field string `json:"field"`
	// Message says what is wrong, for people.
	Message string `json:"message"`
}

// problems collects Problems up to a cap. With skip set, problems of one
// data row (line > 1) do not fail the file: they are kept, all of them, in
// skipped, and the parsers leave the row out (bad reports it).
type problems struct {
	errs    *Errors
	max     int
	skip    bool
	skipped []Skipped
	badRows map[int]bool
}

func newProblems(kind, format string, max int) *problems {
	if max <= 0 {
		max = DefaultMaxErrors
	}
	return &problems{errs: &Errors{Kind: kind, Format: format}, max: max}
}

// add records a problem on CSV line row (0 = none).
func (p *problems) add(row int, id, field, format string, args ...any) {
	p.addProblem(Problem{Row: row, ID: id, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) addProblem(pr Problem) {
	if p.skip && pr.Row > 1 {
		if p.badRows == nil {
			p.badRows = map[int]bool{}
		}
		p.badRows[pr.Row] = true
		p.skipped = append(p.skipped, Skipped{Line: pr.Row, ID: pr.ID, Field: pr.Field, Message: pr.Message})
		return
	}
	p.errs.ProblemsTotal++
	if len(p.errs.Problems) >= p.max {
		p.errs.More++
		return
	}
	p.errs.Problems = append(p.errs.Problems, pr)
}

// skipFeature records a feature of a units file left out with skip_invalid;
// its Skipped.Line is the 0-based feature index.
func (p *problems) skipFeature(feature int, id, field, msg string) {
	p.skipped = append(p.skipped, Skipped{Line: feature, ID: id, Field: field, Message: msg})
}

// bad reports whether the data row on CSV line row had a problem and is to
// be left out (only with skip).
func (p *problems) bad(row int) bool { return p.badRows[row] }

func (p *problems) err() error {
	p.errs.ProblemsTotal = p.errs.Total()
	if p.errs.Total() == 0 {
		return nil
	}
	return p.errs
}
