package formats

import (
	"errors"
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
	MediaTypeZip     = "application/zip"
)

// Limits of one import. Places a traveller has been fit far below them; the
// point is that no upload can take the server's memory or time.
const (
	MaxImportBytes  = 5 << 20 // upload, and what is unzipped from an archive
	MaxImportPlaces = 10000   // rows in one upload, valid or not
	MaxKMZEntries   = 100     // files and folders in a KMZ or any zip archive
	maxXMLDepth     = 64      // real GPX and KML nest under 10 deep
	maxJSONDepth    = 64      // GeoJSON's deepest (a MultiPolygon's rings) is under 10
)

// Sources name what a file is, as the preview says it ("Google Timeline:
// 214 visits at 61 places, 2019–2024"). Import.Source holds one of them,
// or several joined by ", " for an archive that holds several.
const (
	SourceGPX         = "GPX"
	SourceKML         = "KML"
	SourceKMZ         = "KMZ"
	SourceGeoJSON     = "GeoJSON"
	SourceWhib        = "whib" // whib's own places.json
	SourceSpreadsheet = "Spreadsheet"
	SourceSavedPlaces = "Google Saved Places"
	SourceTimeline    = "Google Timeline"
	SourceSwarm       = "Swarm"
	SourcePolarsteps  = "Polarsteps"
	SourceOrganicMaps = "Organic Maps" // and CoMaps, which writes the same KML
	SourceOsmAnd      = "OsmAnd"
)

// Row is one candidate place, or one visit to a place, as the file wrote
// it. Nothing is validated here: Classify runs each row through
// store.Input.Place. Rows that share Name, Latitude and Longitude are
// visits to one place (a Timeline or Swarm export visits the same café many
// times); Visited tells them apart.
type Row struct {
	// Index says where the row is, in the unit a person can find: the
	// spreadsheet row for CSV (the header is row 1, so the first place is
	// row 2), the 1-based wpt, Placemark, Feature, check-in, step or
	// Timeline segment number otherwise.
	Index int    `json:"row"`
	File  string `json:"file,omitempty"` // the archive entry the row is in; "" for a single file
	Name  string `json:"name"`
	// Latitude and Longitude are the digits as written, trimmed, with a
	// decimal comma turned into a point; both are empty when the file has
	// no point for the row (see Lookup).
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
	// Visited is when, in EDTF level 0 as the decoder normalised it: 2019,
	// 2019-07, 2019-07-14, 2019-07-14/2019-07-18, 2018/2020; "" when the
	// file does not say. A value the decoder could not read is kept as
	// written, so the report can say what was wrong with it.
	Visited string `json:"visited,omitempty"`
	Note    string `json:"note,omitempty"` // as written, trimmed
	// Read is the record as the file wrote it when the fields above would
	// not let a person find it (a spreadsheet line, its cells joined by the
	// file's delimiter); "" otherwise.
	Read string `json:"read,omitempty"`
	// Lookup is what to ask the gazetteer for a row the file gives no point
	// ("Lisbon, Portugal", a Saved Place's address): see Geocoder.
	Lookup string `json:"lookup,omitempty"`
	// Candidates are the gazetteer's answers: places matching Lookup, or
	// for a row without a name the place nearest its point. Exactly one is
	// taken at once (Proposed says so); several are left for the person.
	Candidates []Candidate `json:"candidates,omitempty"`
	Proposed   bool        `json:"proposed,omitempty"`
}

// NeedsPoint reports a row the file gives no coordinates for.
func (r Row) NeedsPoint() bool { return r.Latitude == "" && r.Longitude == "" }

// Skipped counts what a file held that is not a place. Every field but
// Tracks is left out of JSON when zero, so the report keeps its shape for
// the formats that have none of them.
type Skipped struct {
	// Tracks counts whole lines and shapes, not their points: a GPX trk or
	// rte, a KML Placemark without a Point (LineString, Polygon, gx:Track),
	// a GeoJSON Feature whose geometry is not a Point.
	Tracks int `json:"tracks"`
	// Activities are Timeline journeys between places (activity,
	// activitySegment); Paths its timelinePath segments; Signals its
	// rawSignals and the raw points of Records.json.
	Activities int `json:"activities,omitempty"`
	Paths      int `json:"paths,omitempty"`
	Signals    int `json:"signals,omitempty"`
	// Points are the track points of a Polarsteps locations.json.
	Points int `json:"points,omitempty"`
	// HomeAndWork are Timeline visits at places Google marks as home or
	// work, left out unless DecodeOptions.HomeAndWork asks for them.
	HomeAndWork int `json:"home_and_work,omitempty"`
	// OtherGroups are waypoints in groups DecodeOptions.Groups left out.
	OtherGroups int `json:"other_groups,omitempty"`
	// Files are archive entries that hold no places (pictures, raw
	// location records) and were not read.
	Files int `json:"files,omitempty"`
}

