package formats

import (
	"fmt"
	"strings"
	"testing"
)

// visitNotations are the notations of places.csv's visited column.
var visitNotations = []string{"2019", "2019-07", "2019-07-14", "2019-07-14/2019-07-18", "2018/2020", "2019-07/2019-08-02"}

// TestGPXVisitsRoundTrip writes each notation as whib's GPX export will
// (gpxTime and <whib:visited>) and reads it back exactly; without the
// extension, as apps that drop it write the file again, a day still reads
// back as itself and anything else as its first day.
func TestGPXVisitsRoundTrip(t *testing.T) {
	for _, visited := range visitNotations {
		dateTime, needsExtension := gpxTime(visited)
		extension := ""
		if needsExtension {
			extension = fmt.Sprintf(`<extensions><whib:visited>%s</whib:visited></extensions>`, visited)
		}
		for _, lon := range []string{"-157.86", "139.77"} { // Honolulu and Tokyo: midnight UTC is another day there
			withExtension := fmt.Sprintf(`<gpx xmlns="http://www.topografix.com/GPX/1/1" xmlns:whib=%q><wpt lat="1" lon=%q><name>A</name><time>%s</time>%s</wpt></gpx>`, GPXNamespaceWhib, lon, dateTime, extension)
			if got := decodeString(t, withExtension, MediaTypeGPX).Rows[0].Visited; got != visited {
				t.Errorf("%s at %s: GPX gives back %q", visited, lon, got)
			}
			withoutExtension := strings.Replace(withExtension, extension, "", 1)
			want, _, _ := strings.Cut(dateTime, "T")
			if got := decodeString(t, withoutExtension, MediaTypeGPX).Rows[0].Visited; got != want {
				t.Errorf("%s at %s without whib:visited: %q, want %q", visited, lon, got, want)
			}
		}
	}
	if dateTime, needsExtension := gpxTime("2019-07-14"); dateTime != "2019-07-14T00:00:00Z" || needsExtension {
		t.Errorf("a day is written as %q, extension %v", dateTime, needsExtension)
	}
}

func TestKMLVisitsRoundTrip(t *testing.T) {
	for _, visited := range visitNotations {
		when, begin, end := kmlTime(visited)
		timeElement := fmt.Sprintf("<TimeStamp><when>%s</when></TimeStamp>", when)
		if when == "" {
			timeElement = fmt.Sprintf("<TimeSpan><begin>%s</begin><end>%s</end></TimeSpan>", begin, end)
		}
		kml := `<kml><Placemark><name>A</name>` + timeElement + `<Point><coordinates>139.77,35.68</coordinates></Point></Placemark></kml>`
		if got := decodeString(t, kml, MediaTypeKML).Rows[0].Visited; got != visited {
			t.Errorf("%s: KML gives back %q", visited, got)
		}
	}
}
