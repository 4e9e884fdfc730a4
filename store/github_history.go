package store

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"
	"golang.org/x/time/rate"
)

// The history on GitHub is git's: the commits that touched the file
// (GET /commits?path=), each compared with its first parent by reading the
// file at both (GET /contents?ref=). Anyone may read the history, so what
// it costs is bounded three ways:
//
//   - each version of the file is read once: contents are kept by commit
//     (a commit's "after" is its child's "before") and by blob SHA, in an
//     LRU bounded by bytes;
//   - what a commit did is worked out once and kept as its changed rows
//     only, copied, in another bytes-bounded LRU; the commit list is
//     re-asked with its ETag, which GitHub answers 304 (free of rate
//     limit) while nothing is new;
//   - uncached reads share one budget (HistoryCallsPerHour), so a walk
//     through an old history slows down rather than using up the calls
//     that writes and refreshes need. Writes never draw from it.

// historyCache keeps what commits did, the file's versions, and the last
// answer for each page of the commit list.
type historyCache struct {
	mu      sync.Mutex
	changes *lru[string, Change] // by commit SHA
	blobs   *lru[string, []byte] // file contents by blob SHA
	fileAt  map[string]fileRef   // commit SHA → the file's blob there
	lists   map[int]commitPage   // by list page (listPageSize commits each)
	// listed is every commit SHA of the list, known after a walk to its
	// end, while page 1's ETag is listedETag: an unknown id is answered
	// from it without reading the list again.
	listed     map[string]bool
	listedETag string
	budget     *rate.Limiter // nil: unlimited
}

// fileRef is the file at a commit: its blob, or that it was not there.
type fileRef struct {
	blob   string
	exists bool
}

type commitPage struct {
	etag    string
	commits []*github.RepositoryCommit
	next    int
}

const (
	// listPageSize is the commits one list call asks for (GitHub's
	// maximum); a page of the history shows historyPageSize of them.
	listPageSize = 100
	// changeCacheBytes and blobCacheBytes bound the history's memory.
	changeCacheBytes = 8 << 20
	blobCacheBytes   = 16 << 20
	// maxFileRefs bounds the commit → blob map (about 100 bytes each).
	maxFileRefs = 100_000
	// maxRowsInPage bounds the rows a change lists in a history page; the
	// change's own page lists them all.
	maxRowsInPage = 20
	// DefaultHistoryCallsPerHour is the history's share of GitHub's 5,000
	// calls an hour: about an eighth, with a burst of 100.
	DefaultHistoryCallsPerHour = 600
	historyBurst               = 100
)

func newHistoryCache(callsPerHour int) *historyCache {
	c := &historyCache{
		changes: newLRU[string, Change](changeCacheBytes, changeSize),
		blobs:   newLRU[string, []byte](blobCacheBytes, func(b []byte) int { return len(b) + 64 }),
		fileAt:  map[string]fileRef{},
		lists:   map[int]commitPage{},
	}
	if callsPerHour > 0 {
		c.budget = rate.NewLimiter(rate.Every(time.Hour/time.Duration(callsPerHour)), historyBurst)
	}
	return c
}

// changeSize estimates what a cached change holds.
func changeSize(c Change) int {
	n := 256 + len(c.Summary) + len(c.By) + len(c.URL)
	for _, rows := range [][]string{c.diff.Before, c.diff.After} {
		for _, r := range rows {
			n += 2*len(r) + 160 // the row, and the place read from it
		}
	}
	return n
}

func (c *historyCache) change(sha string) (Change, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changes.get(sha)
}

func (c *historyCache) keep(ch Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes.put(ch.ID, ch)
}

func (c *historyCache) list(n int) commitPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lists[n]
}

func (c *historyCache) keepList(n int, p commitPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.lists) >= 64 {
		clear(c.lists)
	}
	c.lists[n] = p
}

// spend takes one call from the history's budget.
func (c *historyCache) spend(op string) error {
	if c.budget == nil || c.budget.Allow() {
		return nil
	}
	r := c.budget.Reserve()
	wait := r.Delay()
	r.Cancel() // only asked how long: the call is not made
	return &Error{Kind: KindHistoryBusy, Op: op, RetryAfter: max(wait, time.Second),
		Err: fmt.Errorf("the history has been read a lot lately; older pages can be read again in %s", wait.Round(time.Second))}
}

