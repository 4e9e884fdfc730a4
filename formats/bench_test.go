package formats

import (
	"bytes"
	"fmt"
	"testing"
	"time"

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

// timelineFile is an on-device Google Timeline of n visits at n/4 places
// (each visited on four days from 2019 to 2024), with a journey between
// every fifth pair: 4.3 MB for 10,000 visits.
func timelineFile(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"semanticSegments": [`)
	start := time.Date(2019, 1, 1, 9, 0, 0, 0, time.FixedZone("", 3600))
	places := max(n/4, 1)
	for i := range n {
		if i > 0 {
			buf.WriteString(",\n")
		}
		p := i % places
		day := start.Add(time.Duration(i) * 5 * time.Hour)
		fmt.Fprintf(&buf, `{"startTime": %q, "endTime": %q, "startTimeTimezoneUtcOffsetMinutes": 60, "endTimeTimezoneUtcOffsetMinutes": 60, `+
			`"visit": {"hierarchyLevel": 0, "probability": 0.9, "topCandidate": {"placeId": "ChIJplace%08d", "semanticType": "UNKNOWN", "probability": 0.8, `+
			`"placeLocation": {"latLng": "%.7f°, %.7f°"}}}}`,
			day.Format("2006-01-02T15:04:05.000-07:00"), day.Add(2*time.Hour).Format("2006-01-02T15:04:05.000-07:00"),
			p, -60+float64(p)*0.047, -170+float64(p)*0.133)
		if i%5 == 4 {
			fmt.Fprintf(&buf, `,
{"startTime": %q, "endTime": %q, "activity": {"start": {"latLng": "1.0°, 2.0°"}, "end": {"latLng": "1.1°, 2.1°"}, "distanceMeters": 1234.5, "topCandidate": {"type": "WALKING", "probability": 0.8}}}`,
				day.Format(time.RFC3339), day.Add(time.Hour).Format(time.RFC3339))
		}
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// BenchmarkDecodeTimeline parses a 10,000-visit Timeline (4.3 MB)
// into places and stays: the figure in docs/BENCHMARKS.md.
func BenchmarkDecodeTimeline(b *testing.B) {
	data := timelineFile(MaxImportPlaces)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		imp, err := Decode(bytes.NewReader(data), MediaTypeJSON, "Timeline.json")
		if err != nil {
			b.Fatal(err)
		}
		if s := imp.Summary(); s.Places != MaxImportPlaces/4 || s.Visits != MaxImportPlaces {
			b.Fatalf("summary %+v", s)
		}
	}
}
