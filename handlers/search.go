package handlers

import (
	"net/http"
	"strings"
	"time"
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
// listbox of the add-place form's "Find a place" field for htmx. It never
// waits for the gazetteer: until it has loaded, only coordinates are found.
func (a *app) search(w http.ResponseWriter, r *http.Request) {
	htmx := r.Header.Get("HX-Request") == "true"
	q := r.URL.Query().Get("q")
	if len(q) > geo.MaxQueryLen {
		err := refuse(http.StatusBadRequest, "query_too_long", "The search is longer than 200 characters; type less.")
		if htmx {
			a.renderFragment(w, r, http.StatusBadRequest, views.SearchResults(views.Search{Note: "That is too long to search for."}))
			return
		}
		a.fail(w, r, shapeJSON, err)
		return
	}
	results, note := a.searchFor(q)
	if htmx {
		a.renderFragment(w, r, http.StatusOK, views.SearchResults(views.Search{Query: q, Results: results, Note: note}))
		return
	}
	writeJSON(w, http.StatusOK, searchBody{Results: results, Note: note})
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
		return []geo.Result{{
			Name:      formatDegrees(lat) + ", " + formatDegrees(lon),
			Latitude:  lat,
			Longitude: lon,
			Kind:      geo.KindCoordinates,
		}}, searchLoadingNote
	}
	return []geo.Result{}, searchLoadingNote
}

// searchLimited bounds each client's searches with their own bucket. The
// htmx field gets an empty list that says why, not an error page in the
// middle of the form.
func (a *app) searchLimited(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := a.searchLimiter.allow(a.clientKey(r))
		if ok {
			next(w, r)
			return
		}
		setRetryAfter(w, max(wait, time.Second))
		if r.Header.Get("HX-Request") == "true" {
			a.renderFragment(w, r, http.StatusTooManyRequests, views.SearchResults(views.Search{Note: "Too many searches in a short time; wait a moment."}))
			return
		}
		a.fail(w, r, shapeJSON, refuse(http.StatusTooManyRequests, "rate_limited",
			"Too many searches from you in a short time. Wait a moment and try again."))
	})
}
