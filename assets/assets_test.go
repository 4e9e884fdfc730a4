package assets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func newAssets(t *testing.T) *Assets {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// handler is Serve as the app mounts it: a refusal is answered with the
// status handlers gives it (the error page itself is handlers' business).
func handler(a *Assets) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch err := a.Serve(w, r); {
		case errors.Is(err, ErrNotFound):
			w.WriteHeader(http.StatusNotFound)
		case errors.Is(err, ErrMethodNotAllowed):
			w.WriteHeader(http.StatusMethodNotAllowed)
		case err != nil:
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
}

func get(t *testing.T, h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestVersionIsAShortContentHashInThePrefix(t *testing.T) {
	a := newAssets(t)
	if !regexp.MustCompile(`^[0-9a-f]{10}$`).MatchString(a.Version()) {
		t.Fatalf("version %q should be 10 hex digits", a.Version())
	}
	if a.Prefix() != "/assets/"+a.Version() {
		t.Errorf("prefix %q", a.Prefix())
	}
	if again := newAssets(t); again.Version() != a.Version() {
		t.Errorf("the version must depend only on the files: %s then %s", a.Version(), again.Version())
	}
}

func TestVersionChangesWithAnyNameOrByte(t *testing.T) {
	base := map[string][]byte{"app.js": []byte("a"), "app.css": []byte("b")}
	v := versionOf(base)
	changed := []map[string][]byte{
		{"app.js": []byte("a!"), "app.css": []byte("b")},
		{"app.jsx": []byte("a"), "app.css": []byte("b")},
		{"app.js": []byte(""), "app.css": []byte("ab")}, // bytes moved between files
		{"app.js": []byte("a"), "app.css": []byte("b"), "new.js": nil},
	}
	for i, files := range changed {
		if versionOf(files) == v {
			t.Errorf("case %d: version did not change", i)
		}
	}
}

func TestServesEveryFileThePagesUse(t *testing.T) {
	a := newAssets(t)
	h := handler(a)
	wantTypes := map[string]string{
		"app.js":                                  "text/javascript; charset=utf-8",
		"app.css":                                 "text/css; charset=utf-8",
		"favicon.svg":                             "image/svg+xml",
		"leaflet/leaflet.js":                      "text/javascript; charset=utf-8",
		"leaflet/leaflet.css":                     "text/css; charset=utf-8",
		"leaflet/images/marker-icon.png":          "image/png",
		"leaflet/LICENSE":                         "text/plain; charset=utf-8",
		"markercluster/leaflet.markercluster.js":  "text/javascript; charset=utf-8",
		"markercluster/MarkerCluster.css":         "text/css; charset=utf-8",
		"markercluster/MarkerCluster.Default.css": "text/css; charset=utf-8",
		"htmx/htmx.min.js":                        "text/javascript; charset=utf-8",
	}
	for path, wantType := range wantTypes {
		t.Run(path, func(t *testing.T) {
			w := get(t, h, http.MethodGet, a.Prefix()+"/"+path, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			want := map[string]string{
				"Content-Type":           wantType,
				"Cache-Control":          "public, max-age=31536000, immutable",
				"X-Content-Type-Options": "nosniff",
			}
			for k, v := range want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if w.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if w.Header().Get("Content-Encoding") != "" {
				t.Error("no encoding was asked for")
			}
			embedded, err := files.ReadFile(embeddedName(path))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w.Body.Bytes(), embedded) {
				t.Error("body differs from the embedded file")
			}
		})
	}
}

func embeddedName(urlPath string) string {
	for _, dir := range []string{"leaflet/", "markercluster/", "htmx/"} {
		if strings.HasPrefix(urlPath, dir) {
			return "vendor/" + urlPath
		}
	}
	return urlPath
}

func TestGzipsTextWhenTheClientAcceptsIt(t *testing.T) {
	a := newAssets(t)
	h := handler(a)
	path := a.Prefix() + "/leaflet/leaflet.js"
	plain := get(t, h, http.MethodGet, path, nil)

	w := get(t, h, http.MethodGet, path, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", w.Header().Get("Content-Encoding"))
	}
	if w.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary %q, want Accept-Encoding", w.Header().Get("Vary"))
	}
	if w.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("the gzip and identity bodies need different ETags")
	}
	if w.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip body %d bytes is not smaller than %d", w.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Error("gunzipped body differs from the file")
	}
	if plain.Header().Get("Vary") != "Accept-Encoding" {
		t.Error("the identity answer must say Vary: Accept-Encoding too")
	}
}

