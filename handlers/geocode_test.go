package handlers

import (
	"slices"
	"testing"

	"github.com/whib/whib/geo"
)

// The parts after a place's name narrow its namesakes to the country or
// region they name, in the words people write; a qualifier that fits none
// of them proposes none.
func TestQualifiersNarrowTheNamesakes(t *testing.T) {
	lisbons := []geo.Result{
		{Name: "Lisbon", Country: "PT", CountryName: "Portugal", Region: "14"},
		{Name: "Lisbon", Country: "US", CountryName: "United States of America", Region: "ME"},
		{Name: "Lisbon", Country: "US", CountryName: "United States of America", Region: "OH"},
	}
	for _, c := range []struct {
		qualifiers []string
		want       []string // countries and regions of the results kept
	}{
		{[]string{"Portugal"}, []string{"PT 14"}},
		{[]string{"pt"}, []string{"PT 14"}},
		{[]string{"USA"}, []string{"US ME", "US OH"}},
		{[]string{"Maine"}, nil},
		{[]string{"ME", "United States"}, []string{"US ME"}},
		{[]string{"United States"}, []string{"US ME", "US OH"}},
		{[]string{"Spain"}, nil},
	} {
		var got []string
		for _, r := range within(lisbons, c.qualifiers) {
			got = append(got, r.Country+" "+r.Region)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Lisbon, %v keeps %v, want %v", c.qualifiers, got, c.want)
		}
	}
	if parts := lookupParts(" Café Central ;Herrengasse 14,, 1010 Wien\nAustria "); !slices.Equal(parts, []string{"Café Central", "Herrengasse 14", "1010 Wien", "Austria"}) {
		t.Errorf("lookupParts = %q", parts)
	}
	if got := regionName(geo.Result{Region: "06"}) + "|" + regionName(geo.Result{Region: "ME"}); got != "|ME" {
		t.Errorf("regions named %q, want none for a number and ME for Maine", got)
	}
}
