package handlers_test

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

// titled is an app whose map is named Ada's, with a line under the name.
func titled(t *testing.T, opts ...apptest.Option) *apptest.Site {
	return apptest.New(t, append(opts, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.Title = "Ada on the road"
		c.Handlers.Description = "Forty years of trains & boats"
	}))...)
}

func TestThePageIsHeadedByTheMapsTitleForEveryoneToSee(t *testing.T) {
	app := titled(t)
	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<title>Ada on the road</title>`,
		`<h1 id="map-title">Ada on the road</h1>`,
		`<p class="map-description">Forty years of trains &amp; boats</p>`,
		`<meta property="og:title" content="Ada on the road">`,
		`<meta property="og:site_name" content="Ada on the road">`,
		`<meta property="og:description" content="Forty years of trains &amp; boats">`,
		`<meta name="twitter:title" content="Ada on the road">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the map page lacks %s", want)
		}
	}
	if strings.Contains(page, `class="visually-hidden">Where`) {
		t.Error("the page's heading is still visually hidden")
	}
	_, embed := app.Do(nil, apptest.Request{Method: "GET", Path: "/embed"})
	if !strings.Contains(embed, "<title>Ada on the road</title>") || !strings.Contains(embed, " · Ada on the road</a>") {
		t.Errorf("the embed does not name the map in its title and credit:\n%s", embed)
	}
}

func TestAnUnnamedMapIsWhereIHaveBeenAndDescribedByItsPlaces(t *testing.T) {
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(page, `<h1 id="map-title">Where I have been</h1>`) || strings.Contains(page, "map-description") {
		t.Error(`without MAP_TITLE the heading is not "Where I have been", or a description line is shown`)
	}
	if !strings.Contains(page, `<meta property="og:description" content="10 places`) {
		t.Error("without MAP_DESCRIPTION og:description does not count the places")
	}
}

func TestVisitorsSeeNoAddCardAndTheSignInLinkIsForTheOwner(t *testing.T) {
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if strings.Contains(page, "add-place-panel") || strings.Contains(page, "Add a place") {
		t.Error(`an anonymous visitor gets an "Add a place" card`)
	}
	if strings.Contains(page, "add the places you have been") {
		t.Error("visitors are invited to add places of their own")
	}
	if !strings.Contains(page, `Owner? <a class="button" href="/login">Sign in to add places</a>`) {
		t.Error("the sign-in link does not say it is for the map's owner")
	}
}

func TestAReadOnlyMapOnThisComputerSaysHowToTrySigningIn(t *testing.T) {
	local := apptest.New(t, apptest.WithoutSignIn())
	_, page := local.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(page, "This map is read-only here") || !strings.Contains(page, "<code>go run . -dev</code>") {
		t.Error("a read-only map on a loopback address does not say how to try the signed-in flow (go run . -dev)")
	}
	public := apptest.New(t, apptest.WithoutSignIn(), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.BaseURL, c.Auth.BaseURL = "https://ada.example", "https://ada.example"
	}))
	_, page = public.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(page, "This map is read-only here") || strings.Contains(page, "-dev") {
		t.Error("a read-only map on a public address tells visitors to run go run . -dev")
	}
}

// TestTheReadmeCountsWhatTheSampleShows: every "N places in N countries
// (on N continents)" of the README is what the map page says of the
// sample a first `go run .` shows (store/default_places.csv).
func TestTheReadmeCountsWhatTheSampleShows(t *testing.T) {
	loadGeo(t)
	sample, err := os.ReadFile("../store/default_places.csv")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	app := apptest.New(t, apptest.WithCSV(sample))
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	shown := regexp.MustCompile(`<div id="places-summary" class="places-summary"><p>([^<]+)</p>`).FindStringSubmatch(page)
	if shown == nil {
		t.Fatal("the map page has no stats line")
	}
	figures := regexp.MustCompile(`\d+ places in \d+ countries( on \d+ continents)?`).FindAllString(string(readme), -1)
	if len(figures) == 0 {
		t.Fatal("the README gives no figures of the sample")
	}
	for _, f := range figures {
		if !strings.HasPrefix(shown[1], f) {
			t.Errorf("the README says %q; the sample's page says %q", f, shown[1])
		}
	}
}

// TestTheEmbedsNoScriptTextPointsToTheWholeMap: the embed has no list, so
// without JavaScript it sends the reader to the page that has one.
func TestTheEmbedsNoScriptTextPointsToTheWholeMap(t *testing.T) {
	app := apptest.New(t)
	_, embed := app.Do(nil, apptest.Request{Method: "GET", Path: "/embed"})
	if strings.Contains(embed, "in the list below") {
		t.Error(`the embed, which has no list, says "Every place is in the list below"`)
	}
	if !strings.Contains(embed, `<a href="/" target="_blank" rel="noopener">Every place is listed on the full page</a>`) {
		t.Error("the embed's no-JavaScript text does not link to the full page")
	}
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(page, "Every place is in the list below.") {
		t.Error("the map page's no-JavaScript text no longer points to its list")
	}
}
