package store

import (
	"fmt"
	"testing"
)

func TestDistance(t *testing.T) {
	lisbon, porto := mustPlace(t, "a", "38.7223", "-9.1393"), mustPlace(t, "b", "41.1579", "-8.6291")
	if d := Distance(lisbon, porto); d < 272_000 || d > 276_000 {
		t.Errorf("Lisbon–Porto = %.0f m, want about 274 km", d)
	}
	if d := Distance(mustPlace(t, "a", "0", "179.9999"), mustPlace(t, "b", "0", "-179.9999")); d > 30 {
		t.Errorf("across the antimeridian = %.1f m", d)
	}
}

// Names that SameName calls equal share one index key, whichever path
// (plain ASCII or Unicode) computes it, so Same finds them.
func TestIndexFindsEveryNameThatSameNameCallsEqual(t *testing.T) {
	for _, pair := range [][2]string{
		{"São  José", "SÃO JOSÉ"},
		{"Kelvin k", "Kelvin \u212A"}, // the Kelvin sign folds to k
		{"Cafe\u0301", "café"},        // decomposed and composed
		{" Lisboa\t", "LISBOA"},
		{"Graz", "Gr\u200Baz"}, // a zero-width space poses as nothing
		{"graz", "GRAZ\u00AD"}, // nor does a soft hyphen
		{"Straße", "STRAßE"},
	} {
		a, b := mustPlace(t, pair[0], "1", "2"), mustPlace(t, pair[1], "1", "2")
		if !SameName(a.Name, b.Name) || !a.SameAs(b) {
			t.Errorf("%q and %q are not the same name", pair[0], pair[1])
		}
		if _, ok := NewIndex([]Place{a}).Same(b); !ok {
			t.Errorf("an index of %q does not find %q", pair[0], pair[1])
		}
	}
	if SameName("Graz", "Gratz") || SameName("Wien", "Wien Mitte") {
		t.Error("different names are the same name")
	}
}

// The index finds places by a hash of the name key, worked out without
// the key for ASCII names: it is the key's hash whichever way.
func TestNameHashIsTheHashOfTheNameKey(t *testing.T) {
	for _, name := range []string{"Graz", " graz  am  Schöckl ", "Lisboa\t\t", "  ", "", "a\vb\fc\rd\ne", "São José", "NYC", "new york city"} {
		key := nameKey(name)
		h := uint64(14695981039346656037)
		for i := 0; i < len(key); i++ {
			h = (h ^ uint64(key[i])) * 1099511628211
		}
		if got := nameHash(name); got != h {
			t.Errorf("nameHash(%q) = %x, the hash of its key %q is %x", name, got, key, h)
		}
	}
}

// Places whose names share a hash but are other names are not found for
// each other, and places of one name are found in the order indexed.
func TestIndexTellsNamesWithOneHashApart(t *testing.T) {
	graz, linz := mustPlace(t, "Graz", "47.0707", "15.4395"), mustPlace(t, "Linz", "47.0707", "15.4395")
	ix := NewIndex([]Place{graz})
	// As if Linz's name hashed like Graz's.
	ix.byHash[nameHash("Linz")] = ix.byHash[nameHash("Graz")]
	if q, ok := ix.Same(linz); ok {
		t.Errorf("Linz is the same as %v", q)
	}
	if got, ok := ix.Same(mustPlace(t, "GRAZ", "47.0707", "15.4395")); !ok || got.Name != "Graz" {
		t.Errorf("Same(GRAZ) = %v, %v", got, ok)
	}
	first := mustPlace(t, "Wien", "48.2", "16.37")
	second := first
	second.Note = "the second row"
	ix = NewIndex([]Place{first})
	ix.Add(second)
	if v := ix.Visits(first); len(v) != 2 || v[0].Note != "" || v[1].Note != "the second row" {
		t.Errorf("Visits = %v, want both rows in file order", v)
	}
}

func TestIndexSameVisitsAndNear(t *testing.T) {
	graz := mustPlace(t, "Graz", "47.0707", "15.4395")
	ix := NewIndex([]Place{graz})
	if got, ok := ix.Same(mustPlace(t, "graz", "47.0707001", "15.4395")); !ok || got.Name != "Graz" {
		t.Errorf("Same within 1e-6°: %v %v", got, ok)
	}
	// 800 m north: the same name nearby, not the same place.
	north := mustPlace(t, "Graz", "47.0779", "15.4395")
	if _, ok := ix.Same(north); ok {
		t.Error("800 m away is the same place")
	}
	q, m, ok := ix.Near(north)
	if !ok || q.Name != "Graz" || m < 700 || m > 900 {
		t.Errorf("Near = %v, %.0f m, %v; want Graz about 800 m away", q, m, ok)
	}
	if _, _, ok := ix.Near(mustPlace(t, "Graz", "47.2", "15.4395")); ok {
		t.Error("14 km away is near")
	}
	if _, _, ok := ix.Near(mustPlace(t, "Linz", "47.0708", "15.4395")); ok {
		t.Error("another name is near")
	}
	// The same place on another date is another visit: not the same, not near.
	again := graz
	var err error
	if again.Visited, err = ParseVisited("2023"); err != nil {
		t.Fatal(err)
	}
	if _, ok := ix.Same(again); ok {
		t.Error("a visit in 2023 is the same as the undated one")
	}
	if _, _, ok := ix.Near(again); ok {
		t.Error("another visit of the place is 'near' it")
	}
	if v := ix.Visits(again); len(v) != 1 {
		t.Errorf("Visits = %v", v)
	}
}

func BenchmarkIndexSame(b *testing.B) {
	places := make([]Place, 100_000)
	for i := range places {
		places[i], _ = NewPlace(fmt.Sprintf("Place %d", i), fmt.Sprint(i%90), fmt.Sprint(i%180))
	}
	ix := NewIndex(places)
	p, _ := NewPlace("Place 500", "1", "1")
	for b.Loop() {
		ix.Same(p)
	}
}
