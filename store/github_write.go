package store

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/go-github/v62/github"
)

// write makes the change plan works out, as one commit with
// compare-and-swap on the blob SHA. When another writer was first (409, or
// 422 for a stale SHA or a ref that would not fast-forward) it re-reads,
// plans again on the new file and retries, up to MaxRetries times, then
// gives up with KindBusy.
//
// If a write gets no clear answer (timeout, dropped connection, 5xx: it may
// have landed) write waits a moment and re-reads the file; when the file
// shows the change, it was ours. When the re-read cannot tell, the error is
// KindUnknownOutcome, never "nothing was saved".
func (s *GitHubStore) write(ctx context.Context, op string, plan planFunc) (mutation, Snapshot, error) {
	op = "github: " + op + " " + s.path
	t, err := s.resolve(ctx)
	if err != nil {
		return mutation{}, Snapshot{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()

	cur := s.cached()
	fresh := cur == nil // read during this write
	if cur == nil {
		if cur, err = s.fetchFile(ctx, t, t.branch, "", nil); err != nil {
			return mutation{}, Snapshot{}, err
		}
		s.remember(cur)
	}
	for attempt := 0; ; {
		m, err := plan(cur.base())
		if k := KindOf(err); (k == KindUnknownID || k == KindConflict) && !fresh {
			// The cached file may be behind: an id or row the plan looks
			// for may be there now. Ask again (a 304 when it is not).
			fresh = true
			if cur, err = s.fetchFile(ctx, t, t.branch, cur.etag, cur); err != nil {
				return mutation{}, Snapshot{}, err
			}
			s.remember(cur)
			continue
		}
		if err != nil {
			return mutation{}, Snapshot{}, wrapErr(op, KindInternal, err)
		}
		if m.noop {
			return m, cur.snapshot(), nil
		}
		large := len(m.content) > largeFileThreshold
		if large && cur.pin == nil {
			// A Git Data commit needs the head commit the content was read at.
			if cur, err = s.readPinned(ctx, t, cur); err != nil {
				return mutation{}, Snapshot{}, err
			}
			s.remember(cur)
			fresh = true
			continue // the file may have changed: plan again
		}
		var next *fileState
		var werr error
		message := m.change.message()
		if large {
			next, werr = s.commitViaGitData(ctx, t, cur, m.content, message)
		} else {
			next, werr = s.putContents(ctx, t, cur, m.content, message)
		}
		if werr == nil {
			return s.landed(m, next)
		}
		switch KindOf(werr) {
		case KindBusy:
			attempt++
			if cur, err = s.afterConflict(ctx, t, op, cur, large, attempt, werr); err != nil {
				return mutation{}, Snapshot{}, err
			}
			fresh = true
		case KindUnknownOutcome:
			return s.settleUnknownWrite(ctx, t, op, cur, m, werr)
		default:
			return mutation{}, Snapshot{}, werr
		}
	}
}

// afterConflict waits and re-reads the file after another writer was
// first, or gives up once MaxRetries attempts have conflicted.
func (s *GitHubStore) afterConflict(ctx context.Context, t target, op string, cur *fileState, large bool, attempt int, werr error) (*fileState, error) {
	if attempt > s.maxRetries {
		return nil, &Error{Kind: KindBusy, Op: op, Err: fmt.Errorf("the file kept changing; gave up after %d attempts: %w", attempt, werr)}
	}
	s.logger.Info("github: places file changed by another writer, retrying", "store", s.String(), "attempt", attempt)
	if err := sleepCtx(ctx, s.backoff(attempt-1)); err != nil {
		return nil, wrapErr(op, KindUnavailable, err)
	}
	var err error
	if large {
		cur, err = s.readPinned(ctx, t, cur)
	} else {
		cur, err = s.fetchFile(ctx, t, t.branch, "", cur)
	}
	if err != nil {
		return nil, err
	}
	s.remember(cur)
	return cur, nil
}

// landed records a write GitHub confirmed.
func (s *GitHubStore) landed(m mutation, next *fileState) (mutation, Snapshot, error) {
	next.places = m.places
	if next.places == nil {
		places, err := decodeCSV(m.content)
		if err != nil {
			return mutation{}, Snapshot{}, &Error{Kind: KindInternal, Op: "github: read what was written", Err: err}
		}
		next.places = places
	}
	m.change.ID, m.change.URL = next.commit, next.commitURL
	m.change.At = next.loadedAt
	s.remember(next)
	return m, next.snapshot(), nil
}

// settleUnknownWrite finds out what a write without a clear answer did. The
// change was planned on cur. GitHub may still be applying the write, so it
// waits recheckDelay before re-reading: the file showing the change means
// our write landed. The file changed without it means it cannot land any
// more (it was conditional on cur's SHA): nothing was saved. Anything else
// is still unknown, and the caller is told so rather than "nothing was
// saved".
func (s *GitHubStore) settleUnknownWrite(ctx context.Context, t target, op string, cur *fileState, m mutation, werr error) (mutation, Snapshot, error) {
	stillUnknown := &Error{Kind: KindUnknownOutcome, Op: op, RetryAfter: RetryAfter(werr),
		Err: fmt.Errorf("the write got no clear answer and may have landed: %w", werr)}
	if err := sleepCtx(ctx, s.recheckDelay); err != nil {
		return mutation{}, Snapshot{}, stillUnknown
	}
	fresh, err := s.fetchFile(ctx, t, t.branch, "", cur)
	if err != nil {
		s.logger.Warn("github: a write got no clear answer and the re-read failed; it may have landed",
			"store", s.String(), "err", werr, "reread_err", err)
		return mutation{}, Snapshot{}, stillUnknown
	}
	landed := m.landed
	if landed == nil {
		want := gitBlobSHA(m.content)
		landed = func(Snapshot) (Place, bool) { return m.place, fresh.sha == want }
	}
	if place, ok := landed(fresh.snapshot()); ok {
		s.remember(fresh)
		s.logger.Info("github: write reported failure but landed", "store", s.String(), "err", werr)
		m.place = place
		return m, fresh.snapshot(), nil
	}
	if fresh.sha != cur.sha && m.landed != nil {
		s.remember(fresh)
		return mutation{}, Snapshot{}, &Error{Kind: KindUnavailable, Op: op,
			Err: fmt.Errorf("the write got no clear answer, but the file has changed without it since, so it cannot land: %w", werr)}
	}
	s.logger.Warn("github: a write got no clear answer and has not landed yet; it still may",
		"store", s.String(), "err", werr, "recheck_delay", s.recheckDelay)
	return mutation{}, Snapshot{}, stillUnknown
}

// mayHaveLanded turns the failure of a write call into KindUnknownOutcome
// unless GitHub refused the write: a 4xx (conflict, validation, token,
// rate limit) leaves nothing behind, whereas no answer, a dropped
// connection, a 5xx from GitHub or a proxy, or a success we could not read
// says nothing about whether the commit was made.
func mayHaveLanded(op string, resp *github.Response, err error) error {
	refused := resp != nil && resp.StatusCode >= 400 && resp.StatusCode < 500
	answered2xx := resp != nil && resp.StatusCode >= 200 && resp.StatusCode < 300
	if refused || (KindOf(err) != KindUnavailable && !answered2xx) {
		return err
	}
	return &Error{Kind: KindUnknownOutcome, Op: op, Err: err, RetryAfter: RetryAfter(err)}
}

// putContents replaces the file through the contents API, conditional on the
// blob SHA of base: 1 API call.
func (s *GitHubStore) putContents(ctx context.Context, t target, base *fileState, content []byte, message string) (*fileState, error) {
	op := "github: update " + s.path
	opts := &github.RepositoryContentFileOptions{
		Message: github.String(message),
		Content: content,
		SHA:     github.String(base.sha),
		Branch:  github.String(t.branch),
	}
	var res *github.RepositoryContentResponse
	resp, err := s.call(ctx, op, false, func(ctx context.Context) (resp *github.Response, err error) {
		res, resp, err = s.client.Repositories.UpdateFile(ctx, url.PathEscape(t.owner), url.PathEscape(t.repo), s.urlPath, opts)
		return resp, err
	})
	if err != nil {
		if isShaMismatch(err) {
			return nil, &Error{Kind: KindBusy, Op: op, Err: err}
		}
		return nil, mayHaveLanded(op, resp, err)
	}
	sha := s.ownBlobSHA(content, res.GetContent().GetSHA())
	return &fileState{sha: sha, content: content, loadedAt: time.Now(),
		commit: res.Commit.GetSHA(), commitURL: res.Commit.GetHTMLURL()}, nil
}

// commitViaGitData writes a large file as git does: a tree based on the
// pinned commit's tree that carries the new content inline, a commit whose
// parent is the pinned commit, and a fast-forward-only update of the branch
// (3 API calls; a blob is created first only for content that is not
// UTF-8). The ref update is the compare-and-swap: if the branch moved on,
// GitHub answers 422.
func (s *GitHubStore) commitViaGitData(ctx context.Context, t target, base *fileState, content []byte, message string) (*fileState, error) {
	op := "github: commit " + s.path
	owner, repo := url.PathEscape(t.owner), url.PathEscape(t.repo)

	// The tree carries the new content inline, so GitHub writes the blob
	// itself: one call fewer than creating the blob first. Inline content
	// must be UTF-8, which a valid places file is; anything else goes
	// through a base64 blob.
	entry := &github.TreeEntry{Path: github.String(s.path), Mode: github.String("100644"), Type: github.String("blob")}
	blobSHA := gitBlobSHA(content)
	inline := utf8.Valid(content)
	if !inline {
		var blob *github.Blob
		_, err := s.call(ctx, op+" (blob)", true, func(ctx context.Context) (resp *github.Response, err error) {
			blob, resp, err = s.client.Git.CreateBlob(ctx, owner, repo, &github.Blob{
				Content:  github.String(base64.StdEncoding.EncodeToString(content)),
				Encoding: github.String("base64"),
			})
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		entry.SHA, blobSHA = blob.SHA, s.ownBlobSHA(content, blob.GetSHA())
	}
	var tree *github.Tree
	_, err := s.call(ctx, op+" (tree)", true, func(ctx context.Context) (resp *github.Response, err error) {
		if inline {
			tree, resp, err = s.createTree(ctx, owner, repo, base.pin.tree, s.path, content)
		} else {
			tree, resp, err = s.client.Git.CreateTree(ctx, owner, repo, base.pin.tree, []*github.TreeEntry{entry})
		}
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	var commit *github.Commit
	_, err = s.call(ctx, op+" (commit)", true, func(ctx context.Context) (resp *github.Response, err error) {
		commit, resp, err = s.client.Git.CreateCommit(ctx, owner, repo, &github.Commit{
			Message: github.String(message),
			Tree:    &github.Tree{SHA: tree.SHA},
			Parents: []*github.Commit{{SHA: github.String(base.pin.commit)}},
		}, nil)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	// Only this call can be ambiguous: the blob, tree and commit above are
	// unreachable objects until the branch points at the commit.
	resp, err := s.call(ctx, op+" (update "+t.branch+")", false, func(ctx context.Context) (resp *github.Response, err error) {
		_, resp, err = s.client.Git.UpdateRef(ctx, owner, repo, &github.Reference{
			Ref:    github.String("refs/heads/" + t.branch),
			Object: &github.GitObject{SHA: commit.SHA},
		}, false)
		return resp, err
	})
	if err != nil {
		if isShaMismatch(err) {
			return nil, &Error{Kind: KindBusy, Op: op, Err: err}
		}
		return nil, mayHaveLanded(op, resp, err)
	}
	return &fileState{
		sha:      blobSHA,
		content:  content,
		loadedAt: time.Now(),
		pin:      &headPin{commit: commit.GetSHA(), tree: tree.GetSHA()},
		commit:   commit.GetSHA(), commitURL: commit.GetHTMLURL(),
	}, nil
}

// ownBlobSHA is the version of content this process just wrote. It is
// computed, not taken from the answer: the next compare-and-swap then only
// succeeds if GitHub holds exactly these bytes, so a write never builds on
// content GitHub does not have. A different reported SHA is logged.
func (s *GitHubStore) ownBlobSHA(content []byte, reported string) string {
	sha := gitBlobSHA(content)
	if reported != "" && reported != sha {
		s.logger.Warn("github: GitHub reports a different blob SHA for what we wrote; the next write will re-read",
			"store", s.String(), "reported_sha", reported, "computed_sha", sha, "size", len(content))
	}
	return sha
}

// gitBlobSHA is git's object id for content: SHA-1 of "blob <len>\x00" and
// the bytes. Content is trusted only when it hashes to the SHA GitHub names.
func gitBlobSHA(content []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(content)) + "\x00"))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}
