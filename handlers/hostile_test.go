package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

// TestHostileRequests throws requests an attacker or a broken client would
// send. Each gets its expected status, and afterwards the stored file is
// byte-identical except for the rows that were valid adds.
func TestHostileRequests(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	before := app.GitHub.File("places.csv")
	deep := strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000)

	type hostile struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		header      map[string]string
		want        int
		// added is the CSV row a valid add appends.
		added string
	}
	cases := []hostile{
		{name: "oversized body", body: `{"name":"` + strings.Repeat("x", 20<<10) + `","latitude":1,"longitude":2}`, want: http.StatusRequestEntityTooLarge},
		{name: "deeply nested JSON", body: `{"name":"Deep","latitude":1,"longitude":2,"x":` + deep + `}`, want: http.StatusBadRequest},
		{name: "unknown fields are ignored", body: `{"name":"Deep","latitude":1,"longitude":2,"id":7,"x":` + strings.Repeat("[", 8) + strings.Repeat("]", 8) + `}`, want: http.StatusCreated, added: "Deep,1,2\n"},
		{name: "duplicated keys", body: `{"name":"Safe","latitude":1,"longitude":2,"name":"Evil"}`, want: http.StatusBadRequest},
		{name: "NaN", body: `{"name":"NaN","latitude":"NaN","longitude":2}`, want: http.StatusUnprocessableEntity},
		{name: "Infinity", body: `{"name":"Inf","latitude":1,"longitude":"Infinity"}`, want: http.StatusUnprocessableEntity},
		{name: "1e999", body: `{"name":"Big","latitude":1e999,"longitude":2}`, want: http.StatusUnprocessableEntity},
		{name: "hex float", body: `{"name":"Hex","latitude":"0x1p-2","longitude":2}`, want: http.StatusUnprocessableEntity},
		{name: "control characters", body: `{"name":"Null\u0000Byte","latitude":1,"longitude":2}`, want: http.StatusUnprocessableEntity},
		{name: "newline in name", body: `{"name":"Two\nLines","latitude":1,"longitude":2}`, want: http.StatusUnprocessableEntity},
		{name: "bidi override", body: `{"name":"\u202egnp.exe","latitude":1,"longitude":2}`, want: http.StatusUnprocessableEntity},
		{name: "10 KB name", body: `{"name":"` + strings.Repeat("é", 5<<10) + `","latitude":1,"longitude":2}`, want: http.StatusUnprocessableEntity},
		{name: "invalid UTF-8", body: "{\"name\":\"bad \xff\xfe\",\"latitude\":1,\"longitude\":2}", want: http.StatusBadRequest},
		{name: "invalid UTF-8 in a form", contentType: "application/x-www-form-urlencoded", body: "name=bad+%FF%FE&latitude=1&longitude=2", want: http.StatusUnprocessableEntity},
		{name: "HTML name is stored as text", body: `{"name":"<script>alert(1)</script>","latitude":3,"longitude":4}`, want: http.StatusCreated, added: "<script>alert(1)</script>,3,4\n"},
		{name: "CSV formula is neutralised", body: `{"name":"=HYPERLINK(\"http://evil.example\",\"x\")","latitude":5,"longitude":6}`, want: http.StatusCreated, added: `"'=HYPERLINK(""http://evil.example"",""x"")",5,6` + "\n"},
		{name: "CSV injection with quotes and commas", body: `{"name":"a\",b,\"c","latitude":7,"longitude":8}`, want: http.StatusCreated, added: `"a"",b,""c",7,8` + "\n"},
		{name: "wrong content type", contentType: "text/plain", body: `{"name":"Text","latitude":1,"longitude":2}`, want: http.StatusUnsupportedMediaType},
		{name: "content type with a trick", contentType: "application/jsonp", body: `{"name":"Jsonp","latitude":1,"longitude":2}`, want: http.StatusUnsupportedMediaType},
		{name: "JSON that is not an object", body: `"Graz"`, want: http.StatusBadRequest},
		{name: "trailing garbage", body: `{"name":"Tail","latitude":1,"longitude":2} <script>`, want: http.StatusBadRequest},
		{name: "huge header", header: map[string]string{"X-Padding": strings.Repeat("a", 64<<10)}, body: `{"name":"Hdr","latitude":1,"longitude":2}`, want: http.StatusRequestHeaderFieldsTooLarge},
		{name: "oversized token", header: map[string]string{"Authorization": "Bearer " + strings.Repeat("a", 9<<10)}, body: `{"name":"Tok","latitude":1,"longitude":2}`, want: http.StatusBadRequest},
		{name: "path traversal", method: "GET", path: "/assets/../../go.mod", want: http.StatusNotFound},
		{name: "encoded traversal", method: "GET", path: "/assets/x/..%2f..%2fgo.mod", want: http.StatusNotFound},
		{name: "places with a trailing slash", method: "POST", path: "/places/", body: `{"name":"Slash","latitude":1,"longitude":2}`, want: http.StatusNotFound},
		{name: "method override is ignored", method: "PUT", path: "/places", body: `{"name":"Put","latitude":1,"longitude":2}`, want: http.StatusMethodNotAllowed},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d hostile requests", len(cases))
	}
	var wantFile bytes.Buffer
	wantFile.Write(before)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, path, ct := c.method, c.path, c.contentType
			if method == "" {
				method = "POST"
			}
			if path == "" {
				path = "/places"
			}
			if ct == "" && method == "POST" {
				ct = "application/json"
			}
			h := map[string]string{"Authorization": "Bearer " + token, "Accept": "application/json"}
			if ct != "" {
				h["Content-Type"] = ct
			}
			for k, v := range c.header {
				h[k] = v
			}
			resp, body := app.Do(nil, apptest.Request{Method: method, Path: path, Body: c.body, Header: h})
			if resp.StatusCode != c.want {
				t.Fatalf("status = %d, want %d\n%.300s", resp.StatusCode, c.want, body)
			}
			if c.added != "" {
				wantFile.WriteString(c.added)
			}
		})
	}
	if got := app.GitHub.File("places.csv"); !bytes.Equal(got, wantFile.Bytes()) {
		t.Errorf("stored file after the hostile requests:\n%s\nwant:\n%s", got, wantFile.Bytes())
	}
}

