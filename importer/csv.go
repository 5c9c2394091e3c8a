package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/terrane/terrane"
)

// table reads a CSV file row by row with columns found by name.
type table struct {
	r      *csv.Reader
	header []string
	norm   []string // normalized header names
	p      *problems
	row    int // line of the current row
	rows   int // data rows read
}

// newTable reads the header of a CSV file. A bad header is reported to p and
// gives a nil table.
func newTable(data []byte, delimiter string, p *problems) (*table, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	if i := bytes.IndexByte(data, 0); i >= 0 {
		// No database stores a NUL in text; say where it is.
		// Line 0: a problem of the whole file, which skip_invalid does not skip.
		p.add(0, "", "", "line %d contains a NUL character (is the file binary, or UTF-16? save it as UTF-8 CSV)", 1+bytes.Count(data[:i], []byte("\n")))
		return nil, nil
	}
	if !utf8.Valid(data) {
		line := 1
		for rest := data; len(rest) > 0; {
			r, n := utf8.DecodeRune(rest)
			if r == utf8.RuneError && n <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			rest = rest[n:]
		}
		p.add(0, "", "", "line %d is not valid UTF-8: save the file as UTF-8 CSV", line)
		return nil, nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	switch d := delimiter; d {
	case "", ",":
	case `\t`, "tab":
		r.Comma = '\t'
	default:
		c, n := utf8.DecodeRuneInString(d)
		if n != len(d) || c == '"' || c == '\r' || c == '\n' || c == utf8.RuneError {
			return nil, terrane.Errorf(terrane.EINVALID, "option delimiter: %q is not one character", d)
		}
		r.Comma = c
	}
	header, err := r.Read()
	if err == io.EOF {
		p.add(0, "", "", "the file is empty: no header row")
		return nil, nil
	} else if err != nil {
		p.add(1, "", "", "header: %v", csvMessage(err))
		return nil, nil
	}
	t := &table{r: r, header: append([]string(nil), header...), p: p, row: 1}
	seen := map[string]int{}
	for i, h := range t.header {
		t.header[i] = strings.TrimSpace(h)
		n := normalize(h)
		t.norm = append(t.norm, n)
		if n == "" {
			continue
		}
		if j, dup := seen[n]; dup {
			p.add(1, "", t.header[i], "column appears twice (also column %d)", j+1)
		}
		seen[n] = i
	}
	return t, nil
}

// normalize folds a column name for matching: lower case without spaces,
// underscores, hyphens, dots or slashes, so "Postal Code" matches postal_code.
func normalize(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(strings.TrimSpace(s)) {
		switch c {
		case ' ', '_', '-', '.', '/', '\t':
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// column finds the column for option key: the user's choice (opts.Fields[key])
// must exist, else it is reported missing; otherwise the first default name
// present is used. It returns -1 when the column is absent, reporting it
// when required.
func (t *table) column(o Options, key string, required bool, defaults ...string) int {
	if name, ok := o.Fields[key]; ok && strings.TrimSpace(name) != "" {
		if i := t.find(name); i >= 0 {
			return i
		}
		t.p.add(1, "", strings.TrimSpace(name), "missing column (chosen for %s); the columns are %s", key, t.list())
		return -1
	}
	for _, d := range append([]string{key}, defaults...) {
		if i := t.find(d); i >= 0 {
			return i
		}
	}
	if required {
		t.p.add(1, "", key, "missing column %q; choose another with the option %s=COLUMN; the columns are %s", key, key, t.list())
	}
	return -1
}

func (t *table) find(name string) int {
	n := normalize(name)
	for i, h := range t.norm {
		if h == n && n != "" {
			return i
		}
	}
	return -1
}

func (t *table) list() string {
	const max = 12
	q := make([]string, 0, max+1)
	for i, h := range t.header {
		if i == max {
			q = append(q, "…")
			break
		}
		q = append(q, strconv.Quote(h))
	}
	return strings.Join(q, ", ")
}

// next returns the next data row, or nil at the end. Rows that cannot be
// parsed, or are shorter than the header, are reported and skipped. Blank
// lines are skipped by encoding/csv.
func (t *table) next() []string {
	for {
		rec, err := t.r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			line := t.row + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
				if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
					// The rest of the file is unreadable once quotes are off.
					t.p.add(line, "", "", "%v", csvMessage(err))
					return nil
				}
			}
			t.p.add(line, "", "", "%v", csvMessage(err))
			continue
		}
		t.row, _ = t.r.FieldPos(0)
		t.rows++
		if len(rec) < len(t.header) && !(len(rec) == 1 && rec[0] == "") {
			// Missing trailing fields are read as empty.
			for len(rec) < len(t.header) {
				rec = append(rec, "")
			}
		}
		return rec
	}
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "CSV: " + pe.Err.Error()
	}
	return err.Error()
}

// get returns field i of rec trimmed, or "" when i < 0 or out of range.
func get(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

var thousands = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$`)

// number parses a decimal number as written in spreadsheets and CRM exports:
// an optional currency sign "$", comma thousands separators, a trailing "%"
// (divided by 100). ok is false with a message for anything else, including
// NaN and infinities. An empty field is (0, false, "").
func number(s string) (v float64, ok bool, msg string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, ""
	}
	pct := false
	if strings.HasSuffix(s, "%") {
		pct, s = true, strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	if strings.HasPrefix(s, "$") {
		s = s[1:]
	} else if strings.HasPrefix(s, "-$") {
		s = "-" + s[2:]
	}
	if strings.IndexByte(s, ',') >= 0 && thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, false, "is out of range"
		}
		return 0, false, "is not a number"
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, "is not a finite number"
	}
	if pct {
		v /= 100
	}
	return v, true, ""
}

// quote shortens a field for a message.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
