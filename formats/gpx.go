package formats

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/whib/whib/store"
)

// FilenameGPX is the suggested name of a GPX download.
const FilenameGPX = "places.gpx"

const gpxNamespace = "http://www.topografix.com/GPX/1/1"

// GPXNamespaceWhib is the namespace of whib's GPX extension. GPX's <time>
// is an xs:dateTime, one instant, so it cannot say "2019" or "2019-07" or
// a stay of several days. whib's export writes such a visit as
//
//	<time>2019-01-01T00:00:00Z</time>
//	<extensions><whib:visited>2019</whib:visited></extensions>
//
// (the prefix declared on <gpx>): the first instant of the visit, then
// the exact value; and a single day as its midnight UTC alone. Import
// prefers whib:visited when it is there and readable, so an export read
// back gives every visit back as it was (GDAL keeps it as whib_visited);
// other apps keep the <time> they understand, and a midnight UTC reads
// back as its date.
const GPXNamespaceWhib = "https://github.com/whib/whib/gpx/1"

// gdalNamespace is where GDAL writes a layer's other fields in a GPX
// (GPX_USE_EXTENSIONS=YES): <ogr:visited>, <ogr:note>.
const gdalNamespace = "http://osgeo.org/gdal"

// osmandNamespace marks a GPX written by OsmAnd, whose <type> is the
// favourites group.
const osmandNamespace = "https://osmand.net"

// gpxWaypoint is a waypoint as whib writes it, its children in the order
// GPX 1.1's schema wants them: time, name, desc, extensions.
type gpxWaypoint struct {
	XMLName    xml.Name       `xml:"wpt"`
	Latitude   string         `xml:"lat,attr"`
	Longitude  string         `xml:"lon,attr"`
	Time       string         `xml:"time,omitempty"`
	Name       string         `xml:"name"`
	Desc       string         `xml:"desc,omitempty"`
	Extensions *gpxExtensions `xml:"extensions"`
}

// gpxExtensions holds <whib:visited>, the visit exactly as stored (see
// GPXNamespaceWhib); the prefix is declared on <gpx>.
type gpxExtensions struct {
	Visited string `xml:"whib:visited"`
}

// EncodeGPX writes places as GPX 1.1 waypoints, which every GPS app and
// hiking tool imports: a visit's date as <time> (and exactly in
// <whib:visited> when it is not one day: see GPXNamespaceWhib), its note
// as <desc>, both text. Waypoints are encoded one by one, so a large list
// is never held twice in memory.
func EncodeGPX(w io.Writer, places []store.Place) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	root := xml.StartElement{
		Name: xml.Name{Local: "gpx"},
		Attr: []xml.Attr{
			{Name: xml.Name{Local: "version"}, Value: "1.1"},
			{Name: xml.Name{Local: "creator"}, Value: "whib"},
			{Name: xml.Name{Local: "xmlns"}, Value: gpxNamespace},
			{Name: xml.Name{Local: "xmlns:whib"}, Value: GPXNamespaceWhib},
		},
	}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for _, p := range places {
		wpt := gpxWaypoint{Latitude: xmlDecimal(p.Latitude), Longitude: xmlDecimal(p.Longitude), Name: p.Name, Desc: p.Note}
		var exact bool
		if wpt.Time, exact = gpxTime(p.Visited.String()); exact {
			wpt.Extensions = &gpxExtensions{Visited: p.Visited.String()}
		}
		if err := enc.Encode(wpt); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	return enc.Close()
}

// gpxReader keeps what decodeGPX knows about the waypoint it is inside.
type gpxReader struct {
	xml      *xmlReader
	opts     DecodeOptions
	imp      Import
	osmand   bool
	count    int // waypoints seen, for Row.Index
	wpt      *gpxFields
	wptDepth int
	text     textCollector
	field    string         // which field of the waypoint text is collected for
	groups   map[string]int // group name → index in imp.Groups
}

// gpxFields are the waypoint's children that make a row.
type gpxFields struct {
	row                                   Row
	name, desc, cmt, time, group, visited string
	gdalVisited, gdalNote                 string // GDAL's fields named like a date or a note
}

// decodeGPX reads gpx/wpt waypoints with their name, time, desc, cmt and
// type. Tracks and routes are lines, not places: each trk and rte counts
// once in Skipped.Tracks.
func decodeGPX(format string, data []byte, opts DecodeOptions) (Import, error) {
	g := &gpxReader{xml: newXMLReader(format, data), opts: opts, groups: map[string]int{}}
	root, err := g.xml.root()
	if err != nil {
		return Import{}, err
	}
	if root.Name.Local != "gpx" {
		return Import{}, g.xml.errorHere(KindMalformed, fmt.Errorf("expected a <gpx> document, found <%s>", root.Name.Local))
	}
	g.osmand = declaresNamespace(root, osmandNamespace) || strings.HasPrefix(attr(root, "creator"), "OsmAnd")
	g.imp.Source = SourceGPX
	if g.osmand {
		g.imp.Source = SourceOsmAnd
	}
	for {
		tok, err := g.xml.next()
		if err == io.EOF {
			g.finishGroups()
			return g.imp, nil
		}
		if err != nil {
			return Import{}, err
		}
		if err := g.handle(tok); err != nil {
			return Import{}, err
		}
	}
}

