package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/terrane/terrane"
)

// Kinds of import.
const (
	KindUnits       = "units"       // a layer's geography: GeoJSON, TopoJSON or a zipped Shapefile
	KindAssignments = "assignments" // CSV of unit → territory for a scenario
	KindAccounts    = "accounts"    // CSV of accounts, located by lon/lat or postal code
	KindMarkets     = "markets"     // CSV of market estimates per unit
)

// Kinds lists every kind, in the order documented.
var Kinds = []string{KindUnits, KindAssignments, KindAccounts, KindMarkets, KindReps, KindOpportunities, KindHistory}

// Default size limits of an imported file, in bytes.
const (
	DefaultMaxBytes     = 200 << 20 // for the CLI
	DefaultHTTPMaxBytes = 50 << 20  // for POST /api/v1/imports

	DefaultMaxRatio           = 20     // unpacked / packed size of a gzip or .zip
	DefaultMaxVertices        = 500000 // of a units file
	DefaultMaxFeatureVertices = 100000 // of one unit
)

// Store is what an import reads and writes: the root service interfaces.
type Store interface {
	terrane.GeographyService
	terrane.ScenarioService
	terrane.ImportService
}

// Options says what a file is and how to read it. Only Kind and Layer (or
// Scenario, for assignments) are required.
type Options struct {
	// Kind is one of Kinds.
	Kind string
	// Layer is the id of the layer the file is for, e.g. "us-counties". For
	// units it is created if it does not exist. For assignments it may be
	// empty (the scenario's layer) but must otherwise match the scenario's.
	Layer string
	// Scenario is the id of the scenario the file is for; required for
	// assignments and resources. For markets, reps and history by territory
	// it names the scenario whose territories the rows are; ignored otherwise.
	Scenario int64
	// Fields holds the options of the kind: column or property names such as
	// "id" → "GEOID" or "revenue" → "Sales", and settings such as
	// "group" → "Customer ID,Postal Code". See docs/import.md; an unknown key
	// is an error.
	Fields map[string]string
	// MaxBytes is the largest file accepted, in bytes; 0 means
	// DefaultMaxBytes. A larger file fails with ETOOLARGE.
	MaxBytes int64
	// MaxUnpackedBytes caps what a gzip file or a shapefile .zip unpacks
	// to, in bytes; 0 means 4 × MaxBytes. MaxRatio caps it further at that
	// many times the packed size (a zip bomb); 0 means DefaultMaxRatio.
	// Either exceeded gives ETOOLARGE.
	MaxUnpackedBytes int64
	MaxRatio         int
	// MaxVertices and MaxFeatureVertices cap the vertices of a units file
	// and of one of its features; 0 means DefaultMaxVertices and
	// DefaultMaxFeatureVertices. Either exceeded gives ETOOLARGE.
	MaxVertices        int
	MaxFeatureVertices int
	// MaxErrors caps the problems listed in an *Errors; 0 means
	// DefaultMaxErrors.
	MaxErrors int
	// Actor is the user recorded in the audit trail of a scenario; default
	// "import".
	Actor string
	// SkipInvalid, from the option skip_invalid=true, imports the valid rows
	// (features, for units) and reports the ones left out in Result.Skipped
	// instead of rejecting the file. Problems of the header or of the whole
	// file still reject it.
	SkipInvalid bool
	// sink, set by Import, receives the problems of the parse.
	sink *sink
	// audit, set by Import for the kinds that change a layer's data, is
	// the entry the store writes with the change (audited).
	audit *terrane.LayerAudit
	// Progress, when not nil, is called now and then with what is being
	// done and how many rows or features are done so far.
	Progress func(stage string, done int)
}

