package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// decodeKMZ reads the KML inside a KMZ (a zip): doc.kml at the top when
// there is one, as Google Earth does, or else the first .kml entry, and the
// .kml files of the archive that it links to with NetworkLinks (GDAL puts
// each layer in its own file). Nothing is extracted to disk; entry names
// are still checked so an archive built to escape a folder is refused as a
// whole rather than half read.
func decodeKMZ(data []byte) (Import, error) {
	archive, err := openKMZ(data)
	if err != nil {
		return Import{}, err
	}
	root := chooseKMLEntry(archive.File)
	if root == nil {
		return Import{}, newError(KindMalformed, "KMZ", errors.New("no .kml file in the archive"))
	}
	k := kmzReader{files: archive.File, budget: MaxImportBytes, read: map[string]bool{}}
	links, err := k.readKML(root)
	if err != nil {
		return Import{}, err
	}
	// Links are followed one level deep, which is all GDAL and Google
	// Earth write; read marks each file so none is imported twice.
	for _, href := range links {
		if f := k.linkedEntry(root.Name, href); f != nil {
			if _, err := k.readKML(f); err != nil {
				return Import{}, err
			}
		}
	}
	return k.imp, nil
}

func openKMZ(data []byte) (*zip.Reader, error) {
	archive, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, newError(KindMalformed, "KMZ", fmt.Errorf("not a zip archive: %w", err))
	}
	if len(archive.File) > MaxKMZEntries {
		return nil, newError(KindRefused, "KMZ", fmt.Errorf("more than %d files in the archive", MaxKMZEntries))
	}
	for _, f := range archive.File {
		if !isLocalEntryName(f.Name) {
			return nil, newError(KindRefused, "KMZ", fmt.Errorf("unsafe file name in the archive: %q", f.Name))
		}
	}
	return archive, nil
}

// kmzReader shares one unzipped-size budget and one place count between
// the KML files of an archive.
type kmzReader struct {
	files  []*zip.File
	budget int
	read   map[string]bool
	imp    Import
	count  int
}

func (k *kmzReader) readKML(f *zip.File) ([]string, error) {
	k.read[f.Name] = true
	data, err := readEntry(f, k.budget)
	if err != nil {
		return nil, err
	}
	k.budget -= len(data)
	return readKML("KMZ "+f.Name, data, &k.imp, &k.count)
}

// linkedEntry finds the .kml file of the archive an href names, relative to
// the file that holds the link; remote links are never fetched.
func (k *kmzReader) linkedEntry(from, href string) *zip.File {
	if strings.Contains(href, ":") || !strings.EqualFold(path.Ext(href), ".kml") {
		return nil
	}
	name := path.Join(path.Dir(from), href)
	for _, f := range k.files {
		if f.Name == name && !k.read[name] {
			return f
		}
	}
	return nil
}

// isLocalEntryName accepts relative slash-separated names that stay inside
// the archive: no leading slash, no "..", no backslashes or drive letters
// that would mean something else on Windows.
func isLocalEntryName(name string) bool {
	if strings.ContainsAny(name, `\:`) {
		return false
	}
	return fs.ValidPath(strings.TrimSuffix(name, "/"))
}

func chooseKMLEntry(files []*zip.File) *zip.File {
	var first *zip.File
	for _, f := range files {
		if !strings.EqualFold(path.Ext(f.Name), ".kml") {
			continue
		}
		if strings.EqualFold(f.Name, "doc.kml") {
			return f
		}
		if first == nil {
			first = f
		}
	}
	return first
}

// readEntry decompresses at most limit bytes and one byte more, whatever
// the zip headers claim, so a zip bomb costs 5 MB and no more.
func readEntry(f *zip.File, limit int) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, kmlTooLarge(f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, newError(KindMalformed, "KMZ", fmt.Errorf("open %s: %w", f.Name, err))
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if len(data) > limit {
		return nil, kmlTooLarge(f.Name)
	}
	if errors.Is(err, zip.ErrFormat) {
		// While reading an entry, archive/zip says ErrFormat only when it
		// passes the size the header gave: the entry holds more than it
		// claims, which only a crafted archive does.
		return nil, newError(KindRefused, "KMZ", fmt.Errorf("%s unzips to more than its zip header says", f.Name))
	}
	if err != nil {
		return nil, newError(KindMalformed, "KMZ", fmt.Errorf("read %s: %w", f.Name, err))
	}
	return data, nil
}

func kmlTooLarge(name string) *Error {
	return newError(KindTooLarge, "KMZ", fmt.Errorf("%s takes the KML in the archive past %d MB unzipped", name, MaxImportBytes>>20))
}