// History lists the changes to the file, newest first, a page at a time
// (from 1).
func (s *GitHubStore) History(ctx context.Context, page int) (HistoryPage, error) {
	t, err := s.resolve(ctx)
	if err != nil {
		return HistoryPage{}, err
	}
	page = max(page, 1)
	listN := (page-1)*historyPageSize/listPageSize + 1
	list, err := s.listCommits(ctx, t, listN, true)
	if err != nil {
		return HistoryPage{}, err
	}
	from := min((page-1)*historyPageSize%listPageSize, len(list.commits))
	to := min(from+historyPageSize, len(list.commits))
	out := HistoryPage{Changes: make([]Change, 0, to-from)}
	if to < len(list.commits) || list.next != 0 {
		out.Next = page + 1
	}
	for _, rc := range list.commits[from:to] {
		ch, err := s.commitChange(ctx, t, rc)
		if err != nil {
			return HistoryPage{}, err
		}
		out.Changes = append(out.Changes, capRows(ch.Change, maxRowsInPage))
	}
	// An undo is newer than what it undid: it is on this list page or one
	// before it, whose lists are cheap (their messages say it all).
	undos, err := s.undosUpTo(ctx, t, listN)
	if err != nil {
		return HistoryPage{}, err
	}
	out.Changes = markUndone(append(undos, out.Changes...))[len(undos):]
	return out, nil
}

// listCommits is page n of the commits that touched the file. budgeted
// calls draw from the history's budget unless GitHub can answer 304.
func (s *GitHubStore) listCommits(ctx context.Context, t target, n int, budgeted bool) (commitPage, error) {
	op := "github: list the history of " + s.path
	q := url.Values{"path": {s.path}, "sha": {t.branch}, "page": {strconv.Itoa(n)}, "per_page": {strconv.Itoa(listPageSize)}}
	u := fmt.Sprintf("repos/%s/%s/commits?%s", url.PathEscape(t.owner), url.PathEscape(t.repo), q.Encode())
	known := s.history.list(n)
	if budgeted && known.etag == "" {
		if err := s.history.spend(op); err != nil {
			return commitPage{}, err
		}
	}
	var commits []*github.RepositoryCommit
	resp, err := s.call(ctx, op, true, func(ctx context.Context) (*github.Response, error) {
		req, err := s.client.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		if known.etag != "" {
			req.Header.Set("If-None-Match", known.etag)
		}
		commits = nil
		return s.client.Do(ctx, req, &commits)
	})
	if err != nil {
		return commitPage{}, err
	}
	if resp.StatusCode == http.StatusNotModified && known.etag != "" {
		return known, nil
	}
	list := commitPage{etag: resp.Header.Get("ETag"), commits: commits, next: resp.NextPage}
	s.history.keepList(n, list)
	return list, nil
}

// walkCommits calls visit for each commit of the list, newest first, until
// visit returns false or the list ends; it reports whether it reached the
// end.
func (s *GitHubStore) walkCommits(ctx context.Context, t target, budgeted bool, visit func(rc *github.RepositoryCommit) bool) (bool, error) {
	for n := 1; ; n++ {
		list, err := s.listCommits(ctx, t, n, budgeted)
		if err != nil {
			return false, err
		}
		for _, rc := range list.commits {
			if !visit(rc) {
				return false, nil
			}
		}
		if list.next == 0 {
			return true, nil
		}
	}
}

// undosUpTo is the undos on the list's pages 1 to n, from the commit list
// alone: no file is read.
func (s *GitHubStore) undosUpTo(ctx context.Context, t target, n int) ([]Change, error) {
	var undos []Change
	for i := 1; i <= n; i++ {
		list, err := s.listCommits(ctx, t, i, true)
		if err != nil {
			return nil, err
		}
		for _, rc := range list.commits {
			if c := commitHeader(rc, s.webHost); c.Kind == ChangeUndo {
				undos = append(undos, c)
			}
		}
		if list.next == 0 {
			break
		}
	}
	return undos, nil
}

