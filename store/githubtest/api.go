package githubtest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// inlineLimit: GitHub's contents API returns content inline only for files
// up to 1 MB; larger files come with "encoding": "none" and no content.
const inlineLimit = 1 << 20

const docsContents = "https://docs.github.com/rest/repos/contents#create-or-update-file-contents"

func (s *Server) routes() {
	s.mux.HandleFunc("GET /user", s.getUser)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}", s.repoHandler(s.getRepo))
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/contents/{path...}", s.repoHandler(s.getContents))
	s.mux.HandleFunc("PUT /repos/{owner}/{repo}/contents/{path...}", s.repoHandler(s.putContents))
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/git/blobs/{sha}", s.repoHandler(s.getBlob))
	s.mux.HandleFunc("POST /repos/{owner}/{repo}/git/blobs", s.repoHandler(s.createBlob))
	s.mux.HandleFunc("POST /repos/{owner}/{repo}/git/trees", s.repoHandler(s.createTree))
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/git/commits/{sha}", s.repoHandler(s.getGitCommit))
	s.mux.HandleFunc("POST /repos/{owner}/{repo}/git/commits", s.repoHandler(s.createCommit))
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/git/ref/{ref...}", s.repoHandler(s.getRef))
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/git/refs/{ref...}", s.repoHandler(s.getRef))
	s.mux.HandleFunc("PATCH /repos/{owner}/{repo}/git/refs/{ref...}", s.repoHandler(s.updateRef))
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref...}", s.repoHandler(s.getCommit))
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/commits", s.repoHandler(s.listCommits))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w) })
}

// repoHandler answers 404 for any repository but ours (names are
// case-insensitive on GitHub) and holds the lock for the handler.
func (s *Server) repoHandler(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !strings.EqualFold(r.PathValue("owner"), s.owner) || !strings.EqualFold(r.PathValue("repo"), s.repo) {
			notFound(w)
			return
		}
		h(w, r)
	}
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"login": s.user, "id": 1, "node_id": "U_fake", "type": "User", "site_admin": false,
		"html_url": "https://github.com/" + s.user,
	})
}

func (s *Server) getRepo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"id": 1, "node_id": "R_fake", "name": s.repo, "full_name": s.owner + "/" + s.repo,
		"owner":          map[string]any{"login": s.owner, "id": 1, "type": "User"},
		"private":        !s.public,
		"default_branch": s.branch,
		"permissions":    map[string]bool{"admin": true, "push": true, "pull": true},
	})
}

// getContents serves GET /repos/{owner}/{repo}/contents/{path}?ref=.
func (s *Server) getContents(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = s.branch
	}
	commit, ok := s.git.resolve(ref)
	if !ok {
		writeError(w, http.StatusNotFound, "No commit found for the ref "+ref, "https://docs.github.com/rest/repos/contents#get-repository-content")
		return
	}
	p := r.PathValue("path")
	tree := s.git.trees[commit.tree]
	sha, ok := tree[p]
	if !ok {
		if listing := s.dirListing(tree, p, ref); len(listing) > 0 {
			writeCacheable(w, r, mustJSON(listing), "application/json; charset=utf-8")
			return
		}
		notFound(w)
		return
	}
	content := s.git.blobs[sha]
	if wantsRaw(r) {
		writeCacheable(w, r, s.rawContent(content), "application/vnd.github.raw; charset=utf-8")
		return
	}
	meta := s.contentMeta(p, sha, len(content), ref)
	meta["type"] = "file"
	if len(content) > inlineLimit {
		meta["content"], meta["encoding"] = "", "none"
	} else {
		meta["content"], meta["encoding"] = wrappedBase64(content), "base64"
	}
	s.applyContentFault(meta, content)
	writeCacheable(w, r, mustJSON(meta), "application/json; charset=utf-8")
}

