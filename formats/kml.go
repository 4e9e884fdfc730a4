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

// kmlReader keeps what decodeKML knows about the Placemark it is inside.
type kmlReader struct {
	xml            *xmlReader
	imp            Import
	count          int // Placemarks seen, for Row.Index
	placemark      *Row
	placemarkDepth int
	hasPoint       bool // the Placemark's first Point was read
	hasShape       bool // it has a line or polygon
	inPoint        bool
	text           textCollector
	textIsName     bool
}

// decodeKML reads Placemarks with a Point at any Document or Folder depth.
// A Placemark that only has a line or polygon counts in Skipped.Tracks; one
// with no geometry at all becomes a row without coordinates, so the report
// lists it as invalid instead of dropping it silently.
func decodeKML(data []byte) (Import, error) {
	k := &kmlReader{xml: newXMLReader("KML", data)}
	if err := k.xml.root("kml"); err != nil {
		return Import{}, err
	}
	for {
		tok, err := k.xml.next()
		if err == io.EOF {
			return k.imp, nil
		}
		if err != nil {
			return Import{}, err
		}
		if err := k.handle(tok); err != nil {
			return Import{}, err
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
		if t.Name.Local == "Point" {
			k.inPoint = false
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
		if local == "Placemark" {
			k.count++
			k.placemark = &Row{Index: k.count}
			k.placemarkDepth, k.hasPoint, k.hasShape, k.inPoint = depth, false, false, false
		}
		return
	}
	switch local {
	case "name":
		if depth == k.placemarkDepth+1 {
			k.text.start(depth)
			k.textIsName = true
		}
	case "Point":
		k.inPoint = !k.hasPoint
	case "coordinates":
		if k.inPoint {
			k.text.start(depth)
			k.textIsName = false
		}
	case "LineString", "LinearRing", "Polygon", "Track", "MultiTrack", "Model":
		k.hasShape = true
	}
}

func (k *kmlReader) endText(depth int) {
	text, ok := k.text.end(depth)
	if !ok || k.placemark == nil {
		return
	}
	if k.textIsName {
		k.placemark.Name = text
		return
	}
	k.placemark.Longitude, k.placemark.Latitude = splitKMLCoordinates(text)
	k.hasPoint = true
}

func (k *kmlReader) endPlacemark() error {
	row := *k.placemark
	k.placemark = nil
	if !k.hasPoint && k.hasShape {
		k.imp.Skipped.Tracks++
		return nil
	}
	return k.imp.addRow("KML", row)
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
