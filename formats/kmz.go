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
// there is one, as Google Earth does, or else the first .kml entry. Nothing
// is extracted to disk; entry names are still checked so an archive built
// to escape a folder is refused as a whole rather than half read.
func decodeKMZ(data []byte) (Import, error) {
	archive, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return Import{}, newError(KindMalformed, "KMZ", fmt.Errorf("not a zip archive: %w", err))
	}
	if len(archive.File) > MaxKMZEntries {
		return Import{}, newError(KindRefused, "KMZ", fmt.Errorf("more than %d files in the archive", MaxKMZEntries))
	}
	for _, f := range archive.File {
		if !isLocalEntryName(f.Name) {
			return Import{}, newError(KindRefused, "KMZ", fmt.Errorf("unsafe file name in the archive: %q", f.Name))
		}
	}
	entry := chooseKMLEntry(archive.File)
	if entry == nil {
		return Import{}, newError(KindMalformed, "KMZ", errors.New("no .kml file in the archive"))
	}
	kmlData, err := readEntry(entry)
	if err != nil {
		return Import{}, err
	}
	imp, err := decodeKML(kmlData)
	var decodeErr *Error
	if errors.As(err, &decodeErr) {
		decodeErr.Format = "KMZ " + entry.Name
	}
	return imp, err
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

// readEntry decompresses at most MaxImportBytes and one byte more, whatever
// the zip headers claim, so a zip bomb costs 5 MB and no more.
func readEntry(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > MaxImportBytes {
		return nil, kmlTooLarge(f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, newError(KindMalformed, "KMZ", fmt.Errorf("open %s: %w", f.Name, err))
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxImportBytes+1))
	if len(data) > MaxImportBytes {
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
	return newError(KindTooLarge, "KMZ", fmt.Errorf("%s is larger than %d MB unzipped", name, MaxImportBytes>>20))
}
