package handlers

import (
	"bytes"
	"net/http"
	"time"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/preview"
	"github.com/whib/whib/views"
)

// Sharing the map: GET /embed shows it alone for an <iframe> on a blog, and
// GET /preview.png is the picture link previews show (og:image).

func (a *app) embed(w http.ResponseWriter, r *http.Request) error {
	filter, err := visitFilterOf(r)
	if err != nil {
		return err
	}
	snap, st, err := a.snapshot(r.Context())
	if err != nil {
		return err
	}
	snap = a.public(snap) // the embed is the public map, whoever looks
	anonymous := views.Viewer{}
	m, err := a.mapModel(mapView{status: http.StatusOK, snap: snap, st: st, page: 1, filter: filter}, anonymous)
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

// previewPNG draws the world with the places been to as dots and "11
// places in 3 countries", once per version of the places and ?visited=
// (and again once the countries are known, and each day, as plans come
// due).
func (a *app) previewPNG(w http.ResponseWriter, r *http.Request) error {
	kind := dataKind("preview.png", a.geoReady()) + "@" + a.now().Format(time.DateOnly)
	return a.serveData(w, r, kind, "image/png", func(v placesView) ([]byte, error) {
		now := a.now()
		points := make([]preview.Point, 0, len(v.snap.Places))
		for _, p := range v.snap.Places {
			if !p.Visited.Planned(now) {
				points = append(points, preview.Point{Latitude: p.Latitude.Float(), Longitude: p.Longitude.Float()})
			}
		}
		st := a.statsOf(v)
		visited := make([]string, 0, len(st.geo.Countries))
		for _, c := range st.geo.Countries {
			visited = append(visited, c.Code)
		}
		return preview.Render(a.deps.Geo.World().Outlines(), points, visited, a.cfg.Title, previewCaption(st.counts.Places, len(visited), st.countriesKnown))
	})
}

func previewCaption(places, countries int, known bool) string {
	caption := views.Plural(places, "place", "places")
	if known && places > 0 {
		caption += " in " + views.Plural(countries, "country", "countries")
	}
	return caption
}