func TestDoesNotGzipWhenRefusedOrPointless(t *testing.T) {
	a := newAssets(t)
	h := handler(a)
	for _, ae := range []string{"", "identity", "br", "gzip;q=0", "*;q=0", "gzip;q=0, *"} {
		w := get(t, h, http.MethodGet, a.Prefix()+"/app.css", map[string]string{"Accept-Encoding": ae})
		if w.Header().Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, w.Header().Get("Content-Encoding"))
		}
	}
	png := get(t, h, http.MethodGet, a.Prefix()+"/leaflet/images/marker-icon.png", map[string]string{"Accept-Encoding": "gzip"})
	if png.Header().Get("Content-Encoding") != "" || png.Header().Get("Vary") != "" {
		t.Errorf("PNGs are served as they are: encoding %q vary %q", png.Header().Get("Content-Encoding"), png.Header().Get("Vary"))
	}
}

func TestHeadAndConditionalRequests(t *testing.T) {
	a := newAssets(t)
	h := handler(a)
	path := a.Prefix() + "/app.js"

	head := get(t, h, http.MethodHead, path, nil)
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, body %d bytes, Content-Length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}

	etag := get(t, h, http.MethodGet, path, nil).Header().Get("ETag")
	w := get(t, h, http.MethodGet, path, map[string]string{"If-None-Match": etag})
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match with the current ETag: status %d, body %d bytes", w.Code, w.Body.Len())
	}
}

func TestUnknownPathsAndOtherVersionsAreNotFoundAndNotCached(t *testing.T) {
	a := newAssets(t)
	h := handler(a)
	other := "/assets/ffffffffff"
	if a.Version() == "ffffffffff" {
		other = "/assets/0000000000"
	}
	for _, path := range []string{
		other + "/app.js",          // a page from another deploy
		"/assets/app.js",           // no version
		a.Prefix(),                 // the directory itself
		a.Prefix() + "/",           // no listing
		a.Prefix() + "/leaflet",    // a directory
		a.Prefix() + "/leaflet/",   // a directory listing
		a.Prefix() + "/missing.js", // unknown file
		a.Prefix() + "/vendor/htmx/htmx.min.js",
		a.Prefix() + "/VERSIONS", // repository notes are not served
		a.Prefix() + "/update.sh",
		a.Prefix() + "/htmx/../app.js", // not a clean path
		a.Prefix() + "//app.js",
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.Path = path // set directly so unclean paths reach the handler as they are
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, w.Code)
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, w.Header().Get("Cache-Control"))
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: missing nosniff", path)
		}
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	a := newAssets(t)
	w := get(t, handler(a), http.MethodPost, a.Prefix()+"/app.js", nil)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

// Leaflet's stylesheet refers to its images relatively (images/layers.png);
// they must be served next to it.
func TestLeafletStylesheetImagesResolve(t *testing.T) {
	a := newAssets(t)
	h := handler(a)
	css := get(t, h, http.MethodGet, a.Prefix()+"/leaflet/leaflet.css", nil).Body.String()
	refs := regexp.MustCompile(`url\(([^)]+)\)`).FindAllStringSubmatch(css, -1)
	if len(refs) == 0 {
		t.Fatal("leaflet.css has no url() references; did the file change?")
	}
	for _, ref := range refs {
		target := strings.Trim(ref[1], `"'`)
		if strings.HasPrefix(target, "data:") || strings.HasPrefix(target, "#") { // inline data, IE behaviour URLs
			continue
		}
		if w := get(t, h, http.MethodGet, a.Prefix()+"/leaflet/"+target, nil); w.Code != http.StatusOK {
			t.Errorf("leaflet.css refers to %s, which answers %d", target, w.Code)
		}
	}
}

func TestPathsListsServedFilesWithoutVendorSegment(t *testing.T) {
	paths := strings.Join(newAssets(t).Paths(), " ")
	for _, want := range requiredPaths() {
		if !strings.Contains(" "+paths+" ", " "+want+" ") {
			t.Errorf("%s not in %s", want, paths)
		}
	}
	if strings.Contains(paths, "vendor/") || strings.Contains(paths, "VERSIONS") || strings.Contains(paths, "update.sh") {
		t.Errorf("paths expose repository layout: %s", paths)
	}
}
