package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"
)

// GitHubConfig says where the places file lives on GitHub.
type GitHubConfig struct {
	Token, Repo, Path, Branch, APIURL string       // Repo "owner/name" or bare "name" (owner = token's user via GET /user)
	HTTPClient                        *http.Client // with timeouts; nil = default with 10s timeout
	MaxRetries                        int          // CAS retries on 409, default 8
	Logger                            *slog.Logger
	// HistoryCallsPerHour is the history's share of GitHub calls for reads
	// not cached yet (0: DefaultHistoryCallsPerHour; negative: no limit).
	HistoryCallsPerHour int
}

const (
	defaultAPIURL      = "https://api.github.com/"
	defaultPath        = "places.csv"
	defaultMaxRetries  = 8
	defaultCallTimeout = 10 * time.Second
	// defaultRecheckDelay: how long to give a write that got no clear answer
	// to land before re-reading the file to see whether it did.
	defaultRecheckDelay = time.Second
	// readRetries bounds extra attempts for idempotent calls after a 5xx or
	// timeout: enough to ride out a blip, short enough to answer a person.
	readRetries = 2
	// largeFileThreshold: above this size (after the add) the file is written
	// through the Git Data API. The contents API only returns files up to
	// 1 MB inline, and a write through it sends the whole file base64-encoded
	// in one JSON body; the margin keeps us clear of both limits.
	largeFileThreshold = 900 << 10
)

// GitHubStore keeps places in a CSV file in a GitHub repository, read and
// written through the REST API with compare-and-swap on the file's blob SHA.
//
// API calls, uncontended, from the second operation on (the first one also
// resolves the owner via GET /user when Repo has no owner, and the default
// branch via GET /repos/{owner}/{repo} when Branch is empty, once each):
//
//   - Load: 1 (GET contents with If-None-Match; an unchanged file answers 304,
//     which GitHub does not count against the rate limit). A file over 1 MB
//     costs 1 more (GET the raw blob) when it changed.
//   - Add, file up to 900 KB: 1 (PUT contents with the known SHA), plus 1 read
//     when nothing was loaded yet.
//   - Add, larger file: 3 through the Git Data API (create a tree carrying the
//     new content inline, a commit, then fast-forward the branch as the
//     compare-and-swap) when this process made the previous commit; otherwise 2–3 more first to
//     learn the head commit and the file at that commit.
//   - A conflict (another writer was first) costs a re-read and a retry.
type GitHubStore struct {
	client     *github.Client
	repo       string
	path       string // in the repository, e.g. "data/places.csv"
	urlPath    string // path escaped for URLs
	maxRetries int
	logger     *slog.Logger

	// Test seams; set once in NewGitHubStore.
	callTimeout  time.Duration
	recheckDelay time.Duration
	backoff      func(attempt int) time.Duration

	resolveMu sync.Mutex // one resolution of owner and branch at a time
	nameMu    sync.Mutex // guards owner and branch
	owner     string     // "" until resolved from the token's user
	branch    string     // "" until resolved from the repository's default

	writeMu sync.Mutex // one Add at a time from this process: no self-inflicted conflicts

	history *historyCache // what commits did, and the history's pages
	webHost string        // where commit pages are: github.com for api.github.com

	cacheMu sync.Mutex
	cache   *fileState // last known state of the file; never mutated once stored
	gen     uint64     // bumped on every cache change
}

// fileState is the file at one blob SHA.
type fileState struct {
	sha      string
	content  []byte
	places   []Place
	etag     string // for If-None-Match on the branch; "" when unknown
	loadedAt time.Time
	pin      *headPin     // the commit this content was read at, when known
	index    *sharedIndex // set when the state is remembered, shared by its snapshots
	// commit and commitURL name the commit this process just made, when
	// the state is the answer to a write.
	commit, commitURL string
}

// headPin is the commit (and its tree) whose version of the file is the
// content beside it: the base a Git Data API commit must build on.
type headPin struct{ commit, tree string }

