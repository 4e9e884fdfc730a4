package formats

import (
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
)

// Media types of the formats read and written here.
const (
	MediaTypeGPX     = "application/gpx+xml"
	MediaTypeKML     = "application/vnd.google-earth.kml+xml"
	MediaTypeKMZ     = "application/vnd.google-earth.kmz"
	MediaTypeGeoJSON = "application/geo+json"
	MediaTypeJSON    = "application/json"
	MediaTypeCSV     = "text/csv"
)

// Limits of one import. Places a traveller has been fit far below them; the
// point is that no upload can take the server's memory or time.
const (
	MaxImportBytes  = 5 << 20 // upload, and KML unzipped from a KMZ
	MaxImportPlaces = 10000   // rows in one upload, valid or not
	MaxKMZEntries   = 100     // files and folders in a KMZ
	maxXMLDepth     = 64      // real GPX and KML nest under 10 deep
)

// Row is one candidate place as the file wrote it. Nothing is validated:
// Classify runs each row through store.NewPlace.
type Row struct {
	// Index says where the row is, in the unit a person can find: the
	// spreadsheet row for CSV (the header is row 1, so the first place is
	// row 2), the 1-based wpt, Placemark or Feature number otherwise.
	Index     int
	Name      string
	Latitude  string // digits as written, trimmed
	Longitude string
}

// Skipped counts what a file held that is not a place.
type Skipped struct {
	// Tracks counts whole lines and shapes, not their points: a GPX trk or
	// rte, a KML Placemark without a Point (LineString, Polygon, gx:Track),
	// a GeoJSON Feature whose geometry is not a Point.
	Tracks int `json:"tracks"`
}

// Import is what Decode read from one upload.
type Import struct {
	Rows    []Row
	Skipped Skipped
}

// Decode reads an upload of at most MaxImportBytes. mediaType picks the
// format (parameters such as charset are ignored); when it is empty or
// generic (application/octet-stream, text/plain, application/xml,
// application/zip), as browsers often send for .gpx and .kml, the
// extension of filename decides. Errors about the file are *Error.
func Decode(r io.Reader, mediaType string, filename string) (Import, error) {
	decode, ok := decoderFor(mediaType, filename)
	if !ok {
		return Import{}, newError(KindUnsupportedType, "", fmt.Errorf("cannot import %q files (%q)", mediaType, path.Base(filename)))
	}
	data, err := readLimited(r)
	if err != nil {
		return Import{}, err
	}
	return decode(data)
}

type decoder func(data []byte) (Import, error)

func decoderFor(mediaType, filename string) (decoder, bool) {
	base, _, err := mime.ParseMediaType(mediaType)
	if err != nil || isGenericMediaType(base) {
		base = mediaTypeOfExtension(filename)
	}
	switch base {
	case MediaTypeGPX:
		return decodeGPX, true
	case MediaTypeKML:
		return decodeKML, true
	case MediaTypeKMZ:
		return decodeKMZ, true
	case MediaTypeGeoJSON, MediaTypeJSON:
		return decodeJSON, true
	case MediaTypeCSV:
		return decodeCSV, true
	}
	return nil, false
}

func isGenericMediaType(base string) bool {
	switch base {
	case "", "application/octet-stream", "text/plain", "application/xml", "text/xml", "application/zip":
		return true
	}
	return false
}

func mediaTypeOfExtension(filename string) string {
	switch strings.ToLower(path.Ext(filename)) {
	case ".gpx":
		return MediaTypeGPX
	case ".kml":
		return MediaTypeKML
	case ".kmz":
		return MediaTypeKMZ
	case ".geojson":
		return MediaTypeGeoJSON
	case ".json":
		return MediaTypeJSON
	case ".csv":
		return MediaTypeCSV
	}
	return ""
}

// readLimited reads one byte past the limit, so an upload of exactly
// MaxImportBytes is fine and the one-byte-larger one is refused without
// reading the rest.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, newError(KindTooLarge, "", fmt.Errorf("the file is larger than %d MB", MaxImportBytes>>20))
	}
	return data, nil
}

// addRow appends a row unless that would pass MaxImportPlaces.
func (imp *Import) addRow(format string, row Row) error {
	if len(imp.Rows) >= MaxImportPlaces {
		return tooMany(format)
	}
	imp.Rows = append(imp.Rows, Row{
		Index:     row.Index,
		Name:      strings.TrimSpace(row.Name),
		Latitude:  strings.TrimSpace(row.Latitude),
		Longitude: strings.TrimSpace(row.Longitude),
	})
	return nil
}
