package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whib/whib/store/githubtest"
)

const testToken = "ghp_test_token"

// newTestGitHub points a GitHubStore at the fake, without backoff waits.
func newTestGitHub(t testing.TB, srv *githubtest.Server, cfg GitHubConfig) *GitHubStore {
	t.Helper()
	cfg.APIURL = srv.URL
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	if cfg.Repo == "" {
		cfg.Repo = "octocat/whib-data"
	}
	s, err := NewGitHubStore(cfg)
	if err != nil {
		t.Fatalf("NewGitHubStore: %v", err)
	}
	s.backoff = func(int) time.Duration { return 0 }
	s.recheckDelay = 0
	return s
}

func talkFile(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/talk_places.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGitHubLoadDecodesContent(t *testing.T) {
	talk := talkFile(t)
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("data/places.csv", talk))
	// APIURL without the trailing slash go-github needs.
	s, err := NewGitHubStore(GitHubConfig{Token: testToken, Repo: "octocat/whib-data", Path: "/data/places.csv", APIURL: strings.TrimSuffix(srv.URL, "/")})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !bytes.Equal(snap.Content, talk) || len(snap.Places) != 11 {
		t.Errorf("got %d places, content equal %v", len(snap.Places), bytes.Equal(snap.Content, talk))
	}
	if snap.Version != gitBlobSHA(talk) {
		t.Errorf("version = %s, want the blob SHA %s", snap.Version, gitBlobSHA(talk))
	}
	if got := s.String(); got != "github octocat/whib-data@main:data/places.csv" {
		t.Errorf("String() = %q", got)
	}
	if got := srv.CallsByRoute(); got["GET /repos/{owner}/{repo}"] != 1 || srv.Calls() != 2 {
		t.Errorf("calls = %v, want default branch lookup + one read", got)
	}
}

func TestGitHubUnchangedFileIsNotModified(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
	ctx := context.Background()
	first, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	second, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if srv.NotModified() != 1 || srv.Calls() != calls {
		t.Errorf("second load: %d not-modified, %d new counted calls; want 1 and 0", srv.NotModified(), srv.Calls()-calls)
	}
	if &first.Places[0] != &second.Places[0] || second.Version != first.Version {
		t.Error("an unchanged file should reuse the parsed places")
	}
	if !second.LoadedAt.After(first.LoadedAt) {
		t.Error("LoadedAt should say when the file was last confirmed")
	}

	// Another writer changes the file: the next load sees it.
	changed := append(append([]byte{}, defaultPlaces...), "Wien,48.2082,16.3738\n"...)
	srv.SetFile("places.csv", changed)
	third, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(third.Places) != 10 || !bytes.Equal(third.Content, changed) {
		t.Errorf("after external change: %d places", len(third.Places))
	}
}

func TestGitHubUncontendedAddCostsOneCall(t *testing.T) {
	talk := talkFile(t)
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	s := newTestGitHub(t, srv, GitHubConfig{})
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	before := srv.Calls()
	saoJose := mustPlace(t, "São José", "-27.597724533718875", "-48.61495221317449")
	res, err := under(s).Add(ctx, saoJose, Author{Name: "Jess", Email: "jess@example.com"})
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	calls := srv.Calls() - before
	t.Logf("uncontended add after a load: %d API call(s)", calls)
	if calls > 2 {
		t.Errorf("uncontended add took %d calls, want ≤ 2", calls)
	}
	want := talk[:bytes.LastIndex(talk[:len(talk)-1], []byte("\n"))+1] // the talk's file without its duplicate row
	if got := srv.File("places.csv"); !bytes.Equal(got, want) {
		t.Errorf("file on GitHub:\n%s\nwant\n%s", got, want)
	}
	if !res.Added || res.Snapshot.Version != gitBlobSHA(want) || !bytes.Equal(res.Snapshot.Content, want) || len(res.Snapshot.Places) != 10 {
		t.Errorf("result = added %v, version %s, %d places", res.Added, res.Snapshot.Version, len(res.Snapshot.Places))
	}
	commits := srv.Commits()
	if len(commits) != 1 || commits[0].Message != "Add São José\n\nChanged-by: Jess\nWhib-Change: add" {
		t.Errorf("commits = %+v", commits)
	}

	// The same place again costs nothing and writes nothing.
	before = srv.Calls()
	res, err = under(s).Add(ctx, mustPlace(t, "são josé", "-27.5977245", "-48.6149522"), Author{Name: "Jess"})
	if err != nil || res.Added {
		t.Fatalf("duplicate add: %+v, %v", res, err)
	}
	if srv.Calls() != before || len(srv.Commits()) != 1 {
		t.Errorf("duplicate add made %d calls and %d commits", srv.Calls()-before, len(srv.Commits())-1)
	}
}

