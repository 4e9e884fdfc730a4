package formats

import "testing"

func TestNormaliseVisited(t *testing.T) {
	paris, tokyo, honolulu := dateAt("2.35"), dateAt("139.77"), dateAt("-157.86")
	for _, tc := range []struct {
		in   string
		ctx  dateContext
		want string
		ok   bool
	}{
		{"", paris, "", true},
		{" 2019 ", paris, "2019", true},
		{"2019-07", paris, "2019-07", true},
		{"2019-07-14", paris, "2019-07-14", true},
		{"2019-07-14/2019-07-18", paris, "2019-07-14/2019-07-18", true},
		{"2018/2020", paris, "2018/2020", true},
		{"2019-07/2019-07-20", paris, "2019-07/2019-07-20", true},
		{"2019-07-14/2019-07-14", paris, "2019-07-14", true}, // one day
		{"20190714", paris, "2019-07-14", true},
		// Date-times: a zone other than UTC, or none, is the date written.
		{"2019-07-14T23:30:00+02:00", tokyo, "2019-07-14", true},
		{"2019-07-14T23:30:00", tokyo, "2019-07-14", true},
		{"2019-07-14 23:30", tokyo, "2019-07-14", true},
		// UTC is the date at the place.
		{"2019-07-14T22:30:00Z", tokyo, "2019-07-15", true},
		{"2019-07-14T08:30:00.123Z", honolulu, "2019-07-13", true},
		{"2019-07-14T22:30:00Z", dateContext{}, "2019-07-14", true},
		{"2019-07-14T00:00:00Z", honolulu, "2019-07-14", true}, // midnight UTC: a date written as a date-time
		{"2019/07/14 10:00:00+00", paris, "2019-07-14", true},  // GDAL
		// Unix times, in seconds or milliseconds.
		{"1563091200", paris, "2019-07-14", true},
		{"1563091200000", paris, "2019-07-14", true},
		{"1563091200.5", paris, "2019-07-14", true},
		// Spreadsheets.
		{"14.07.2019", paris, "2019-07-14", true},
		{"7.2019", paris, "2019-07", true},
		{"07/2019", paris, "2019-07", true},
		{"2019/07/14", paris, "2019-07-14", true},
		{"14/07/2019", paris, "2019-07-14", true},
		{"7/14/2019", dateContext{monthFirst: true}, "2019-07-14", true},
		// Not dates.
		{"2019-13", paris, "2019-13", false},
		{"2019-02-30", paris, "2019-02-30", false},
		{"2019-07-18/2019-07-14", paris, "2019-07-18/2019-07-14", false}, // the end is before the start
		{"2020/2019", paris, "2020/2019", false},
		{"summer 2019", paris, "summer 2019", false},
		{"14/07/19", paris, "14/07/19", false},
		{"2019-07-14T25:00:00Z", paris, "2019-07-14T25:00:00Z", false},
		{"2019-07-14T10:00:00+99:00", paris, "2019-07-14T10:00:00+99:00", false},
	} {
		got, ok := normaliseVisited(tc.in, tc.ctx)
		if got != tc.want || ok != tc.ok {
			t.Errorf("normaliseVisited(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got != "" && !isEDTF(got) {
			t.Errorf("normaliseVisited(%q) = %q, which is not EDTF", tc.in, got)
		}
	}
}

func TestIsEDTF(t *testing.T) {
	for _, s := range []string{"2019", "2019-07", "2019-07-14", "2019-07-14/2019-07-18", "2018/2020", "2019/2019-03"} {
		if !isEDTF(s) {
			t.Errorf("isEDTF(%q) = false", s)
		}
	}
	for _, s := range []string{"", "19", "2019-7", "2019-07-14T10:00:00Z", "14.07.2019", "2019/07/14", "2019/2018", "2019-07-14/", "1563091200"} {
		if isEDTF(s) {
			t.Errorf("isEDTF(%q) = true", s)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		imp  Import
		want string
	}{
		{Import{Source: SourceGPX}, "GPX: no places"},
		{Import{Source: SourceGPX, Rows: []Row{{Name: "A", Latitude: "1", Longitude: "2"}}}, "GPX: 1 place"},
		{Import{Source: SourceTimeline, Rows: []Row{
			{Name: "A", Latitude: "1", Longitude: "2", Visited: "2019-07-14"},
			{Name: "A", Latitude: "1", Longitude: "2", Visited: "2023/2024"},
			{Name: "B", Latitude: "3", Longitude: "4", Visited: "not a date"},
		}}, "Google Timeline: 3 visits at 2 places, 2019–2024"},
		{Import{Source: SourceKML, Rows: []Row{{Name: "A", Visited: "2019"}, {Name: "B", Visited: "2019-02"}}}, "KML: 2 places, 2019"},
	} {
		if got := tc.imp.Summary().String(); got != tc.want {
			t.Errorf("summary %q, want %q", got, tc.want)
		}
	}
}