func (g *gpxReader) handle(tok xml.Token) error {
	depth := g.xml.depth
	switch t := tok.(type) {
	case xml.StartElement:
		g.start(t, depth)
	case xml.EndElement:
		if text, ok := g.text.end(depth); ok && g.wpt != nil {
			g.wpt.set(g.field, text)
		}
		if g.wpt != nil && depth == g.wptDepth-1 {
			fields := g.wpt
			g.wpt = nil
			return g.endWaypoint(fields)
		}
	default:
		g.text.add(tok, depth)
	}
	return nil
}

func (g *gpxReader) start(t xml.StartElement, depth int) {
	switch {
	case t.Name.Local == "wpt" && g.wpt == nil:
		g.count++
		g.wpt = &gpxFields{row: Row{Index: g.count, Latitude: attr(t, "lat"), Longitude: attr(t, "lon")}}
		g.wptDepth = depth
	case g.wpt == nil:
		if t.Name.Local == "trk" || t.Name.Local == "rte" {
			g.imp.Skipped.Tracks++
		}
	case t.Name.Local == "visited" && t.Name.Space == GPXNamespaceWhib:
		g.collect("visited", depth)
	case t.Name.Space == gdalNamespace:
		switch roleOfTitle(t.Name.Local) {
		case roleVisited:
			g.collect("gdalVisited", depth)
		case roleNote:
			g.collect("gdalNote", depth)
		}
	case depth == g.wptDepth+1:
		switch t.Name.Local {
		case "name", "desc", "cmt", "time", "type":
			g.collect(t.Name.Local, depth)
		}
	}
}

func (g *gpxReader) collect(field string, depth int) {
	g.text.start(depth)
	g.field = field
}

func (w *gpxFields) set(field, text string) {
	switch field {
	case "name":
		w.name = text
	case "desc":
		w.desc = text
	case "cmt":
		w.cmt = text
	case "time":
		w.time = text
	case "type":
		w.group = strings.TrimSpace(text)
	case "visited":
		w.visited = text
	case "gdalVisited":
		w.gdalVisited = cmp.Or(w.gdalVisited, text)
	case "gdalNote":
		w.gdalNote = cmp.Or(w.gdalNote, text)
	}
}

// endWaypoint makes the row: whib's own visited, then GDAL's, before
// <time>; GDAL's note, or desc and cmt (when it says more), as the note,
// after the OsmAnd group.
func (g *gpxReader) endWaypoint(w *gpxFields) error {
	row := w.row
	row.Name = w.name
	row.Visited = w.when(dateAt(row.Longitude))
	note := joinLines(w.desc, w.cmt)
	if strings.TrimSpace(w.gdalNote) != "" {
		note = w.gdalNote
	}
	if g.osmand && w.group != "" {
		note = joinWith(": ", w.group, note)
	}
	row.Note = note
	if !g.countGroup(w.group) {
		g.imp.Skipped.OtherGroups++
		return nil
	}
	return g.imp.addRow(g.xml.format, row)
}

// when is the first readable of whib's visited, GDAL's and <time>, or else
// the first written, for the report to show.
func (w *gpxFields) when(ctx dateContext) string {
	written := []string{w.visited, w.gdalVisited, w.time}
	for _, s := range written {
		if v, ok := normaliseVisited(s, ctx); ok && v != "" {
			return v
		}
	}
	return strings.TrimSpace(cmp.Or(written...))
}

// countGroup records the waypoint's group and reports whether the options
// let it in.
func (g *gpxReader) countGroup(group string) bool {
	i, seen := g.groups[group]
	if !seen {
		i = len(g.imp.Groups)
		g.groups[group] = i
		g.imp.Groups = append(g.imp.Groups, Group{Name: group})
	}
	g.imp.Groups[i].Places++
	return g.opts.Groups == nil || slices.Contains(g.opts.Groups, group)
}

// finishGroups leaves Groups out when no waypoint has one.
func (g *gpxReader) finishGroups() {
	if len(g.imp.Groups) == 1 && g.imp.Groups[0].Name == "" {
		g.imp.Groups = nil
	}
}

// joinLines joins the texts that say something, each once, one per line.
func joinLines(texts ...string) string {
	var kept []string
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if t != "" && !slices.Contains(kept, t) {
			kept = append(kept, t)
		}
	}
	return strings.Join(kept, "\n")
}

// joinWith joins two texts with sep, or returns the one that is not empty.
func joinWith(sep, a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

// gpxTime is what whib's GPX export writes for a visit (see
// GPXNamespaceWhib): the xs:dateTime of its first instant, and whether
// <whib:visited> must carry the rest (a year, a month or an interval,
// which one instant cannot say). It returns "" for no visit.
func gpxTime(visited string) (dateTime string, needsExtension bool) {
	if visited == "" || !isEDTF(visited) {
		return "", false
	}
	start, _, isInterval := strings.Cut(visited, "/")
	firstDay := start + "-01-01"[len(start)-4:] // 2019 → 2019-01-01, 2019-07 → 2019-07-01
	return firstDay + "T00:00:00Z", isInterval || len(start) != len("2019-07-14")
}
