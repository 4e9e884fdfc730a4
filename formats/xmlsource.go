package formats

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// decodeXML reads a GPX or a KML, told apart by the root element.
func decodeXML(data []byte, hint string, opts DecodeOptions) (Import, error) {
	if isHTML(data) {
		return Import{}, notWhatItClaims(KindUnsupportedType, hint, "a web page (save the file itself, not the page that links to it)")
	}
	format := "XML"
	if hint == "GPX" || hint == "KML" {
		format = hint
	}
	root, err := newXMLReader(format, data).root()
	if err != nil {
		return Import{}, err
	}
	switch root.Name.Local {
	case "gpx":
		return decodeGPX("GPX", data, opts)
	case "kml":
		return decodeKML(data)
	}
	return Import{}, notWhatItClaims(KindUnsupportedType, hint, describeXMLRoot(root.Name.Local))
}

func isHTML(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 512)])
	head = bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// describeXMLRoot names the XML files people pick by mistake.
func describeXMLRoot(local string) string {
	switch local {
	case "svg":
		return "an SVG image"
	case "html":
		return "a web page"
	case "Workbook":
		return "an Excel workbook (save it as CSV to import it)"
	case "osm":
		return "OpenStreetMap data"
	case "TrainingCenterDatabase":
		return "a Garmin TCX workout"
	case "rss", "feed":
		return "a news feed"
	}
	return fmt.Sprintf("an XML document of another kind (<%s>)", local)
}

// attr returns the value of the attribute without a namespace.
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// declaresNamespace reports whether t declares any of the namespaces.
func declaresNamespace(t xml.StartElement, spaces ...string) bool {
	for _, a := range t.Attr {
		if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		for _, s := range spaces {
			if a.Value == s {
				return true
			}
		}
	}
	return false
}
