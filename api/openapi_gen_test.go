package api

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/importer"
	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/optimizer/fit"
	"github.com/terrane/terrane/plan"
)

// This file generates api/openapi.json from the operations table and the Go
// types of the bodies, by reflection; field comments become descriptions.
//
//	go test ./api -run '^TestGenerateOpenAPI$' -update   (or: make generate)
//
// Without -update the test fails when openapi.json is not what the code
// generates.

var update = flag.Bool("update", false, "rewrite api/openapi.json from the Go types")

// schemaNames renames types whose Go names say too little or collide.
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[allocate.Result]():       "AllocationResult",
	reflect.TypeFor[allocate.Problem]():      "AllocationProblem",
	reflect.TypeFor[allocate.Resource]():     "AllocationResource",
	reflect.TypeFor[allocate.Territory]():    "AllocationTerritory",
	reflect.TypeFor[allocate.Curve]():        "ResponseCurve",
	reflect.TypeFor[importer.Result]():       "ImportResult",
	reflect.TypeFor[importer.Problem]():      "ImportProblem",
	reflect.TypeFor[plan.ScenarioSettings](): "ScenarioSettings",
	reflect.TypeFor[plan.Bounds]():           "ResourceBounds",
	reflect.TypeFor[plan.RunResult]():        "RunResult",
	reflect.TypeFor[geojson.Geometry]():      "Geometry",
	reflect.TypeFor[plan.AlignSettings]():    "AlignSettings",
	reflect.TypeFor[fit.Result]():            "FitResult",
	reflect.TypeFor[fit.CurvePoint]():        "FitCurvePoint",
	reflect.TypeFor[fit.Interval]():          "FitInterval",
	reflect.TypeFor[fit.Metrics]():           "FitMetrics",
	reflect.TypeFor[fit.Scored]():            "FitScored",
	reflect.TypeFor[fit.Effect]():            "FitEffect",
	reflect.TypeFor[fit.Shared]():            "FitShared",
	reflect.TypeFor[fit.Skipped]():           "FitSkipped",
	reflect.TypeFor[fit.Prediction]():        "FitPrediction",
	reflect.TypeFor[fit.Backtest]():          "FitBacktest",
}

// looseTypes are objects stored as the caller sent them (scenario settings
// are kept as JSON text): no member is required, unknown members are kept.
var looseTypes = map[reflect.Type]bool{
	reflect.TypeFor[plan.ScenarioSettings](): true,
	reflect.TypeFor[plan.Bounds]():           true,
	reflect.TypeFor[plan.AlignSettings]():    true,
}

// fieldTypes gives JSON text fields the type their text has, by
// "package.Type.json_name".
var fieldTypes = map[string]reflect.Type{
	"terrane.Scenario.settings":    reflect.TypeFor[plan.ScenarioSettings](),
	"terrane.Run.input":            reflect.TypeFor[RunInput](),
	"terrane.Run.result":           reflect.TypeFor[plan.RunResult](),
	"api.ScenarioRequest.settings": reflect.TypeFor[plan.ScenarioSettings](),
	"api.RunInput.settings":        reflect.TypeFor[plan.ScenarioSettings](),
}

// requiredFields are the request fields of other packages that must be sent.
var requiredFields = map[string]bool{
	"plan.RunRequest.kind":  true,
	"terrane.Resource.name": true,
}

var (
	errorCodes = []string{terrane.EINVALID, terrane.EUNAUTHORIZED, terrane.EFORBIDDEN, terrane.ENOTFOUND, terrane.ECONFLICT,
		terrane.ETOOLARGE, terrane.EINFEASIBLE, terrane.ERATELIMIT, terrane.ENOTIMPL, terrane.EINTERNAL}
	runKinds    = []string{terrane.RunAlign, terrane.RunAllocate, terrane.RunAlignAllocate, terrane.RunFit}
	roles       = []string{terrane.RoleAdmin, terrane.RoleLeader, terrane.RoleAnalyst, terrane.RoleRep}
	solveStatus = []string{string(allocate.Optimal), string(allocate.Feasible), string(allocate.Infeasible)}
	importKinds = importer.Kinds
	bases       = []string{string(plan.BasisRun), string(plan.BasisSolved), string(plan.BasisCurrent), string(plan.BasisNone)}
)

