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
		{Name: "Lisbon", Country: "PT", CountryName: "Portugal", Region: "PT-11", RegionName: "Lisbon"},
		{Name: "Lisbon", Country: "US", CountryName: "United States", Region: "US-ME", RegionName: "Maine"},
		{Name: "Lisbon", Country: "US", CountryName: "United States", Region: "US-OH", RegionName: "Ohio"},
	}
	for _, c := range []struct {
		qualifiers []string
		want       []string // countries and regions of the results kept
	}{
		{[]string{"Portugal"}, []string{"PT PT-11"}},
		{[]string{"pt"}, []string{"PT PT-11"}},
		{[]string{"USA"}, []string{"US US-ME", "US US-OH"}},
		{[]string{"Maine"}, []string{"US US-ME"}},
		{[]string{"ME", "United States"}, []string{"US US-ME"}},
		{[]string{"US-OH"}, []string{"US US-OH"}},
		{[]string{"United States of America"}, []string{"US US-ME", "US US-OH"}},
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
}