func (s *Server) dirListing(tree map[string]string, dir, ref string) []map[string]any {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	if dir == "" {
		prefix = ""
	}
	var out []map[string]any
	for p, sha := range tree {
		if !strings.HasPrefix(p, prefix) || strings.Contains(p[len(prefix):], "/") {
			continue
		}
		m := s.contentMeta(p, sha, len(s.git.blobs[sha]), ref)
		m["type"] = "file"
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["path"].(string) < out[j]["path"].(string) })
	return out
}

func (s *Server) contentMeta(p, sha string, size int, ref string) map[string]any {
	api := s.URL + "repos/" + s.owner + "/" + s.repo
	self := api + "/contents/" + p + "?ref=" + ref
	html := "https://github.com/" + s.owner + "/" + s.repo + "/blob/" + ref + "/" + p
	git := api + "/git/blobs/" + sha
	return map[string]any{
		"name": path.Base(p), "path": p, "sha": sha, "size": size,
		"url": self, "html_url": html, "git_url": git,
		"download_url": "https://raw.githubusercontent.com/" + s.owner + "/" + s.repo + "/" + ref + "/" + p,
		"_links":       map[string]string{"self": self, "git": git, "html": html},
	}
}

type putContentsRequest struct {
	Message   string  `json:"message"`
	Content   *string `json:"content"`
	SHA       string  `json:"sha"`
	Branch    string  `json:"branch"`
	Author    *person `json:"author"`
	Committer *person `json:"committer"`
}

type person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// putContents serves PUT /repos/{owner}/{repo}/contents/{path}: create or
// update one file, conditional on the blob SHA of the current version.
func (s *Server) putContents(w http.ResponseWriter, r *http.Request) {
	var req putContentsRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docsContents)
		return
	}
	if req.Message == "" {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"message\" wasn't supplied.", docsContents)
		return
	}
	if req.Content == nil {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"content\" wasn't supplied.", docsContents)
		return
	}
	content, err := base64.StdEncoding.DecodeString(*req.Content)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "content is not valid Base64", docsContents)
		return
	}
	branch := req.Branch
	if branch == "" {
		branch = s.branch
	}
	headSHA, ok := s.git.refs[branch]
	if !ok {
		writeError(w, http.StatusNotFound, "Branch "+branch+" not found", docsContents)
		return
	}
	p := r.PathValue("path")
	current, exists := s.git.trees[s.git.commits[headSHA].tree][p]
	if s.conflictN > 0 {
		s.conflictN--
		writeError(w, http.StatusConflict, p+" does not match "+req.SHA, docsContents)
		return
	}
	switch {
	case exists && req.SHA == "":
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"sha\" wasn't supplied.", docsContents)
		return
	case exists && req.SHA != current:
		writeError(w, http.StatusConflict, p+" does not match "+req.SHA, docsContents)
		return
	}
	author := person{Name: s.user, Email: s.user + "@users.noreply.github.com"}
	if req.Author != nil && req.Author.Name != "" {
		author = *req.Author
	} else if req.Committer != nil && req.Committer.Name != "" {
		author = *req.Committer
	}
	c := s.git.commitFile(branch, p, content, req.Message, author.Name, author.Email)
	status := http.StatusOK
	if !exists {
		status = http.StatusCreated
	}
	sha := blobSHA(content)
	meta := s.contentMeta(p, sha, len(content), branch)
	meta["type"] = "file"
	writeJSON(w, status, map[string]any{"content": meta, "commit": s.commitJSON(c)})
}

func (s *Server) getBlob(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	content, ok := s.git.blobs[sha]
	if !ok {
		notFound(w)
		return
	}
	content = s.rawContent(content)
	if wantsRaw(r) {
		writeCacheable(w, r, content, "application/vnd.github.raw; charset=utf-8")
		return
	}
	writeCacheable(w, r, mustJSON(map[string]any{
		"sha": sha, "node_id": "B_" + sha[:10], "size": len(content),
		"url": s.URL + "repos/" + s.owner + "/" + s.repo + "/git/blobs/" + sha, "content": wrappedBase64(content), "encoding": "base64",
	}), "application/json; charset=utf-8")
}

