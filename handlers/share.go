package handlers

import (
	"bytes"
	"net/http"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/preview"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// Sharing the map: GET /embed shows it alone for an <iframe> on a blog, and
// GET /preview.png is the picture link previews show (og:image).

func (a *app) embed(w http.ResponseWriter, r *http.Request) error {
	snap, st, err := a.snapshot(r.Context())
	if err != nil {
		return err
	}
	snap = a.public(snap) // the embed is the public map, whoever looks
	anonymous := views.Viewer{}
	m, err := a.mapModel(mapView{status: http.StatusOK, snap: snap, st: st, page: 1}, anonymous)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := views.EmbedPage(m, a.cfg.BaseURL).Render(r.Context(), &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", a.embedCSP)
	h.Del("X-Frame-Options") // frame-ancestors decides; X-Frame-Options cannot list origins
	a.writeHTML(w, r, http.StatusOK, &encoded{raw: buf.Bytes()}, auth.FromContext(r.Context()).Who == auth.Anonymous)
	return nil
}

// previewPNG draws the world with the places as dots and "11 places in 3
// countries", once per version of the places (and again once the
// countries are known).
func (a *app) previewPNG(w http.ResponseWriter, r *http.Request) error {
	kind, build := a.withCountries("preview.png", func(s store.Snapshot, countries *placeCountries) ([]byte, error) {
		points := make([]preview.Point, len(s.Places))
		for i, p := range s.Places {
			points[i] = preview.Point{Latitude: p.Latitude.Float(), Longitude: p.Longitude.Float()}
		}
		var visited []string
		if countries != nil {
			for _, c := range countries.stats.Countries {
				visited = append(visited, c.Code)
			}
		}
		return preview.Render(a.deps.Geo.World().Outlines(), points, visited, previewCaption(len(s.Places), len(visited), countries != nil))
	})
	return a.serveData(w, r, kind, "image/png", build)
}

func previewCaption(places, countries int, known bool) string {
	caption := views.Plural(places, "place", "places")
	if known && places > 0 {
		caption += " in " + views.Plural(countries, "country", "countries")
	}
	return caption
}