// TestNamesAreNeverHTML checks every place a name is shown: the page, the
// JSON and GeoJSON, and the htmx fragment.
func TestNamesAreNeverHTML(t *testing.T) {
	const name = `<img src=x onerror=alert(1)>`
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\n")))
	browser := app.SignIn("Jess", true)
	resp, fragment := app.Do(browser, apptest.Request{Method: "POST", Path: "/places",
		Body:   apptest.Form(map[string]string{"name": name, "latitude": "1", "longitude": "2"}),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("htmx add = %d", resp.StatusCode)
	}
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	_, list := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	_, geo := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.geojson"})
	for what, body := range map[string]string{"htmx fragment": fragment, "page": page, "JSON": list, "GeoJSON": geo, "HX-Trigger": resp.Header.Get("HX-Trigger")} {
		if strings.Contains(body, "<img") {
			t.Errorf("the %s contains a raw <img tag", what)
		}
	}
	var places []struct{ Name string }
	if err := json.Unmarshal([]byte(list), &places); err != nil || len(places) != 1 || places[0].Name != name {
		t.Errorf("GET /places lost the name: %s", list)
	}
	var trigger map[string]map[string]any
	if err := json.Unmarshal([]byte(resp.Header.Get("HX-Trigger")), &trigger); err != nil || trigger["place-added"]["name"] != name {
		t.Errorf("HX-Trigger does not carry the name as a JSON string: %q", resp.Header.Get("HX-Trigger"))
	}
}
