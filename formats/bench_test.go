package formats

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/whib/whib/store"
)

// The benchmarks parse and validate a full import (MaxImportPlaces places)
// against a map that already has as many; the target is well under 200 ms
// per import on the 2-core CI machine.

func benchmarkPlaces(b *testing.B, n int) []store.Place {
	b.Helper()
	places := make([]store.Place, n)
	for i := range places {
		places[i] = mustPlace(b, fmt.Sprintf("Place número %d", i), fmt.Sprintf("%.6f", -60+float64(i)*0.01), fmt.Sprintf("%.6f", -170+float64(i)*0.03))
	}
	return places
}

func benchmarkImport(b *testing.B, mediaType string, data []byte, existing []store.Place) {
	known := store.NewIndex(existing)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		imp, err := Decode(bytes.NewReader(data), mediaType, "")
		if err != nil {
			b.Fatal(err)
		}
		if plan := Classify(imp, known); plan.Report.Added != MaxImportPlaces {
			b.Fatalf("added %d", plan.Report.Added)
		}
	}
}

func BenchmarkImportCSV(b *testing.B) {
	places := benchmarkPlaces(b, MaxImportPlaces)
	var buf bytes.Buffer
	buf.WriteString("name,latitude,longitude\n")
	for _, p := range places {
		fmt.Fprintf(&buf, "%s,%s,%s\n", p.Name, p.Latitude, p.Longitude)
	}
	benchmarkImport(b, MediaTypeCSV, buf.Bytes(), shifted(b, places))
}

func BenchmarkImportGPX(b *testing.B) {
	places := benchmarkPlaces(b, MaxImportPlaces)
	var buf bytes.Buffer
	if err := EncodeGPX(&buf, places); err != nil {
		b.Fatal(err)
	}
	benchmarkImport(b, MediaTypeGPX, buf.Bytes(), shifted(b, places))
}

func BenchmarkImportKML(b *testing.B) {
	places := benchmarkPlaces(b, MaxImportPlaces)
	var buf bytes.Buffer
	if err := EncodeKML(&buf, places); err != nil {
		b.Fatal(err)
	}
	benchmarkImport(b, MediaTypeKML, buf.Bytes(), shifted(b, places))
}

// shifted is a map of as many places with other names, so Classify does
// its full work without finding duplicates.
func shifted(b *testing.B, places []store.Place) []store.Place {
	out := make([]store.Place, len(places))
	for i, p := range places {
		out[i] = mustPlace(b, "Other "+p.Name, p.Latitude.String(), p.Longitude.String())
	}
	return out
}

func BenchmarkEncodeGPX(b *testing.B) {
	places := benchmarkPlaces(b, MaxImportPlaces)
	b.ReportAllocs()
	for b.Loop() {
		if err := EncodeGPX(&bytes.Buffer{}, places); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeKML(b *testing.B) {
	places := benchmarkPlaces(b, MaxImportPlaces)
	b.ReportAllocs()
	for b.Loop() {
		if err := EncodeKML(&bytes.Buffer{}, places); err != nil {
			b.Fatal(err)
		}
	}
}
