package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// decodeZip reads a zip archive: a KMZ, or an export that holds files of
// sources whib knows (a Google Takeout with Saved Places or Timeline files,
// a Swarm export with checkins*.json, a Polarsteps export with trip.json).
// The same limits hold for both: MaxKMZEntries entries, MaxImportBytes
// unzipped in all, only local entry names. Nothing is extracted to disk.
func decodeZip(data []byte, hint string, opts DecodeOptions) (Import, error) {
	format := "ZIP"
	if hint == "KMZ" {
		format = "KMZ"
	}
	archive, err := openArchive(format, data)
	if err != nil {
		return Import{}, err
	}
	if what := officeKind(archive.File); what != "" {
		return Import{}, notWhatItClaims(KindUnsupportedType, hint, what)
	}
	if !hasSourceEntries(archive.File) {
		if root := chooseKMLEntry(archive.File); root != nil {
			return decodeKMZ(format, archive, root)
		}
		return Import{}, newError(KindMalformed, format, fmt.Errorf("the archive holds no file whib reads (%s)", entryList(archive.File)))
	}
	a := &archiveReader{format: format, budget: MaxImportBytes, opts: opts, logs: visitLogs{}}
	return a.read(archive.File)
}

func openArchive(format string, data []byte) (*zip.Reader, error) {
	archive, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, newError(KindMalformed, format, fmt.Errorf("not a zip archive: %w", err))
	}
	if len(archive.File) > MaxKMZEntries {
		return nil, newError(KindRefused, format, fmt.Errorf("more than %d files in the archive", MaxKMZEntries))
	}
	for _, f := range archive.File {
		if !isLocalEntryName(f.Name) {
			return nil, newError(KindRefused, format, fmt.Errorf("unsafe file name in the archive: %q", f.Name))
		}
	}
	return archive, nil
}

// officeKind tells Office and iWork files, which are zip archives too.
func officeKind(files []*zip.File) string {
	for _, f := range files {
		switch {
		case strings.HasPrefix(f.Name, "word/"):
			return "a Word document"
		case strings.HasPrefix(f.Name, "xl/"):
			return "an Excel workbook (save it as CSV to import it)"
		case strings.HasPrefix(f.Name, "ppt/"):
			return "a PowerPoint presentation"
		case f.Name == "Index/Document.iwa":
			return "an Apple Numbers, Pages or Keynote file (export it as CSV to import it)"
		case f.Name == "mimetype":
			return openDocumentKind(f)
		}
	}
	return ""
}

func openDocumentKind(f *zip.File) string {
	mediaType, _ := readEntry("ZIP", f, 200)
	switch {
	case bytes.Contains(mediaType, []byte("spreadsheet")):
		return "an OpenDocument spreadsheet (save it as CSV to import it)"
	case bytes.Contains(mediaType, []byte("epub")):
		return "an e-book"
	}
	return "an OpenDocument file"
}

// hasSourceEntries reports an archive with files other than KML to read.
func hasSourceEntries(files []*zip.File) bool {
	return slices.ContainsFunc(files, func(f *zip.File) bool {
		switch entryExtension(f.Name) {
		case ".json", ".geojson", ".gpx", ".csv":
			return !isRawLocationRecords(f.Name)
		}
		return false
	})
}

func entryExtension(name string) string {
	if strings.HasSuffix(name, "/") {
		return ""
	}
	return strings.ToLower(path.Ext(name))
}

// isRawLocationRecords spots Takeout's raw location history (Records.json,
// Location History.json), hundreds of megabytes of points, not visits: it
// is counted in Skipped.Files and never unzipped.
func isRawLocationRecords(name string) bool {
	switch strings.ToLower(path.Base(name)) {
	case "records.json", "location history.json":
		return true
	}
	return false
}

// archiveReader shares one unzipped-size budget and one place count between
// the files of an archive, and gathers the visits of all of them (see
// visitLog).
type archiveReader struct {
	format  string
	budget  int
	opts    DecodeOptions
	imp     Import
	sources []string
	logs    visitLogs
}

func (a *archiveReader) read(files []*zip.File) (Import, error) {
	for _, f := range files {
		if err := a.readFile(f); err != nil {
			return Import{}, err
		}
	}
	visits, err := a.logs.finish(a.opts)
	if err != nil {
		return Import{}, err
	}
	for _, part := range visits {
		a.sources = appendNew(a.sources, part.Source)
		if err := a.absorb(part, ""); err != nil {
			return Import{}, err
		}
	}
	if len(a.sources) == 0 {
		return Import{}, newError(KindMalformed, a.format, errors.New("the archive holds no file whib reads: "+errNoPlaces.Error()))
	}
	a.imp.Source = strings.Join(a.sources, ", ")
	return a.imp, nil
}

