package store

import (
	"strings"
	"testing"
	"time"
)

func TestParseVisitedNotations(t *testing.T) {
	for text, want := range map[string][2]string{
		"2019":                  {"2019-01-01", "2019-12-31"},
		"2019-07":               {"2019-07-01", "2019-07-31"},
		"2019-02":               {"2019-02-01", "2019-02-28"},
		"2020-02":               {"2020-02-01", "2020-02-29"},
		"2019-07-14":            {"2019-07-14", "2019-07-14"},
		"2019-07-14/2019-07-18": {"2019-07-14", "2019-07-18"},
		"2018/2020":             {"2018-01-01", "2020-12-31"},
		"2019-07/2019-08-02":    {"2019-07-01", "2019-08-02"},
		" 2019 ":                {"2019-01-01", "2019-12-31"},
	} {
		v, err := ParseVisited(text)
		if err != nil {
			t.Errorf("ParseVisited(%q): %v", text, err)
			continue
		}
		if got := [2]string{v.Start().Format(time.DateOnly), v.End().Format(time.DateOnly)}; got != want {
			t.Errorf("ParseVisited(%q) covers %v, want %v", text, got, want)
		}
		if v.String() != strings.TrimSpace(text) {
			t.Errorf("ParseVisited(%q).String() = %q", text, v.String())
		}
	}
	for text, says := range map[string]string{
		"2019-13":               "Month must be 01 to 12",
		"2019-00":               "Month must be 01 to 12",
		"2019-02-30":            "Day must be 01 to 28 in February 2019",
		"2019-07-18/2019-07-14": "The end (2019-07-14) is before the start (2019-07-18)",
		"2020/2018":             "The end (2018) is before the start (2020)",
		"19":                    "Write a year (2019)",
		"2019-7":                "Write a year (2019)",
		"2019/07/14":            "Write a year (2019)",
		"July 2019":             "Write a year (2019)",
		"2019-07-14T10:00":      "Write a year (2019)",
		"../2019":               "Write a year (2019)",
	} {
		if _, err := ParseVisited(text); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseVisited(%q) = %v, want an error saying %q", text, err, says)
		}
	}
}

func TestVisitedOverlapsPlannedAndOrder(t *testing.T) {
	v := func(s string) Visited {
		t.Helper()
		p, err := ParseVisited(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if !v("2019-07-14/2019-07-18").Overlaps(v("2019")) || v("2018").Overlaps(v("2019")) || v("2019/2021").Overlaps(Visited{}) {
		t.Error("Overlaps")
	}
	if !v("2019/2021").Overlaps(v("2020-05")) || !v("2024").Overlaps(v("2019/2024")) {
		t.Error("Overlaps of intervals")
	}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	if !v("2027").Planned(now) || !v("2026-12-06").Planned(now) || v("2026-12").Planned(now) || v("2026-12-05").Planned(now) || (Visited{}).Planned(now) {
		t.Error("Planned")
	}
	if !v("2023").Before(v("2019")) || !v("2019").Before(Visited{}) || v("2019").Before(v("2019-07")) {
		t.Error("Before orders newest first, unknown last")
	}
}