// enums lists the values of string fields, by "package.Type.json_name".
var enums = map[string][]string{
	"api.ErrorDetail.code":            errorCodes,
	"api.ImportErrorDetail.code":      errorCodes,
	"terrane.Scenario.status":         {terrane.StatusDraft, terrane.StatusApproved, terrane.StatusPublished},
	"api.MoveResult.status":           {terrane.StatusDraft, terrane.StatusApproved, terrane.StatusPublished},
	"terrane.Run.status":              {terrane.RunQueued, terrane.RunRunning, terrane.RunSucceeded, terrane.RunFailed, terrane.RunCancelled},
	"terrane.Run.kind":                runKinds,
	"api.RunInput.kind":               runKinds,
	"plan.RunRequest.kind":            runKinds,
	"terrane.User.role":               roles,
	"api.UserRequest.role":            roles,
	"api.FrontierPoint.status":        solveStatus,
	"allocate.Result.status":          solveStatus,
	"plan.ScenarioSettings.objective": {"revenue", "profit"},
	"importer.Result.kind":            importKinds,
	"api.ImportForm.kind":             importKinds,
	"importer.Result.format":          {"csv", "geojson", "topojson", "shapefile"},
	"api.UnitCollection.type":         {"FeatureCollection"},
	"api.RegionCollection.type":       {"FeatureCollection"},
	"api.TerritoryCollection.type":    {"FeatureCollection"},
	"api.UnitFeature.type":            {"Feature"},
	"api.RegionFeature.type":          {"Feature"},
	"api.TerritoryFeature.type":       {"Feature"},
	"api.Comparison.basis_a":          bases,
	"api.Comparison.basis_b":          bases,
	"api.TerritoryImpact.status":      {"changed", "added", "removed"},
}

// generator builds component schemas from Go types.
type generator struct {
	schemas openapi3.Schemas
	owner   map[string]reflect.Type // schema name → the type it describes
	docs    map[string]string       // "pkgpath.Type" and "pkgpath.Type.Field" → comment
	used    map[string]bool         // keys of the tables above that were used
}

func newGenerator(t *testing.T) *generator {
	g := &generator{schemas: openapi3.Schemas{}, owner: map[string]reflect.Type{}, docs: map[string]string{}, used: map[string]bool{}}
	for _, pkg := range []string{"", "api", "plan", "importer", "optimizer/allocate", "optimizer/fit"} {
		g.readDocs(t, "github.com/terrane/terrane", pkg)
	}
	return g
}

// readDocs collects the doc and line comments of a package's types and
// fields; the test runs in api/, so the module root is "..".
func (g *generator) readDocs(t *testing.T, module, pkg string) {
	dir := filepath.Join("..", filepath.FromSlash(pkg))
	path := module
	if pkg != "" {
		path += "/" + pkg
	}
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				key := path + "." + ts.Name.Name
				g.docs[key] = text(doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fl := range st.Fields.List {
					c := text(fl.Comment)
					if c == "" {
						c = text(fl.Doc)
					}
					for _, n := range fl.Names {
						g.docs[key+"."+n.Name] = c
					}
				}
			}
		}
	}
}

func text(cg *ast.CommentGroup) string {
	if cg == nil {
		return ""
	}
	return strings.Join(strings.Fields(cg.Text()), " ")
}

// short is "package.Type", the prefix of the tables' keys.
func short(t reflect.Type) string {
	return t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + t.Name()
}

func (g *generator) lookup(table string, key string) string {
	g.used[table+" "+key] = true
	return key
}

