package handlers

import (
	"errors"
	"strings"
	"testing"

	"github.com/whib/whib/store"
)

// FuzzDecodePlace feeds arbitrary bodies through the JSON decoder and the
// validator: they must never panic, and whatever they accept must be a
// place that the store would write.
func FuzzDecodePlace(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Graz","latitude":47.07,"longitude":15.44}`,
		`{"name":"São José","latitude":"-27.597724533718875","longitude":"-48.61495221317449"}`,
		`{"name":"A","name":"B","latitude":1,"longitude":2}`,
		`{"name":"<img src=x onerror=alert(1)>","latitude":1e999,"longitude":"NaN"}`,
		`{"name":"=HYPERLINK(\"http://x\")","latitude":0,"longitude":-0}`,
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"name":"\u202eevil","latitude":null,"longitude":true}`,
		``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		in, typeErrs, err := decodePlaceJSON(strings.NewReader(body))
		if err != nil {
			var reqErr *refusal
			if !errors.As(err, &reqErr) || reqErr.status < 400 || reqErr.status > 499 {
				t.Fatalf("decode error %v is not a 4xx request error", err)
			}
			return
		}
		place, err := validatePlace(in, typeErrs)
		if err != nil {
			if store.KindOf(err) != store.KindInvalid {
				t.Fatalf("validation error %v is not KindInvalid", err)
			}
			return
		}
		if lat := place.Latitude.Float(); lat < -90 || lat > 90 {
			t.Fatalf("accepted latitude %v", lat)
		}
		if lng := place.Longitude.Float(); lng < -180 || lng > 180 {
			t.Fatalf("accepted longitude %v", lng)
		}
		if place.Name == "" || len([]rune(place.Name)) > 100 {
			t.Fatalf("accepted name %q", place.Name)
		}
	})
}
