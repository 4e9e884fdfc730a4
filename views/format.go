package views

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The talk's folium map opened here; fitBounds takes over once there are places.
const (
	initialLatitude  = "13.133932434766733"
	initialLongitude = "16.103938729508073"
	initialZoom      = "3"
)

// coordinates formats a place's position for people: "47.0911° N, 15.4758° E".
func coordinates(p Place) string {
	return hemisphere(p.Latitude.Float(), "N", "S") + ", " + hemisphere(p.Longitude.Float(), "E", "W")
}

func hemisphere(f float64, positive, negative string) string {
	rounded := math.Round(math.Abs(f)*1e4) / 1e4
	side := positive
	if f < 0 && rounded != 0 {
		side = negative
	}
	return strconv.FormatFloat(rounded, 'f', 4, 64) + "° " + side
}

// updatedAt is the time shown in the stale-data note, e.g. "27 Nov 2026 16:20 UTC".
func updatedAt(t time.Time) string {
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

// pageHref links to one page of the list and jumps to the list itself.
func pageHref(page int) string {
	return "/?page=" + strconv.Itoa(page) + "#places"
}

// pageInfo normalises the pagination fields of a (possibly zero) model.
func pageInfo(m Map) (page, pages int) {
	pages = max(m.Pages, 1)
	page = min(max(m.Page, 1), pages)
	return page, pages
}

// listStart is the number of the first place on this page, so the ordered
// list keeps counting across pages. Full pages all have len(m.Places) entries;
// the last page is counted back from the total.
func listStart(m Map) int {
	page, pages := pageInfo(m)
	if page == 1 {
		return 1
	}
	if page == pages {
		return max(m.Total-len(m.Places)+1, 1)
	}
	return (page-1)*len(m.Places) + 1
}

// isLastPage: a place added with htmx belongs at the end of the list, so only
// the page that shows the end accepts the out-of-band list item.
func isLastPage(m Map) bool {
	page, pages := pageInfo(m)
	return page == pages
}

func orDefault(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// addedStatus is the text the live region reads out after a successful add.
func addedStatus(f Form, added Place) string {
	if f.Status != "" {
		return f.Status
	}
	return "Added " + added.Name + " to the map."
}

func fieldError(f Form, field string) string {
	return f.Errors[field]
}

func itoa(n int) string { return strconv.Itoa(n) }

// markerData is the marker JSON block's content: always an array, so the
// page script never meets null. Countries are added once known (geo.go).
func markerData(places []Place, g Geo) []marker {
	out := make([]marker, len(places))
	for i, p := range places {
		out[i] = marker{Place: p}
		if c, ok := g.Countries[p.ID]; ok {
			out[i].Country, out[i].CountryName = c.Code, c.Name
		}
	}
	return out
}