// Result summarizes a successful import.
type Result struct {
	Kind   string `json:"kind"`
	Layer  string `json:"layer"`
	Format string `json:"format"` // csv, geojson, topojson or shapefile
	Bytes  int64  `json:"bytes"`  // size of the file read
	Rows   int    `json:"rows"`   // data rows (CSV) or features read

	// Units import.
	Units      int `json:"units,omitempty"`      // units written
	Edges      int `json:"edges,omitempty"`      // neighbour pairs written, bridges included
	Islands    int `json:"islands,omitempty"`    // units with no neighbour by geometry
	Bridges    int `json:"bridges,omitempty"`    // edges added to connect islands (option bridge)
	Components int `json:"components,omitempty"` // connected parts of the layer by geometry
	// Repairs lists the features whose geometry was repaired (option repair=true), in file
	// order; nil when none was.
	Repairs []UnitRepair `json:"repairs,omitempty"`

	// Assignments import.
	Scenario           int64 `json:"scenario,omitempty"`
	ScenarioCreated    bool  `json:"scenario_created,omitempty"`    // the scenario was made by create_scenario
	Assigned           int   `json:"assigned,omitempty"`            // units assigned by the file
	Territories        int   `json:"territories,omitempty"`         // territories of the scenario after the import
	TerritoriesCreated int   `json:"territories_created,omitempty"` // territories the file created
	Unassigned         int   `json:"unassigned,omitempty"`          // units of the layer left without a territory; for opportunities, those with no account

	// Accounts import.
	Accounts         int     `json:"accounts,omitempty"`           // accounts written
	Located          int     `json:"located,omitempty"`            // accounts in a unit of the layer
	Unlocated        int     `json:"unlocated,omitempty"`          // accounts outside every unit (stored with no unit)
	ByPostalCode     int     `json:"by_postal_code,omitempty"`     // accounts placed by their postal code
	ByCrosswalk      int     `json:"by_crosswalk,omitempty"`       // of those, placed by the ZIP→county crosswalk
	ByUnit           int     `json:"by_unit,omitempty"`            // accounts placed by the unit column (a unit id or name, a country), at the unit's centroid
	Years            int     `json:"years,omitempty"`              // distinct years in the date column
	Revenue          float64 `json:"revenue,omitempty"`            // total revenue written, dollars per year
	RowsPerAccount   float64 `json:"rows_per_account,omitempty"`   // rows aggregated into one account, on average
	LocatedRowsShare float64 `json:"located_rows_share,omitempty"` // fraction of data rows whose account is located, in [0,1]

	// Markets import.
	Estimates int `json:"estimates,omitempty"` // market estimates written

	// Reps import (Scenario: where they were made owners).
	UsersCreated int `json:"users_created,omitempty"` // users the file created (no password yet: terrane users passwd)
	UsersUpdated int `json:"users_updated,omitempty"` // existing users the file updated

	// Resources import (Scenario: where; Territories: the territories the
	// file gave amounts of).
	Resources int `json:"resources,omitempty"` // current amounts written
	Assumed   int `json:"assumed,omitempty"`   // current amounts of the scenario still assumed (derived from revenue) after the import
	// Warnings are things to look at that did not stop the import, e.g.
	// current amounts adding up to more than a resource's total.
	Warnings []string `json:"warnings,omitempty"`

	// Opportunities import (Unassigned: opportunities with no account).
	Opportunities          int      `json:"opportunities,omitempty"`           // opportunities written
	Won                    int      `json:"won,omitempty"`                     // of those, won
	Lost                   int      `json:"lost,omitempty"`                    // of those, lost
	Open                   int      `json:"open,omitempty"`                    // of those, open (every other stage)
	UnmatchedAccounts      int      `json:"unmatched_accounts,omitempty"`      // distinct account ids not among the layer's accounts (kept)
	UnmatchedAccountIDs    []string `json:"unmatched_account_ids,omitempty"`   // the first 10 of them, in file order
	UnmatchedOpportunities int      `json:"unmatched_opportunities,omitempty"` // opportunities of those accounts

	// History import (Scenario: whose territories the rows are).
	HistoryRows     int      `json:"history_rows,omitempty"`     // rows written
	Periods         int      `json:"periods,omitempty"`          // distinct periods
	Granularity     string   `json:"granularity,omitempty"`      // day, month, quarter or year
	ResourceColumns []string `json:"resource_columns,omitempty"` // the columns read as resource amounts

	// ImportID is the id of the recorded import (opportunities, history).
	ImportID int64 `json:"import_id,omitempty"`

	// New actuals (accounts with a date column, history; see docs/import.md).
	MarketsUpdated int    `json:"markets_updated,omitempty"` // market estimates whose revenue, share and headroom the file updated
	RevenuePeriod  string `json:"revenue_period,omitempty"`  // the period their revenue now comes from, e.g. "2017", "2017-Q4 ×4" (a quarter annualised)
	MarketsNewer   int    `json:"markets_newer,omitempty"`   // estimates left alone: they hold actuals of a later period
	MarketsNote    string `json:"markets_note,omitempty"`    // says so, and what else was left out, for people

	// Skipped lists every row (units: feature) left out with
	// skip_invalid=true, in file order, with its reason; SkippedCSV is the
	// same as a CSV file (line,id,field,message; for units, line is the
	// 0-based feature index) to download. Both are absent when none was
	// skipped.
	Skipped    []Skipped `json:"skipped,omitempty"`
	SkippedCSV string    `json:"skipped_csv,omitempty"`
}

