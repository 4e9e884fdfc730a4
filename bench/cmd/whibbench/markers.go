package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
)

// markersInfo describes how the page gets its marker data: embedded in the
// HTML for small maps, or from a versioned URL that browsers may cache for
// good, gzip-compressed on the wire.
type markersInfo struct {
	Inline       bool
	URL          string
	WireBytes    int
	RawBytes     int
	Encoding     string
	CacheControl string
	Count        int // places the app serves (the marker data's length)
}

var markersURLAttr = regexp.MustCompile(`data-markers-url="([^"]*)"`)

func inspectMarkers(ctx context.Context, appURL string, page []byte) (markersInfo, error) {
	var m markersInfo
	if match := markersURLAttr.FindSubmatch(page); match != nil {
		m.URL = html.UnescapeString(string(match[1]))
	}
	if m.URL == "" {
		// The markers ride inside the page; /places lists the same places.
		m.Inline = true
		data, err := fetchPage(ctx, appURL+"/places", true)
		if err != nil {
			return m, fmt.Errorf("GET /places: %w", err)
		}
		return m, countPlaces(&m, data.HTML)
	}
	if !strings.HasPrefix(m.URL, "/") {
		return m, fmt.Errorf("the marker URL %q is not on this site", m.URL)
	}
	data, err := fetchPage(ctx, appURL+m.URL, true)
	if err != nil {
		return m, fmt.Errorf("GET %s: %w", m.URL, err)
	}
	m.WireBytes, m.RawBytes = len(data.Body), len(data.HTML)
	m.Encoding = data.Header.Get("Content-Encoding")
	m.CacheControl = data.Header.Get("Cache-Control")
	return m, countPlaces(&m, data.HTML)
}

func countPlaces(m *markersInfo, body []byte) error {
	var places []json.RawMessage
	if err := json.Unmarshal(body, &places); err != nil {
		return fmt.Errorf("marker data is not a JSON array: %w", err)
	}
	m.Count = len(places)
	return nil
}