func TestGitHubAddWithoutLoadReadsOnce(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
	if _, err := under(s).Add(context.Background(), mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"}); err != nil {
		t.Fatal(err)
	}
	if srv.Calls() != 2 {
		t.Errorf("add on a fresh store took %d calls, want read + write = 2", srv.Calls())
	}
}

func TestGitHubConflictIsRetried(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	s := newTestGitHub(t, srv, GitHubConfig{})
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	srv.ConflictNext(2)
	res, err := under(s).Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"})
	if err != nil || !res.Added {
		t.Fatalf("Add after two conflicts: %+v, %v", res, err)
	}
	if got := srv.CallsByRoute()["PUT /repos/{owner}/{repo}/contents/{path...}"]; got != 3 {
		t.Errorf("PUT calls = %d, want 3", got)
	}
	if len(srv.Commits()) != 1 || !bytes.HasSuffix(srv.File("places.csv"), []byte("\nWien,48.2082,16.3738\n")) {
		t.Error("the place should have been committed once")
	}
}

func TestGitHubAddKeepsAnotherWritersRow(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	s := newTestGitHub(t, srv, GitHubConfig{})
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Someone commits on github.com after our load, without a final newline.
	theirs := append(append([]byte{}, defaultPlaces...), "Linz,48.3069,14.2858"...)
	srv.SetFile("places.csv", theirs)

	res, err := under(s).Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"})
	if err != nil || !res.Added {
		t.Fatalf("Add: %+v, %v", res, err)
	}
	want := string(theirs) + "\nWien,48.2082,16.3738\n"
	if got := srv.File("places.csv"); string(got) != want {
		t.Errorf("file:\n%s\nwant\n%s", got, want)
	}
	if len(res.Snapshot.Places) != 11 {
		t.Errorf("snapshot has %d places, want 11", len(res.Snapshot.Places))
	}

	// They add the very place we are about to add: we find it on the retry.
	srv.SetFile("places.csv", append([]byte(want), "Graz Airport,46.9911,15.4396\n"...))
	res, err = under(s).Add(ctx, mustPlace(t, "graz airport", "46.9911", "15.4396"), Author{Name: "Bo"})
	if err != nil || res.Added {
		t.Errorf("Add of a place another writer just added: %+v, %v", res, err)
	}
}

func TestGitHubEndlessConflictGivesUp(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	s := newTestGitHub(t, srv, GitHubConfig{MaxRetries: 3})
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	srv.ConflictNext(1000)
	_, err := under(s).Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"})
	if KindOf(err) != KindBusy {
		t.Fatalf("kind = %v (%v), want conflict", KindOf(err), err)
	}
	if got := srv.CallsByRoute()["PUT /repos/{owner}/{repo}/contents/{path...}"]; got != 4 {
		t.Errorf("PUT attempts = %d, want 1 + MaxRetries = 4", got)
	}
	if !bytes.Equal(srv.File("places.csv"), defaultPlaces) || len(srv.Commits()) != 0 {
		t.Error("file changed although every write conflicted")
	}
}

