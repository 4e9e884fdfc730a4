package handlers

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode"

	"github.com/whib/whib/formats"
	"github.com/whib/whib/store"
)

// The GPX and KML downloads behave like the CSV and GeoJSON ones: built
// once per version, ETag/304, gzip. Their encoders live in formats, which
// writes XML with encoding/xml so names are always escaped text.

func (a *app) placesGPX(w http.ResponseWriter, r *http.Request) error {
	a.disposition(w, r, formats.FilenameGPX)
	return a.serveData(w, r, "gpx", formats.MediaTypeGPX, encodeWith(formats.EncodeGPX))
}

func (a *app) placesKML(w http.ResponseWriter, r *http.Request) error {
	a.disposition(w, r, formats.FilenameKML)
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

// disposition names a download. Asked for as one (?download=1, the page's
// links) it is an attachment named for the map ("Where I have been.gpx",
// RFC 6266's filename* carrying a name that is not ASCII); else it stays
// inline, readable in the tab and by scripts, under its plain name.
func (a *app) disposition(w http.ResponseWriter, r *http.Request, plain string) {
	if queryValue(r, "download") == "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": plain}))
		return
	}
	name := downloadName(a.cfg.Title, path.Ext(plain))
	value := mime.FormatMediaType("attachment", map[string]string{"filename": asciiName(name)})
	if asciiName(name) != name {
		// mime writes a non-ASCII value as RFC 2231's filename*=utf-8''….
		value += strings.TrimPrefix(mime.FormatMediaType("attachment", map[string]string{"filename": name}), "attachment")
	}
	w.Header().Set("Content-Disposition", value)
}

// downloadName is title as a file name with ext: no path separators or
// control characters, and never empty.
func downloadName(title, ext string) string {
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(title))
	if strings.Trim(name, ".- ") == "" {
		name = "places"
	}
	return name + ext
}

// asciiName is name for clients that read only filename="…": every
// character outside printable ASCII, and the quote, becomes "_".
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' {
			return '_'
		}
		return r
	}, name)
}
