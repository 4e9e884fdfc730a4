package githubtest

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func TestContentsLikeGitHub(t *testing.T) {
	content := []byte("hello\n")
	srv := New(t, WithToken("tok"), WithRepo("jess", "places", "trunk"), WithFile("dir/hello.txt", content))
	auth := map[string]string{"Authorization": "Bearer tok"}

	resp := get(t, srv.URL+"repos/jess/places/contents/dir/hello.txt", auth)
	var meta struct {
		Type, Encoding, Content, SHA string
		Size                         int
	}
	if err := json.NewDecoder(resp.Body).Decode(&meta); err != nil {
		t.Fatal(err)
	}
	// git hash-object of "hello\n"
	if meta.SHA != "ce013625030ba8dba906f756967f9e9ca394464a" || meta.Type != "file" || meta.Encoding != "base64" || meta.Size != 6 {
		t.Errorf("meta = %+v", meta)
	}
	if decoded, _ := base64.StdEncoding.DecodeString(meta.Content); !bytes.Equal(decoded, content) {
		t.Errorf("content = %q", meta.Content)
	}
	etag := resp.Header.Get("ETag")
	again := get(t, srv.URL+"repos/jess/places/contents/dir/hello.txt", map[string]string{"Authorization": "token tok", "If-None-Match": etag})
	if again.StatusCode != http.StatusNotModified || srv.NotModified() != 1 || srv.Calls() != 1 {
		t.Errorf("conditional GET: %d, not modified %d, calls %d", again.StatusCode, srv.NotModified(), srv.Calls())
	}
	raw := get(t, srv.URL+"repos/jess/places/git/blobs/"+meta.SHA, map[string]string{"Authorization": "Bearer tok", "Accept": "application/vnd.github.raw"})
	if b, _ := io.ReadAll(raw.Body); !bytes.Equal(b, content) {
		t.Errorf("raw blob = %q", b)
	}
	if resp := get(t, srv.URL+"repos/jess/places/contents/dir/hello.txt", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without token: %d, want 401", resp.StatusCode)
	}
	if resp := get(t, srv.URL+"repos/jess/other/contents/dir/hello.txt", auth); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other repo: %d, want 404", resp.StatusCode)
	}
}

func TestBase64WrappedAt60(t *testing.T) {
	got := wrappedBase64(bytes.Repeat([]byte("x"), 100))
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 3 || len(lines[0]) != 60 || !strings.HasSuffix(got, "\n") {
		t.Errorf("wrapped = %q", got)
	}
}

func TestLargeFileHasNoInlineContent(t *testing.T) {
	big := SampleCSV(20000)
	srv := New(t, WithFile("places.csv", big))
	resp := get(t, srv.URL+"repos/octocat/whib-data/contents/places.csv", nil)
	var meta struct{ Encoding, Content string }
	if err := json.NewDecoder(resp.Body).Decode(&meta); err != nil {
		t.Fatal(err)
	}
	if meta.Encoding != "none" || meta.Content != "" {
		t.Errorf("file of %d bytes: encoding %q, %d content bytes", len(big), meta.Encoding, len(meta.Content))
	}
}

func TestInjectedFailures(t *testing.T) {
	srv := New(t)
	srv.FailNext(1, http.StatusBadGateway)
	if resp := get(t, srv.URL+"user", nil); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("FailNext: %d", resp.StatusCode)
	}
	reset := time.Now().Add(time.Hour).Truncate(time.Second)
	srv.RateLimitNext(1, reset)
	resp := get(t, srv.URL+"user", nil)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-RateLimit-Remaining") != "0" ||
		resp.Header.Get("X-RateLimit-Reset") != strconv.FormatInt(reset.Unix(), 10) {
		t.Errorf("RateLimitNext: %d %v", resp.StatusCode, resp.Header)
	}
	if resp := get(t, srv.URL+"user", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after injections: %d", resp.StatusCode)
	}
	if srv.Calls() != 3 || srv.CallsByRoute()["GET /user"] != 3 {
		t.Errorf("calls = %d %v", srv.Calls(), srv.CallsByRoute())
	}
}

func TestSampleCSV(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(SampleCSV(1000))).ReadAll()
	if err != nil || len(rows) != 1001 || strings.Join(rows[0], ",") != "name,latitude,longitude" {
		t.Fatalf("rows %d, err %v", len(rows), err)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		seen[r[0]] = true
	}
	if len(seen) != 1000 {
		t.Errorf("%d distinct names, want 1000", len(seen))
	}
	if !bytes.HasPrefix(SampleCSV(1000), SampleCSV(10)) {
		t.Error("samples should extend each other")
	}
}
