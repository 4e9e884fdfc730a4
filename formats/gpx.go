package formats

import (
	"encoding/xml"
	"io"

	"github.com/whib/whib/store"
)

// FilenameGPX is the suggested name of a GPX download.
const FilenameGPX = "places.gpx"

const gpxNamespace = "http://www.topografix.com/GPX/1/1"

type gpxWaypoint struct {
	XMLName   xml.Name `xml:"wpt"`
	Latitude  string   `xml:"lat,attr"`
	Longitude string   `xml:"lon,attr"`
	Name      string   `xml:"name"`
}

// EncodeGPX writes places as GPX 1.1 waypoints, which every GPS app and
// hiking tool imports. Waypoints are encoded one by one, so a large list
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
		},
	}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for _, p := range places {
		wpt := gpxWaypoint{Latitude: xmlDecimal(p.Latitude), Longitude: xmlDecimal(p.Longitude), Name: p.Name}
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
	imp      Import
	count    int // waypoints seen, for Row.Index
	wpt      *Row
	wptDepth int
	name     textCollector
}

// decodeGPX reads gpx/wpt waypoints. Tracks and routes are lines, not
// places: each trk and rte counts once in Skipped.Tracks.
func decodeGPX(data []byte) (Import, error) {
	g := &gpxReader{xml: newXMLReader("GPX", data)}
	if err := g.xml.root("gpx"); err != nil {
		return Import{}, err
	}
	for {
		tok, err := g.xml.next()
		if err == io.EOF {
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
		if text, ok := g.name.end(depth); ok && g.wpt != nil {
			g.wpt.Name = text
		}
		if g.wpt != nil && depth == g.wptDepth-1 {
			row := *g.wpt
			g.wpt = nil
			return g.imp.addRow("GPX", row)
		}
	default:
		g.name.add(tok, depth)
	}
	return nil
}

func (g *gpxReader) start(t xml.StartElement, depth int) {
	switch {
	case t.Name.Local == "wpt" && g.wpt == nil:
		g.count++
		g.wpt = &Row{Index: g.count, Latitude: attr(t, "lat"), Longitude: attr(t, "lon")}
		g.wptDepth = depth
	case t.Name.Local == "name" && g.wpt != nil && depth == g.wptDepth+1:
		g.name.start(depth)
	case (t.Name.Local == "trk" || t.Name.Local == "rte") && g.wpt == nil:
		g.imp.Skipped.Tracks++
	}
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}