// ref returns the schema of t: a $ref for named structs, inline otherwise.
// in is true for request bodies: only fields tagged openapi:"required" are
// required there.
func (g *generator) ref(t reflect.Type, in bool) *openapi3.SchemaRef {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[time.Time]():
		return openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "date-time"})
	case reflect.TypeFor[json.RawMessage]():
		return openapi3.NewSchemaRef("", openapi3.NewObjectSchema())
	case reflect.TypeFor[orb.Point]():
		return openapi3.NewSchemaRef("", point())
	}
	switch t.Kind() {
	case reflect.String:
		return openapi3.NewSchemaRef("", openapi3.NewStringSchema())
	case reflect.Bool:
		return openapi3.NewSchemaRef("", openapi3.NewBoolSchema())
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint32:
		return openapi3.NewSchemaRef("", openapi3.NewIntegerSchema())
	case reflect.Float64:
		return openapi3.NewSchemaRef("", openapi3.NewFloat64Schema())
	case reflect.Slice:
		s := openapi3.NewArraySchema()
		s.Items = g.ref(t.Elem(), in)
		return openapi3.NewSchemaRef("", s)
	case reflect.Array:
		if t.Elem().Kind() == reflect.Float64 && t.Len() == 2 {
			return openapi3.NewSchemaRef("", point())
		}
	case reflect.Map:
		s := openapi3.NewObjectSchema()
		v := g.ref(t.Elem(), in)
		if t.Elem().Kind() == reflect.Pointer && v.Value != nil {
			v.Value.Nullable = true // map[string]*float64: a member may be null
		}
		s.AdditionalProperties = openapi3.AdditionalProperties{Schema: v}
		return openapi3.NewSchemaRef("", s)
	case reflect.Struct:
		name := g.name(t, in)
		if _, ok := g.schemas[name]; !ok {
			g.schemas[name] = nil // placeholder: recursive types end here
			g.schemas[name] = openapi3.NewSchemaRef("", g.object(t, in))
		}
		return openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
	}
	panic(fmt.Sprintf("openapi: no schema for %s", t))
}

// point is a [lon, lat] pair in degrees.
func point() *openapi3.Schema {
	s := openapi3.NewArraySchema()
	s.Items = openapi3.NewSchemaRef("", openapi3.NewFloat64Schema())
	s.MinItems, s.MaxItems = 2, openapi3.Ptr(uint64(2))
	s.Description = "[lon, lat], degrees"
	return s
}

// name is t's component name; request-only shapes of response types get
// "Input" appended.
func (g *generator) name(t reflect.Type, in bool) string {
	name := t.Name()
	if n, ok := schemaNames[t]; ok {
		name = n
	}
	if in && !looseTypes[t] && !strings.HasSuffix(name, "Request") && !strings.HasSuffix(name, "Form") {
		name += "Input"
	}
	if prev, ok := g.owner[name]; ok && prev != t {
		panic(fmt.Sprintf("openapi: %s and %s are both named %s; add one to schemaNames", prev, t, name))
	}
	g.owner[name] = t
	return name
}

// object is the schema of a struct: its JSON members, strict unless loose.
func (g *generator) object(t reflect.Type, in bool) *openapi3.Schema {
	if t == reflect.TypeFor[geojson.Geometry]() {
		return geometry()
	}
	s := openapi3.NewObjectSchema()
	s.Properties = openapi3.Schemas{}
	s.Description = g.docs[t.PkgPath()+"."+t.Name()]
	loose := looseTypes[t]
	if !loose {
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: openapi3.Ptr(false)}
	}
	g.fields(s, t, t, in, loose)
	return s
}

