package formats

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	kml "github.com/twpayne/go-kml/v3"

	"github.com/whib/whib/store"
)

// FilenameKML is the suggested name of a KML download.
const FilenameKML = "places.kml"

// EncodeKML writes places as a KML 2.2 Document of Placemarks, one Point
// each, which Google Earth and Google My Maps open. A visit's date is a
// TimeStamp (a year, a month or a day, as stored) or a TimeSpan (an
// interval); its note is the description, HTML-escaped, since viewers
// show a description as HTML: a note is text there too. ExtendedData keeps
// the date and the note exactly, as GDAL and the import read them.
func EncodeKML(w io.Writer, places []store.Place) error {
	placemarks := make([]kml.Element, 0, len(places)+1)
	placemarks = append(placemarks, kml.Name("whib places"))
	for _, p := range places {
		children := []kml.Element{kml.Name(p.Name)}
		if p.Note != "" {
			children = append(children, kml.Description(htmlText(p.Note)))
		}
		switch when, begin, end := kmlTime(p.Visited.String()); {
		case when != "":
			children = append(children, kmlText("TimeStamp", "when", when))
		case begin != "":
			children = append(children, kmlText("TimeSpan", "begin", begin, "end", end))
		}
		if data := kmlVisitData(p); data != nil {
			children = append(children, data)
		}
		children = append(children, kml.Point(pointCoordinates{longitude: xmlDecimal(p.Longitude), latitude: xmlDecimal(p.Latitude)}))
		placemarks = append(placemarks, kml.Placemark(children...))
	}
	return kml.KML(kml.Document(placemarks...)).Write(w)
}

// htmlText is a note as HTML that shows it as text: escaped, its line
// breaks as <br>.
func htmlText(note string) string {
	return strings.ReplaceAll(html.EscapeString(note), "\n", "<br>")
}

// kmlVisitData is <ExtendedData> with a visit's date and note as stored,
// or nil for a place with neither.
func kmlVisitData(p store.Place) kml.Element {
	var data []kml.Element
	if !p.Visited.IsZero() {
		data = append(data, kml.Data("visited", kml.Value(p.Visited.String())))
	}
	if p.Note != "" {
		data = append(data, kml.Data("note", kml.Value(p.Note)))
	}
	if data == nil {
		return nil
	}
	return kml.ExtendedData(data...)
}

// kmlTimeElement is a KML time primitive written as stored: go-kml's own
// When, Begin and End take a time.Time, which cannot say "2019" or
// "2019-07" as KML allows.
type kmlTimeElement struct {
	name   string
	fields []string // child name, text, child name, text…
}

func kmlText(name string, fields ...string) kmlTimeElement {
	return kmlTimeElement{name: name, fields: fields}
}

func (e kmlTimeElement) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: e.name}}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	for i := 0; i+1 < len(e.fields); i += 2 {
		if err := enc.EncodeElement(e.fields[i+1], xml.StartElement{Name: xml.Name{Local: e.fields[i]}}); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}

// pointCoordinates is a KML coordinates element that keeps the digits as
// stored; go-kml's own Coordinates would reformat them from float64.
type pointCoordinates struct{ longitude, latitude string }

func (c pointCoordinates) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: "coordinates"}}
	return enc.EncodeElement(c.longitude+","+c.latitude, start)
}

// Namespaces of Organic Maps' (and CoMaps', and before them MAPS.ME's)
// KML extensions.
var organicMapsNamespaces = []string{"https://omaps.app", "https://maps.me"}

// kmlReader keeps what readKML knows about the Placemark it is inside.
type kmlReader struct {
	xml            *xmlReader
	imp            *Import
	count          *int // Placemarks seen, for Row.Index, across the files of a KMZ
	organic        bool // the document uses Organic Maps' extensions
	open           []xml.Name
	placemark      *kmlPlacemark
	placemarkDepth int
	networkLink    int // depth of the NetworkLink being read; 0 when none
	links          []string
	text           textCollector
	field          string // what the text being collected is: see kmlPlacemark.set
	dataName       string // the name of the ExtendedData Data or SimpleData being read
}

// kmlPlacemark is what one Placemark says.
type kmlPlacemark struct {
	row                   Row
	mwmName               string // Organic Maps' name in the default language
	description           string
	when, begin, end      string
	dataVisited, dataNote string // the first ExtendedData of each role
	inPoint, hasPoint     bool   // inside the first Point; it was read
	hasShape              bool   // it has a line or polygon
}