func TestGitHubErrorKinds(t *testing.T) {
	ctx := context.Background()
	place := Place{Name: "Wien", Latitude: Coord{"48.2", 48.2}, Longitude: Coord{"16.3", 16.3}}

	t.Run("repository not found", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{Repo: "octocat/nope"})
		_, err := s.Load(ctx)
		if KindOf(err) != KindNotFound {
			t.Errorf("kind = %v (%v), want not found", KindOf(err), err)
		}
	})
	t.Run("file not found", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{Path: "missing.csv"})
		if _, err := s.Load(ctx); KindOf(err) != KindNotFound {
			t.Errorf("Load kind = %v (%v), want not found", KindOf(err), err)
		}
		if _, err := under(s).Add(ctx, place, Author{}); KindOf(err) != KindNotFound {
			t.Errorf("Add kind = %v (%v), want not found", KindOf(err), err)
		}
	})
	t.Run("path is a directory", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("data/places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{Path: "data"})
		if _, err := s.Load(ctx); KindOf(err) != KindInternal || !strings.Contains(err.Error(), "data is a directory") {
			t.Errorf("Load = %v, want an internal error saying data is a directory", err)
		}
	})
	t.Run("bad token", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{Token: "ghp_revoked"})
		_, err := s.Load(ctx)
		if KindOf(err) != KindUnauthorized {
			t.Errorf("kind = %v (%v), want unauthorized", KindOf(err), err)
		}
	})
	t.Run("token revoked between calls", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{})
		if _, err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		srv.FailNext(1, http.StatusUnauthorized)
		if _, err := under(s).Add(ctx, place, Author{}); KindOf(err) != KindUnauthorized {
			t.Errorf("kind = %v (%v), want unauthorized", KindOf(err), err)
		}
		if len(srv.Commits()) != 0 {
			t.Error("nothing should be committed")
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
		srv.RateLimitNext(1, time.Now().Add(30*time.Minute))
		_, err := s.Load(ctx)
		if KindOf(err) != KindRateLimited {
			t.Fatalf("kind = %v (%v), want rate limited", KindOf(err), err)
		}
		if d := RetryAfter(err); d < 29*time.Minute || d > 31*time.Minute {
			t.Errorf("RetryAfter = %v, want about 30m", d)
		}
		// go-github remembers the limit: no call is made until the reset.
		calls := srv.Calls()
		if _, err := s.Load(ctx); KindOf(err) != KindRateLimited || srv.Calls() != calls {
			t.Errorf("second load: kind %v, %d calls; want rate limited without calling", KindOf(err), srv.Calls()-calls)
		}
	})
	t.Run("server errors are retried, then unavailable", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
		srv.FailNext(100, http.StatusBadGateway)
		_, err := s.Load(ctx)
		if KindOf(err) != KindUnavailable {
			t.Errorf("kind = %v (%v), want unavailable", KindOf(err), err)
		}
		if srv.Calls() != 1+readRetries {
			t.Errorf("calls = %d, want %d (bounded retries)", srv.Calls(), 1+readRetries)
		}
		srv.FailNext(2, http.StatusServiceUnavailable)
		if _, err := s.Load(ctx); err != nil {
			t.Errorf("two failures then success should load: %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces), githubtest.WithLatency(300*time.Millisecond))
		s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
		s.callTimeout = 20 * time.Millisecond
		_, err := s.Load(ctx)
		if KindOf(err) != KindUnavailable {
			t.Errorf("kind = %v (%v), want unavailable", KindOf(err), err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := githubtest.Start()
		srv.Close()
		s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
		if _, err := s.Load(ctx); KindOf(err) != KindUnavailable {
			t.Errorf("kind = %v (%v), want unavailable", KindOf(err), err)
		}
	})
}

func TestClassifyRateLimitHeaders(t *testing.T) {
	resp := func(status int, h http.Header) *http.Response {
		return &http.Response{StatusCode: status, Header: h, Request: &http.Request{Method: "GET"}}
	}
	tests := []struct {
		name     string
		resp     *http.Response
		kind     Kind
		minAfter time.Duration
	}{
		{"429 with Retry-After", resp(429, http.Header{"Retry-After": {"120"}}), KindRateLimited, 120 * time.Second},
		{"429 bare", resp(429, http.Header{}), KindRateLimited, time.Minute},
		{"403 secondary limit", resp(403, http.Header{"Retry-After": {"30"}}), KindRateLimited, 30 * time.Second},
		{"403 no permission", resp(403, http.Header{}), KindUnauthorized, 0},
		{"503 with Retry-After", resp(503, http.Header{"Retry-After": {"5"}}), KindUnavailable, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := classifyStatus("op", tt.resp, errors.New("boom"))
			if e.Kind != tt.kind || e.RetryAfter < tt.minAfter {
				t.Errorf("got %v after %v, want %v after ≥ %v", e.Kind, e.RetryAfter, tt.kind, tt.minAfter)
			}
		})
	}
}

func TestGitHubBareRepoNameUsesTokenUser(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithUser("jess"), githubtest.WithFile("places.csv", defaultPlaces))
	s := newTestGitHub(t, srv, GitHubConfig{Repo: "whib-data"})
	if got := s.String(); got != "github (token user)/whib-data@(default branch):places.csv" {
		t.Errorf("String() before resolving = %q", got)
	}
	ctx := context.Background()
	for range 2 {
		if _, err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := under(s).Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"}); err != nil {
		t.Fatal(err)
	}
	routes := srv.CallsByRoute()
	if routes["GET /user"] != 1 || routes["GET /repos/{owner}/{repo}"] != 1 {
		t.Errorf("owner and branch should be resolved once each: %v", routes)
	}
	if got := s.String(); got != "github jess/whib-data@main:places.csv" {
		t.Errorf("String() = %q", got)
	}
}