func (f *fileState) snapshot() Snapshot {
	return Snapshot{Places: f.places, Version: f.sha, Content: f.content, LoadedAt: f.loadedAt, index: f.index}
}

// base is the state to plan a change on.
func (f *fileState) base() *base { return baseOf(f.snapshot()) }

// target is the resolved repository and branch.
type target struct{ owner, repo, branch string }

// NewGitHubStore checks the configuration; it makes no API calls.
func NewGitHubStore(cfg GitHubConfig) (*GitHubStore, error) {
	op := "github: configure"
	owner, repo, err := splitRepo(cfg.Repo)
	if err != nil {
		return nil, &Error{Kind: KindInternal, Op: op, Err: err}
	}
	path := strings.Trim(cfg.Path, "/")
	if path == "" {
		path = defaultPath
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return nil, &Error{Kind: KindInternal, Op: op, Err: fmt.Errorf("path %q is not a plain file path in the repository", cfg.Path)}
		}
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = defaultAPIURL
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/" // go-github resolves relative paths against BaseURL
	}
	base, err := url.Parse(apiURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, &Error{Kind: KindInternal, Op: op, Err: fmt.Errorf("API URL %q is not an http(s) URL", cfg.APIURL)}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultCallTimeout}
	}
	client := github.NewClient(hc)
	if cfg.Token != "" {
		client = client.WithAuthToken(cfg.Token)
	}
	client.BaseURL = base
	client.UserAgent = "whib"

	maxRetries := cfg.MaxRetries
	if maxRetries == 0 {
		maxRetries = defaultMaxRetries
	}
	maxRetries = max(maxRetries, 0)
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &GitHubStore{
		client:       client,
		repo:         repo,
		path:         path,
		urlPath:      (&url.URL{Path: path}).EscapedPath(),
		maxRetries:   maxRetries,
		logger:       logger,
		callTimeout:  defaultCallTimeout,
		recheckDelay: defaultRecheckDelay,
		backoff:      jitteredBackoff,
		owner:        owner,
		branch:       cfg.Branch,
		history:      newHistoryCache(historyBudget(cfg.HistoryCallsPerHour)),
		webHost:      webHostOf(base),
	}, nil
}

func historyBudget(perHour int) int {
	if perHour == 0 {
		return DefaultHistoryCallsPerHour
	}
	return perHour // negative: no limit
}

// webHostOf is the host of the web pages that belong to an API address:
// api.github.com's are on github.com; GitHub Enterprise serves both on one
// host (https://ghe.example.com/api/v3).
func webHostOf(api *url.URL) string {
	return strings.TrimPrefix(api.Host, "api.")
}

func splitRepo(s string) (owner, repo string, err error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	switch {
	case len(parts) == 1 && parts[0] != "":
		return "", parts[0], nil
	case len(parts) == 2 && parts[0] != "" && parts[1] != "":
		return parts[0], parts[1], nil
	}
	return "", "", fmt.Errorf("repository %q must be \"owner/name\" or \"name\"", s)
}

// String describes the store for logs: "github owner/repo@main:places.csv".
func (s *GitHubStore) String() string {
	s.nameMu.Lock()
	owner, branch := s.owner, s.branch
	s.nameMu.Unlock()
	if owner == "" {
		owner = "(token user)"
	}
	if branch == "" {
		branch = "(default branch)"
	}
	return fmt.Sprintf("github %s/%s@%s:%s", owner, s.repo, branch, s.path)
}

// resolveWhileReading is resolve for a read of the file on the branch.
// While the default branch is not known yet (the first load, at start),
// the file is read from it without naming it (the target's branch is ""),
// side by side with the resolution: one round trip instead of two. wait
// gives resolve's error once it is done; a target without a repository
// means it failed already.
func (s *GitHubStore) resolveWhileReading(ctx context.Context) (t target, wait func() error) {
	s.nameMu.Lock()
	t = target{owner: s.owner, repo: s.repo, branch: s.branch}
	s.nameMu.Unlock()
	if t.owner == "" || t.branch != "" {
		t, err := s.resolve(ctx)
		return t, func() error { return err }
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.resolve(ctx)
		done <- err
	}()
	return t, sync.OnceValue(func() error { return <-done })
}

