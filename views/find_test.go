package views

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/whib/whib/geo"
)

func TestFindFieldIsAnARIAComboboxOverAListbox(t *testing.T) {
	doc := parse(t, render(t, PlaceForm(Form{})))
	field := mustID(t, doc, "place-find")
	for k, want := range map[string]string{
		"role": "combobox", "aria-expanded": "false", "aria-controls": "place-find-results", "aria-autocomplete": "list",
		"name": "q", "hx-get": "/search", "hx-target": "#place-find-popup", "hx-swap": "outerHTML", "maxlength": "200",
	} {
		if got := attr(field, k); got != want {
			t.Errorf("the find field has %s=%q, want %q", k, got, want)
		}
	}
	if !strings.Contains(attr(field, "hx-trigger"), "input changed delay:") {
		t.Errorf("hx-trigger = %q, want suggestions as the person types", attr(field, "hx-trigger"))
	}
	if hasAttr(field, "required") {
		t.Error("the find field is required; it is only a helper")
	}
	listbox := mustID(t, doc, "place-find-results")
	if attr(listbox, "role") != "listbox" || attr(listbox, "aria-labelledby") != "place-find-label" {
		t.Errorf("the listbox has role %q, labelled by %q", attr(listbox, "role"), attr(listbox, "aria-labelledby"))
	}
	label := mustID(t, doc, "place-find-label")
	if attr(label, "for") != "place-find" || text(label) != "Find a place" {
		t.Errorf("the label is %q for %q", text(label), attr(label, "for"))
	}
	// It comes first in the form, before the name.
	out := render(t, PlaceForm(Form{}))
	if strings.Index(out, `id="place-find"`) > strings.Index(out, `id="place-name"`) {
		t.Error("the find field is not the form's first field")
	}
}

func TestSearchResultsAreOptionsWithTheirPlaceAsText(t *testing.T) {
	out := render(t, SearchResults(Search{Results: []geo.Result{
		{Name: `<img src=x onerror=alert(1)>`, Country: "AT", CountryName: "Austria", Latitude: 47.07, Longitude: 15.44, Kind: geo.KindCity},
		{Name: "47.07, 15.44", Country: "AT", CountryName: "Austria", Latitude: 47.07, Longitude: 15.44, Kind: geo.KindCoordinates},
	}}))
	if strings.Contains(out, "<img") {
		t.Fatalf("a name became markup:\n%s", out)
	}
	doc := parse(t, out)
	options := all(doc, "li", func(n *html.Node) bool { return attr(n, "role") == "option" })
	if len(options) != 2 {
		t.Fatalf("%d options, want 2:\n%s", len(options), out)
	}
	if attr(options[0], "id") != "place-find-option-0" || attr(options[0], "aria-selected") != "false" ||
		attr(options[0], "data-latitude") != "47.07" || attr(options[0], "data-longitude") != "15.44" || attr(options[0], "data-name") != `<img src=x onerror=alert(1)>` {
		t.Errorf("first option: %v", options[0].Attr)
	}
	if got := text(options[1]); !strings.Contains(got, "Coordinates in Austria") {
		t.Errorf("the coordinates option says %q", got)
	}

	empty := render(t, SearchResults(Search{Note: "Place names are still loading."}))
	if !strings.Contains(empty, `role="listbox"`) || !strings.Contains(empty, "still loading") || strings.Contains(empty, `role="option"`) {
		t.Errorf("an empty answer with a note:\n%s", empty)
	}
}

// An option reads as the result's label: the name and the name matched,
// then where it is; a region or a country carries the box to fly to.
func TestSearchResultsReadAsTheirLabels(t *testing.T) {
	out := render(t, SearchResults(Search{Results: []geo.Result{
		{Name: "Munich", Matched: "München", Label: "Munich (München), Bavaria, Germany", Country: "DE", CountryName: "Germany",
			Region: "DE-BY", RegionName: "Bavaria", Latitude: 48.137, Longitude: 11.575, Kind: geo.KindCity},
		{Name: "Bavaria", Label: "Bavaria, state of Germany", Country: "DE", CountryName: "Germany", Region: "DE-BY", RegionName: "Bavaria",
			Latitude: 48.9, Longitude: 11.4, Kind: geo.KindRegion, Bounds: &geo.Bounds{West: 8.97, South: 47.27, East: 13.84, North: 50.56}},
		{Name: "Japan", Label: "Japan", Country: "JP", CountryName: "Japan", Latitude: 36, Longitude: 138, Kind: geo.KindCountry,
			Bounds: &geo.Bounds{West: 129.4, South: 31, East: 145.5, North: 45.5}},
	}}))
	doc := parse(t, out)
	options := all(doc, "li", func(n *html.Node) bool { return attr(n, "role") == "option" })
	if len(options) != 3 {
		t.Fatalf("%d options, want 3:\n%s", len(options), out)
	}
	for i, want := range []string{"Munich (München), Bavaria, Germany", "Bavaria, state of Germany", "Japan, Country"} {
		if got := strings.TrimSpace(text(options[i])); got != want {
			t.Errorf("option %d reads %q, want %q", i, got, want)
		}
		if got := attr(options[i], "data-label"); got != want {
			t.Errorf("option %d has data-label %q, want %q", i, got, want)
		}
	}
	if attr(options[0], "data-name") != "Munich" || hasAttr(options[0], "data-bounds") {
		t.Errorf("Munich: name %q, bounds %q", attr(options[0], "data-name"), attr(options[0], "data-bounds"))
	}
	if attr(options[1], "data-kind") != "region" || attr(options[1], "data-bounds") != "8.97,47.27,13.84,50.56" {
		t.Errorf("Bavaria: kind %q, bounds %q", attr(options[1], "data-kind"), attr(options[1], "data-bounds"))
	}
	if attr(options[2], "data-kind") != "country" || attr(options[2], "data-bounds") != "129.4,31,145.5,45.5" {
		t.Errorf("Japan: kind %q, bounds %q", attr(options[2], "data-kind"), attr(options[2], "data-bounds"))
	}
}

