package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommandPipeline imports opportunities and history from the
// command line and checks the summaries, new actuals included.
func TestImportCommandPipeline(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "t.db")
	units := filepath.Join(dir, "cells.geojson")
	if err := os.WriteFile(units, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"GEOID":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
		{"type":"Feature","properties":{"GEOID":"b"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	steps := []struct {
		args  []string
		stdin string
		want  []string
	}{
		{[]string{"import", "--kind", "units", "--layer", "cells", "--id", "GEOID", "--db", db, units}, "", []string{"units written 2"}},
		{[]string{"import", "--kind", "markets", "--layer", "cells", "--db", db, "-"}, "unit_id,market,revenue\na,1000,10\nb,2000,0\n", []string{"estimates written 2"}},
		{[]string{"import", "--kind", "accounts", "--layer", "cells", "--db", db, "-"}, "id,lon,lat,revenue,date\nc1,0.5,0.5,10,2017-01-02\n",
			[]string{"accounts written 1", "market estimates updated 2 (revenue of 2017)"}},
		{[]string{"import", "--kind", "opportunities", "--layer", "cells", "--db", db, "-"},
			"id,account,stage,amount,created,close_date\no1,c1,Closed Won,5,2017-01-01,2017-02-01\no2,,Open,,2017-01-01,\no3,zz,Lost,1,1/2/2017,1/3/2017\n",
			[]string{"opportunities written 3", "won / lost / open 1 / 1 / 1", "unassigned (no account) 1", "unmatched accounts 1", "first unmatched zz", "import id "}},
		{[]string{"import", "--kind", "history", "--layer", "cells", "--db", db, "-"}, "period,unit,revenue,Calls\n2018-01,a,5,3\n2018-02,a,6,\n",
			[]string{"history rows written 2", "periods 2 (month)", "resource columns Calls", "import id ", "market estimates updated 1 (revenue of 2018-02 ×12)"}},
		{[]string{"import", "--kind", "history", "--layer", "cells", "--db", db, "-"}, "period,unit,revenue\n2016,a,5\n",
			[]string{"market estimates updated 0 (revenue of 2016)", "1 market estimates keep their revenue of a later period (2018-02 ×12)"}},
	}
	for _, st := range steps {
		env, out, _ := testEnv(st.stdin)
		if err := run(ctx, env, st.args); err != nil {
			t.Fatalf("%v: %v", st.args, err)
		}
		for _, w := range st.want {
			if !strings.Contains(flat(out.String()), w) {
				t.Errorf("%s summary does not say %q:\n%s", st.args[2], w, out)
			}
		}
	}
	env, _, _ := testEnv("period,unit,revenue\n2017-Q5,a,5\n")
	err := run(ctx, env, []string{"import", "--kind", "history", "--layer", "cells", "--db", db, "-"})
	if err == nil || !strings.Contains(err.Error(), `line 2 (id "a"): period: "2017-Q5" is not a period`) {
		t.Errorf("bad history: %v", err)
	}
}
