// Package githubtest is a fake of the parts of GitHub's REST API that whib
// uses, served on a loopback httptest server. It follows GitHub's documented
// behaviour: base64 file content wrapped at 60 characters, git blob SHAs,
// ETags and 304s, "encoding": "none" for files over 1 MB, 409/422 on stale
// writes, fast-forward-only ref updates, rate-limit headers. Failures can be
// injected to exercise retries and error handling, including answers that
// look valid but misstate the file (faults.go) and slow writes that land
// after the client gave up.
package githubtest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running fake. It is safe for concurrent use.
type Server struct {
	URL string // API base with a trailing slash, e.g. http://127.0.0.1:PORT/

	srv *httptest.Server
	mux *http.ServeMux

	token   string
	user    string
	latency time.Duration
	public  bool // the repository API says "private": false

	mu          sync.Mutex
	owner, repo string
	branch      string // default branch
	git         *gitStore
	calls       int
	notModified int
	byRoute     map[string]int
	failNext    int
	failStatus  int
	limitNext   int
	limitReset  time.Time
	conflictN   int

	contentFault  ContentFault // see faults.go
	contentFaultN int
	truncateRawN  int
	slowWrite     time.Duration
	slowWriteN    int
}

// Commit is a commit that landed on the branch after the server started.
type Commit struct {
	Message, AuthorName, SHA string
}

// Option configures a Server.
type Option func(*config)

type config struct {
	token, user         string
	owner, repo, branch string
	latency             time.Duration
	files               []fileSeed
	public              bool
}

type fileSeed struct {
	path    string
	content []byte
}

// WithToken makes the server demand "Authorization: Bearer <tok>" (or
// "token <tok>") and answer 401 Bad credentials otherwise. Without it any
// request is accepted.
func WithToken(tok string) Option { return func(c *config) { c.token = tok } }

// WithRepo names the repository and its default branch
// (default: <user>/whib-data on main).
func WithRepo(owner, name, branch string) Option {
	return func(c *config) { c.owner, c.repo, c.branch = owner, name, branch }
}

// WithFile puts a file in the repository's initial commit.
func WithFile(path string, content []byte) Option {
	return func(c *config) {
		c.files = append(c.files, fileSeed{path: strings.Trim(path, "/"), content: append([]byte(nil), content...)})
	}
}

// WithLatency delays every answer by d, like a distant API.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithPublicRepo makes the repository public (its API's "private": false).
func WithPublicRepo() Option { return func(c *config) { c.public = true } }

// WithUser sets the login GET /user returns (default "octocat").
func WithUser(login string) Option { return func(c *config) { c.user = login } }

// New starts a fake for a test and closes it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := Start(opts...)
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake outside tests (bench and dev tools); call Close.
func Start(opts ...Option) *Server {
	cfg := config{user: "octocat", repo: "whib-data", branch: "main"}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.owner == "" {
		cfg.owner = cfg.user
	}
	s := &Server{
		token:   cfg.token,
		user:    cfg.user,
		latency: cfg.latency,
		public:  cfg.public,
		owner:   cfg.owner,
		repo:    cfg.repo,
		branch:  cfg.branch,
		git:     newGitStore(),
		byRoute: map[string]int{},
	}
	files := map[string][]byte{}
	for _, f := range cfg.files {
		files[f.path] = f.content
	}
	s.git.initBranch(cfg.branch, files, cfg.user)
	s.mux = http.NewServeMux()
	s.routes()
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.URL = "http://" + s.srv.Listener.Addr().String() + "/" // set before any handler can run
	s.srv.Start()
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// File returns the file at the head of the default branch, or nil.
func (s *Server) File(path string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	content, ok := s.git.fileAt(s.git.refs[s.branch], strings.Trim(path, "/"))
	if !ok {
		return nil
	}
	return append([]byte(nil), content...)
}

// SetFile commits content to path on the default branch, as another writer
// (a person on github.com, another whib instance) would.
func (s *Server) SetFile(path string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.commitFile(s.branch, strings.Trim(path, "/"), append([]byte(nil), content...), "Edit "+path, "someone-else", "someone-else@example.com")
}

// CommitFile is SetFile with the commit's message and author chosen, as an
// outside tool or a person on github.com would write them.
func (s *Server) CommitFile(path string, content []byte, message, author string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.git.commitFile(s.branch, strings.Trim(path, "/"), append([]byte(nil), content...), message, author, author+"@example.com")
}

// Commits lists the commits that landed on the default branch after the
// server started (API writes and SetFile), oldest first.
func (s *Server) Commits() []Commit {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Commit, 0, len(s.git.log))
	for _, sha := range s.git.log {
		c := s.git.commits[sha]
		out = append(out, Commit{Message: c.message, AuthorName: c.authorName, SHA: c.sha})
	}
	return out
}