// decodeKML reads Placemarks with a Point at any Document or Folder depth,
// with their name, TimeStamp or TimeSpan, description and ExtendedData. A
// Placemark that only has a line or polygon counts in Skipped.Tracks; one
// with no geometry at all becomes a row without coordinates, so the report
// lists it as invalid instead of dropping it silently. NetworkLinks are
// never fetched; only a KMZ's links to its own files are followed.
func decodeKML(data []byte) (Import, error) {
	imp := Import{Source: SourceKML}
	var count int
	_, organic, err := readKML("KML", data, &imp, &count)
	if err != nil {
		return Import{}, err
	}
	if organic {
		imp.Source = SourceOrganicMaps
	}
	return imp, nil
}

// readKML adds the Placemarks of one KML document to imp and returns the
// hrefs of its NetworkLinks, and whether it is from Organic Maps.
func readKML(format string, data []byte, imp *Import, count *int) ([]string, bool, error) {
	k := &kmlReader{xml: newXMLReader(format, data), imp: imp, count: count}
	root, err := k.xml.root()
	if err != nil {
		return nil, false, err
	}
	if root.Name.Local != "kml" {
		return nil, false, k.xml.errorHere(KindMalformed, fmt.Errorf("expected a <kml> document, found <%s>", root.Name.Local))
	}
	k.open = append(k.open, root.Name)
	k.noticeOrganicMaps(root)
	for {
		tok, err := k.xml.next()
		if err == io.EOF {
			return k.links, k.organic, nil
		}
		if err != nil {
			return nil, false, err
		}
		if err := k.handle(tok); err != nil {
			return nil, false, err
		}
	}
}

func (k *kmlReader) noticeOrganicMaps(t xml.StartElement) {
	if !k.organic && (declaresNamespace(t, organicMapsNamespaces...) || slices.Contains(organicMapsNamespaces, t.Name.Space)) {
		k.organic = true
	}
}

func (k *kmlReader) handle(tok xml.Token) error {
	depth := k.xml.depth
	switch t := tok.(type) {
	case xml.StartElement:
		k.open = append(k.open, t.Name)
		k.noticeOrganicMaps(t)
		k.start(t, depth)
	case xml.EndElement:
		k.open = k.open[:len(k.open)-1]
		k.endText(depth)
		switch {
		case k.placemark != nil && t.Name.Local == "Point":
			k.placemark.inPoint = false
		case depth == k.networkLink-1:
			k.networkLink = 0
		}
		if k.placemark != nil && depth == k.placemarkDepth-1 {
			return k.endPlacemark()
		}
	default:
		k.text.add(tok, depth)
	}
	return nil
}

// parent is the local name of the element around the one just opened.
func (k *kmlReader) parent() xml.Name {
	if len(k.open) < 2 {
		return xml.Name{}
	}
	return k.open[len(k.open)-2]
}

func (k *kmlReader) start(t xml.StartElement, depth int) {
	if k.placemark == nil {
		k.startOutsidePlacemark(t.Name.Local, depth)
		return
	}
	p := k.placemark
	local, isMWM := t.Name.Local, slices.Contains(organicMapsNamespaces, t.Name.Space)
	switch {
	case (local == "name" || local == "description") && !isMWM && depth == k.placemarkDepth+1:
		k.collect(local, depth)
	case local == "Point":
		p.inPoint = !p.hasPoint
	case local == "coordinates" && p.inPoint:
		k.collect("coordinates", depth)
	case local == "when" && k.parent().Local == "TimeStamp",
		(local == "begin" || local == "end") && k.parent().Local == "TimeSpan":
		k.collect(local, depth)
	case local == "Data":
		k.dataName = attr(t, "name")
	case local == "value" && k.parent().Local == "Data", local == "SimpleData":
		if local == "SimpleData" {
			k.dataName = attr(t, "name")
		}
		k.collect("data", depth)
	case local == "lang" && isMWM && k.parent().Local == "name" && attr(t, "code") == "default":
		k.collect("mwmName", depth)
	case slices.Contains(kmlShapes, local):
		p.hasShape = true
	}
}