// resolve learns the owner and branch the configuration left open, once.
func (s *GitHubStore) resolve(ctx context.Context) (target, error) {
	s.resolveMu.Lock()
	defer s.resolveMu.Unlock()
	s.nameMu.Lock()
	t := target{owner: s.owner, repo: s.repo, branch: s.branch}
	s.nameMu.Unlock()

	if t.owner == "" {
		var user *github.User
		_, err := s.call(ctx, "github: find the token's user", true, func(ctx context.Context) (resp *github.Response, err error) {
			user, resp, err = s.client.Users.Get(ctx, "")
			return resp, err
		})
		if err != nil {
			return target{}, err
		}
		if user.GetLogin() == "" {
			return target{}, &Error{Kind: KindInternal, Op: "github: find the token's user", Err: errors.New("GET /user returned no login")}
		}
		t.owner = user.GetLogin()
		s.nameMu.Lock()
		s.owner = t.owner
		s.nameMu.Unlock()
	}
	if t.branch == "" {
		op := fmt.Sprintf("github: read repository %s/%s", t.owner, t.repo)
		var repo *github.Repository
		_, err := s.call(ctx, op, true, func(ctx context.Context) (resp *github.Response, err error) {
			repo, resp, err = s.client.Repositories.Get(ctx, t.owner, t.repo)
			return resp, err
		})
		if err != nil {
			return target{}, err
		}
		if repo.GetDefaultBranch() == "" {
			return target{}, &Error{Kind: KindNotFound, Op: op, Err: errors.New("repository has no default branch (is it empty?)")}
		}
		t.branch = repo.GetDefaultBranch()
		s.nameMu.Lock()
		s.branch = t.branch
		s.nameMu.Unlock()
	}
	return t, nil
}

// Load returns the file on the branch. When it has not changed since the last
// read GitHub answers 304 and the cached snapshot is returned without decoding
// anything again.
func (s *GitHubStore) Load(ctx context.Context) (Snapshot, error) {
	t, resolved := s.resolveWhileReading(ctx)
	if t.repo == "" {
		return Snapshot{}, resolved()
	}
	s.cacheMu.Lock()
	known, gen := s.cache, s.gen
	s.cacheMu.Unlock()
	etag := ""
	if known != nil {
		etag = known.etag
	}
	st, err := s.fetchFile(ctx, t, t.branch, etag, known)
	if rerr := resolved(); rerr != nil {
		return Snapshot{}, rerr
	}
	if err != nil {
		return Snapshot{}, err
	}
	if known != nil && st.sha == known.sha && st.pin == nil {
		st.pin = known.pin
	}
	if st.index == nil {
		// Its snapshots share one index (Snapshot.Place, ETag, Index):
		// without it each call would work out every id again.
		st.index = &sharedIndex{}
	}
	s.cacheMu.Lock()
	if s.gen == gen { // an Add that finished meanwhile knows better
		s.cache = st
		s.gen++
	}
	s.cacheMu.Unlock()
	return st.snapshot(), nil
}

// cached returns the last known state, or nil.
func (s *GitHubStore) cached() *fileState {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	return s.cache
}

func (s *GitHubStore) remember(st *fileState) {
	s.cacheMu.Lock()
	if st.index == nil {
		st.index = &sharedIndex{}
	}
	s.cache = st
	s.gen++
	s.cacheMu.Unlock()
}

