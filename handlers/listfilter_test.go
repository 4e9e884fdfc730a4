package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/store/githubtest"
)

// listed are the names of the list's entries on a map page.
func listed(page string) []string {
	var names []string
	for _, part := range strings.Split(page, `class="place-name"`)[1:] {
		start := strings.Index(part, ">") + 1
		names = append(names, part[start:start+strings.Index(part[start:], "<")])
	}
	return names
}

// The list's filter box (?q=) keeps the places whose name, country,
// region or year holds every word, ignoring case and accents, across the
// pages of the list; the count of every place stays.
func TestTheListFiltersByNameCountryRegionAndYear(t *testing.T) {
	apptest.LoadGeo(t)
	csv := string(apptest.SeedCSV()) + "Nara,34.685,135.805\n"
	csv = strings.Replace(csv, "name,latitude,longitude\n", "name,latitude,longitude,visited,note\n", 1)
	csv = strings.Replace(csv, "Nara,34.685,135.805\n", "Nara,34.685,135.805,2019-04,\n", 1)
	app := apptest.New(t, apptest.WithCSV([]byte(csv)))
	for q, want := range map[string]string{
		"sao jose":  "São José",
		"AUSTRIA":   "Graz",
		"styria":    "Graz",
		"2019":      "Nara",
		"taiwan ta": "Taipei",
	} {
		resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/?q=" + url.QueryEscape(q), Header: map[string]string{"Accept": "text/html"}})
		names := listed(page)
		if resp.StatusCode != http.StatusOK || len(names) != 1 || names[0] != want {
			t.Errorf("GET /?q=%s = %d listing %q, want %s alone", q, resp.StatusCode, names, want)
		}
		if !strings.Contains(page, `<span id="place-count">11</span>`) || !strings.Contains(page, "1 place matches") {
			t.Errorf("GET /?q=%s does not say 1 of the 11 places matches", q)
		}
		if !strings.Contains(page, `value="`+q+`"`) {
			t.Errorf("GET /?q=%s: the filter box does not keep what was typed", q)
		}
	}
	_, none := app.Do(nil, apptest.Request{Method: "GET", Path: "/?q=atlantis", Header: map[string]string{"Accept": "text/html"}})
	if len(listed(none)) != 0 || !strings.Contains(none, "No places match “atlantis”.") {
		t.Error("a filter nothing matches does not say so")
	}
	resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/?q=" + strings.Repeat("a", 101), Header: map[string]string{"Accept": "text/html"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a filter of 101 characters = %d, want 400", resp.StatusCode)
	}
}

// A phone-sized page: the list pages at 50, and the filter finds a place
// on any page, its pages keeping the filter.
func TestTheListPagesAt50AndTheFilterSearchesEveryPage(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(320)))
	_, first := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if n := len(listed(first)); n != 50 || !strings.Contains(first, "Page 1 of 7") {
		t.Errorf("the first page lists %d places, want 50 of 7 pages", n)
	}
	_, found := app.Do(nil, apptest.Request{Method: "GET", Path: "/?q=place+000301"})
	if names := listed(found); len(names) != 1 || names[0] != "Sample place 000301" {
		t.Errorf("the filter found %q on page 7's place, want Sample place 000301", names)
	}
	_, many := app.Do(nil, apptest.Request{Method: "GET", Path: "/?q=place+0001"})
	if !strings.Contains(many, `href="/?page=2&amp;q=place+0001#places"`) || len(listed(many)) != 50 {
		t.Error("the filtered list's pages do not keep the filter")
	}
}
