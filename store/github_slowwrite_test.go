package store

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/store/githubtest"
)

// waitForFile polls until the fake's file satisfies ok: a slow write lands
// on the fake's own schedule.
func waitForFile(t *testing.T, srv *githubtest.Server, ok func([]byte) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok(srv.File("places.csv")) {
		if time.Now().After(deadline) {
			t.Fatal("the slow write never landed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestGitHubSlowWriteThatLands: a write slower than the call timeout still
// commits on GitHub. whib must not answer "nothing was saved" then: it
// re-checks after a delay and reports success, or, when the write has not
// landed by then, an unknown outcome after which adding again is safe.
func TestGitHubSlowWriteThatLands(t *testing.T) {
	ctx := context.Background()
	wien := mustPlace(t, "Wien", "48.2082", "16.3738")
	hasWienOnce := func(b []byte) bool { return bytes.Count(b, []byte("Wien,")) == 1 }
	setup := func(t *testing.T, content []byte, timeout, recheck time.Duration) (*githubtest.Server, *GitHubStore) {
		srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", content))
		s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
		if _, err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		s.callTimeout, s.recheckDelay = timeout, recheck
		return srv, s
	}

	t.Run("landed before the re-check", func(t *testing.T) {
		srv, s := setup(t, defaultPlaces, 100*time.Millisecond, 900*time.Millisecond)
		srv.SlowWriteNext(1, 300*time.Millisecond)
		res, err := under(s).Add(ctx, wien, Author{Name: "Bo"})
		if err != nil || !res.Added || !hasWienOnce(res.Snapshot.Content) {
			t.Fatalf("a slow write that landed should answer added: %+v, %v", res.Added, err)
		}
		if len(srv.Commits()) != 1 || !hasWienOnce(srv.File("places.csv")) {
			t.Error("the place should be committed exactly once")
		}
	})
	t.Run("large file: slow ref update", func(t *testing.T) {
		srv, s := setup(t, githubtest.SampleCSV(20000), 2*time.Second, 0)
		if _, err := under(s).Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{}); err != nil {
			t.Fatal(err) // pins the head commit, so the next add is tree, commit, ref
		}
		// A 1 MB tree takes a while to send under the race detector: the
		// timeout leaves it room, and only the held ref update outlasts it.
		s.callTimeout, s.recheckDelay = 2*time.Second, 5*time.Second
		srv.SlowWriteNext(1, 3*time.Second)
		res, err := under(s).Add(ctx, wien, Author{Name: "Bo"})
		if err != nil || !res.Added {
			t.Fatalf("a slow ref update that landed should answer added: %+v, %v", res.Added, err)
		}
		if srv.CallsByRoute()["PUT /repos/{owner}/{repo}/contents/{path...}"] != 0 || !hasWienOnce(srv.File("places.csv")) {
			t.Error("want one Git Data commit with the place")
		}
	})
	t.Run("not landed by the re-check", func(t *testing.T) {
		srv, s := setup(t, defaultPlaces, 100*time.Millisecond, 0)
		srv.SlowWriteNext(1, 800*time.Millisecond)
		_, err := under(s).Add(ctx, wien, Author{Name: "Bo"})
		if KindOf(err) != KindUnknownOutcome {
			t.Fatalf("kind = %v (%v), want unknown outcome", KindOf(err), err)
		}
		waitForFile(t, srv, hasWienOnce)
		// Adding again is safe: the duplicate is found, nothing is written.
		res, err := under(s).Add(ctx, wien, Author{Name: "Bo"})
		if err != nil || res.Added || len(srv.Commits()) != 1 {
			t.Errorf("add again after it landed: added %v, %v, %d commits; want already there, 1 commit", res.Added, err, len(srv.Commits()))
		}
	})
	t.Run("added again before the first lands", func(t *testing.T) {
		srv, s := setup(t, defaultPlaces, 100*time.Millisecond, 0)
		srv.SlowWriteNext(1, 800*time.Millisecond)
		if _, err := under(s).Add(ctx, wien, Author{Name: "Bo"}); KindOf(err) != KindUnknownOutcome {
			t.Fatalf("kind = %v (%v), want unknown outcome", KindOf(err), err)
		}
		if res, err := under(s).Add(ctx, wien, Author{Name: "Bo"}); err != nil || !res.Added {
			t.Fatalf("add again: %+v, %v", res.Added, err)
		}
		time.Sleep(time.Second) // the slow write is applied now, and refused: its SHA is stale
		if len(srv.Commits()) != 1 || !hasWienOnce(srv.File("places.csv")) {
			t.Errorf("%d commits, want the place once", len(srv.Commits()))
		}
	})
}

// movedOnThenDropped lets another writer commit and then drops the PUT
// without sending it, as a connection reset would look to the client.
type movedOnThenDropped struct {
	base http.RoundTripper
	srv  *githubtest.Server
}

func (m *movedOnThenDropped) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut {
		m.srv.SetFile("places.csv", append(m.srv.File("places.csv"), "Linz,48.3069,14.2858\n"...))
		return nil, errors.New("connection reset by peer")
	}
	return m.base.RoundTrip(req)
}

// TestGitHubUnknownWriteProvenNotLanded: when the re-read shows the file
// moved on without the place, the compare-and-swap write can no longer land,
// so "nothing was saved" is true again.
func TestGitHubUnknownWriteProvenNotLanded(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &movedOnThenDropped{base: http.DefaultTransport, srv: srv}}
	s := newTestGitHub(t, srv, GitHubConfig{HTTPClient: hc})
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := under(s).Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"})
	if KindOf(err) != KindUnavailable || !strings.Contains(err.Error(), "cannot land") {
		t.Errorf("kind = %v (%v), want unavailable: proven not saved", KindOf(err), err)
	}
	if bytes.Contains(srv.File("places.csv"), []byte("Wien")) {
		t.Error("the dropped write landed")
	}
}
