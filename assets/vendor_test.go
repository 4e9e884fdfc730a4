package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// VERSIONS records what update.sh copied; a file edited by hand (or a partial
// re-vendoring) shows up as a checksum mismatch.
func TestVendoredFilesMatchVERSIONS(t *testing.T) {
	notes, err := os.ReadFile(filepath.Join("vendor", "VERSIONS"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(string(notes), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if ok && len(sum) == 64 {
			listed[name] = sum
		}
	}
	for _, pkg := range []string{"leaflet@", "htmx.org@", "leaflet.markercluster@"} {
		if !strings.Contains(string(notes), pkg) {
			t.Errorf("VERSIONS does not name %s", pkg)
		}
	}

	onDisk := 0
	for _, dir := range []string{"leaflet", "markercluster", "htmx"} {
		err := filepath.WalkDir(filepath.Join("vendor", dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			onDisk++
			name := filepath.ToSlash(strings.TrimPrefix(path, "vendor"+string(filepath.Separator)))
			content, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(content)
			if want, ok := listed[name]; !ok {
				t.Errorf("%s is not listed in VERSIONS", name)
			} else if got := hex.EncodeToString(sum[:]); got != want {
				t.Errorf("%s: sha256 %s, VERSIONS says %s", name, got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if onDisk != len(listed) {
		t.Errorf("VERSIONS lists %d files, vendor/ has %d", len(listed), onDisk)
	}
	for _, dir := range []string{"leaflet", "markercluster", "htmx"} {
		if _, ok := listed[dir+"/LICENSE"]; !ok {
			t.Errorf("%s has no LICENSE", dir)
		}
	}
}