// undoneBy walks the commit list from the newest commit back to c (an
// undo is always newer than what it undid) looking for the undo of c. It
// is part of a write, so it never waits on the history's budget.
func (s *GitHubStore) undoneBy(ctx context.Context, c Change) (Change, error) {
	t, err := s.resolve(ctx)
	if err != nil {
		return Change{}, err
	}
	var undo Change
	_, err = s.walkCommits(ctx, t, false, func(rc *github.RepositoryCommit) bool {
		h := commitHeader(rc, s.webHost)
		if h.Kind == ChangeUndo && h.Undoes == c.ID {
			undo = h
		}
		return undo.ID == "" && h.ID != c.ID
	})
	return undo, err
}

var commitSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Change is the change the commit with this SHA made to the file. An id
// that is not a commit of the file's list is answered from the list
// already read whenever it is still current.
func (s *GitHubStore) Change(ctx context.Context, id string) (Change, error) {
	if !commitSHA.MatchString(id) {
		return Change{}, unknownChange(id)
	}
	if ch, ok := s.history.change(id); ok {
		return s.withUndo(ctx, ch)
	}
	t, err := s.resolve(ctx)
	if err != nil {
		return Change{}, err
	}
	rc, err := s.findCommit(ctx, t, id)
	if err != nil {
		return Change{}, err
	}
	ch, err := s.commitChange(ctx, t, rc)
	if err != nil {
		return Change{}, err
	}
	if !ch.touched {
		return Change{}, unknownChange(id)
	}
	return s.withUndo(ctx, ch.Change)
}

// withUndo is c marked with the change that undid it, when one did: the
// list says, from c's commit to the newest.
func (s *GitHubStore) withUndo(ctx context.Context, c Change) (Change, error) {
	undo, err := s.undoneBy(ctx, c)
	if err != nil {
		return Change{}, err
	}
	if undo.ID != "" {
		c = markUndoneFrom(map[string]string{c.ID: undo.ID}, []Change{c})[0]
	}
	return c, nil
}

// findCommit finds the commit with this SHA in the file's list.
func (s *GitHubStore) findCommit(ctx context.Context, t target, id string) (*github.RepositoryCommit, error) {
	first, err := s.listCommits(ctx, t, 1, true)
	if err != nil {
		return nil, err
	}
	s.history.mu.Lock()
	complete := s.history.listed != nil && s.history.listedETag == first.etag
	known := s.history.listed[id]
	s.history.mu.Unlock()
	if complete && !known {
		return nil, unknownChange(id)
	}
	var found *github.RepositoryCommit
	listed := map[string]bool{}
	end, err := s.walkCommits(ctx, t, true, func(rc *github.RepositoryCommit) bool {
		listed[rc.GetSHA()] = true
		if rc.GetSHA() == id {
			found = rc
		}
		return found == nil
	})
	if err != nil {
		return nil, err
	}
	if end {
		s.history.mu.Lock()
		s.history.listed, s.history.listedETag = listed, first.etag
		s.history.mu.Unlock()
	}
	if found == nil {
		return nil, unknownChange(id)
	}
	return found, nil
}

// commitHeader is what a commit's listing says of its change: everything
// but the rows, which need the file at the commit and its parent. Texts
// from outside whib follow the place-name rules, and the commit's page is
// linked only on the configured GitHub host, over https.
func commitHeader(rc *github.RepositoryCommit, webHost string) Change {
	summary, kind, by, undoes := parseMessage(rc.GetCommit().GetMessage())
	if by == "" && kind == ChangeOutside {
		by = rc.GetCommit().GetAuthor().GetName()
		if login := rc.GetAuthor().GetLogin(); login != "" {
			by = login
		}
	}
	ch := Change{
		ID: rc.GetSHA(), Kind: kind, Summary: cleanText(summary, maxSummaryRunes), By: cleanText(by, maxAuthorRunes),
		Undoes: undoes, At: rc.GetCommit().GetCommitter().GetDate().Time,
	}
	if ch.At.IsZero() {
		ch.At = rc.GetCommit().GetAuthor().GetDate().Time
	}
	if u, err := url.Parse(rc.GetHTMLURL()); err == nil && u.Scheme == "https" && u.Host == webHost && u.User == nil {
		ch.URL = u.String()
	}
	return ch
}

