package handlers_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whib/whib/internal/whib"
)

// httpsApp is whib configured for an https BASE_URL behind a proxy, as on
// Heroku, with its places in a local file.
func httpsApp(t *testing.T, tileURL string) http.Handler {
	t.Helper()
	env := map[string]string{"BASE_URL": "https://whib.example.com", "TILE_URL": tileURL,
		"PLACES_FILE": filepath.Join(t.TempDir(), "places.csv")}
	cfg, err := whib.LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	app, err := whib.Build(t.Context(), cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return app.Handler()
}

func TestHSTSUnderHTTPS(t *testing.T) {
	rec := httptest.NewRecorder()
	httpsApp(t, "").ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	if hsts := rec.Header().Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q under an https BASE_URL", hsts)
	}
}

func TestCSPAllowsTheConfiguredTileServerOnly(t *testing.T) {
	rec := httptest.NewRecorder()
	httpsApp(t, "https://{s}.tiles.example.org/{z}/{x}/{y}.png").ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data: https://tiles.example.org https://*.tiles.example.org") {
		t.Errorf("CSP img-src does not allow the tile server: %q", csp)
	}
	if strings.Contains(csp, "openstreetmap") {
		t.Errorf("CSP allows the default tile server although another is configured: %q", csp)
	}
}
