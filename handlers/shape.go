package handlers

import (
	"mime"
	"net/http"
	"strings"
)

// shape is the kind of answer a request wants. Every handler that can
// answer more than one way asks shapeOf once, so content negotiation lives
// in this one place.
type shape int

const (
	// shapeJSON is for machines, scripts and fetch() calls.
	shapeJSON shape = iota
	// shapeHTMX is the map page's forms enhanced by htmx: HTML fragments
	// that htmx swaps in.
	shapeHTMX
	// shapeForm is a browser posting a form without JavaScript: a redirect
	// after success (POST/redirect/GET), pages after failure.
	shapeForm
	// shapePage is a whole HTML page: a browser navigating, or an API
	// client that only accepts HTML (the talk's client did).
	shapePage
)

func shapeOf(r *http.Request) shape {
	if r.Header.Get("HX-Request") == "true" {
		return shapeHTMX
	}
	accept := r.Header.Get("Accept")
	if acceptsJSON(accept) {
		return shapeJSON
	}
	if strings.Contains(accept, "text/html") {
		if r.Method == http.MethodPost && isFormContent(r.Header.Get("Content-Type")) {
			return shapeForm
		}
		return shapePage
	}
	return shapeJSON
}

func acceptsJSON(accept string) bool {
	return strings.Contains(accept, "application/json") || strings.Contains(accept, "+json")
}

func isFormContent(contentType string) bool {
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return media == "application/x-www-form-urlencoded" || media == "multipart/form-data"
}

// The routes that answer one way whatever the request accepts give their
// failures that shape too.

// pageShape: pages a browser navigates to fail with the error page.
func pageShape(*http.Request) shape { return shapePage }

// jsonShape: data downloads fail with JSON.
func jsonShape(*http.Request) shape { return shapeJSON }

// jsonOrHTMX: GET /search answers JSON, or the listbox of the add-place
// form's "Find a place" field for htmx.
func jsonOrHTMX(r *http.Request) shape {
	if r.Header.Get("HX-Request") == "true" {
		return shapeHTMX
	}
	return shapeJSON
}