// fields adds t's fields to s; embedded structs' fields are the parent's.
func (g *generator) fields(s *openapi3.Schema, owner, t reflect.Type, in, loose bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		oa := map[string]bool{}
		for _, o := range strings.Split(f.Tag.Get("openapi"), ",") {
			oa[o] = true
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.fields(s, owner, f.Type, in, loose)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "-" {
			if oa["inline"] {
				s.AdditionalProperties = openapi3.AdditionalProperties{Schema: g.ref(f.Type.Elem(), in)}
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		key := short(owner) + "." + name
		omitempty := strings.Contains(opts, "omitempty")
		ft := f.Type
		if o, ok := fieldTypes[key]; ok {
			g.lookup("fieldTypes", key)
			ft = o
		}
		var fs *openapi3.SchemaRef
		if oa["binary"] {
			fs = openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "binary"})
		} else {
			fs = g.ref(ft, in)
		}
		desc := g.docs[t.PkgPath()+"."+t.Name()+"."+f.Name]
		vals, isEnum := enums[key]
		if isEnum {
			g.lookup("enums", key)
		}
		nilable := f.Type.Kind() == reflect.Pointer || f.Type.Kind() == reflect.Slice || f.Type.Kind() == reflect.Map
		var required, nullable bool
		switch {
		case in || loose:
			required = oa["required"] || requiredFields[key]
			if requiredFields[key] {
				g.lookup("requiredFields", key)
			}
			nullable = nilable && !required && !oa["binary"]
		default:
			required = !omitempty && !oa["optional"]
			nullable = nilable && !omitempty && !oa["nonnull"]
		}
		if desc != "" || nullable || isEnum {
			if fs.Ref != "" {
				fs = openapi3.NewSchemaRef("", &openapi3.Schema{AllOf: openapi3.SchemaRefs{fs}})
			} else {
				cp := *fs.Value
				fs = openapi3.NewSchemaRef("", &cp)
			}
			fs.Value.Description = desc
			fs.Value.Nullable = nullable
			for _, v := range vals {
				if fs.Value.Items != nil && fs.Value.Type.Is("array") {
					panic("openapi: enum on an array: " + key)
				}
				fs.Value.Enum = append(fs.Value.Enum, v)
			}
		}
		s.Properties[name] = fs
		if required {
			s.Required = append(s.Required, name)
		}
	}
}

// geometry is a GeoJSON geometry object (RFC 7946), lon/lat degrees.
func geometry() *openapi3.Schema {
	s := openapi3.NewObjectSchema()
	s.Description = "A GeoJSON geometry (RFC 7946), coordinates as [lon, lat] in degrees."
	s.AdditionalProperties = openapi3.AdditionalProperties{Has: openapi3.Ptr(false)}
	typ := openapi3.NewStringSchema()
	for _, v := range []string{"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"} {
		typ.Enum = append(typ.Enum, v)
	}
	coords := openapi3.NewArraySchema()
	coords.Items = openapi3.NewSchemaRef("", &openapi3.Schema{})
	coords.Description = "positions, nested as the type requires (a Point's is [lon, lat])"
	parts := openapi3.NewArraySchema()
	parts.Items = openapi3.NewSchemaRef("#/components/schemas/Geometry", nil)
	parts.Description = "a GeometryCollection's members"
	s.Properties = openapi3.Schemas{"type": openapi3.NewSchemaRef("", typ), "coordinates": openapi3.NewSchemaRef("", coords),
		"geometries": openapi3.NewSchemaRef("", parts)}
	s.Required = []string{"type"}
	return s
}

var pathParam = regexp.MustCompile(`:(\w+)`)

// operationID is get_scenarios_id for GET /api/v1/scenarios/:id.
func operationID(method, path string) string {
	p := strings.TrimPrefix(path, "/api/v1/")
	p = strings.NewReplacer("/", "_", ".", "_", ":", "").Replace(p)
	return strings.ToLower(method) + "_" + p
}