// landedThenFailed lets the first PUT reach GitHub, then reports a 502 as a
// proxy might: the write happened but the client cannot know.
type landedThenFailed struct {
	base http.RoundTripper
	done atomic.Bool
}

func (l *landedThenFailed) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(req)
	if err != nil || req.Method != http.MethodPut || !l.done.CompareAndSwap(false, true) {
		return resp, err
	}
	_ = resp.Body.Close()
	return &http.Response{
		StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Request: req,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(`{"message":"Server Error"}`)),
	}, nil
}

func TestGitHubAmbiguousWrite(t *testing.T) {
	ctx := context.Background()
	wien := mustPlace(t, "Wien", "48.2082", "16.3738")

	t.Run("landed", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		hc := &http.Client{Timeout: 5 * time.Second, Transport: &landedThenFailed{base: http.DefaultTransport}}
		s := newTestGitHub(t, srv, GitHubConfig{HTTPClient: hc})
		if _, err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := under(s).Add(ctx, wien, Author{Name: "Bo"})
		if err != nil || !res.Added {
			t.Fatalf("a write that landed should count as added: %+v, %v", res, err)
		}
		if len(srv.Commits()) != 1 || bytes.Count(srv.File("places.csv"), []byte("Wien")) != 1 {
			t.Error("the place should be in the file exactly once")
		}
	})
	t.Run("not landed yet", func(t *testing.T) {
		// A 5xx on the write itself proves nothing (a proxy may answer it
		// while GitHub commits), and the re-read shows the file unchanged:
		// the write may still land, so the caller must not hear "nothing
		// was saved".
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{})
		if _, err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		srv.FailNext(1, http.StatusInternalServerError)
		_, err := under(s).Add(ctx, wien, Author{Name: "Bo"})
		if KindOf(err) != KindUnknownOutcome {
			t.Errorf("kind = %v (%v), want unknown outcome", KindOf(err), err)
		}
		if len(srv.Commits()) != 0 {
			t.Error("nothing should be committed")
		}
		// Adding again is safe: it lands once.
		if res, err := under(s).Add(ctx, wien, Author{Name: "Bo"}); err != nil || !res.Added || len(srv.Commits()) != 1 {
			t.Errorf("add again: %+v, %v, %d commits", res, err, len(srv.Commits()))
		}
	})
	t.Run("re-read fails too", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{})
		if _, err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		srv.FailNext(2+readRetries, http.StatusBadGateway)
		_, err := under(s).Add(ctx, wien, Author{Name: "Bo"})
		if KindOf(err) != KindUnknownOutcome || !strings.Contains(err.Error(), "may have landed") {
			t.Errorf("kind = %v (%v), want unknown outcome", KindOf(err), err)
		}
	})
	t.Run("refusals are not ambiguous", func(t *testing.T) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
		s := newTestGitHub(t, srv, GitHubConfig{})
		if _, err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		srv.FailNext(1, http.StatusUnauthorized)
		calls := srv.Calls()
		if _, err := under(s).Add(ctx, wien, Author{Name: "Bo"}); KindOf(err) != KindUnauthorized || srv.Calls() != calls+1 {
			t.Errorf("a 401 on the write: kind %v (%v) after %d calls, want unauthorized without a re-check", KindOf(err), err, srv.Calls()-calls)
		}
	})
}