// Group is a waypoint group of an OsmAnd favourites file (GPX's <type>)
// with how many waypoints it has, so the preview can offer to import some.
type Group struct {
	Name   string `json:"name"` // "" for waypoints without a group
	Places int    `json:"places"`
}

// Import is what Decode read from one upload.
type Import struct {
	Source  string  `json:"source"`
	Rows    []Row   `json:"rows"`
	Skipped Skipped `json:"skipped"`
	// Groups lists every group of a GPX with <type>s in file order,
	// including those DecodeOptions.Groups left out; nil when it has none.
	Groups []Group `json:"groups,omitempty"`
	// Spreadsheet says how a CSV was read (delimiter, columns), for the
	// preview's column picker; nil for other formats.
	Spreadsheet *Spreadsheet `json:"spreadsheet,omitempty"`
}

// DecodeOptions are the choices a person makes in the preview. The zero
// value reads every file as found: what the file holds, home and work
// left out, every group, columns recognised from the header, no gazetteer.
type DecodeOptions struct {
	// HomeAndWork keeps the Timeline places Google marks as home or work
	// (INFERRED_HOME, INFERRED_WORK, and the HOME and WORK a person set).
	HomeAndWork bool
	// Groups, when not nil, imports only waypoints in these groups (see
	// Import.Groups; "" is the waypoints without one).
	Groups []string
	// Columns, when not nil, says which spreadsheet columns hold what,
	// overriding the header: the column picker's answer.
	Columns *Columns
	// Geocoder, when not nil, proposes points for rows that have a name
	// but no coordinates (and, if it is also a Namer, names for rows that
	// have a point but no name).
	Geocoder Geocoder
}

// Decode reads an upload of at most MaxImportBytes with the zero
// DecodeOptions. See DecodeWith.
func Decode(r io.Reader, mediaType string, filename string) (Import, error) {
	return DecodeWith(r, mediaType, filename, DecodeOptions{})
}

// DecodeWith reads an upload of at most MaxImportBytes. The content says
// what the file is; mediaType and filename are hints, used to word errors
// ("This file is not a KML file (it looks like a Word document)") and to
// break ties. Errors about the file are *Error.
func DecodeWith(r io.Reader, mediaType string, filename string, opts DecodeOptions) (Import, error) {
	hint := formatHint(mediaType, filename)
	data, err := readLimited(r)
	if err != nil {
		return Import{}, err
	}
	imp, err := decodeContent(data, hint, opts)
	if err != nil {
		return Import{}, err
	}
	opts.geocode(&imp)
	return imp, nil
}

// formatHint is the format the upload claims to be, by media type or, when
// that is generic (as browsers often send for .gpx and .kml), by extension:
// "GPX", "KML", "KMZ", "GeoJSON", "JSON", "CSV", "ZIP", or "" when it
// claims none.
func formatHint(mediaType, filename string) string {
	base, _, err := mime.ParseMediaType(mediaType)
	if err != nil || isGenericMediaType(base) {
		base = mediaTypeOfExtension(filename)
	}
	switch base {
	case MediaTypeGPX:
		return "GPX"
	case MediaTypeKML:
		return "KML"
	case MediaTypeKMZ:
		return "KMZ"
	case MediaTypeGeoJSON:
		return "GeoJSON"
	case MediaTypeJSON:
		return "JSON"
	case MediaTypeCSV, "text/tab-separated-values":
		return "CSV"
	case MediaTypeZip:
		return "ZIP"
	}
	return ""
}

func isGenericMediaType(base string) bool {
	switch base {
	case "", "application/octet-stream", "text/plain", "application/xml", "text/xml", MediaTypeZip, "application/x-zip-compressed":
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
	case ".csv", ".tsv", ".txt":
		return MediaTypeCSV
	case ".zip":
		return MediaTypeZip
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
	row.Name = strings.TrimSpace(row.Name)
	row.Latitude = strings.TrimSpace(row.Latitude)
	row.Longitude = strings.TrimSpace(row.Longitude)
	row.Note = strings.TrimSpace(row.Note)
	imp.Rows = append(imp.Rows, row)
	return nil
}

// decodeContent reads the upload as what its content says it is.
func decodeContent(data []byte, hint string, opts DecodeOptions) (Import, error) {
	switch sniff(data) {
	case contentEmpty:
		return Import{}, errorAt(KindMalformed, hint, 1, 1, errors.New("the file is empty"))
	case contentZip:
		return decodeZip(data, hint, opts)
	case contentXML:
		return decodeXML(data, hint, opts)
	case contentJSON:
		return decodeJSONSource(data, hint, opts)
	case contentText:
		return decodeSpreadsheet(data, hint, opts)
	}
	return Import{}, notWhatItClaims(KindUnsupportedType, hint, looksLike(data))
}
