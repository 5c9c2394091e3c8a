package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

// MaxNumber is the largest magnitude a number in a JSON body may have: money,
// counts and weights all fit, and sums and products of them stay finite.
const MaxNumber = 1e15

// jsonLimits are the bounds every JSON body is checked against before it is
// decoded; the server puts its own in each request's context.
type jsonLimits struct {
	name, text, array, resources int
}

var defaultJSONLimits = jsonLimits{name: 200, text: 10000, array: 100000, resources: 1000}

const limitsKey = "terrane.jsonLimits"

// nameKeys are the fields whose strings are names or labels, bounded by the
// name length; any other string is bounded by the text length.
var nameKeys = map[string]bool{"name": true, "label": true, "display_name": true, "owner": true}

// checkedBody reads the request body and checks it before it is decoded:
// valid UTF-8 without NUL characters, strings, arrays and objects within the
// limits, every number finite and within ±MaxNumber. An error names the
// field, as a path such as resources[2].name.
func checkedBody(c *gin.Context) ([]byte, error) {
	lim := defaultJSONLimits
	if v, ok := c.Get(limitsKey); ok {
		lim = v.(jsonLimits)
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, terrane.Errorf(terrane.ETOOLARGE, "request body is over the %d-byte limit", mbe.Limit)
		}
		return nil, terrane.Errorf(terrane.EINVALID, "request body could not be read")
	}
	if !utf8.Valid(body) {
		return nil, terrane.Errorf(terrane.EINVALID, "request body is not valid UTF-8")
	}
	if err := checkJSON(body, lim); err != nil {
		return nil, err
	}
	return body, nil
}

// checkJSON walks a JSON document's tokens; a syntax error is left to the
// decoder, which reports it better.
func checkJSON(body []byte, lim jsonLimits) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type frame struct {
		object bool
		key    string // object: the current key
		index  int    // array: the next index
		count  int
		path   string
	}
	var stack []*frame
	path := func() string {
		if len(stack) == 0 {
			return "body"
		}
		f := stack[len(stack)-1]
		if f.object {
			if f.path == "" {
				return f.key
			}
			return f.path + "." + f.key
		}
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	}
	expectKey := func() bool {
		return len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].key == ""
	}
	// value marks the end of one value in the current container.
	value := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.object {
			f.key = ""
		} else {
			f.index++
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // the decoder reports syntax errors
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				p := path()
				if len(stack) == 0 {
					p = ""
				}
				f := &frame{object: t == '{', path: p}
				if len(stack) > 0 && stack[len(stack)-1].object {
					f.key = ""
				}
				stack = append(stack, f)
				if len(stack) > 64 {
					return terrane.Errorf(terrane.EINVALID, "field %s is nested more than 64 deep", p)
				}
			case '}', ']':
				stack = stack[:len(stack)-1]
				value()
			}
		case string:
			if expectKey() {
				f := stack[len(stack)-1]
				f.count++
				if f.count > lim.array {
					return terrane.Errorf(terrane.EINVALID, "field %s has more than %d keys", orBody(f.path), lim.array)
				}
				if err := checkString(f.path+".key", t, lim.name); err != nil {
					return err
				}
				f.key = t
				if f.key == "" {
					f.key = `""`
				}
				continue
			}
			p := path()
			max := lim.text
			if nameKeys[lastKey(p)] {
				max = lim.name
			}
			if err := checkString(p, t, max); err != nil {
				return err
			}
			value()
		case json.Number:
			p := path()
			x, err := strconv.ParseFloat(string(t), 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || math.Abs(x) > MaxNumber {
				return terrane.Errorf(terrane.EINVALID, "field %s is %s; numbers must be within ±%g", p, t, MaxNumber)
			}
			value()
		default:
			value()
		}
		if len(stack) > 0 && !stack[len(stack)-1].object {
			f := stack[len(stack)-1]
			max := lim.array
			if lastKey(f.path) == "resources" {
				max = lim.resources
			}
			if f.index > max {
				return terrane.Errorf(terrane.EINVALID, "field %s has more than %d items", orBody(f.path), max)
			}
		}
	}
}

func orBody(p string) string {
	if p == "" {
		return "body"
	}
	return p
}

// lastKey is the last object key of a path: resources[2].name → name.
func lastKey(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 && p[i] == '.' {
		return p[i+1:]
	}
	if strings.ContainsAny(p, ".[") {
		return p[:strings.IndexByte(p, '[')]
	}
	return p
}

// checkString refuses NUL characters and strings over max bytes.
func checkString(field, s string, max int) error {
	if strings.ContainsRune(s, 0) {
		return terrane.Errorf(terrane.EINVALID, "field %s contains a NUL character", field)
	}
	if len(s) > max {
		return terrane.Errorf(terrane.EINVALID, "field %s is %d bytes long; the limit is %d", field, len(s), max)
	}
	return nil
}

// jsonType names a Go type in JSON's words, for error messages: callers see
// "a number", never "float64" or "terrane.Resource".
func jsonType(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		if t.String() == "time.Time" {
			return "a date-time string"
		}
		return "an object"
	}
	return "a value"
}
