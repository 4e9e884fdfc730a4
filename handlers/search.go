package handlers

import (
	"net/http"
	"strings"

	"github.com/whib/whib/geo"
)

// searchesPerMinute bounds /search per client: typing sends a request per
// pause, far below this, while a scraper walking the gazetteer is slowed.
const searchesPerMinute = 120

// search answers GET /search?q=… from the embedded gazetteer: place names
// (case and accents ignored, word prefixes) and typed or pasted
// coordinates. Anyone may search; nothing leaves the server. While the
// gazetteer is still loading, coordinates are answered and names are not,
// so the request never waits.
func (a *app) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > geo.MaxQueryLen {
		a.fail(w, r, shapeJSON, refuse(http.StatusBadRequest, "query_too_long",
			"The search is longer than 200 characters; type a place name or a pair of coordinates."))
		return
	}
	answer := struct {
		Results []geo.Result `json:"results"`
		Loading bool         `json:"loading,omitempty"`
	}{Results: []geo.Result{}}
	if ix, ok := geo.Loaded(); ok {
		answer.Results = ix.Search(q, geo.MaxResults)
	} else if lat, lon, ok := geo.ParseCoordinates(q); ok {
		answer.Results = []geo.Result{{Name: q, Latitude: lat, Longitude: lon, Kind: geo.KindCoordinates}}
		answer.Loading = true
	} else {
		answer.Loading = true
	}
	writeJSON(w, http.StatusOK, answer)
}