// generateOpenAPI builds the whole description from routeTable and
// operations.
func generateOpenAPI(t *testing.T) []byte {
	g := newGenerator(t)
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: "Terrane API", Version: "1",
			Description: "Territory and resource allocation optimizer. Money in dollars per year; shares as fractions; see docs/api.md. Generated from the Go types by `make generate`; do not edit."},
		Servers: openapi3.Servers{{URL: "/"}},
		Paths:   openapi3.NewPathsWithCapacity(40),
	}
	errorResponse := &openapi3.ResponseRef{Ref: "#/components/responses/Error"}
	s := NewServer(Config{}, Services{}, nil, nil)
	for _, r := range s.routeTable() {
		key := r.method + " " + r.path
		op, ok := operations[key]
		if !ok {
			t.Fatalf("%s: no entry in operations (api/operation.go)", key)
		}
		o := &openapi3.Operation{Summary: op.summary, OperationID: op.id, Responses: openapi3.NewResponsesWithCapacity(8)}
		if o.OperationID == "" {
			o.OperationID = operationID(r.method, r.path)
		}
		rest := strings.TrimPrefix(r.path, "/api/v1/")
		tag, _, _ := strings.Cut(rest, "/")
		tag, _, _ = strings.Cut(tag, ".")
		o.Tags = []string{tag}
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: openapi3.NewPathParameter(m[1]).WithSchema(openapi3.NewStringSchema())})
		}
		for _, q := range op.query {
			sch := openapi3.NewStringSchema()
			if q.typ == "integer" {
				sch = openapi3.NewIntegerSchema()
			}
			p := openapi3.NewQueryParameter(q.name).WithSchema(sch).WithDescription(q.desc)
			o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: p})
		}
		if !op.public {
			o.Security = &openapi3.SecurityRequirements{{"bearer": {}}, {"cookie": {}}}
		}
		switch {
		case op.request != nil:
			o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithJSONSchemaRef(g.ref(reflect.TypeOf(op.request), true))}
		case op.form != nil:
			o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithFormDataSchemaRef(g.ref(reflect.TypeOf(op.form), true))}
		}
		ok2 := openapi3.NewResponse().WithDescription("success")
		for _, c := range op.response {
			var sch *openapi3.SchemaRef
			if c.body == nil {
				sch = openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "binary"})
			} else {
				sch = g.ref(reflect.TypeOf(c.body), false)
			}
			if ok2.Content == nil {
				ok2.Content = openapi3.Content{}
			}
			mt := openapi3.NewMediaType().WithSchemaRef(sch)
			if c.media == "text/event-stream" && op.events != nil {
				// OpenAPI 3.0 cannot describe a message's data; the extension
				// names its schema, which the contract test checks each against.
				name := g.ref(reflect.TypeOf(op.events), false).Ref
				name = strings.TrimPrefix(name, "#/components/schemas/")
				mt.Extensions = map[string]any{"x-event-data": name}
				ok2.Description = openapi3.Ptr("server-sent events; each message's data is a " + name)
			}
			ok2.Content[c.media] = mt
		}
		o.Responses.Set(strconv.Itoa(op.status), &openapi3.ResponseRef{Value: ok2})
		errs := op.errors
		if op.request != nil || op.form != nil {
			errs = append(errs[:len(errs):len(errs)], http.StatusRequestEntityTooLarge)
		}
		for _, code := range errs {
			o.Responses.Set(strconv.Itoa(code), errorResponse)
		}
		for code, body := range op.errorBody {
			o.Responses.Set(strconv.Itoa(code), &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(http.StatusText(code)).
				WithJSONSchemaRef(g.ref(reflect.TypeOf(body), false))})
		}
		path := pathParam.ReplaceAllString(r.path, "{$1}")
		item := doc.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(path, item)
		}
		item.SetOperation(r.method, o)
	}
	g.ref(reflect.TypeFor[ErrorBody](), false)
	doc.Components = &openapi3.Components{
		Schemas: g.schemas,
		Responses: openapi3.ResponseBodies{"Error": &openapi3.ResponseRef{Value: openapi3.NewResponse().
			WithDescription("error: {\"error\":{\"code\",\"message\"}}").WithJSONSchemaRef(openapi3.NewSchemaRef("#/components/schemas/ErrorBody", nil))}},
		SecuritySchemes: openapi3.SecuritySchemes{
			"bearer": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer")},
			"cookie": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("apiKey").WithIn("cookie").WithName(SessionCookie)},
		},
	}
	var stale []string
	for table, keys := range map[string][]string{"fieldTypes": keysOf(fieldTypes), "enums": keysOf(enums), "requiredFields": keysOf(requiredFields)} {
		for _, k := range keys {
			if !g.used[table+" "+k] {
				stale = append(stale, table+" "+k)
			}
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("entries that match no field of a body: %v", stale)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(buf.Bytes())
	if err == nil {
		err = loaded.Validate(context.Background())
	}
	if err != nil {
		t.Fatalf("the generated description is not valid OpenAPI: %v", err)
	}
	return buf.Bytes()
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestGenerateOpenAPI checks that api/openapi.json is what the Go types
// say, and rewrites it with -update.
func TestGenerateOpenAPI(t *testing.T) {
	got := generateOpenAPI(t)
	if *update {
		if err := os.WriteFile("openapi.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, openAPIDoc) {
		t.Errorf("api/openapi.json is stale: run `make generate` (go test ./api -run '^TestGenerateOpenAPI$' -update) and commit it")
	}
}