func TestListShowsCountriesOnceKnown(t *testing.T) {
	m := mapModel()
	for i := range m.Places {
		m.Places[i].ID = "id" + itoa(i)
	}
	before := render(t, MapPage(m))
	if strings.Contains(before, "place-country") || strings.Contains(before, `"country"`) || !strings.Contains(before, "<p>3 places</p>") {
		t.Error("a page rendered before the gazetteer loaded shows countries, or no count")
	}
	at := Country{Country: geo.Country{Code: "AT", Name: "Austria", Flag: "🇦🇹"}, Region: geo.Region{Code: "AT-6", Name: "Styria", Country: "AT"}}
	m.Geo = Geo{Ready: true, Countries: map[string]Country{"id0": at}, Stats: geo.Stats{
		Countries:  []geo.Count{{Code: "BR", Name: "Brazil", Places: 9}, {Code: "AT", Name: "Austria", Places: 1}, {Code: "TW", Name: "Taiwan", Places: 1}},
		Continents: []geo.Count{{Code: "SA", Places: 9}, {Code: "EU", Places: 1}},
	}, WorldURL: "/world.geojson?v=abc"}
	m.Total = 11 // as if the list were paginated
	out := render(t, MapPage(m))
	doc := parse(t, out)
	item := all(doc, "li", func(n *html.Node) bool { return attr(n, "data-place-id") == "id0" })[0]
	if got := text(item); !strings.Contains(got, "Styria, Austria") {
		t.Errorf("Graz's list item says %q, want its region and country", got)
	}
	if !strings.Contains(out, "11 places in 3 countries on 2 continents") {
		t.Error("no summary line")
	}
	if attr(mustID(t, doc, "map"), "data-world-url") != "/world.geojson?v=abc" {
		t.Error("the map does not name the world layer")
	}
}

func TestFooterCreditsGeoNames(t *testing.T) {
	out := render(t, MapPage(mapModel()))
	if !strings.Contains(out, `Place names from <a href="https://www.geonames.org/">GeoNames</a>`) || !strings.Contains(out, "CC BY 4.0") {
		t.Error("the footer does not credit GeoNames")
	}
}

// The checklists read as a traveller says them: the world's, naming the
// list it counts, and each visited country's regions, visited and missing.
func TestChecklistsSayWhatIsVisitedAndWhatIsMissing(t *testing.T) {
	m := mapModel()
	by, be, hh := geo.Region{Code: "DE-BY", Name: "Bavaria", Country: "DE"}, geo.Region{Code: "DE-BE", Name: "Berlin", Country: "DE"}, geo.Region{Code: "DE-HH", Name: "Hamburg", Country: "DE"}
	m.Geo = Geo{Ready: true, ChecklistsInline: true, Stats: geo.Stats{
		Countries: []geo.Count{{Code: "DE", Name: "Germany", Places: 3}, {Code: "PR", Name: "Puerto Rico", Places: 1}},
		Checklists: []geo.Checklist{{Country: "DE", CountryName: "Germany", Level: "states",
			Visited: []geo.Region{by, be}, Missing: []geo.Region{hh}}},
		World: geo.WorldList{Visited: 1, Total: 195, List: "UN member and observer states",
			Elsewhere: []geo.Count{{Code: "PR", Name: "Puerto Rico", Places: 1}}},
	}}
	doc := parse(t, render(t, MapPage(m)))
	block := all(doc, "details", func(n *html.Node) bool { return attr(n, "class") == "checklists" })
	if len(block) != 1 {
		t.Fatal("no checklists on the page")
	}
	got := strings.Join(strings.Fields(text(block[0])), " ")
	for _, want := range []string{
		"Checklists: 1 of 195 countries",
		"1 of 195 countries, counting the UN member and observer states. Counted apart: Puerto Rico (1 place).",
		"Germany: 2 of 3 states",
		"Visited: Bavaria, Berlin",
		"Still to visit: Hamburg",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the checklists lack %q:\n%s", want, got)
		}
	}
	// A map with too many regions for the page leads to them instead.
	m.Geo.ChecklistsInline = false
	out := render(t, MapPage(m))
	if !strings.Contains(out, `<a href="/checklists#DE">Germany: 2 of 3 states</a>`) || strings.Contains(out, "Hamburg") {
		t.Errorf("without its lists the checklist does not lead to them:\n%s", out)
	}
	m.Geo.Ready = false
	if strings.Contains(render(t, MapPage(m)), `class="checklists"`) {
		t.Error("checklists before the countries are known")
	}
}
