package githubtest

import (
	"crypto/sha1"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"
)

// gitStore is a small content-addressed object store: blobs with real git
// blob SHAs, flat trees (path → blob SHA), commits and branch refs. Callers
// hold Server.mu.
type gitStore struct {
	blobs   map[string][]byte
	trees   map[string]map[string]string
	commits map[string]*commitObj
	refs    map[string]string // branch → commit SHA
	log     []string          // commits that landed on the default branch after start
	seq     int               // makes commit SHAs unique
}

type commitObj struct {
	sha, tree, message     string
	authorName, authorMail string
	parents                []string
	date                   time.Time
}

func newGitStore() *gitStore {
	return &gitStore{
		blobs:   map[string][]byte{},
		trees:   map[string]map[string]string{},
		commits: map[string]*commitObj{},
		refs:    map[string]string{},
	}
}

// blobSHA is git's object id: SHA-1 of "blob <len>\x00" followed by content.
func blobSHA(content []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(content)) + "\x00"))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

func (g *gitStore) putBlob(content []byte) string {
	sha := blobSHA(content)
	if _, ok := g.blobs[sha]; !ok {
		g.blobs[sha] = content
	}
	return sha
}

// putTree stores a flat tree. Its id is a SHA-1 over the sorted entries: not
// git's tree format, but stable and unique, which is all clients rely on.
func (g *gitStore) putTree(entries map[string]string) string {
	paths := make([]string, 0, len(entries))
	for p := range entries {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	h := sha1.New()
	h.Write([]byte("tree\x00"))
	for _, p := range paths {
		h.Write([]byte(p + "\x00" + entries[p] + "\n"))
	}
	sha := hex.EncodeToString(h.Sum(nil))
	if _, ok := g.trees[sha]; !ok {
		g.trees[sha] = entries
	}
	return sha
}

func (g *gitStore) putCommit(tree string, parents []string, message, authorName, authorMail string) *commitObj {
	g.seq++
	c := &commitObj{tree: tree, parents: parents, message: message, authorName: authorName, authorMail: authorMail, date: time.Now().UTC()}
	h := sha1.New()
	h.Write([]byte("commit\x00" + tree + "\x00" + strings.Join(parents, ",") + "\x00" + message + "\x00" + authorName + "\x00" + strconv.Itoa(g.seq)))
	c.sha = hex.EncodeToString(h.Sum(nil))
	g.commits[c.sha] = c
	return c
}

// initBranch creates the initial commit (not part of the log).
func (g *gitStore) initBranch(branch string, files map[string][]byte, author string) {
	entries := map[string]string{}
	for p, content := range files {
		entries[p] = g.putBlob(content)
	}
	c := g.putCommit(g.putTree(entries), nil, "Initial commit", author, author+"@users.noreply.github.com")
	g.refs[branch] = c.sha
}

// resolve turns a branch name, "heads/<branch>", "refs/heads/<branch>" or a
// commit SHA into a commit.
func (g *gitStore) resolve(ref string) (*commitObj, bool) {
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "refs/"), "heads/")
	if sha, ok := g.refs[ref]; ok {
		return g.commits[sha], true
	}
	c, ok := g.commits[ref]
	return c, ok
}

func (g *gitStore) fileAt(commitSHA, path string) ([]byte, bool) {
	c, ok := g.commits[commitSHA]
	if !ok {
		return nil, false
	}
	sha, ok := g.trees[c.tree][path]
	if !ok {
		return nil, false
	}
	return g.blobs[sha], true
}

// commitFile commits one changed file on top of the branch head.
func (g *gitStore) commitFile(branch, path string, content []byte, message, authorName, authorMail string) *commitObj {
	head := g.commits[g.refs[branch]]
	entries := make(map[string]string, len(g.trees[head.tree])+1)
	for p, sha := range g.trees[head.tree] {
		entries[p] = sha
	}
	entries[path] = g.putBlob(content)
	c := g.putCommit(g.putTree(entries), []string{head.sha}, message, authorName, authorMail)
	g.moveRef(branch, c.sha)
	return c
}

// isAncestor reports whether ancestor is reachable from sha (or equal).
func (g *gitStore) isAncestor(ancestor, sha string) bool {
	seen := map[string]bool{}
	stack := []string{sha}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if cur == ancestor {
			return true
		}
		if seen[cur] {
			continue
		}
		seen[cur] = true
		if c, ok := g.commits[cur]; ok {
			stack = append(stack, c.parents...)
		}
	}
	return false
}

// moveRef points branch at sha and logs the commits that became reachable.
func (g *gitStore) moveRef(branch, sha string) {
	old := g.refs[branch]
	g.refs[branch] = sha
	var landed []string
	for cur := sha; cur != "" && cur != old; {
		landed = append(landed, cur)
		c := g.commits[cur]
		if len(c.parents) == 0 {
			break
		}
		cur = c.parents[0]
	}
	for i := len(landed) - 1; i >= 0; i-- {
		g.log = append(g.log, landed[i])
	}
}

// changes reports whether commit c changed path relative to parent (nil:
// c is a root commit, which changes every path it holds).
func (g *gitStore) changes(c, parent *commitObj, path string) bool {
	sha, in := g.trees[c.tree][path]
	if parent == nil {
		return in
	}
	before, was := g.trees[parent.tree][path]
	return in != was || sha != before
}
