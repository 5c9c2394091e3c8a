package importer

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkParseAccounts parses and locates 100,000 accounts by lon/lat in
// the sample's counties (no store).
func BenchmarkParseAccounts(b *testing.B) {
	s := countyStore(b)
	units, err := layerUnits(b.Context(), s, "us-counties")
	if err != nil {
		b.Fatal(err)
	}
	loc := newLocator(units)
	r := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	buf.WriteString("id,name,lon,lat,revenue,date\n")
	for i := range 100000 {
		fmt.Fprintf(&buf, "a%d,Account %d,%.5f,%.5f,%.2f,2023-0%d-15\n", i, i, -124+57*r.Float64(), 25+24*r.Float64(), 1e5*r.Float64(), 1+i%9)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := parseAccounts(data, Options{Kind: KindAccounts, Layer: "us-counties", MaxErrors: 20, Progress: func(string, int) {}}, loc, loadZIPs); err != nil {
			b.Fatal(err)
		}
	}
}
