package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/views"
)

// searchPerMinute bounds GET /search per client: typing sends one request
// per pause, so a person stays far below it.
const searchPerMinute = 120

// searchBody is GET /search for API clients.
type searchBody struct {
	Results []geo.Result `json:"results"`
	// Note says why there are no place names yet (the gazetteer is loading).
	Note string `json:"note,omitempty"`
}

const searchLoadingNote = "Place names are still loading; try again in a moment. Coordinates work already."

// search answers GET /search?q=… for anyone: JSON for API clients, the
// listbox of the add-place form's "Find a place" field for htmx (its
// failures too: the route answers them in the listbox, inListbox). It never
// waits for the gazetteer: until it has loaded, only coordinates are found.
func (a *app) search(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	if len(q) > geo.MaxQueryLen {
		return refuse(http.StatusBadRequest, "query_too_long", "The search is longer than 200 characters; type less.")
	}
	results, note := a.searchFor(q)
	if jsonOrHTMX(r) == shapeHTMX {
		return a.render(w, r, http.StatusOK, views.SearchResults(views.Search{Query: q, Results: results, Note: note}))
	}
	return writeJSON(w, http.StatusOK, searchBody{Results: results, Note: note})
}

// searchFor is the search itself. Anything that is not a place or a pair
// of coordinates finds nothing; nothing here can fail.
func (a *app) searchFor(q string) ([]geo.Result, string) {
	q = strings.TrimSpace(strings.ToValidUTF8(q, ""))
	if utf8.RuneCountInString(q) < 2 {
		return []geo.Result{}, ""
	}
	if ix, ok := a.deps.Geo.Ready(); ok {
		return ix.Search(q, geo.MaxResults), ""
	}
	if lat, lon, ok := geo.ParseCoordinates(q); ok {
		name := formatDegrees(lat) + ", " + formatDegrees(lon)
		return []geo.Result{{
			Name:      name,
			Label:     name, // where they are is not known yet
			Latitude:  lat,
			Longitude: lon,
			Kind:      geo.KindCoordinates,
		}}, searchLoadingNote
	}
	return []geo.Result{}, searchLoadingNote
}