// sink keeps the problems of the last parse of an import.
type sink struct{ p *problems }

// newProblems starts the problems of a parse of kind with the options' cap
// and skip_invalid, and hands them to the import's sink.
func (o Options) newProblems(kind, format string) *problems {
	p := newProblems(kind, format, o.MaxErrors)
	p.skip = o.SkipInvalid
	if o.sink != nil {
		o.sink.p = p
	}
	return p
}

// Import reads a file of opts.Kind from r, validates it completely, and
// writes it to store in one transaction. A bad file gives an *Errors (which
// is an EINVALID *terrane.Error); a file over opts.MaxBytes gives ETOOLARGE;
// other option problems give EINVALID; an unknown layer or scenario gives
// ENOTFOUND. On any error nothing stored changes.
func Import(ctx context.Context, store Store, r io.Reader, opts Options) (*Result, error) {
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	data, err := readLimited(r, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	if data, err = gunzip(data, opts.unpackLimit(int64(len(data)))); err != nil {
		return nil, err
	}
	opts.sink = &sink{}
	res := &Result{Kind: opts.Kind, Layer: opts.Layer, Bytes: int64(len(data))}
	switch opts.Kind {
	case KindUnits, KindAccounts, KindMarkets, KindOpportunities, KindHistory:
		// The layer's data changes: on the record of every plan that reads
		// it (drafts; approved and published plans read their frozen copy),
		// written by the store in the transaction of the change.
		opts.audit = &terrane.LayerAudit{Actor: opts.Actor, Action: "import", Detail: map[string]any{"kind": res.Kind, "bytes": res.Bytes}}
	}
	switch opts.Kind {
	case KindUnits:
		err = importUnits(ctx, store, data, opts, res)
	case KindAssignments:
		err = importAssignments(ctx, store, data, opts, res)
	case KindAccounts:
		err = importAccounts(ctx, store, data, opts, res)
	case KindMarkets:
		err = importMarkets(ctx, store, data, opts, res)
	case KindReps:
		err = importReps(ctx, store, data, opts, res)
	case KindResources:
		err = importResources(ctx, store, data, opts, res)
	case KindOpportunities:
		err = importOpportunities(ctx, store, data, opts, res)
	case KindHistory:
		err = importHistory(ctx, store, data, opts, res)
	}
	if err != nil {
		return nil, err
	}
	if p := opts.sink.p; p != nil && len(p.skipped) > 0 {
		res.Skipped, res.SkippedCSV = p.skipped, skippedCSV(p.skipped)
	}
	return res, nil
}

// skippedCSV renders skipped rows as a CSV file with the header
// line,id,field,message.
func skippedCSV(rows []Skipped) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"line", "id", "field", "message"})
	for _, r := range rows {
		_ = w.Write([]string{strconv.Itoa(r.Line), r.ID, r.Field, r.Message})
	}
	w.Flush()
	return b.String()
}

// allowed lists the option keys (Options.Fields) of each kind.
var allowed = map[string][]string{
	KindUnits:       {"id", "name", "region", "object", "layer_name", "description", "contiguity", "bridge", "tolerance", "repair", "skip_invalid"},
	KindAssignments: {"unit_id", "territory_id", "territory_name", "parent", "owner", "mode", "create_scenario", "delimiter", "skip_invalid"},
	KindAccounts:    {"id", "group", "location", "name", "segment", "revenue", "lon", "lat", "postal_code", "unit", "aliases", "owner", "customer", "date", "per_year", "delimiter", "skip_invalid"},
	KindMarkets:     {"unit_id", "territory_id", "market", "revenue", "share", "saturation", "floor", "low", "high", "delimiter", "skip_invalid"},
}

