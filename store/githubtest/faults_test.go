package githubtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestContentFaults(t *testing.T) {
	content := SampleCSV(30)
	short := content[:len(content)*2/3]
	tests := []struct {
		fault    ContentFault
		content  *string // nil: JSON null or absent
		encoding *string
		size     *int
	}{
		{TruncatedContent, ptr(base64.StdEncoding.EncodeToString(short)), ptr("base64"), ptr(len(content))},
		{NullContent, nil, nil, ptr(len(content))},
		{NoneEncoding, ptr(""), ptr("none"), ptr(len(content))},
		{MissingSize, ptr(""), ptr("none"), nil},
		{WrongSize, ptr(base64.StdEncoding.EncodeToString(short)), ptr("base64"), ptr(len(short))},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			srv := New(t, WithFile("places.csv", content))
			url := srv.URL + "repos/octocat/whib-data/contents/places.csv"
			srv.FaultNextContents(1, tt.fault)
			var meta struct {
				SHA      string
				Content  *string
				Encoding *string
				Size     *int
			}
			if err := json.NewDecoder(get(t, url, nil).Body).Decode(&meta); err != nil {
				t.Fatal(err)
			}
			if meta.Content != nil {
				*meta.Content = strings.ReplaceAll(*meta.Content, "\n", "")
			}
			if !eq(meta.Content, tt.content) || !eq(meta.Encoding, tt.encoding) || !eq(meta.Size, tt.size) {
				t.Errorf("content %v, encoding %v, size %v", show(meta.Content), show(meta.Encoding), show(meta.Size))
			}
			if meta.SHA != blobSHA(content) {
				t.Error("a fault must not change the sha: only the sha can expose it")
			}
			// One answer only; the raw blob stays honest.
			if raw, _ := io.ReadAll(get(t, url, map[string]string{"Accept": "application/vnd.github.raw"}).Body); !bytes.Equal(raw, content) {
				t.Error("raw answer should be honest")
			}
			var again struct{ Content string }
			_ = json.NewDecoder(get(t, url, nil).Body).Decode(&again)
			if got, _ := base64.StdEncoding.DecodeString(again.Content); !bytes.Equal(got, content) {
				t.Error("the fault should apply to the next answer only")
			}
		})
	}
}

func TestTruncateNextRaw(t *testing.T) {
	content := SampleCSV(30)
	srv := New(t, WithFile("places.csv", content))
	raw := map[string]string{"Accept": "application/vnd.github.raw"}
	srv.TruncateNextRaw(2)
	for _, u := range []string{"repos/octocat/whib-data/contents/places.csv", "repos/octocat/whib-data/git/blobs/" + blobSHA(content)} {
		if got, _ := io.ReadAll(get(t, srv.URL+u, raw).Body); len(got) != len(content)*2/3 {
			t.Errorf("%s: %d bytes, want 2/3 of %d", u, len(got), len(content))
		}
	}
	if got, _ := io.ReadAll(get(t, srv.URL+"repos/octocat/whib-data/git/blobs/"+blobSHA(content), raw).Body); !bytes.Equal(got, content) {
		t.Error("third raw answer should be whole")
	}
}

func TestSlowWriteLandsAfterTheClientGaveUp(t *testing.T) {
	srv := New(t, WithFile("places.csv", []byte("a\n")))
	srv.SlowWriteNext(1, 300*time.Millisecond)
	body := `{"message":"m","content":"` + base64.StdEncoding.EncodeToString([]byte("a\nb\n")) + `","sha":"` + blobSHA([]byte("a\n")) + `"}`
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"repos/octocat/whib-data/contents/places.csv", strings.NewReader(body))
	client := &http.Client{Timeout: 50 * time.Millisecond}
	if resp, err := client.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatal("the client should have timed out")
	}
	if got := srv.File("places.csv"); string(got) != "a\n" {
		t.Errorf("landed before its delay: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for string(srv.File("places.csv")) != "a\nb\n" {
		if time.Now().After(deadline) {
			t.Fatal("the slow write never landed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(srv.Commits()) != 1 {
		t.Errorf("commits = %d, want 1", len(srv.Commits()))
	}
}

func ptr[T any](v T) *T { return &v }

func eq[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show[T any](p *T) any {
	if p == nil {
		return "null"
	}
	return *p
}
