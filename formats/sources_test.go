package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// swarmZip is a Swarm data export: check-ins in files of a thousand, and
// files that are not visits beside them.
func swarmZip(t testing.TB) []byte {
	return zipOf(t, []zipEntry{
		{"checkins1.json", readTestdata(t, "swarm/checkins1.json")},
		{"checkins2.json", readTestdata(t, "swarm/checkins2.json")},
		{"tips.json", []byte(`{"count": 1, "items": [{"id": "t1", "createdAt": "2019-07-14 10:00:00.000000", "text": "Go early", "venue": {"id": "v", "name": "A tip is no visit"}}]}`)},
		{"users.json", []byte(`{"firstName": "A", "lastName": "B"}`)},
		{"photos/IMG_1.jpg", []byte("\xFF\xD8\xFF")},
	})
}

func TestDecodeSwarmZip(t *testing.T) {
	imp, err := Decode(bytes.NewReader(swarmZip(t)), "application/zip", "foursquare-export.zip")
	if err != nil {
		t.Fatal(err)
	}
	flore := [2]string{"48.854166", "2.332665"}
	assertImport(t, imp, []Row{
		{Index: 1, File: "checkins1.json", Name: "Café de Flore", Latitude: flore[0], Longitude: flore[1], Visited: "2019-07-14", Note: "Best chocolat chaud in Paris"},
		// 23:10 UTC at UTC+2 is the next day; a visit of its own, at the
		// venue's first point.
		{Index: 2, File: "checkins1.json", Name: "Café de Flore", Latitude: flore[0], Longitude: flore[1], Visited: "2019-07-15"},
		// 06:00 UTC in New York (UTC−4) is 02:00 the same day.
		{Index: 3, File: "checkins1.json", Name: "Katz's Delicatessen", Latitude: "40.722233", Longitude: "-73.987429", Visited: "2019-07-15"},
		// The API's Unix seconds and venue.location; the same venue id.
		{Index: 1, File: "checkins2.json", Name: "Café de Flore", Latitude: flore[0], Longitude: flore[1], Visited: "2022-06-28", Note: "Again!"},
	}, 0)
	if imp.Source != SourceSwarm || imp.Skipped.Files != 3 {
		t.Errorf("source %q, skipped %+v", imp.Source, imp.Skipped)
	}
	if got := imp.Summary().String(); got != "Swarm: 4 visits at 2 places, 2019–2022" {
		t.Errorf("summary %q", got)
	}
}

func TestDecodePolarsteps(t *testing.T) {
	imp := decodeFile(t, "polarsteps/trip.json", MediaTypeJSON)
	lisbon := [2]string{"38.7222524", "-9.1393366"}
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Lisbon", Latitude: lisbon[0], Longitude: lisbon[1], Visited: "2022-06-28/2022-06-30", Note: "Pastéis de nata for breakfast.\nTram 28 at dusk."},
		{Index: 2, Name: "Sintra", Latitude: "38.8029", Longitude: "-9.3817", Visited: "2022-07-01"},
		// Back at the same place (5 m away): a second visit to it.
		{Index: 3, Name: "Lisbon", Latitude: lisbon[0], Longitude: lisbon[1], Visited: "2022-07-07/2022-07-08", Note: "Last night."},
	}, 0)
	if got := imp.Summary().String(); got != "Polarsteps: 3 visits at 2 places, 2022" {
		t.Errorf("summary %q", got)
	}

	points := decodeFile(t, "polarsteps/locations.json", MediaTypeJSON)
	if len(points.Rows) != 0 || points.Skipped.Points != 3 || points.Source != SourcePolarsteps {
		t.Errorf("locations.json = %+v, want its 3 points skipped", points)
	}

	export := zipOf(t, []zipEntry{
		{"user/user.json", []byte(`{"first_name": "A"}`)},
		{"trip/Portugal 2022_4242424/trip.json", readTestdata(t, "polarsteps/trip.json")},
		{"trip/Portugal 2022_4242424/locations.json", readTestdata(t, "polarsteps/locations.json")},
	})
	imp, err := Decode(bytes.NewReader(export), "", "polarsteps.zip")
	if err != nil || len(imp.Rows) != 3 || imp.Skipped.Points != 3 || imp.Source != SourcePolarsteps || imp.Rows[0].File != "trip/Portugal 2022_4242424/trip.json" {
		t.Errorf("Polarsteps export = %+v, %v", imp, err)
	}
}

func TestDecodeOrganicMaps(t *testing.T) {
	kml := readTestdata(t, "organic-maps.kml")
	want := []Row{
		{Index: 1, Name: "Café Central", Latitude: "48.210381", Longitude: "16.365554", Visited: "2023-09-10", Note: "Melange and Apfelstrudel"},
		// No <name>: the name in Organic Maps' default language.
		{Index: 2, Name: "Stephansdom", Latitude: "48.2085", Longitude: "16.3721", Visited: "2023-09-11"},
	}
	imp, err := Decode(bytes.NewReader(kml), "application/octet-stream", "Vienna 2023.kml")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, want, 1)
	if imp.Source != SourceOrganicMaps {
		t.Errorf("source %q", imp.Source)
	}
	// Organic Maps shares a list as a KMZ with the KML at the top.
	kmzData := zipOf(t, []zipEntry{{"Vienna 2023.kml", kml}, {"files/thumb.png", []byte("\x89PNG")}})
	imp, err = Decode(bytes.NewReader(kmzData), "application/octet-stream", "Vienna 2023.kmz")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, want, 1)
	if imp.Source != SourceOrganicMaps {
		t.Errorf("KMZ source %q", imp.Source)
	}
}

func TestDecodeOsmAndGroups(t *testing.T) {
	gpx := readTestdata(t, "osmand-groups.gpx")
	imp, err := Decode(bytes.NewReader(gpx), MediaTypeGPX, "favorites.gpx")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Graz", Latitude: "47.070714", Longitude: "15.439504", Visited: "2023-06-01", Note: "Conferences: Talk: Where have I been"},
		{Index: 2, Name: "Figlmüller", Latitude: "48.208176", Longitude: "16.373819", Visited: "2022-11-20", Note: "Food: Schnitzel bigger than the plate"},
		{Index: 3, Name: "Salzburg", Latitude: "47.811195", Longitude: "13.033229"},
		{Index: 4, Name: "London", Latitude: "51.507351", Longitude: "-0.127758", Visited: "2019-09-24", Note: "Conferences"},
	}, 0)
	wantGroups := []Group{{"Conferences", 2}, {"Food", 1}, {"", 1}}
	if !reflect.DeepEqual(imp.Groups, wantGroups) {
		t.Errorf("groups %+v, want %+v", imp.Groups, wantGroups)
	}

	// Only the conferences, and the waypoints without a group.
	some, err := DecodeWith(bytes.NewReader(gpx), MediaTypeGPX, "favorites.gpx", DecodeOptions{Groups: []string{"Conferences", ""}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, row := range some.Rows {
		names = append(names, row.Name)
	}
	if strings.Join(names, ",") != "Graz,Salzburg,London" || some.Skipped.OtherGroups != 1 || !reflect.DeepEqual(some.Groups, wantGroups) {
		t.Errorf("chosen groups: %v, skipped %+v, groups %+v", names, some.Skipped, some.Groups)
	}
}
