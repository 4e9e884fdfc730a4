// Package assets embeds the front-end files (our scripts and app.css plus the
// vendored Leaflet, Leaflet.markercluster and htmx) and serves them under a
// content-derived version, so browsers may cache them forever and a deploy
// that changes any byte changes every URL.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// files holds everything the pages load. Vendored files live under vendor/ in
// the repository (next to VERSIONS and update.sh, which are not served) but are
// served without that segment: Prefix()+"/leaflet/leaflet.js".
//
//go:embed events.js app.js find.js world.js curate.js localtime.js import.js live.js list.js app.css favicon.svg vendor/leaflet vendor/markercluster vendor/htmx
var files embed.FS

// versionLength is how many hex digits of the content hash go into the URL:
// 40 bits is plenty to tell deploys apart and keeps URLs short.
const versionLength = 10

// requiredPaths are the URL paths the views reference; New fails if one is
// missing so a bad re-vendoring is caught at start-up, not by a user.
func requiredPaths() []string {
	return []string{
		"events.js",
		"app.js",
		"find.js",
		"world.js",
		"curate.js",
		"localtime.js",
		"import.js",
		"live.js",
		"list.js",
		"app.css",
		"favicon.svg",
		"leaflet/leaflet.js",
		"leaflet/leaflet.css",
		"leaflet/images/marker-icon.png",
		"markercluster/leaflet.markercluster.js",
		"markercluster/MarkerCluster.css",
		"markercluster/MarkerCluster.Default.css",
		"htmx/htmx.min.js",
	}
}

// Assets is the immutable set of embedded files, read and compressed once.
type Assets struct {
	version string
	byPath  map[string]*asset // URL path below the prefix, e.g. "leaflet/leaflet.js"
}

// asset is one servable file with everything a response needs precomputed.
type asset struct {
	contentType string
	plain       []byte
	plainETag   string
	gzipped     []byte // nil when the type is not text or gzip does not make it smaller
	gzipETag    string
}

// New reads every embedded file, computes the version and precompresses the
// text files.
func New() (*Assets, error) {
	byPath := map[string]*asset{}
	contents := map[string][]byte{} // by embedded name, for the version hash
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		a, err := newAsset(name, content)
		if err != nil {
			return fmt.Errorf("assets: %s: %w", name, err)
		}
		byPath[strings.TrimPrefix(name, "vendor/")] = a
		contents[name] = content
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assets: reading embedded files: %w", err)
	}
	for _, p := range requiredPaths() {
		if byPath[p] == nil {
			return nil, fmt.Errorf("assets: %s is missing; run assets/vendor/update.sh", p)
		}
	}
	return &Assets{version: versionOf(contents), byPath: byPath}, nil
}

// versionOf hashes file names and contents in a fixed order; the name and the
// length are part of the hash so that moving bytes between files changes it.
func versionOf(contents map[string][]byte) string {
	names := make([]string, 0, len(contents))
	for name := range contents {
		names = append(names, name)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(contents[name]))
		h.Write(contents[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:versionLength]
}

func newAsset(name string, content []byte) (*asset, error) {
	sum := sha256.Sum256(content)
	tag := hex.EncodeToString(sum[:8])
	a := &asset{
		contentType: contentTypeOf(name),
		plain:       content,
		plainETag:   `"` + tag + `"`,
	}
	if !isCompressible(a.contentType) {
		return a, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(content); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() < len(content) {
		a.gzipped = buf.Bytes()
		a.gzipETag = `"` + tag + `-gzip"`
	}
	return a, nil
}

// Version is the content hash that appears in every asset URL.
func (a *Assets) Version() string { return a.version }

// Prefix is the URL directory all assets are served under, e.g. "/assets/3fa9c1d2e4".
func (a *Assets) Prefix() string { return "/assets/" + a.version }

// Paths lists the URL paths below Prefix, sorted (for tests and diagnostics).
func (a *Assets) Paths() []string {
	paths := make([]string, 0, len(a.byPath))
	for p := range a.byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// lookup maps a request path to an asset; ok is false for anything that is not
// exactly "/assets/<version>/<file>" (other versions, directories, unknown files).
func (a *Assets) lookup(urlPath string) (*asset, bool) {
	rest, ok := strings.CutPrefix(urlPath, a.Prefix()+"/")
	if !ok || rest == "" || path.Clean(rest) != rest {
		return nil, false
	}
	found, ok := a.byPath[rest]
	return found, ok
}