// Calls counts the API calls that GitHub would count against the rate limit:
// every request except those answered 304 Not Modified.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// NotModified counts requests answered 304 (free on GitHub).
func (s *Server) NotModified() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notModified
}

// CallsByRoute splits Calls by route pattern, e.g.
// "PUT /repos/{owner}/{repo}/contents/{path...}".
func (s *Server) CallsByRoute() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.byRoute))
	for k, v := range s.byRoute {
		out[k] = v
	}
	return out
}

// FailNext answers the next n requests with status (a 5xx, or 401 for a
// revoked token) instead of serving them.
func (s *Server) FailNext(n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failStatus = n, status
}

// RateLimitNext answers the next n requests 403 with X-RateLimit-Remaining: 0
// and X-RateLimit-Reset: reset, as GitHub does when the quota is used up.
func (s *Server) RateLimitNext(n int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limitNext, s.limitReset = n, reset
}

// ConflictNext makes the next n writes fail as if another writer had
// committed first: 409 for PUT contents, 422 "not a fast forward" for a ref
// update. The file itself does not change.
func (s *Server) ConflictNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conflictN = n
}

// serve counts, delays and injects failures, then routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.latency > 0 {
		time.Sleep(s.latency) // simulated network latency, not synchronisation
	}
	s.holdSlowWrite(r)
	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		pattern = "unknown"
	}
	s.mu.Lock()
	used := s.calls % rateLimit
	failStatus, limited, reset := 0, false, s.limitReset
	switch {
	case s.failNext > 0:
		s.failNext--
		failStatus = s.failStatus
	case s.limitNext > 0:
		s.limitNext--
		limited = true
	}
	s.mu.Unlock()

	h := w.Header()
	h.Set("X-GitHub-Request-Id", "FAKE:"+strconv.Itoa(used))
	h.Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
	h.Set("X-RateLimit-Resource", "core")
	rec := &statusRecorder{ResponseWriter: w}
	switch {
	case limited:
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", strconv.Itoa(rateLimit))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		writeError(rec, http.StatusForbidden, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID FAKE.",
			"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api")
	default:
		h.Set("X-RateLimit-Remaining", strconv.Itoa(rateLimit-used-1))
		h.Set("X-RateLimit-Used", strconv.Itoa(used+1))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		switch {
		case failStatus == http.StatusUnauthorized:
			writeError(rec, failStatus, "Bad credentials", "https://docs.github.com/rest")
		case failStatus != 0:
			writeError(rec, failStatus, http.StatusText(failStatus), "")
		case !s.authorized(r):
			writeError(rec, http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
		default:
			s.mux.ServeHTTP(rec, r)
		}
	}

	s.mu.Lock()
	if rec.status == http.StatusNotModified {
		s.notModified++
	} else {
		s.calls++
		s.byRoute[r.Method+" "+strings.TrimPrefix(pattern, r.Method+" ")]++
	}
	s.mu.Unlock()
}

const rateLimit = 5000

func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return true
	}
	auth := r.Header.Get("Authorization")
	return auth == "Bearer "+s.token || auth == "token "+s.token
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}