func (s *Server) createBlob(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Content  *string `json:"content"`
		Encoding string  `json:"encoding"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Content == nil {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"content\" wasn't supplied.", "https://docs.github.com/rest/git/blobs#create-a-blob")
		return
	}
	content := []byte(*req.Content)
	switch req.Encoding {
	case "", "utf-8":
	case "base64":
		var err error
		if content, err = base64.StdEncoding.DecodeString(*req.Content); err != nil {
			writeError(w, http.StatusUnprocessableEntity, "content is not valid Base64", "https://docs.github.com/rest/git/blobs#create-a-blob")
			return
		}
	default:
		writeError(w, http.StatusUnprocessableEntity, "encoding must be utf-8 or base64", "https://docs.github.com/rest/git/blobs#create-a-blob")
		return
	}
	sha := s.git.putBlob(content)
	writeJSON(w, http.StatusCreated, map[string]any{"sha": sha, "url": s.URL + "repos/" + s.owner + "/" + s.repo + "/git/blobs/" + sha})
}

func (s *Server) createTree(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/git/trees#create-a-tree"
	var req struct {
		BaseTree string `json:"base_tree"`
		Tree     []struct {
			Path    string  `json:"path"`
			Mode    string  `json:"mode"`
			Type    string  `json:"type"`
			SHA     *string `json:"sha"`
			Content *string `json:"content"`
		} `json:"tree"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docs)
		return
	}
	entries := map[string]string{}
	if req.BaseTree != "" {
		base, ok := s.git.trees[req.BaseTree]
		if !ok {
			writeError(w, http.StatusUnprocessableEntity, "Invalid tree info", docs)
			return
		}
		for p, sha := range base {
			entries[p] = sha
		}
	}
	for _, e := range req.Tree {
		if e.Path == "" || (e.Type != "" && e.Type != "blob") || (e.Mode != "" && e.Mode != "100644" && e.Mode != "100755") {
			writeError(w, http.StatusUnprocessableEntity, "Invalid tree info", docs)
			return
		}
		switch {
		case e.Content != nil:
			entries[e.Path] = s.git.putBlob([]byte(*e.Content))
		case e.SHA != nil:
			if _, ok := s.git.blobs[*e.SHA]; !ok {
				writeError(w, http.StatusUnprocessableEntity, "tree.sha "+*e.SHA+" is not a valid blob", docs)
				return
			}
			entries[e.Path] = *e.SHA
		default: // "sha": null deletes the path
			delete(entries, e.Path)
		}
	}
	sha := s.git.putTree(entries)
	writeJSON(w, http.StatusCreated, s.treeJSON(sha))
}

func (s *Server) treeJSON(sha string) map[string]any {
	var list []map[string]any
	for p, blob := range s.git.trees[sha] {
		list = append(list, map[string]any{"path": p, "mode": "100644", "type": "blob", "sha": blob, "size": len(s.git.blobs[blob])})
	}
	sort.Slice(list, func(i, j int) bool { return list[i]["path"].(string) < list[j]["path"].(string) })
	return map[string]any{"sha": sha, "url": s.URL + "repos/" + s.owner + "/" + s.repo + "/git/trees/" + sha, "tree": list, "truncated": false}
}

