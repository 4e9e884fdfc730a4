package formats

import (
	"encoding/xml"
	"io"
	"strings"

	kml "github.com/twpayne/go-kml/v3"

	"github.com/whib/whib/store"
)

// FilenameKML is the suggested name of a KML download.
const FilenameKML = "places.kml"

// EncodeKML writes places as a KML 2.2 Document of Placemarks, one Point
// each, which Google Earth and Google My Maps open.
func EncodeKML(w io.Writer, places []store.Place) error {
	placemarks := make([]kml.Element, 0, len(places)+1)
	placemarks = append(placemarks, kml.Name("whib places"))
	for _, p := range places {
		placemarks = append(placemarks, kml.Placemark(
			kml.Name(p.Name),
			kml.Point(pointCoordinates{longitude: xmlDecimal(p.Longitude), latitude: xmlDecimal(p.Latitude)}),
		))
	}
	return kml.KML(kml.Document(placemarks...)).Write(w)
}

// pointCoordinates is a KML coordinates element that keeps the digits as
// stored; go-kml's own Coordinates would reformat them from float64.
type pointCoordinates struct{ longitude, latitude string }

func (c pointCoordinates) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: "coordinates"}}
	return enc.EncodeElement(c.longitude+","+c.latitude, start)
}

// kmlReader keeps what readKML knows about the Placemark it is inside.
type kmlReader struct {
	xml            *xmlReader
	imp            *Import
	count          *int // Placemarks seen, for Row.Index, across the files of a KMZ
	placemark      *Row
	placemarkDepth int
	hasPoint       bool // the Placemark's first Point was read
	hasShape       bool // it has a line or polygon
	inPoint        bool
	networkLink    int // depth of the NetworkLink being read; 0 when none
	links          []string
	text           textCollector
	textIs         string // "name", "coordinates" or "href"
}

// decodeKML reads Placemarks with a Point at any Document or Folder depth.
// A Placemark that only has a line or polygon counts in Skipped.Tracks; one
// with no geometry at all becomes a row without coordinates, so the report
// lists it as invalid instead of dropping it silently. NetworkLinks are
// never fetched; only a KMZ's links to its own files are followed.
func decodeKML(data []byte) (Import, error) {
	var imp Import
	var count int
	if _, err := readKML("KML", data, &imp, &count); err != nil {
		return Import{}, err
	}
	return imp, nil
}

// readKML adds the Placemarks of one KML document to imp and returns the
// hrefs of its NetworkLinks.
func readKML(format string, data []byte, imp *Import, count *int) ([]string, error) {
	k := &kmlReader{xml: newXMLReader(format, data), imp: imp, count: count}
	if err := k.xml.root("kml"); err != nil {
		return nil, err
	}
	for {
		tok, err := k.xml.next()
		if err == io.EOF {
			return k.links, nil
		}
		if err != nil {
			return nil, err
		}
		if err := k.handle(tok); err != nil {
			return nil, err
		}
	}
}

func (k *kmlReader) handle(tok xml.Token) error {
	depth := k.xml.depth
	switch t := tok.(type) {
	case xml.StartElement:
		k.start(t.Name.Local, depth)
	case xml.EndElement:
		k.endText(depth)
		switch {
		case t.Name.Local == "Point":
			k.inPoint = false
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

func (k *kmlReader) start(local string, depth int) {
	if k.placemark == nil {
		k.startOutsidePlacemark(local, depth)
		return
	}
	switch local {
	case "name":
		if depth == k.placemarkDepth+1 {
			k.collect("name", depth)
		}
	case "Point":
		k.inPoint = !k.hasPoint
	case "coordinates":
		if k.inPoint {
			k.collect("coordinates", depth)
		}
	case "LineString", "LinearRing", "Polygon", "Track", "MultiTrack", "Model":
		k.hasShape = true
	}
}

func (k *kmlReader) startOutsidePlacemark(local string, depth int) {
	switch {
	case local == "Placemark":
		*k.count++
		k.placemark = &Row{Index: *k.count}
		k.placemarkDepth, k.hasPoint, k.hasShape, k.inPoint = depth, false, false, false
	case local == "NetworkLink":
		k.networkLink = depth
	case local == "href" && k.networkLink != 0:
		k.collect("href", depth)
	}
}

func (k *kmlReader) collect(what string, depth int) {
	k.text.start(depth)
	k.textIs = what
}

func (k *kmlReader) endText(depth int) {
	text, ok := k.text.end(depth)
	switch {
	case !ok:
	case k.textIs == "href":
		k.links = append(k.links, strings.TrimSpace(text))
	case k.placemark == nil:
	case k.textIs == "name":
		k.placemark.Name = text
	default:
		k.placemark.Longitude, k.placemark.Latitude = splitKMLCoordinates(text)
		k.hasPoint = true
	}
}

func (k *kmlReader) endPlacemark() error {
	row := *k.placemark
	k.placemark = nil
	if !k.hasPoint && k.hasShape {
		k.imp.Skipped.Tracks++
		return nil
	}
	return k.imp.addRow(k.xml.format, row)
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
