package formats

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<gpx><wpt lat="1" lon="2"><name>&lol4;</name></wpt></gpx>`

func TestDecodeRefusesDoctypeAndEntities(t *testing.T) {
	for name, mediaType := range map[string]string{"GPX": MediaTypeGPX, "KML": MediaTypeKML} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(billionLaughs), mediaType, "")
			e := assertKind(t, err, KindRefused)
			if e.Line != 7 || !strings.Contains(err.Error(), "DOCTYPE") {
				t.Errorf("error %q should say DOCTYPE at line 7", err)
			}
		})
	}
}

// TestDecodeNeverFetchesExternalEntities serves the "secret" an XXE payload
// asks for and checks that nothing asked.
func TestDecodeNeverFetchesExternalEntities(t *testing.T) {
	fetched := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched++
		io.WriteString(w, "secret")
	}))
	defer srv.Close()
	secretFile := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secretFile, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, system := range []string{srv.URL + "/xxe", "file://" + secretFile} {
		doc := fmt.Sprintf(`<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM %q>]><kml><Placemark><name>&xxe;</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>`, system)
		imp, err := Decode(strings.NewReader(doc), MediaTypeKML, "")
		assertKind(t, err, KindRefused)
		if len(imp.Rows) != 0 {
			t.Errorf("rows from an XXE document: %+v", imp.Rows)
		}
	}
	// Without a DOCTYPE an undeclared entity is just an error, never a lookup.
	_, err := Decode(strings.NewReader(`<gpx><wpt lat="1" lon="2"><name>&xxe;</name></wpt></gpx>`), MediaTypeGPX, "")
	assertKind(t, err, KindMalformed)
	if fetched != 0 {
		t.Errorf("the external entity was fetched %d times", fetched)
	}
}

func TestDecodeRefusesDeepNesting(t *testing.T) {
	doc := "<kml>" + strings.Repeat("<Folder>", 100000) + strings.Repeat("</Folder>", 100000) + "</kml>"
	_, err := Decode(strings.NewReader(doc), MediaTypeKML, "")
	assertKind(t, err, KindRefused)
}

func TestDecodeTruncatedFilesSayWhere(t *testing.T) {
	for _, tc := range []struct {
		name, mediaType, body string
		line                  int
	}{
		{"GPX", MediaTypeGPX, "<gpx>\n<wpt lat=\"1\" lon=\"2\">\n<name>A</na", 3},
		{"KML", MediaTypeKML, "<kml>\n<Placemark>\n", 3},
		{"GeoJSON", MediaTypeGeoJSON, "{\"type\": \"FeatureCollection\",\n \"features\": [\n{\"type\":", 3},
		{"JSON syntax", MediaTypeJSON, "{\"type\": \"FeatureCollection\",\n \"features\": [}", 2},
		{"CSV", MediaTypeCSV, "name,lat,lon\nA,1,2\n\"B,3,4\n", 3},
		{"empty XML", MediaTypeGPX, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.body), tc.mediaType, "")
			e := assertKind(t, err, KindMalformed)
			if e.Line != tc.line || e.Column < 1 {
				t.Errorf("error %q at line %d column %d, want line %d", err, e.Line, e.Column, tc.line)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d", tc.line)) {
				t.Errorf("error %q should say the line", err)
			}
		})
	}
}

func TestDecodeSizeLimit(t *testing.T) {
	header := "name,latitude,longitude\n"
	padding := func(n int) string { return header + strings.Repeat(" ", n-len(header)) }
	if _, err := Decode(strings.NewReader(padding(MaxImportBytes)), MediaTypeCSV, ""); err != nil {
		t.Errorf("exactly MaxImportBytes: %v", err)
	}
	_, err := Decode(strings.NewReader(padding(MaxImportBytes+1)), MediaTypeCSV, "")
	assertKind(t, err, KindTooLarge)
}

// endlessReader would take forever to read to the end.
type endlessReader struct{ read int64 }

func (r *endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	r.read += int64(len(p))
	return len(p), nil
}

func TestDecodeStopsReadingPastTheLimit(t *testing.T) {
	r := &endlessReader{}
	_, err := Decode(r, MediaTypeGeoJSON, "")
	assertKind(t, err, KindTooLarge)
	if r.read > 2*MaxImportBytes {
		t.Errorf("read %d bytes of an endless upload", r.read)
	}
}

func TestDecodePlaceLimit(t *testing.T) {
	for _, tc := range []struct {
		name, mediaType string
		doc             func(n int) string
	}{
		{"CSV", MediaTypeCSV, func(n int) string { return "name,lat,lon\n" + strings.Repeat("a,1,2\n", n) }},
		{"GPX", MediaTypeGPX, func(n int) string { return "<gpx>" + strings.Repeat(`<wpt lat="1" lon="2"/>`, n) + "</gpx>" }},
		{"KML", MediaTypeKML, func(n int) string {
			return "<kml>" + strings.Repeat("<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>", n) + "</kml>"
		}},
		{"GeoJSON", MediaTypeGeoJSON, func(n int) string {
			feature := `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`
			return `{"type":"FeatureCollection","features":[` + strings.TrimSuffix(strings.Repeat(feature+",", n), ",") + "]}"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := Decode(strings.NewReader(tc.doc(MaxImportPlaces)), tc.mediaType, "")
			if err != nil || len(imp.Rows) != MaxImportPlaces {
				t.Fatalf("%d places: %d rows, %v", MaxImportPlaces, len(imp.Rows), err)
			}
			_, err = Decode(strings.NewReader(tc.doc(MaxImportPlaces+1)), tc.mediaType, "")
			assertKind(t, err, KindTooMany)
		})
	}
}

func TestDecodeUnsupportedType(t *testing.T) {
	for _, tc := range []struct{ body, mediaType, filename string }{
		{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "photo.png"},
		{"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf", "places.gpx"},
		{"\x00\x01\x02\x03binary", "application/octet-stream", "places.dat"},
		{"%PDF-1.4", "not a media type", ""},
	} {
		_, err := Decode(strings.NewReader(tc.body), tc.mediaType, tc.filename)
		assertKind(t, err, KindUnsupportedType)
	}
}

func kmz(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const onePlacemark = `<kml><Document><Placemark><name>Inside</name><Point><coordinates>1,2</coordinates></Point></Placemark></Document></kml>`

func TestDecodeKMZ(t *testing.T) {
	data := kmz(t, map[string][]byte{
		"files/icon.png": []byte("png"),
		"other.kml":      []byte(`<kml><Placemark><name>Other</name></Placemark></kml>`),
		"doc.kml":        []byte(onePlacemark),
	})
	imp, err := Decode(bytes.NewReader(data), MediaTypeKMZ, "trip.kmz")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{{Index: 1, Name: "Inside", Latitude: "2", Longitude: "1"}}, 0)
}

func TestDecodeKMZRefusesUnsafePaths(t *testing.T) {
	for _, name := range []string{"../doc.kml", "/etc/doc.kml", `..\doc.kml`, "a/../../doc.kml", "C:/doc.kml"} {
		data := kmz(t, map[string][]byte{name: []byte(onePlacemark)})
		_, err := Decode(bytes.NewReader(data), MediaTypeKMZ, "")
		assertKind(t, err, KindRefused)
	}
}

func TestDecodeKMZRefusesTooManyEntries(t *testing.T) {
	entries := map[string][]byte{"doc.kml": []byte(onePlacemark)}
	for i := range MaxKMZEntries {
		entries[fmt.Sprintf("files/%d.png", i)] = nil
	}
	_, err := Decode(bytes.NewReader(kmz(t, entries)), MediaTypeKMZ, "")
	assertKind(t, err, KindRefused)
}

func TestDecodeKMZWithoutKML(t *testing.T) {
	_, err := Decode(bytes.NewReader(kmz(t, map[string][]byte{"a.txt": nil})), MediaTypeKMZ, "")
	assertKind(t, err, KindMalformed)
	cut := kmz(t, map[string][]byte{"doc.kml": []byte(onePlacemark)})
	_, err = Decode(bytes.NewReader(cut[:40]), MediaTypeKMZ, "")
	assertKind(t, err, KindMalformed)
	_, err = Decode(strings.NewReader("PK not a zip"), MediaTypeKMZ, "")
	if e := assertKind(t, err, KindUnsupportedType); e.Error() != "this file is not a KMZ file (it looks like plain text)" {
		t.Errorf("error %q", e)
	}
}

// zipBomb is a KMZ whose doc.kml unzips to 1 GB of spaces from about 1 MB,
// with headers that claim whatever claimedSize says.
func zipBomb(t *testing.T, claimedSize uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	compressed := deflatedSpaces(1 << 10)
	header := &zip.FileHeader{Name: "doc.kml", Method: zip.Deflate, CompressedSize64: uint64(len(compressed)), UncompressedSize64: claimedSize}
	w, err := zw.CreateRaw(header)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(compressed)
	zw.Close()
	return buf.Bytes()
}

// deflatedSpaces returns a DEFLATE stream of megabytes MB of spaces without
// compressing them all (which takes seconds): after a sync flush, the
// block that encodes the second megabyte only refers back to spaces, so
// repeating its bytes adds one more megabyte each time.
func deflatedSpaces(megabytes int) []byte {
	var out bytes.Buffer
	fw, _ := flate.NewWriter(&out, flate.BestCompression)
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	fw.Write(chunk)
	fw.Flush()
	start := out.Len()
	fw.Write(chunk)
	fw.Flush()
	block := bytes.Clone(out.Bytes()[start:])
	for range megabytes - 2 {
		out.Write(block)
	}
	fw.Close() // the final, empty block
	return out.Bytes()
}

func TestDeflatedSpacesIsWhatItSays(t *testing.T) {
	n, err := io.Copy(io.Discard, flate.NewReader(bytes.NewReader(deflatedSpaces(8))))
	if err != nil || n != 8<<20 {
		t.Fatalf("deflatedSpaces(8) inflates to %d bytes, %v", n, err)
	}
}

func TestDecodeKMZRefusesZipBombs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		claimed uint64
		want    Kind
	}{
		{"honest header", 1 << 30, KindTooLarge},
		{"header at the limit", MaxImportBytes, KindRefused},
		{"lying header", 100, KindRefused},
	} {
		name, claimed := tc.name, tc.claimed
		t.Run(name, func(t *testing.T) {
			data := zipBomb(t, claimed)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Decode(bytes.NewReader(data), MediaTypeKMZ, "bomb.kmz")
			runtime.ReadMemStats(&after)
			assertKind(t, err, tc.want)
			if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 64<<20 {
				t.Errorf("a zip bomb cost %d MB", allocated>>20)
			}
		})
	}
}

func TestDecodeKMZLimitsUnzippedSizeWhenHeadersAreRight(t *testing.T) {
	big := append([]byte("<kml>"), bytes.Repeat([]byte(" "), MaxImportBytes)...)
	_, err := Decode(bytes.NewReader(kmz(t, map[string][]byte{"doc.kml": big})), MediaTypeKMZ, "")
	assertKind(t, err, KindTooLarge)
}

func TestDecodeKMZFollowsOnlyItsOwnLinks(t *testing.T) {
	link := func(href string) string { return "<NetworkLink><Link><href>" + href + "</href></Link></NetworkLink>" }
	doc := "<kml><Document>" + link("layers/a.kml") + link("http://127.0.0.1:9/x.kml") + link("doc.kml") + link("layers/a.kml") +
		"<Placemark><name>Root</name><Point><coordinates>1,2</coordinates></Point></Placemark></Document></kml>"
	data := kmz(t, map[string][]byte{
		"doc.kml":      []byte(doc),
		"layers/a.kml": []byte(`<kml><Placemark><name>Layer</name><Point><coordinates>3,4</coordinates></Point></Placemark>` + link("b.kml") + `</kml>`),
		"layers/b.kml": []byte(`<kml><Placemark><name>Two links deep</name></Placemark></kml>`),
	})
	imp, err := Decode(bytes.NewReader(data), MediaTypeKMZ, "")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Root", Latitude: "2", Longitude: "1"},
		{Index: 2, Name: "Layer", Latitude: "4", Longitude: "3"},
	}, 0)
}
