package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustVisit(t *testing.T, name, lat, lon, visited, note string) Place {
	t.Helper()
	p, err := Input{Name: name, Latitude: lat, Longitude: lon, Visited: visited, Note: note}.Place()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A file with the talk's three columns keeps its bytes until a date or a
// note is first saved; then the header alone gains the columns, in a change
// of its own that the history shows and can undo, and every row keeps its
// bytes (rows without a date stay three fields long).
func TestTheFirstDateAddsTheColumnsInAChangeOfItsOwn(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := b.store.Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{}); err != nil {
				t.Fatal(err)
			}
			undated := quirkyFile + "Linz,48.3069,14.2858\n"
			if got := string(b.file()); got != undated {
				t.Fatalf("an undated add changed more than a row:\n%s", got)
			}
			res, err := b.store.Add(ctx, mustVisit(t, "Graz", "47.0707", "15.4395", "2019-07", "Talk at Grazer Linuxtage\nhttps://example.com/talk"), Author{Name: "Jess"})
			if err != nil || !res.Added || res.Visits != 1 { // the undated Graz is a visit too
				t.Fatalf("dated add: %+v, %v", res, err)
			}
			want := strings.Replace(undated, csvHeader, csvHeaderVisits, 1) +
				"Graz,47.0707,15.4395,2019-07,\"Talk at Grazer Linuxtage\nhttps://example.com/talk\"\n"
			if got := string(b.file()); got != want {
				t.Fatalf("after the first dated add the file is\n%s\nwant\n%s", got, want)
			}
			h, err := b.store.History(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if h.Changes[0].Kind != ChangeAdd || h.Changes[1].Kind != ChangeColumns || h.Changes[1].Summary != "Add columns visited and note" {
				t.Fatalf("history: %q (%s), %q (%s)", h.Changes[0].Summary, h.Changes[0].Kind, h.Changes[1].Summary, h.Changes[1].Kind)
			}
			// The columns cannot go while a row uses them.
			if _, err := b.store.Undo(ctx, h.Changes[1].ID, Author{}); KindOf(err) != KindConflict {
				t.Errorf("undoing the columns while Graz has a date: %v, want a conflict", err)
			}
			if _, err := b.store.Undo(ctx, h.Changes[0].ID, Author{}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.store.Undo(ctx, h.Changes[1].ID, Author{}); err != nil {
				t.Fatalf("undoing the columns once no row uses them: %v", err)
			}
			if got := string(b.file()); got != undated {
				t.Errorf("after both undos the file is\n%s\nwant the talk's columns back:\n%s", got, undated)
			}
		})
	}
}

// Graz visited in 2019 and again in 2023 is two rows; the same visit again
// writes nothing.
func TestVisitsOfOnePlace(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			first, err := b.store.Add(ctx, mustVisit(t, "Graz", "47.0707", "15.4395", "2019", ""), Author{})
			if err != nil || !first.Added || first.Visits != 1 {
				t.Fatalf("2019: %+v, %v; want one visit more than the undated one", first, err)
			}
			again, err := b.store.Add(ctx, mustVisit(t, "graz", "47.0707", "15.4395", "2019", ""), Author{})
			if err != nil || again.Added {
				t.Fatalf("2019 again: %+v, %v; want nothing written", again, err)
			}
			second, err := b.store.Add(ctx, mustVisit(t, "Graz", "47.0707", "15.4395", "2023-05", "Again"), Author{})
			if err != nil || !second.Added || second.Visits != 2 {
				t.Fatalf("2023: %+v, %v", second, err)
			}
			snap, _ := b.store.Load(ctx)
			if n := len(snap.Index().Visits(second.Place)); n != 3 {
				t.Errorf("Graz has %d visits, want 3 (undated, 2019, 2023)", n)
			}
			// Dates and notes are edited like the other fields; clearing
			// them shortens the row again.
			res, err := b.store.Edit(ctx, Target{ID: second.Place.ID}, Edit{Visited: str("2023-05-14/2023-05-16"), Note: str("")}, Author{})
			if err != nil || res.Place.Visited.String() != "2023-05-14/2023-05-16" || res.Place.Note != "" {
				t.Fatalf("edit: %+v, %v", res.Place, err)
			}
			if !strings.HasSuffix(string(b.file()), "Graz,47.0707,15.4395,2023-05-14/2023-05-16\n") {
				t.Errorf("file ends\n%s", b.file()[len(b.file())-80:])
			}
			if _, err := b.store.Edit(ctx, Target{ID: res.Place.ID}, Edit{Visited: str("2023-02-30")}, Author{}); KindOf(err) != KindInvalid {
				t.Errorf("an impossible date: %v", err)
			}
		})
	}
}

func TestNotesFollowTheNameRules(t *testing.T) {
	for note, says := range map[string]string{
		"bad\u202Eidea":             "text-direction",
		"bell\a":                    "control characters",
		strings.Repeat("x", 1001):   "at most 1000 characters",
		"\xff":                      "valid text",
		"ok\r\nwith\rbreaks\tand\t": "",
	} {
		_, err := Input{Name: "Graz", Latitude: "1", Longitude: "2", Note: note}.Place()
		if says == "" && err != nil || says != "" && (err == nil || !strings.Contains(err.Error(), says)) {
			t.Errorf("note %.20q: %v, want %q", note, err, says)
		}
	}
	p := mustVisit(t, "Graz", "1", "2", "", "=HYPERLINK(\"x\")\nline two")
	row := encodeRow(p)
	back, err := placeFromRow(row)
	if err != nil || back.Note != p.Note || !strings.Contains(row, "'=HYPERLINK") {
		t.Errorf("row %q read back %q, %v; want the formula neutralised and the note exact", row, back.Note, err)
	}
}

// The page shows one marker and one list entry per place: its visits are
// the rows with its name and point, whatever their dates.
func TestGroupVisitsByPlace(t *testing.T) {
	content := "name,latitude,longitude,visited,note\n" +
		"Graz,47.0707,15.4395,2019,Talk\n" +
		"Linz,48.3069,14.2858\n" +
		"GRAZ ,47.07070001,15.4395,2023\n" + // the same place: case, space, 1e-8°
		"Graz,47.0807,15.4395,2023\n" + // another Graz, a kilometre north
		"Linz,48.3069,14.2858\n" // the same visit twice
	places, err := decodeCSV([]byte(content))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{0, 2}, {1, 4}, {3}}
	if got := GroupVisits(places); !reflect.DeepEqual(got, want) {
		t.Errorf("GroupVisits = %v, want %v", got, want)
	}
	snap := newSnapshot(places, "v", []byte(content), time.Now())
	if got := snap.ByPlace(); !reflect.DeepEqual(got, want) {
		t.Errorf("Snapshot.ByPlace = %v, want %v", got, want)
	}
}

func TestPlaceKeyNamesThePlaceNotTheVisit(t *testing.T) {
	a := mustVisit(t, "Graz", "47.0707", "15.4395", "2019", "Talk")
	b := mustVisit(t, " graz", "47.07070", "15.4395", "2023", "")
	c := mustVisit(t, "Graz", "47.0807", "15.4395", "2019", "")
	if PlaceKey(a) != PlaceKey(b) || PlaceKey(a) == PlaceKey(c) || len(PlaceKey(a)) != 12 {
		t.Errorf("keys %s %s %s: want the two visits of Graz alike, the other Graz apart", PlaceKey(a), PlaceKey(b), PlaceKey(c))
	}
}
