package handlers_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store/githubtest"
)

var benchSizes = []int{10, 1_000, 100_000}

// benchApp is whib over a local file of n places, loaded and warm.
func benchApp(b *testing.B, n int) http.Handler {
	b.Helper()
	path := filepath.Join(b.TempDir(), "places.csv")
	if err := os.WriteFile(path, githubtest.SampleCSV(n), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := whib.LoadConfig(func(k string) string { return map[string]string{"PLACES_FILE": path}[k] })
	if err != nil {
		b.Fatal(err)
	}
	app, err := whib.Build(b.Context(), cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.Live().Refresh(b.Context()); err != nil {
		b.Fatal(err)
	}
	return app.Handler()
}

func benchGet(b *testing.B, h http.Handler, path string, gzip bool) {
	b.Helper()
	serve := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		if gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	first := serve()
	if first.Code != http.StatusOK {
		b.Fatalf("GET %s = %d", path, first.Code)
	}
	b.SetBytes(int64(first.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve()
	}
}

// BenchmarkMapPage is the anonymous page view: bytes reused per version.
func BenchmarkMapPage(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("places=%d", n), func(b *testing.B) { benchGet(b, benchApp(b, n), "/", true) })
	}
}

// BenchmarkPlacesJSON and BenchmarkPlacesGeoJSON measure the data
// downloads, encoded once per version and then served from memory.
func BenchmarkPlacesJSON(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("places=%d", n), func(b *testing.B) { benchGet(b, benchApp(b, n), "/places", true) })
	}
}

func BenchmarkPlacesGeoJSON(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("places=%d", n), func(b *testing.B) { benchGet(b, benchApp(b, n), "/places.geojson", true) })
	}
}

// BenchmarkEncodeOnNewVersion is the cost paid once per new version: the
// first render of the page and the first JSON and GeoJSON encodings.
func BenchmarkEncodeOnNewVersion(b *testing.B) {
	for _, n := range benchSizes {
		for _, path := range []string{"/", "/places", "/places.geojson"} {
			b.Run(fmt.Sprintf("path=%s/places=%d", path, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					h := benchApp(b, n)
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
