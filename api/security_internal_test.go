package api

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

// Finding 3: the limiter forgot everyone after 10,000 addresses, so an
// attacker could clear its own limit with fresh addresses.
func TestLoginLimiterRemembersTheLimitedPastItsCapacity(t *testing.T) {
	l := newLoginLimiter(time.Hour, 3, 100, 1_000_000, time.Minute, 10000)
	for i := 0; i < 3; i++ {
		l.fail("attacker", "lee")
	}
	if l.check("attacker", "lee") == nil {
		t.Fatal("the attacker is not limited after its burst")
	}
	for i := 0; i < 25000; i++ {
		l.fail("client-"+strings.Repeat("x", i%7)+string(rune(i)), "name"+string(rune(i)))
	}
	if l.check("attacker", "lee") == nil {
		t.Errorf("after 25,000 other clients the attacker is free again")
	}
	if n := len(l.pairs) + len(l.clients) + len(l.accounts); n > 3*10001 {
		t.Errorf("the limiter holds %d entries; want at most its capacity per kind", n)
	}
}

// Lower: CSV exports carried spreadsheet formulas.
func TestCSVCellsAreNeutralised(t *testing.T) {
	var b bytes.Buffer
	w := &csvWriter{csv.NewWriter(&b)}
	if err := w.Write([]string{"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "-12.5", "+3", "-0", "plain", ""}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	want := `"'=HYPERLINK(""http://x"")",'+1+1,'-2+3,'@SUM(A1),'	x,-12.5,+3,-0,plain,` + "\n"
	if b.String() != want {
		t.Errorf("row = %q; want %q", b.String(), want)
	}
}
