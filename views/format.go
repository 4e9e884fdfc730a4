package views

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/whib/whib/store"
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

// pageHref links to one page of the list, ordered as it is now, and jumps
// to the list itself.
func pageHref(m Map, page int) string {
	return listQuery(m, m.GroupByCountry, m.OrderByDate, page)
}

// groupHeading is "Austria · 3 places", "2024 · 14 places", or "At
// sea · 1 place".
func groupHeading(g PlaceGroup) string {
	name := "No country (at sea)"
	switch {
	case g.Heading != "":
		name = g.Heading
	case g.Country.Code != "":
		name = countryLabel(g.Country)
	}
	return name + " · " + plural(g.Total, "place", "places")
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

// describedBy is a field's aria-describedby: its help, and its error
// message when it has one.
func describedBy(help, errorID, message string) string {
	if message == "" {
		return help
	}
	return help + " " + errorID
}

func itoa(n int) string { return strconv.Itoa(n) }

// ifMatchHeaders is the hx-headers value that sends a place's entity tag
// in If-Match: a change is made to the place as the page saw it.
func ifMatchHeaders(etag string) string {
	headers, _ := json.Marshal(map[string]string{"If-Match": etag})
	return string(headers)
}

// markerData is the marker JSON block's content: always an array, so the
// page script never meets null. templ escapes it for the script element.
func markerData(m Map) json.RawMessage {
	if len(m.MarkerData) == 0 {
		return json.RawMessage("[]")
	}
	return m.MarkerData
}

// changeKindLabel names a kind of change for people. An undo is labelled
// as what it is, not "Undone", which reads as if it had been undone.
func changeKindLabel(k store.ChangeKind) string {
	switch k {
	case store.ChangeAdd:
		return "Added"
	case store.ChangeEdit:
		return "Edited"
	case store.ChangeDelete:
		return "Deleted"
	case store.ChangeUndo:
		return "Undo"
	case store.ChangeColumns:
		return "Columns"
	}
	return "Changed outside whib"
}

// changeHref is the change's own page.
func changeHref(id string) string { return "/changes/" + id }

// shortID is a change's id as people read it: a commit SHA shortened as
// git does.
func shortID(id string) string {
	if len(id) == 40 {
		return id[:7]
	}
	return id
}

// redoneSummary is what undoing the undo c brings back.
func redoneSummary(c Change) string {
	return strings.TrimPrefix(c.Summary, "Undo: ")
}

// placeEdit is a change of one place told as what it did to the place.
type placeEdit struct {
	Label          string // "Renamed", "Moved", "Renamed and moved", "Changed"
	From, To       Place
	Renamed, Moved bool
}

// editOf is c as a placeEdit when it replaced one place with one other
// (an edit, its undo, a hand edit of one row): a move shows as a move and
// a rename as a rename, not as a place removed and one added.
func editOf(c Change) (placeEdit, bool) {
	if len(c.Before) != 1 || len(c.After) != 1 || c.BeforeCount > 1 || c.AfterCount > 1 {
		return placeEdit{}, false
	}
	from, to := c.Before[0], c.After[0]
	e := placeEdit{From: from, To: to, Renamed: from.Name != to.Name,
		Moved: from.Latitude.String() != to.Latitude.String() || from.Longitude.String() != to.Longitude.String()}
	switch {
	case e.Renamed && e.Moved:
		e.Label = "Renamed and moved"
	case e.Renamed:
		e.Label = "Renamed"
	case e.Moved:
		e.Label = "Moved"
	default:
		e.Label = "Changed"
	}
	return e, true
}

// rowsPageHref is page n of a change's rows.
func rowsPageHref(c Change, n int) string {
	return changeHref(c.ID) + "?page=" + itoa(n)
}

// rowsPosition says which rows of a change a page lists.
func rowsPosition(m ChangeModel) string {
	return "Page " + itoa(m.Page) + " of " + itoa(m.Pages)
}

// boundsAttr is "south,west,north,east" for the map's data-bounds.
func boundsAttr(b [4]float64) string {
	parts := make([]string, 4)
	for i, v := range b {
		parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// nearRadius is the store's "same name nearby" radius in words.
func nearRadius() string {
	if store.NearRadiusMeters%1000 == 0 {
		return itoa(store.NearRadiusMeters/1000) + " km"
	}
	return itoa(store.NearRadiusMeters) + " m"
}
