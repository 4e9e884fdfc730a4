package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/privacy"
)

// GET /checklists lists every visited country's regions, visited and
// still to visit, and the world's count, of the places the viewer may
// see: a hidden place's region and country are not in a visitor's lists.
func TestChecklistsPageListsTheRegionsOfThePlacesTheViewerMaySee(t *testing.T) {
	loadGeo(t)
	csv := "name,latitude,longitude\nLisbon,38.7223,-9.1393\nPorto,41.1579,-8.6291\nSecret Home,47.3769,8.5417\n"
	app := apptest.New(t, apptest.WithCSV([]byte(csv)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.Privacy.Areas, _ = privacy.ParseAreas("47.3769,8.5417,100m")
	}))
	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/checklists"})
	page = strings.Join(strings.Fields(page), " ")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /checklists = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`<strong>1 of 195 countries</strong>, counting the UN member and observer states.`,
		`<section id="PT" aria-labelledby="checklist-PT"><h2 id="checklist-PT">Portugal: 2 of `,
		`Visited: Lisbon, Porto</p>`,
		`Still to visit: Aveiro, Beja, Braga, Bragança`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("GET /checklists lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Switzerland") || strings.Contains(page, "Zürich") || strings.Contains(page, "Secret") {
		t.Error("a visitor's checklists show the hidden place's country or region")
	}
	_, home := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(home, `href="/checklists"`) || strings.Contains(home, "Switzerland") {
		t.Error("the map page does not lead to the checklists, or shows a visitor the hidden place's country")
	}
	_, written := app.Do(nil, apptest.Request{Method: "GET", Path: "/checklists", Header: map[string]string{"Authorization": "Bearer " + app.MachineToken(apptest.Permission)}})
	if !strings.Contains(written, "Switzerland: 1 of 26 cantons") || !strings.Contains(written, "2 of 195 countries") {
		t.Errorf("a writer's checklists leave out the hidden place:\n%s", written)
	}
}
