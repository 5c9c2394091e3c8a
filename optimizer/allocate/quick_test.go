package allocate

import (
	"context"
	"encoding/json"
	"os"
	"testing"
)

func TestQuickIssue(t *testing.T) {
	b, _ := os.ReadFile("testdata/issue.json")
	var p Problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	r, err := Solve(context.Background(), &p, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(r, "", "  ")
	t.Logf("%s", out)
}