// commitChange works out what one commit did to the file.
func (s *GitHubStore) commitChange(ctx context.Context, t target, rc *github.RepositoryCommit) (touchedChange, error) {
	sha := rc.GetSHA()
	if ch, ok := s.history.change(sha); ok {
		return touchedChange{Change: ch, touched: true}, nil
	}
	after, afterExists, err := s.fileAtCommit(ctx, t, sha)
	if err != nil {
		return touchedChange{}, err
	}
	var before []byte
	beforeExists := false
	if parents := rc.Parents; len(parents) > 0 {
		if before, beforeExists, err = s.fileAtCommit(ctx, t, parents[0].GetSHA()); err != nil {
			return touchedChange{}, err
		}
	}
	ch := commitHeader(rc, s.webHost)
	describeDiff(&ch, before, after, beforeExists && afterExists)
	s.history.keep(ch)
	return touchedChange{Change: ch, touched: beforeExists != afterExists || !bytes.Equal(before, after)}, nil
}

// touchedChange is a change and whether the commit touched the file at all.
type touchedChange struct {
	Change
	touched bool
}

// describeDiff fills in what the change removed and added. Without both
// sides as valid places files (the file was created, deleted or broken)
// the change stays in the history but cannot be undone. Only the changed
// rows are kept, copied, so a cached change does not hold both files.
func describeDiff(ch *Change, before, after []byte, bothExist bool) {
	b, berr := parseRows(before)
	a, aerr := parseRows(after)
	if berr != nil || aerr != nil {
		return
	}
	d := diffRows(b, a)
	ch.diff = d
	ch.Before = clonePlaces(b.places[d.At : d.At+len(d.Before)])
	ch.After = clonePlaces(a.places[d.At : d.At+len(d.After)])
	ch.BeforeCount, ch.AfterCount = len(ch.Before), len(ch.After)
	ch.CanUndo = bothExist
}

// clonePlaces copies places and their texts out of the file they were
// read from.
func clonePlaces(places []Place) []Place {
	out := slices.Clone(places)
	for i := range out {
		p := &out[i]
		p.ID, p.Name, p.Note = strings.Clone(p.ID), strings.Clone(p.Name), strings.Clone(p.Note)
		p.Latitude.text, p.Longitude.text = strings.Clone(p.Latitude.text), strings.Clone(p.Longitude.text)
		p.Visited.text = strings.Clone(p.Visited.text)
	}
	return out
}

// fileAtCommit is the file as of commit sha, read once per commit and kept
// by blob; exists is false when the file was not there.
func (s *GitHubStore) fileAtCommit(ctx context.Context, t target, sha string) (content []byte, exists bool, err error) {
	s.history.mu.Lock()
	ref, ok := s.history.fileAt[sha]
	if ok && ref.exists {
		content, ok = s.history.blobs.get(ref.blob)
	}
	s.history.mu.Unlock()
	if ok {
		return content, ref.exists, nil
	}
	op := "github: read " + s.path + " at " + sha
	if err := s.history.spend(op); err != nil {
		return nil, false, err
	}
	st, err := s.fetchContent(ctx, t, sha, "", nil)
	if KindOf(err) == KindNotFound {
		s.rememberFileAt(sha, fileRef{}, nil)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s.rememberFileAt(sha, fileRef{blob: st.sha, exists: true}, st.content)
	return st.content, true, nil
}

func (s *GitHubStore) rememberFileAt(sha string, ref fileRef, content []byte) {
	s.history.mu.Lock()
	defer s.history.mu.Unlock()
	if len(s.history.fileAt) >= maxFileRefs {
		clear(s.history.fileAt)
	}
	s.history.fileAt[sha] = ref
	if ref.exists {
		s.history.blobs.put(ref.blob, content)
	}
}