func (a *archiveReader) readFile(f *zip.File) error {
	ext := entryExtension(f.Name)
	switch {
	case ext == "":
		return nil
	case isRawLocationRecords(f.Name) || !slices.Contains([]string{".json", ".geojson", ".gpx", ".kml", ".csv"}, ext):
		a.imp.Skipped.Files++
		return nil
	}
	data, err := readEntry(a.format, f, a.budget)
	if err != nil {
		return err
	}
	a.budget -= len(data)
	part, err := a.decodeEntry(f.Name, ext, data)
	if isUnknownEntry(err) {
		a.imp.Skipped.Files++
		return nil
	}
	if err != nil {
		return err
	}
	if part.Source != "" {
		a.sources = appendNew(a.sources, part.Source)
	}
	return a.absorb(part, f.Name)
}

func (a *archiveReader) decodeEntry(name, ext string, data []byte) (Import, error) {
	format := a.format + " " + name
	switch ext {
	case ".gpx":
		return decodeGPX(format, data, a.opts)
	case ".kml":
		imp := Import{Source: SourceKML}
		var count int
		_, organic, err := readKML(format, data, &imp, &count)
		if organic {
			imp.Source = SourceOrganicMaps
		}
		return imp, err
	case ".csv":
		return decodeSpreadsheet(data, "CSV", a.opts)
	}
	return decodeJSONEntry(format, data, a.logs)
}

// isUnknownEntry reports an entry that is not places (a JSON file of
// another kind, a spreadsheet whose columns cannot be told): it is skipped
// rather than refusing the whole archive.
func isUnknownEntry(err error) bool {
	var e *Error
	return errors.Is(err, errNoPlaces) || (errors.As(err, &e) && e.Kind == KindNeedsColumns)
}

// absorb adds what one file of the archive held.
func (a *archiveReader) absorb(part Import, file string) error {
	for _, row := range part.Rows {
		if file != "" {
			row.File = file
		}
		if err := a.imp.addRow(a.format, row); err != nil {
			return err
		}
	}
	a.imp.Skipped = a.imp.Skipped.plus(part.Skipped)
	a.imp.Groups = append(a.imp.Groups, part.Groups...)
	return nil
}

func (s Skipped) plus(o Skipped) Skipped {
	return Skipped{
		Tracks: s.Tracks + o.Tracks, Activities: s.Activities + o.Activities, Paths: s.Paths + o.Paths,
		Signals: s.Signals + o.Signals, Points: s.Points + o.Points, HomeAndWork: s.HomeAndWork + o.HomeAndWork,
		OtherGroups: s.OtherGroups + o.OtherGroups, Files: s.Files + o.Files,
	}
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func entryList(files []*zip.File) string {
	var names []string
	for _, f := range files {
		if len(names) == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, f.Name)
	}
	if len(names) == 0 {
		return "it is empty"
	}
	return "it has " + strings.Join(names, ", ")
}

// decodeKMZ reads the KML inside a KMZ: doc.kml at the top when there is
// one, as Google Earth does, or else the first .kml entry, and the .kml
// files of the archive that it links to with NetworkLinks (GDAL puts each
// layer in its own file). Entry names are checked before anything is read,
// so an archive built to escape a folder is refused as a whole rather than
// half read.
func decodeKMZ(format string, archive *zip.Reader, root *zip.File) (Import, error) {
	k := kmzReader{format: format, files: archive.File, budget: MaxImportBytes, read: map[string]bool{}}
	k.imp.Source = SourceKMZ
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

// kmzReader shares one unzipped-size budget and one place count between
// the KML files of an archive.
type kmzReader struct {
	format string
	files  []*zip.File
	budget int
	read   map[string]bool
	imp    Import
	count  int
}

func (k *kmzReader) readKML(f *zip.File) ([]string, error) {
	k.read[f.Name] = true
	data, err := readEntry(k.format, f, k.budget)
	if err != nil {
		return nil, err
	}
	k.budget -= len(data)
	links, organic, err := readKML(k.format+" "+f.Name, data, &k.imp, &k.count)
	if organic {
		k.imp.Source = SourceOrganicMaps
	}
	return links, err
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
func readEntry(format string, f *zip.File, limit int) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, unzippedTooLarge(format, f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, newError(KindMalformed, format, fmt.Errorf("open %s: %w", f.Name, err))
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if len(data) > limit {
		return nil, unzippedTooLarge(format, f.Name)
	}
	if errors.Is(err, zip.ErrFormat) {
		// While reading an entry, archive/zip says ErrFormat only when it
		// passes the size the header gave: the entry holds more than it
		// claims, which only a crafted archive does.
		return nil, newError(KindRefused, format, fmt.Errorf("%s unzips to more than its zip header says", f.Name))
	}
	if err != nil {
		return nil, newError(KindMalformed, format, fmt.Errorf("read %s: %w", f.Name, err))
	}
	return data, nil
}

func unzippedTooLarge(format, name string) *Error {
	return newError(KindTooLarge, format, fmt.Errorf("%s takes the files read from the archive past %d MB unzipped: upload fewer files at a time", name, MaxImportBytes>>20))
}