func TestGitHubConcurrentAdds(t *testing.T) {
	talk := talkFile(t)
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", talk))
	s := newTestGitHub(t, srv, GitHubConfig{})
	concurrentAdds(t, s, 50, talk, func() []byte { return srv.File("places.csv") })
	if got := len(srv.Commits()); got != 50 {
		t.Errorf("%d commits, want 50", got)
	}
}

func TestGitHubTwoInstancesAddConcurrently(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	ctx := context.Background()
	var wg sync.WaitGroup
	for inst := range 2 {
		s := newTestGitHub(t, srv, GitHubConfig{MaxRetries: 50})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				p := mustPlace(t, fmt.Sprintf("Instance %d place %d", inst, i), fmt.Sprint(inst), fmt.Sprint(i))
				if _, err := under(s).Add(ctx, p, Author{}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	final := srv.File("places.csv")
	places, err := decodeCSV(final)
	if err != nil || !bytes.HasPrefix(final, defaultPlaces) || len(places) != 19 {
		t.Errorf("want the 9 defaults then 10 added places, got %d (%v)", len(places), err)
	}
}

func TestGitHubLargeFile(t *testing.T) {
	large := githubtest.SampleCSV(20000)
	if len(large) <= 1<<20 {
		t.Fatalf("sample is %d bytes; the test needs a file over 1 MB", len(large))
	}
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", large))
	s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
	ctx := context.Background()

	snap, err := s.Load(ctx)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(snap.Places) != 20000 || !bytes.Equal(snap.Content, large) {
		t.Fatalf("got %d places", len(snap.Places))
	}
	if got := srv.CallsByRoute()["GET /repos/{owner}/{repo}/git/blobs/{sha}"]; got != 1 {
		t.Errorf("raw blob reads = %d, want 1", got)
	}

	before := srv.Calls()
	if _, err := under(s).Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"}); err != nil {
		t.Fatalf("first large add: %v", err)
	}
	first := srv.Calls() - before
	before = srv.Calls()
	res, err := under(s).Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{Name: "Bo"})
	if err != nil {
		t.Fatalf("second large add: %v", err)
	}
	second := srv.Calls() - before
	t.Logf("large file (%d bytes): first add after a load %d calls, next add %d calls", len(large), first, second)
	if first > 5 || second > 3 {
		t.Errorf("large adds took %d and %d calls, want ≤ 5 and ≤ 3 (tree with inline content, commit, ref)", first, second)
	}
	routes := srv.CallsByRoute()
	if routes["PATCH /repos/{owner}/{repo}/git/refs/{ref...}"] != 2 || routes["PUT /repos/{owner}/{repo}/contents/{path...}"] != 0 {
		t.Errorf("large files should be written through the Git Data API: %v", routes)
	}
	want := string(large) + "Wien,48.2082,16.3738\nLinz,48.3069,14.2858\n"
	if got := srv.File("places.csv"); string(got) != want || !bytes.Equal(res.Snapshot.Content, []byte(want)) {
		t.Error("file should be the sample plus two rows")
	}
	if c := srv.Commits(); len(c) != 2 || c[1].Message != "Add Linz\n\nChanged-by: Bo\nWhib-Change: add" {
		t.Errorf("commits = %+v", c)
	}

	// Another writer commits: the ref update is no fast-forward, we re-read
	// and retry, keeping their row.
	theirs := append([]byte(want), "Graz,47.07,15.43\n"...)
	srv.SetFile("places.csv", theirs)
	srv.ConflictNext(1)
	if _, err := under(s).Add(ctx, mustPlace(t, "Salzburg", "47.8095", "13.055"), Author{Name: "Bo"}); err != nil {
		t.Fatalf("add after another writer: %v", err)
	}
	if got := srv.File("places.csv"); string(got) != string(theirs)+"Salzburg,47.8095,13.055\n" {
		t.Error("another writer's row was lost or the add is missing")
	}

	// A load after our own write does not fetch the blob again.
	blobReads := srv.CallsByRoute()["GET /repos/{owner}/{repo}/git/blobs/{sha}"]
	snap, err = s.Load(ctx)
	if err != nil || len(snap.Places) != 20004 {
		t.Fatalf("Load: %d places, %v", len(snap.Places), err)
	}
	if got := srv.CallsByRoute()["GET /repos/{owner}/{repo}/git/blobs/{sha}"]; got != blobReads {
		t.Errorf("load after own write fetched the blob again (%d → %d)", blobReads, got)
	}
}