// fetchFile reads the file at ref (a branch or commit SHA). With etag it asks
// GitHub to answer 304 when nothing changed; known is reused for a 304 and
// whenever the blob SHA is unchanged, so only new content is decoded.
func (s *GitHubStore) fetchFile(ctx context.Context, t target, ref, etag string, known *fileState) (*fileState, error) {
	st, err := s.fetchContent(ctx, t, ref, etag, known)
	if err != nil || st.places != nil {
		return st, err
	}
	st.places, err = decodeCSV(st.content)
	if err != nil {
		return nil, unreadable("github: read "+s.path, err)
	}
	if st.places == nil {
		st.places = []Place{}
	}
	return st, nil
}

// fetchContent is fetchFile without decoding: places is nil unless known
// places were reused.
func (s *GitHubStore) fetchContent(ctx context.Context, t target, ref, etag string, known *fileState) (*fileState, error) {
	op := "github: read " + s.path
	u := fmt.Sprintf("repos/%s/%s/contents/%s", url.PathEscape(t.owner), url.PathEscape(t.repo), s.urlPath)
	if ref != "" { // "": the default branch
		u += "?ref=" + url.QueryEscape(ref)
	}
	var body json.RawMessage
	resp, err := s.call(ctx, op, true, func(ctx context.Context) (*github.Response, error) {
		req, err := s.client.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		body = nil
		return s.client.Do(ctx, req, &body)
	})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if resp.StatusCode == http.StatusNotModified && known != nil {
		st := *known
		st.loadedAt = now
		st.commit, st.commitURL = "", ""
		return &st, nil
	}
	var meta github.RepositoryContent
	if err := json.Unmarshal(body, &meta); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) { // GitHub lists a directory's entries
			err = fmt.Errorf("%s is a directory, not a file", s.path)
		}
		return nil, &Error{Kind: KindInternal, Op: op, Err: err}
	}
	if meta.GetType() != "file" {
		return nil, &Error{Kind: KindInternal, Op: op, Err: fmt.Errorf("%s is a %s, not a file", s.path, meta.GetType())}
	}
	st := &fileState{sha: meta.GetSHA(), etag: resp.Header.Get("ETag"), loadedAt: now}
	if known != nil && known.sha == st.sha {
		st.content, st.places, st.index = known.content, known.places, known.index
		return st, nil
	}
	st.content, err = s.fileContent(ctx, t, &meta)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// readPinned reads the head commit of the branch and the file at exactly that
// commit, the consistent base a Git Data API commit needs.
func (s *GitHubStore) readPinned(ctx context.Context, t target, known *fileState) (*fileState, error) {
	var head *github.RepositoryCommit
	_, err := s.call(ctx, "github: read head of "+t.branch, true, func(ctx context.Context) (resp *github.Response, err error) {
		head, resp, err = s.client.Repositories.GetCommit(ctx, t.owner, t.repo, t.branch, nil)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	pin := &headPin{commit: head.GetSHA(), tree: head.GetCommit().GetTree().GetSHA()}
	if pin.commit == "" || pin.tree == "" {
		return nil, &Error{Kind: KindInternal, Op: "github: read head of " + t.branch, Err: errors.New("commit without SHA or tree")}
	}
	st, err := s.fetchFile(ctx, t, pin.commit, "", known)
	if err != nil {
		return nil, err
	}
	st.pin = pin
	st.etag = "" // the ETag of a read at a commit does not apply to the branch
	return st, nil
}

// Public reports whether anyone can read the repository (the repository
// API's private flag): then anyone can read the stored file there too,
// whatever whib keeps from its own pages.
func (s *GitHubStore) Public(ctx context.Context) (bool, error) {
	t, err := s.resolve(ctx)
	if err != nil {
		return false, err
	}
	var repo *github.Repository
	_, err = s.call(ctx, "github: read repository "+t.owner+"/"+t.repo, true, func(ctx context.Context) (resp *github.Response, err error) {
		repo, resp, err = s.client.Repositories.Get(ctx, t.owner, t.repo)
		return resp, err
	})
	if err != nil {
		return false, err
	}
	return !repo.GetPrivate(), nil
}
