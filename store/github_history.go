package store

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"

	"github.com/google/go-github/v62/github"
)

// The history on GitHub is git's: the commits that touched the file
// (GET /commits?path=), each compared with its first parent by reading the
// file at both (GET /contents?ref=). Commits never change, so what a commit
// did is worked out once and kept; the list itself is re-asked with its
// ETag, which GitHub answers 304 (free of rate limit) while nothing is new.

// historyCache keeps what commits did and the last answer for each page of
// the list.
type historyCache struct {
	mu      sync.Mutex
	changes map[string]Change // by commit SHA
	pages   map[int]commitPage
}

type commitPage struct {
	etag    string
	commits []*github.RepositoryCommit
	next    int
}

// maxCachedChanges bounds the commits whose changes are kept.
const maxCachedChanges = 2000

func (c *historyCache) change(sha string) (Change, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.changes[sha]
	return ch, ok
}

func (c *historyCache) keep(ch Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changes == nil || len(c.changes) >= maxCachedChanges {
		c.changes = map[string]Change{}
	}
	c.changes[ch.ID] = ch
}

func (c *historyCache) page(n int) commitPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[n]
}

func (c *historyCache) keepPage(n int, p commitPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= 64 {
		c.pages = map[int]commitPage{}
	}
	c.pages[n] = p
}

// History lists the changes to the file, newest first, a page at a time
// (from 1).
func (s *GitHubStore) History(ctx context.Context, page int) (HistoryPage, error) {
	t, err := s.resolve(ctx)
	if err != nil {
		return HistoryPage{}, err
	}
	list, err := s.listCommits(ctx, t, max(page, 1))
	if err != nil {
		return HistoryPage{}, err
	}
	out := HistoryPage{Next: list.next, Changes: make([]Change, 0, len(list.commits))}
	for _, rc := range list.commits {
		ch, err := s.commitChange(ctx, t, rc)
		if err != nil {
			return HistoryPage{}, err
		}
		out.Changes = append(out.Changes, ch.Change)
	}
	// An undo is newer than what it undid: it is on this page or one
	// before it, whose lists are cheap (their messages say it all).
	undos, err := s.undosUpTo(ctx, t, max(page, 1))
	if err != nil {
		return HistoryPage{}, err
	}
	out.Changes = markUndone(append(undos, out.Changes...))[len(undos):]
	return out, nil
}

// undosUpTo is the undos on the history's pages 1 to page, from the
// commit list alone: no file is read.
func (s *GitHubStore) undosUpTo(ctx context.Context, t target, page int) ([]Change, error) {
	var undos []Change
	for n := 1; n <= page; n++ {
		list, err := s.listCommits(ctx, t, n)
		if err != nil {
			return nil, err
		}
		for _, rc := range list.commits {
			if c := commitHeader(rc); c.Kind == ChangeUndo {
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
// undo is always newer than what it undid) looking for the undo of c.
func (s *GitHubStore) undoneBy(ctx context.Context, c Change) (Change, error) {
	t, err := s.resolve(ctx)
	if err != nil {
		return Change{}, err
	}
	for n := 1; ; n++ {
		list, err := s.listCommits(ctx, t, n)
		if err != nil {
			return Change{}, err
		}
		for _, rc := range list.commits {
			h := commitHeader(rc)
			if h.ID == c.ID {
				return Change{}, nil
			}
			if h.Kind == ChangeUndo && h.Undoes == c.ID {
				return h, nil
			}
		}
		if list.next == 0 {
			return Change{}, nil
		}
	}
}

// commitHeader is what a commit's listing says of its change: everything
// but the rows, which need the file at the commit and its parent.
func commitHeader(rc *github.RepositoryCommit) Change {
	summary, kind, by, undoes := parseMessage(rc.GetCommit().GetMessage())
	if by == "" && kind == ChangeOutside {
		by = rc.GetCommit().GetAuthor().GetName()
		if login := rc.GetAuthor().GetLogin(); login != "" {
			by = login
		}
	}
	ch := Change{
		ID: rc.GetSHA(), Kind: kind, Summary: summary, By: by, Undoes: undoes,
		At:  rc.GetCommit().GetCommitter().GetDate().Time,
		URL: rc.GetHTMLURL(),
	}
	if ch.At.IsZero() {
		ch.At = rc.GetCommit().GetAuthor().GetDate().Time
	}
	return ch
}

func (s *GitHubStore) listCommits(ctx context.Context, t target, page int) (commitPage, error) {
	op := "github: list the history of " + s.path
	q := url.Values{"path": {s.path}, "sha": {t.branch}, "page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(historyPageSize)}}
	u := fmt.Sprintf("repos/%s/%s/commits?%s", url.PathEscape(t.owner), url.PathEscape(t.repo), q.Encode())
	known := s.history.page(page)
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
	s.history.keepPage(page, list)
	return list, nil
}

var commitSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Change is the change the commit with this SHA made to the file.
func (s *GitHubStore) Change(ctx context.Context, id string) (Change, error) {
	if !commitSHA.MatchString(id) {
		return Change{}, unknownChange(id)
	}
	if ch, ok := s.history.change(id); ok {
		return ch, nil
	}
	t, err := s.resolve(ctx)
	if err != nil {
		return Change{}, err
	}
	var rc *github.RepositoryCommit
	_, err = s.call(ctx, "github: read commit "+id, true, func(ctx context.Context) (resp *github.Response, err error) {
		rc, resp, err = s.client.Repositories.GetCommit(ctx, t.owner, t.repo, id, nil)
		return resp, err
	})
	if err != nil {
		if k := KindOf(err); k == KindNotFound || k == KindInvalid || k == KindInternal {
			return Change{}, unknownChange(id)
		}
		return Change{}, err
	}
	ch, err := s.commitChange(ctx, t, rc)
	if err != nil {
		return Change{}, err
	}
	if !ch.touched {
		return Change{}, unknownChange(id)
	}
	return ch.Change, nil
}

// commitChange works out what one commit did to the file.
func (s *GitHubStore) commitChange(ctx context.Context, t target, rc *github.RepositoryCommit) (touchedChange, error) {
	sha := rc.GetSHA()
	if ch, ok := s.history.change(sha); ok {
		return touchedChange{Change: ch, touched: true}, nil
	}
	after, afterExists, err := s.contentAt(ctx, t, sha)
	if err != nil {
		return touchedChange{}, err
	}
	var before []byte
	beforeExists := false
	if parents := rc.Parents; len(parents) > 0 {
		if before, beforeExists, err = s.contentAt(ctx, t, parents[0].GetSHA()); err != nil {
			return touchedChange{}, err
		}
	}
	ch := commitHeader(rc)
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
// the change stays in the history but cannot be undone.
func describeDiff(ch *Change, before, after []byte, bothExist bool) {
	b, berr := parseRows(before)
	a, aerr := parseRows(after)
	if berr != nil || aerr != nil {
		return
	}
	d := diffRows(b, a)
	ch.diff = d
	ch.Before = b.places[d.At : d.At+len(d.Before)]
	ch.After = a.places[d.At : d.At+len(d.After)]
	ch.CanUndo = bothExist
}

// contentAt is the file as of commit sha; exists is false when the file was
// not there.
func (s *GitHubStore) contentAt(ctx context.Context, t target, sha string) (content []byte, exists bool, err error) {
	st, err := s.fetchContent(ctx, t, sha, "", nil)
	if KindOf(err) == KindNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return st.content, true, nil
}
