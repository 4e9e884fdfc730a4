package store

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-github/v62/github"

	"github.com/whib/whib/store/githubtest"
)

// outsideHistory is a repository whose file was changed n times by commits
// whib did not make, one row added by each.
func outsideHistory(t testing.TB, n int) *githubtest.Server {
	t.Helper()
	var file strings.Builder
	file.WriteString(csvHeader + "\n")
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", []byte(file.String())))
	for i := range n {
		fmt.Fprintf(&file, "Stop %d,%d.5,%d.25\n", i, i%80, i%170)
		srv.CommitFile("places.csv", []byte(file.String()), fmt.Sprintf("Add stop %d by hand", i), "someone")
	}
	return srv
}

// Each version of the file is read once: a page of 20 commits costs one
// list call and about 21 file reads (a commit's "after" is its child's
// "before"), not two reads per commit; a page seen before costs nothing.
func TestAHistoryPageReadsEachVersionOnce(t *testing.T) {
	srv := outsideHistory(t, 60)
	s := newTestGitHub(t, srv, GitHubConfig{Path: "places.csv", HistoryCallsPerHour: -1})
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	page, err := s.History(ctx, 1)
	if err != nil || len(page.Changes) != historyPageSize {
		t.Fatalf("page 1: %d changes, %v", len(page.Changes), err)
	}
	if n := srv.Calls() - calls; n > historyPageSize+2 {
		t.Errorf("page 1 cost %d GitHub calls, want at most %d", n, historyPageSize+2)
	}
	calls = srv.Calls()
	for p := 1; p <= 3; p++ {
		if _, err := s.History(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Pages 2 and 3: 40 new versions, the first already read as page 1's
	// last "before"; page 1 again is free.
	if n := srv.Calls() - calls; n > 2*historyPageSize {
		t.Errorf("pages 1–3 after page 1 cost %d calls, want at most %d", n, 2*historyPageSize)
	}
	// An unknown id, once the list is known to its end, costs no counted call.
	if _, err := s.Change(ctx, strings.Repeat("0", 40)); KindOf(err) != KindUnknownID {
		t.Fatal(err)
	}
	calls = srv.Calls()
	for range 5 {
		if _, err := s.Change(ctx, strings.Repeat("1", 40)); KindOf(err) != KindUnknownID {
			t.Fatal(err)
		}
	}
	if n := srv.Calls() - calls; n != 0 {
		t.Errorf("five unknown change ids cost %d counted calls, want 0", n)
	}
}

// Uncached history reads share one budget: once it is used up, old pages
// answer "busy" with a wait, and a write still goes through.
func TestTheHistoryBudgetKeepsCallsForWrites(t *testing.T) {
	srv := outsideHistory(t, 120)
	s := newTestGitHub(t, srv, GitHubConfig{Path: "places.csv", HistoryCallsPerHour: 10})
	ctx := context.Background()
	var busy error
	for p := 1; p <= 6 && busy == nil; p++ {
		_, busy = s.History(ctx, p)
	}
	if KindOf(busy) != KindHistoryBusy || RetryAfter(busy) <= 0 {
		t.Fatalf("walking the history past the budget: %v, want history busy with a wait", busy)
	}
	calls := srv.Calls()
	if _, err := under(s).Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{}); err != nil {
		t.Fatalf("a write after the budget is used up: %v", err)
	}
	if n := srv.Calls() - calls; n > 2 {
		t.Errorf("the write cost %d calls", n)
	}
}

// Outside commit texts follow the place-name rules: no control or bidi
// characters, a capped length, and a link only to the configured host.
func TestOutsideCommitTextsAreCleanedAndCapped(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", []byte(quirkyFile)))
	hostile := "Evil\u202Efdp.exe\x00\a " + strings.Repeat("x", 200_000)
	srv.CommitFile("places.csv", []byte(quirkyFile+"Linz,48.3,14.3\n"), hostile, "mallory\u202E\x07")
	s := newTestGitHub(t, srv, GitHubConfig{Path: "places.csv"})
	page, err := s.History(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	c := page.Changes[0]
	for _, text := range []string{c.Summary, c.By} {
		if strings.ContainsAny(text, "\u202E\x00\a") {
			t.Errorf("%q holds a control or bidi character", text)
		}
	}
	if n := len([]rune(c.Summary)); n > maxSummaryRunes || !strings.HasPrefix(c.Summary, "Evil") {
		t.Errorf("summary of %d characters: %.40q", n, c.Summary)
	}
	if !strings.HasPrefix(c.URL, "https://") {
		t.Errorf("URL %q, want the commit page on the configured host", c.URL)
	}
	if h := commitHeaderWithURL("javascript:alert(1)"); h.URL != "" {
		t.Errorf("a javascript: URL was kept: %q", h.URL)
	}
	if h := commitHeaderWithURL("https://evil.example/commit/1"); h.URL != "" {
		t.Errorf("a URL on another host was kept: %q", h.URL)
	}
}

// A cached change keeps only its changed rows, not both whole files: the
// memory a walk through 1,000 commits of a 1,000-row file leaves behind.
func BenchmarkWalkHistory(b *testing.B) {
	srv := outsideHistory(b, 1000)
	ctx := context.Background()
	for b.Loop() {
		s := newTestGitHub(b, srv, GitHubConfig{Path: "places.csv", HistoryCallsPerHour: -1})
		calls := srv.Calls()
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for p := 1; ; p++ {
			page, err := s.History(ctx, p)
			if err != nil {
				b.Fatal(err)
			}
			if page.Next == 0 {
				break
			}
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(srv.Calls()-calls), "github-calls")
		b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "heap-bytes-kept")
		runtime.KeepAlive(s)
	}
}

func commitHeaderWithURL(u string) Change {
	return commitHeader(&github.RepositoryCommit{SHA: github.String(strings.Repeat("a", 40)), HTMLURL: github.String(u)}, "github.com")
}
