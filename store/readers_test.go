package store

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The file stays readable by the tools people already use on it: the
// talk's own pandas.read_csv and GDAL's CSV driver read the talk's three
// columns, and the visited and note columns with rows of three fields
// beside rows with a date and a multi-line note. (./test.sh installs
// Debian's python3-pandas and gdal-bin.)
func TestPandasAndGDALReadTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.csv")
	if err := os.WriteFile(path, []byte(quirkyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	live := NewLive(NewFileStore(path), nil)
	ctx := context.Background()
	check := func(stage string, rows int, columns string) {
		t.Helper()
		out, err := exec.Command("/usr/bin/python3", "-c", `
import sys, pandas
df = pandas.read_csv(sys.argv[1])
print(len(df), ",".join(df.columns), sep=";")
`, path).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: pandas (apt-get install python3-pandas): %v\n%s", stage, err, out)
		}
		if got, want := strings.TrimSpace(string(out)), strings.Join([]string{strconv.Itoa(rows), columns}, ";"); got != want {
			t.Errorf("%s: pandas read %q, want %q", stage, got, want)
		}
		out, err = exec.Command("ogrinfo", "-ro", "-al", "-so", path).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: ogrinfo (apt-get install gdal-bin): %v\n%s", stage, err, out)
		}
		if !strings.Contains(string(out), "Feature Count: "+strconv.Itoa(rows)) {
			t.Errorf("%s: GDAL read\n%s\nwant %d features", stage, out, rows)
		}
	}
	check("the talk's columns", 6, csvHeader)
	if _, err := live.Add(ctx, mustVisit(t, "Graz", "47.0707", "15.4395", "2019-07-14/2019-07-18", "Talk at Grazer Linuxtage,\n\"Travelling\" =1+1"), Author{}); err != nil {
		t.Fatal(err)
	}
	check("with dates and notes", 7, csvHeaderVisits)
	out, err := exec.Command("/usr/bin/python3", "-c", `
import sys, pandas
df = pandas.read_csv(sys.argv[1])
print(df.iloc[-1]["visited"], repr(df.iloc[-1]["note"]), df.iloc[0]["visited"], sep="|")
`, path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != `2019-07-14/2019-07-18|'Talk at Grazer Linuxtage,\n"Travelling" =1+1'|nan` {
		t.Errorf("pandas read the visit as %s, %v", out, err)
	}
}