func (s *Server) createCommit(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/git/commits#create-a-commit"
	var req struct {
		Message string   `json:"message"`
		Tree    string   `json:"tree"`
		Parents []string `json:"parents"`
		Author  *person  `json:"author"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docs)
		return
	}
	if req.Message == "" {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"message\" wasn't supplied.", docs)
		return
	}
	if _, ok := s.git.trees[req.Tree]; !ok {
		writeError(w, http.StatusUnprocessableEntity, "Tree SHA does not exist", docs)
		return
	}
	for _, p := range req.Parents {
		if _, ok := s.git.commits[p]; !ok {
			writeError(w, http.StatusUnprocessableEntity, "Parent SHA does not exist or is not a commit object", docs)
			return
		}
	}
	author := person{Name: s.user, Email: s.user + "@users.noreply.github.com"}
	if req.Author != nil && req.Author.Name != "" {
		author = *req.Author
	}
	c := s.git.putCommit(req.Tree, req.Parents, req.Message, author.Name, author.Email)
	writeJSON(w, http.StatusCreated, s.commitJSON(c))
}

func (s *Server) getGitCommit(w http.ResponseWriter, r *http.Request) {
	c, ok := s.git.commits[r.PathValue("sha")]
	if !ok {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.commitJSON(c))
}

// webURL is where the server's web pages would be: on its own host, over
// https, as GitHub Enterprise serves its pages beside its API.
func (s *Server) webURL() string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return "https://github.com/"
	}
	return "https://" + u.Host + "/"
}

func (s *Server) commitJSON(c *commitObj) map[string]any {
	api := s.URL + "repos/" + s.owner + "/" + s.repo
	who := map[string]any{"name": c.authorName, "email": c.authorMail, "date": c.date.Format(time.RFC3339)}
	parents := []map[string]string{}
	for _, p := range c.parents {
		parents = append(parents, map[string]string{"sha": p, "url": api + "/git/commits/" + p})
	}
	return map[string]any{
		"sha": c.sha, "node_id": "C_" + c.sha[:10], "url": api + "/git/commits/" + c.sha,
		"html_url": s.webURL() + s.owner + "/" + s.repo + "/commit/" + c.sha,
		"author":   who, "committer": who, "message": c.message,
		"tree":         map[string]string{"sha": c.tree, "url": api + "/git/trees/" + c.tree},
		"parents":      parents,
		"verification": map[string]any{"verified": false, "reason": "unsigned"},
	}
}

func (s *Server) refJSON(branch string) map[string]any {
	api := s.URL + "repos/" + s.owner + "/" + s.repo
	sha := s.git.refs[branch]
	return map[string]any{
		"ref": "refs/heads/" + branch, "node_id": "REF_" + branch, "url": api + "/git/refs/heads/" + branch,
		"object": map[string]string{"type": "commit", "sha": sha, "url": api + "/git/commits/" + sha},
	}
}

func (s *Server) getRef(w http.ResponseWriter, r *http.Request) {
	branch, ok := strings.CutPrefix(r.PathValue("ref"), "heads/")
	if _, exists := s.git.refs[branch]; !ok || !exists {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.refJSON(branch))
}

// updateRef serves PATCH /repos/{owner}/{repo}/git/refs/heads/{branch}:
// without force, only a fast-forward is accepted.
func (s *Server) updateRef(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/git/refs#update-a-reference"
	var req struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", docs)
		return
	}
	branch, ok := strings.CutPrefix(r.PathValue("ref"), "heads/")
	current, exists := s.git.refs[branch]
	if !ok || !exists {
		writeError(w, http.StatusUnprocessableEntity, "Reference does not exist", docs)
		return
	}
	if _, ok := s.git.commits[req.SHA]; !ok {
		writeError(w, http.StatusUnprocessableEntity, "Object does not exist", docs)
		return
	}
	if s.conflictN > 0 {
		s.conflictN--
		writeError(w, http.StatusUnprocessableEntity, "Update is not a fast forward", docs)
		return
	}
	if !req.Force && !s.git.isAncestor(current, req.SHA) {
		writeError(w, http.StatusUnprocessableEntity, "Update is not a fast forward", docs)
		return
	}
	s.git.moveRef(branch, req.SHA)
	writeJSON(w, http.StatusOK, s.refJSON(branch))
}

// getCommit serves GET /repos/{owner}/{repo}/commits/{ref}; with Accept
// application/vnd.github.sha it answers only the SHA, as GitHub does.
func (s *Server) getCommit(w http.ResponseWriter, r *http.Request) {
	c, ok := s.git.resolve(r.PathValue("ref"))
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+r.PathValue("ref"), "https://docs.github.com/rest/commits/commits#get-a-commit")
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "sha") {
		writeCacheable(w, r, []byte(c.sha), "application/vnd.github.sha; charset=utf-8")
		return
	}
	writeCacheable(w, r, mustJSON(s.repoCommitJSON(c)), "application/json; charset=utf-8")
}

// repoCommitJSON is a commit as the commits API shows it.
func (s *Server) repoCommitJSON(c *commitObj) map[string]any {
	api := s.URL + "repos/" + s.owner + "/" + s.repo
	git := s.commitJSON(c)
	parents := git["parents"]
	delete(git, "parents")
	delete(git, "sha")
	delete(git, "node_id")
	delete(git, "html_url")
	return map[string]any{
		"sha": c.sha, "node_id": "C_" + c.sha[:10], "url": api + "/commits/" + c.sha,
		"html_url": s.webURL() + s.owner + "/" + s.repo + "/commit/" + c.sha,
		"commit":   git, "author": map[string]any{"login": c.authorName}, "committer": map[string]any{"login": s.user},
		"parents": parents, "files": []any{},
	}
}

// listCommits serves GET /repos/{owner}/{repo}/commits?sha=&path=&page=&per_page=:
// the commits reachable from sha (the default branch) along first parents
// that changed path, newest first, paged with a Link header as GitHub does.
func (s *Server) listCommits(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ref := q.Get("sha")
	if ref == "" {
		ref = s.branch
	}
	head, ok := s.git.resolve(ref)
	if !ok {
		writeError(w, http.StatusNotFound, "No commit found for SHA: "+ref, "https://docs.github.com/rest/commits/commits#list-commits")
		return
	}
	path := q.Get("path")
	var touching []*commitObj
	for c := head; c != nil; {
		var parent *commitObj
		if len(c.parents) > 0 {
			parent = s.git.commits[c.parents[0]]
		}
		if path == "" || s.git.changes(c, parent, path) {
			touching = append(touching, c)
		}
		c = parent
	}
	page, perPage := positive(q.Get("page"), 1), min(positive(q.Get("per_page"), 30), 100)
	from := min((page-1)*perPage, len(touching))
	to := min(from+perPage, len(touching))
	list := make([]map[string]any, 0, to-from)
	for _, c := range touching[from:to] {
		list = append(list, s.repoCommitJSON(c))
	}
	if last := (len(touching) + perPage - 1) / perPage; last > 1 {
		link := func(n int, rel string) string {
			u := *r.URL
			v := u.Query()
			v.Set("page", strconv.Itoa(n))
			u.RawQuery = v.Encode()
			return "<" + strings.TrimSuffix(s.URL, "/") + u.RequestURI() + `>; rel="` + rel + `"`
		}
		var links []string
		if page < last {
			links = append(links, link(page+1, "next"), link(last, "last"))
		}
		if page > 1 {
			links = append(links, link(1, "first"), link(page-1, "prev"))
		}
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeCacheable(w, r, mustJSON(list), "application/json; charset=utf-8")
}

func positive(s string, fallback int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return fallback
}

func wantsRaw(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), ".raw")
}

// wrappedBase64 encodes like GitHub: standard base64 with a newline after
// every 60 characters and at the end.
func wrappedBase64(content []byte) string {
	enc := base64.StdEncoding.EncodeToString(content)
	var b strings.Builder
	b.Grow(len(enc) + len(enc)/60 + 1)
	for len(enc) > 60 {
		b.WriteString(enc[:60])
		b.WriteByte('\n')
		enc = enc[60:]
	}
	b.WriteString(enc)
	b.WriteByte('\n')
	return b.String()
}

// writeCacheable sends body with a strong ETag and answers 304 when the
// client already has it (If-None-Match).
func writeCacheable(w http.ResponseWriter, r *http.Request, body []byte, contentType string) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:20]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, max-age=60, s-maxage=60")
	w.Header().Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body := mustJSON(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, message, docs string) {
	body := map[string]any{"message": message, "status": strconv.Itoa(status)}
	if docs != "" {
		body["documentation_url"] = docs
	}
	writeJSON(w, status, body)
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("githubtest: " + err.Error()) // only our own maps and strings go in
	}
	return b
}