func TestNewGitHubStoreChecksConfig(t *testing.T) {
	bad := []GitHubConfig{
		{Repo: ""},
		{Repo: "a/b/c"},
		{Repo: "/name"},
		{Repo: "o/r", Path: "../secrets.csv"},
		{Repo: "o/r", APIURL: "ftp://example.com"},
		{Repo: "o/r", APIURL: "::"},
	}
	for _, cfg := range bad {
		if _, err := NewGitHubStore(cfg); err == nil {
			t.Errorf("NewGitHubStore(%+v) accepted a bad configuration", cfg)
		}
	}
	s, err := NewGitHubStore(GitHubConfig{Repo: "o/r"})
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "github o/r@(default branch):places.csv" || s.maxRetries != defaultMaxRetries {
		t.Errorf("defaults: %s, %d retries", s, s.maxRetries)
	}
	if s.client.BaseURL.String() != "https://api.github.com/" {
		t.Errorf("API URL = %s", s.client.BaseURL)
	}
}

// The tree request carries the file as GitHub reads it back, whatever it
// holds and however it is cut into chunks: quotes, backslashes, tabs,
// other scripts, and lines longer than a chunk.
func TestTreeBodyCarriesTheFileExactly(t *testing.T) {
	long := strings.Repeat("Zürich «Altstadt» 北京 ", treeChunk/10) // no newline for more than a chunk
	for _, content := range []string{
		"",
		"name,latitude,longitude\n\"Porto, \"\"Ribeira\"\"\",41.1,-8.6\nback\\slash,1,2\ttab\n<&>,3,4\r\n\b\f\x01\u2028\u2029,5,6\n",
		long + "\n" + long,
		strings.Repeat("Graz,47.0707,15.4395\n", 2*treeChunk/20),
	} {
		for _, base := range []string{"", "abc123"} {
			body, err := treeBody(base, "dir/places.csv", []byte(content))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				BaseTree string `json:"base_tree"`
				Tree     []struct{ Path, Mode, Type, Content string }
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("the tree body is not JSON: %v\n%.200s", err, body)
			}
			if len(got.Tree) != 1 || got.Tree[0].Content != content || got.Tree[0].Path != "dir/places.csv" ||
				got.Tree[0].Mode != "100644" || got.Tree[0].Type != "blob" || got.BaseTree != base {
				t.Errorf("a %d-byte file on %q comes back as %d bytes: %+v", len(content), base, len(got.Tree[0].Content), got.BaseTree)
			}
			if cap(body) != len(body) {
				t.Errorf("a %d-byte file: the body was made for %d bytes and is %d", len(content), cap(body), len(body))
			}
			if base == "" && bytes.Contains(body, []byte("base_tree")) {
				t.Error("an empty base tree is sent")
			}
		}
	}
}
