package plan

import (
	"encoding/json"
	"errors"
	"reflect"
)

// jsonMessage is a JSON decoding error in JSON's words: the field and the
// kind of value wanted, never Go type names ("float64", "ScenarioSettings").
func jsonMessage(err error) string {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		want := "a value"
		t := ute.Type
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t != nil {
			switch t.Kind() {
			case reflect.Bool:
				want = "true or false"
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				want = "a whole number"
			case reflect.Float32, reflect.Float64:
				want = "a number"
			case reflect.String:
				want = "a string"
			case reflect.Slice, reflect.Array:
				want = "an array"
			case reflect.Map, reflect.Struct:
				want = "an object"
			}
		}
		if ute.Field == "" {
			return "must be " + want + ", not " + ute.Value
		}
		return ute.Field + " must be " + want + ", not " + ute.Value
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "not valid JSON: " + se.Error()
	}
	return err.Error()
}