var kmlShapes = []string{"LineString", "LinearRing", "Polygon", "Track", "MultiTrack", "Model"}

func (k *kmlReader) startOutsidePlacemark(local string, depth int) {
	switch {
	case local == "Placemark":
		*k.count++
		k.placemark = &kmlPlacemark{row: Row{Index: *k.count}}
		k.placemarkDepth = depth
	case local == "NetworkLink":
		k.networkLink = depth
	case local == "href" && k.networkLink != 0:
		k.collect("href", depth)
	}
}

func (k *kmlReader) collect(what string, depth int) {
	k.text.start(depth)
	k.field = what
}

func (k *kmlReader) endText(depth int) {
	text, ok := k.text.end(depth)
	switch {
	case !ok:
	case k.field == "href":
		k.links = append(k.links, strings.TrimSpace(text))
	case k.placemark != nil:
		k.placemark.set(k.field, k.dataName, text)
	}
}

func (p *kmlPlacemark) set(field, dataName, text string) {
	switch field {
	case "name":
		p.row.Name = text
	case "description":
		p.description = text
	case "coordinates":
		p.row.Longitude, p.row.Latitude = splitKMLCoordinates(text)
		p.hasPoint = true
	case "when":
		p.when = text
	case "begin":
		p.begin = text
	case "end":
		p.end = text
	case "mwmName":
		p.mwmName = text
	case "data":
		p.setData(dataName, text)
	}
}

// setData keeps ExtendedData named like a date or a note, as a spreadsheet
// column would be (GDAL writes a layer's fields as SimpleData).
func (p *kmlPlacemark) setData(name, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	switch roleOfTitle(name) {
	case roleVisited:
		if p.dataVisited == "" {
			p.dataVisited = text
		}
	case roleNote:
		if p.dataNote == "" {
			p.dataNote = text
		}
	}
}

func (k *kmlReader) endPlacemark() error {
	p := k.placemark
	k.placemark = nil
	if !p.hasPoint && p.hasShape {
		k.imp.Skipped.Tracks++
		return nil
	}
	row := p.row
	if strings.TrimSpace(row.Name) == "" {
		row.Name = p.mwmName
	}
	row.Visited = p.visited(dateAt(row.Longitude))
	row.Note = p.dataNote
	if strings.TrimSpace(row.Note) == "" {
		row.Note = descriptionText(p.description)
	}
	return k.imp.addRow(k.xml.format, row)
}

// visited prefers an ExtendedData date, then TimeSpan, then TimeStamp:
// KML's own elements take a year, a month or a day as they are.
func (p *kmlPlacemark) visited(ctx dateContext) string {
	if v, ok := normaliseVisited(p.dataVisited, ctx); ok && v != "" {
		return v
	}
	begin, okBegin := normaliseVisited(p.begin, ctx)
	end, okEnd := normaliseVisited(p.end, ctx)
	if okBegin && okEnd {
		if span, ok := joinSpan(begin, end); ok {
			return span
		}
	}
	if v, ok := normaliseVisited(p.when, ctx); ok && v != "" {
		return v
	}
	// Nothing readable: keep what was written, for the report to show.
	for _, raw := range []string{p.dataVisited, p.begin, p.when} {
		if strings.TrimSpace(raw) != "" {
			return strings.TrimSpace(raw)
		}
	}
	return ""
}

// splitKMLCoordinates takes "lon,lat[,alt]"; a Point has one tuple, and
// any further ones are ignored.
func splitKMLCoordinates(text string) (longitude, latitude string) {
	tuples := strings.Fields(text)
	if len(tuples) == 0 {
		return "", ""
	}
	parts := strings.Split(tuples[0], ",")
	if len(parts) < 2 {
		return parts[0], ""
	}
	return parts[0], parts[1]
}

// kmlTime is what whib's KML export writes for a visit: KML's TimeStamp
// takes a year, a month or a day as they are (xs:gYear, xs:gYearMonth,
// xs:date), and a TimeSpan an interval, so a visit goes out and comes
// back exactly. One of when, or begin and end, is set; none for no visit.
func kmlTime(visited string) (when, begin, end string) {
	if visited == "" || !isEDTF(visited) {
		return "", "", ""
	}
	if start, stop, ok := strings.Cut(visited, "/"); ok {
		return "", start, stop
	}
	return visited, "", ""
}