// checkOptions validates opts and fills defaults.
func checkOptions(o *Options) error {
	keys, ok := allowed[o.Kind]
	if !ok {
		return terrane.Errorf(terrane.EINVALID, "kind %q: must be one of %s", o.Kind, strings.Join(Kinds, ", "))
	}
	create := o.Kind == KindAssignments && o.option("create_scenario", "") != ""
	switch {
	case create && o.Scenario > 0:
		return terrane.Errorf(terrane.EINVALID, "give scenario or create_scenario, not both: create_scenario makes a new baseline scenario from the file")
	case create && o.Layer == "":
		return terrane.Errorf(terrane.EINVALID, "layer is required with create_scenario: the new scenario is drawn on it")
	case create && o.option("mode", "replace") != "replace":
		return terrane.Errorf(terrane.EINVALID, "option mode: a scenario made by create_scenario has only the file's assignments; leave mode out")
	case o.Kind == KindAssignments && !create && o.Scenario <= 0:
		return terrane.Errorf(terrane.EINVALID, "scenario is required for an assignments import (or create_scenario=NAME to make a baseline scenario from the file)")
	}
	if o.Layer == "" && o.Kind != KindAssignments && o.Kind != KindResources {
		return terrane.Errorf(terrane.EINVALID, "layer is required")
	}
	if o.Layer != "" {
		l := terrane.Layer{ID: o.Layer, Name: o.Layer}
		if err := l.Validate(); err != nil {
			return err
		}
	}
	var unknown []string
	for k := range o.Fields {
		if !slices.Contains(keys, k) {
			unknown = append(unknown, strconv.Quote(k))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return terrane.Errorf(terrane.EINVALID, "unknown option %s for kind %s; the options are %s", strings.Join(unknown, ", "), o.Kind, strings.Join(keys, ", "))
	}
	skip, err := o.boolOption("skip_invalid", false)
	if err != nil {
		return err
	}
	o.SkipInvalid = o.SkipInvalid || skip
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxUnpackedBytes <= 0 {
		o.MaxUnpackedBytes = 4 * o.MaxBytes
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.MaxVertices <= 0 {
		o.MaxVertices = DefaultMaxVertices
	}
	if o.MaxFeatureVertices <= 0 {
		o.MaxFeatureVertices = DefaultMaxFeatureVertices
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = DefaultMaxErrors
	}
	if o.Actor == "" {
		o.Actor = "import"
	}
	if o.Progress == nil {
		o.Progress = func(string, int) {}
	}
	return nil
}

// TooLarge is the error of a file over the limit of max bytes.
func TooLarge(max int64) error {
	return terrane.Errorf(terrane.ETOOLARGE, "file is larger than the limit of %s", humanBytes(max))
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readLimited reads all of r, failing with ETOOLARGE past max bytes.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, max+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, TooLarge(max)
		}
		return nil, terrane.Errorf(terrane.EINVALID, "cannot read the file: %v", err)
	}
	if n > max {
		return nil, TooLarge(max)
	}
	if n == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "the file is empty")
	}
	return buf.Bytes(), nil
}

// unpackLimit is the most a file of packed bytes may unpack to.
func (o Options) unpackLimit(packed int64) int64 {
	unpacked, ratio := o.MaxUnpackedBytes, o.MaxRatio
	if unpacked <= 0 {
		unpacked = 4 * max(o.MaxBytes, 1)
		if o.MaxBytes <= 0 {
			unpacked = 4 * DefaultMaxBytes
		}
	}
	if ratio <= 0 {
		ratio = DefaultMaxRatio
	}
	return min(unpacked, int64(ratio)*max(packed, 1<<10))
}

// gunzip returns the content of a gzip file (recognized by its magic bytes
// 1f 8b, whatever the file is called), or data itself when it is not gzip.
// The content may be at most limit bytes (ETOOLARGE), like the members of
// a shapefile .zip: see Options.unpackLimit.
func gunzip(data []byte, limit int64) ([]byte, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, terrane.Errorf(terrane.EINVALID, "gzip: %v", err)
	}
	zr.Multistream(true)
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, terrane.Errorf(terrane.EINVALID, "gzip: the file is damaged or truncated: %v", err)
	}
	if n > limit {
		return nil, terrane.Errorf(terrane.ETOOLARGE, "gzip: the file unzips to more than %s (the limit: the smaller of the unpacked-size limit and %s × the packed size)", humanBytes(limit), "the ratio")
	}
	if n == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "gzip: the file is empty once unzipped")
	}
	return buf.Bytes(), nil
}

// option returns the value of option key, or def.
func (o Options) option(key, def string) string {
	if v, ok := o.Fields[key]; ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// boolOption parses a true/false option.
func (o Options) boolOption(key string, def bool) (bool, error) {
	v := o.option(key, "")
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, terrane.Errorf(terrane.EINVALID, "option %s: %q is not true or false", key, v)
	}
	return b, nil
}

// audited is ctx carrying the import's audit entry, with the rows the
// import writes, for the store call that changes the layer; ctx itself for
// kinds without one.
func (o Options) audited(ctx context.Context, rows int) context.Context {
	if o.audit == nil {
		return ctx
	}
	o.audit.Detail["rows"] = rows
	return terrane.WithLayerAudit(ctx, o.audit)
}
