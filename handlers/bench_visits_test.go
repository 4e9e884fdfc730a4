package handlers_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store/githubtest"
)

// benchGeo is the gazetteer the visit benchmarks share, loaded once: the
// countries are part of what /stats and the page cost.
var benchGeo = sync.OnceValue(func() *geo.Data {
	d := geo.NewData()
	if _, err := d.Load(httptest.NewRequest("GET", "/", nil).Context()); err != nil {
		panic(err)
	}
	return d
})

// benchVisitsApp is whib over a local file of n places with dates and
// notes (githubtest.SampleVisitsCSV: n*6/5 visits), or without (plain),
// with the gazetteer loaded, the places loaded and nothing else warm.
func benchVisitsApp(b *testing.B, n int, plain bool) http.Handler {
	b.Helper()
	content := githubtest.SampleVisitsCSV(n, time.Now())
	if plain {
		content = githubtest.SampleCSV(n)
	}
	path := filepath.Join(b.TempDir(), "places.csv")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := whib.LoadConfig(func(k string) string { return map[string]string{"PLACES_FILE": path}[k] })
	if err != nil {
		b.Fatal(err)
	}
	app, err := whib.Build(b.Context(), cfg, slog.New(slog.DiscardHandler), nil, whib.WithGeo(benchGeo()))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.Live().Refresh(b.Context()); err != nil {
		b.Fatal(err)
	}
	return app.Handler()
}

// visitPaths are what issue 20's budget is about: the page, the marker
// data and the stats of one year, and the filtered page and data.
var visitPaths = []string{"/", "/places", "/stats", "/stats?visited=2024", "/?visited=2024", "/places?visited=2024"}

// BenchmarkVisits is a request once the answer of this version is built:
// 100,000 places with dates and notes beside 100,000 without.
func BenchmarkVisits(b *testing.B) {
	for _, data := range []string{"plain", "visits"} {
		h := benchVisitsApp(b, 100_000, data == "plain")
		for _, path := range visitPaths {
			b.Run("data="+data+"/path="+path, func(b *testing.B) { benchGet(b, h, path, true) })
		}
	}
}

// BenchmarkVisitsOnNewVersion is the first request of a version: the
// countries of every visit, the grouping into places, the stats and the
// encoding, all once.
func BenchmarkVisitsOnNewVersion(b *testing.B) {
	for _, data := range []string{"plain", "visits"} {
		for _, path := range visitPaths {
			b.Run("data="+data+"/path="+path, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					h := benchVisitsApp(b, 100_000, data == "plain")
					b.StartTimer()
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s = %d", path, rec.Code)
					}
				}
			})
		}
	}
}
