// Package views renders whib's pages and htmx fragments with templ. Components
// take plain values (no I/O, no globals): what they show comes in as arguments.
// Place names are always text: templ escapes them in HTML, JSON encoding
// escapes them in the embedded marker data, and app.js only ever puts them into
// the DOM as text nodes.
package views

import (
	"time"

	"github.com/whib/whib/store"
)

// PlaceAddedEvent is the event htmx dispatches on the page when a POST /places
// response carries it in its HX-Trigger header, e.g.
//
//	HX-Trigger: {"place-added":{"name":"Graz","latitude":47.09,"longitude":15.47}}
//
// app.js listens for it to put the new marker on the map. The scripts take
// the name from assets/events.js, where a test checks it is this one.
const PlaceAddedEvent = "place-added"

// PlacesChangedEvent is dispatched the same way after an edit, delete or
// undo, with {"removed": [id...], "added": [place...]}; app.js moves the
// markers accordingly.
const PlacesChangedEvent = "places-changed"

// Assets tells the pages where the versioned static files live.
type Assets struct {
	Prefix string // e.g. "/assets/3fa9c1d2e4"
}

// Place is a stored place: the views show its name and its position for
// people (the marker data comes in as JSON, Map.MarkerData).
type Place = store.Place

// Viewer is who is looking at the page, reduced to what the page shows.
type Viewer struct {
	SignedIn  bool
	Name      string // shown when signed in
	CanWrite  bool   // shows the add-place form
	WriteHint string // signed in but may not write: short line saying why
	LoginHint string // non-empty: signing in is impossible right now; shown instead of a working button
	ReadOnly  bool   // sign-in is not set up here: no Log in at all
	// TryDev: read-only on a loopback address, where `go run . -dev`
	// shows the signed-in flow; the page says so.
	TryDev bool
	// PrivacyWarning tells a writer what whib cannot hide (the places'
	// repository is public while some places are kept from the map).
	PrivacyWarning string
}

// Form is the add-place form's state.
type Form struct {
	Name, Latitude, Longitude string            // values kept on error
	Visited, Note             string            // when (the date notation) and a note; may be empty
	Errors                    map[string]string // per field: "name", "latitude", "longitude", "visited", "note"
	Error                     string            // general failure, shown as an alert
	Status                    string            // success text for the aria-live region
	// Notice: nothing was saved, and that is fine (the place is already on
	// the map): neither an error nor a success.
	Notice string
	// Near: a place of the same name is close by; the form says so and
	// asks whether to add this one anyway.
	Near string
}

// Map is the model of MapPage. (The contract called this type MapPage too, but
// Go cannot have a type and a function of the same name in one package; the
// name mirrors Oops/OopsPage.)
type Map struct {
	Assets Assets
	Viewer Viewer
	// Title names the map (MAP_TITLE): the page's visible heading and
	// <title>; Description is the optional line under it.
	Title, Description string
	// Private says, for a writer, why a place of the list is not on the
	// public map, by id (hidden area, not published yet).
	Private map[string]string
	Places  []Place // the part of the list shown on this page (no-JS list), when Entries is nil
	// Entries is the part of the list on this page, one per place with its
	// visits; nil: one entry per element of Places.
	Entries     []ListPlace
	Total       int // places in the list (of the ?visited= filter)
	Page, Pages int // 1-based list pagination via /?page=N when Pages > 1
	// MarkerData is the places as GET /places writes them (a JSON array,
	// one shape for the page and the API), embedded when MarkersURL == "".
	MarkerData []byte
	// MarkersURL: large maps leave the data out and app.js fetches it here.
	MarkersURL string
	// LiveVersion is the public version of the places shown: live.js
	// follows the changes after it (GET /events). Empty: no live updates.
	LiveVersion      string
	ClusterThreshold int // app.js clusters markers above this many
	TileURL          string
	TileAttribution  string // trusted configuration HTML, handed to Leaflet's attribution control
	UpdatedAt        time.Time
	Stale            bool // the last refresh failed: show when the shown places are from
	Form             Form
	Geo              Geo // countries, stats and the world layer (geo.go)
	// Bounds are the places' south, west, north and east edges, so the map
	// opens on them instead of fetching tiles for a view it then leaves.
	Bounds *[4]float64
	// Share: the link-preview tags of the page.
	Share *Share
	// GroupByCountry: the list was asked for by country (?group=country).
	// Groups is this page of it, one entry per country, and stays nil
	// while the countries are still being worked out.
	GroupByCountry bool
	Groups         []PlaceGroup
	// ETags are the entity tags of the places the list shows, by id, for
	// a writer's Edit and Delete (If-Match), when Entries is nil.
	ETags map[string]string
	// OrderByDate: the list was asked for newest first, by year
	// (?order=date); Groups is this page of it, one entry per year, with
	// "Planned" first and "No date" last.
	OrderByDate bool
	// Visited is the ?visited= the page shows ("" for every visit), and
	// Years the years the year control offers, newest first.
	Visited string
	Years   []int
	// Query is the list's filter (?q=): Total counts the places that
	// match it, Unfiltered every place of the list.
	Query      string
	Unfiltered int
	// embed: the page is GET /embed (its year control loads /embed).
	embed bool
}

// PlaceGroup is one country's (or year's) places on a page of the grouped
// list.
type PlaceGroup struct {
	Country Country // zero: places at sea, with no country
	// Heading names a group that is not a country: "2024", "Planned".
	Heading string
	Total   int         // places in this group on the whole list
	Places  []Place     // those on this page, when Entries is nil
	Entries []ListPlace // those on this page, with their visits
}

// ListPlace is one place of the list: the rows with its name and point
// are its visits.
type ListPlace struct {
	First   Place   // the place as first stored: its name and point
	Visits  []Visit // newest first
	Country Country
}

// Visit is one visit of a place, its entity tag (for a writer's Edit and
// Delete), and whether it is still to come.
type Visit struct {
	Place
	ETag    string
	Planned bool
}

// Oops is the model of OopsPage.
type Oops struct {
	Assets    Assets
	Status    int
	Title     string
	Message   string
	RequestID string
}
