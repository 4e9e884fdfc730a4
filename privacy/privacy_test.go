package privacy

import (
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/store"
)

func place(t *testing.T, name, lat, lon, visited string) store.Place {
	t.Helper()
	p, err := store.Input{Name: name, Latitude: lat, Longitude: lon, Visited: visited, Note: "note of " + name}.Place()
	if err != nil {
		t.Fatal(err)
	}
	p.ID = "id-" + strings.ToLower(strings.ReplaceAll(name, " ", ""))
	return p
}

type fakeTowns struct{}

func (fakeTowns) NearestTown(lat, lon float64) (string, float64, float64, bool) {
	return "Graz", 47.06667, 15.45, true
}

func TestParseAreas(t *testing.T) {
	areas, err := ParseAreas("47.07,15.44,2km; 48.20,16.37,500m ; -33.9, 18.4 , 1.5km, town;")
	if err != nil || len(areas) != 3 {
		t.Fatalf("%+v, %v", areas, err)
	}
	if areas[0].RadiusMeters != 2000 || areas[1].RadiusMeters != 500 || !areas[2].Town || areas[2].RadiusMeters != 1500 || areas[2].Latitude != -33.9 {
		t.Errorf("%+v", areas)
	}
	for in, says := range map[string]string{
		"47.07,15.44":         "latitude,longitude,radius",
		"47.07,15.44,2":       "unit",
		"91,15.44,2km":        "latitude",
		"47,181,2km":          "longitude",
		"47,15,-2km":          "positive",
		"47,15,2km,nearby":    "latitude,longitude,radius",
		"47,15,2km;x,1,1m":    "area 2",
		"NaN,15,2km":          "latitude",
		"47,15,99999999999km": "at most",
	} {
		if _, err := ParseAreas(in); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseAreas(%q) = %v, want an error saying %q", in, err, says)
		}
	}
}

func TestParseDelay(t *testing.T) {
	for in, want := range map[string]time.Duration{"14d": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "": 0, "0": 0, "90m": 90 * time.Minute} {
		if got, err := ParseDelay(in); err != nil || got != want {
			t.Errorf("ParseDelay(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"14", "two weeks", "-1d", "-3h", "1.5d"} {
		if _, err := ParseDelay(in); err == nil {
			t.Errorf("ParseDelay(%q) accepted", in)
		}
	}
}

func TestApplyHidesMovesAndHoldsBack(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	home := place(t, "Home", "47.0710", "15.4400", "")
	flat := place(t, "Old flat", "48.2001", "16.3701", "")
	lisbon := place(t, "Lisbon", "38.7223", "-9.1393", "2019")
	today := place(t, "Porto", "41.1579", "-8.6291", "2026-12-01")
	plan := place(t, "Tokyo", "35.68", "139.69", "2027-04")
	areas, _ := ParseAreas("47.07,15.44,2km; 48.20,16.37,500m,town")
	policy := Policy{Areas: areas, Delay: 14 * 24 * time.Hour}
	snap := store.Snapshot{Places: []store.Place{home, flat, lisbon, today, plan}, Version: "v1"}
	v := policy.Apply(snap, fakeTowns{}, now)
	var names []string
	for _, p := range v.Places {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "Graz,Lisbon" {
		t.Fatalf("public places %v, want the flat at Graz and Lisbon", names)
	}
	moved := v.Places[0]
	if moved.ID == flat.ID || moved.Note != "" || moved.Latitude.Float() != 47.06667 {
		t.Errorf("the flat shown at its town: %+v", moved)
	}
	for p, want := range map[store.Place]Reason{home: Hidden, flat: AtTown, today: HeldBack, plan: HeldBack, lisbon: Public} {
		if got := v.Reason(p.ID); got != want {
			t.Errorf("%s: %v, want %v", p.Name, got, want)
		}
	}
	if want := today.Visited.Start().Add(policy.Delay); !v.Until.Equal(want) {
		t.Errorf("Until = %v, want %v (when Porto comes of age)", v.Until, want)
	}
	// A change to a hidden row only: the same public version.
	home2 := place(t, "Home", "47.0711", "15.4401", "")
	again := policy.Apply(store.Snapshot{Places: []store.Place{home2, flat, lisbon, today, plan}, Version: "v2"}, fakeTowns{}, now)
	if again.Version != v.Version {
		t.Errorf("a hidden row changed the public version: %s → %s", v.Version, again.Version)
	}
	lisbon2 := place(t, "Lisboa", "38.7223", "-9.1393", "2019")
	if policy.Apply(store.Snapshot{Places: []store.Place{home, flat, lisbon2, today, plan}}, fakeTowns{}, now).Version == v.Version {
		t.Error("a public rename kept the public version")
	}
	// Two weeks later Porto is public.
	later := policy.Apply(snap, fakeTowns{}, now.Add(15*24*time.Hour))
	if len(later.Places) != 3 {
		t.Errorf("after the delay: %d places", len(later.Places))
	}
}

func TestRedactLeavesOutPrivatePlaces(t *testing.T) {
	areas, _ := ParseAreas("47.07,15.44,2km")
	policy := Policy{Areas: areas}
	home := place(t, "Home", "47.0710", "15.4400", "")
	c := store.Change{ID: "c1", Kind: store.ChangeDelete, Summary: "Delete Home", By: "Jess", Before: []store.Place{home}, BeforeCount: 1}
	got, private := policy.Redact(c, time.Now())
	if !private || len(got.Before) != 0 || strings.Contains(got.Summary, "Home") || got.By != "" || got.ID != "c1" {
		t.Errorf("redacted %+v, %v", got, private)
	}
	lisbon := place(t, "Lisbon", "38.7", "-9.1", "")
	c = store.Change{ID: "c2", Summary: "Add Lisbon", By: "Jess", After: []store.Place{lisbon}}
	if got, private := policy.Redact(c, time.Now()); private || got.Summary != "Add Lisbon" || got.By != "Jess" {
		t.Errorf("a public change was redacted: %+v", got)
	}
}
