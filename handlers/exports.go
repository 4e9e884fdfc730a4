package handlers

import (
	"bytes"
	"io"
	"net/http"

	"github.com/whib/whib/formats"
	"github.com/whib/whib/store"
)

// The GPX and KML downloads behave like the CSV and GeoJSON ones: built
// once per version, ETag/304, gzip. Their encoders live in formats, which
// writes XML with encoding/xml so names are always escaped text.

func (a *app) placesGPX(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Disposition", `attachment; filename="`+formats.FilenameGPX+`"`)
	return a.serveData(w, r, "gpx", formats.MediaTypeGPX, encodeWith(formats.EncodeGPX))
}

func (a *app) placesKML(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Disposition", `attachment; filename="`+formats.FilenameKML+`"`)
	return a.serveData(w, r, "kml", formats.MediaTypeKML, encodeWith(formats.EncodeKML))
}

func encodeWith(encode func(io.Writer, []store.Place) error) func(placesView) ([]byte, error) {
	return func(v placesView) ([]byte, error) {
		var buf bytes.Buffer
		buf.Grow(96 * len(v.snap.Places))
		if err := encode(&buf, v.snap.Places); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
}
