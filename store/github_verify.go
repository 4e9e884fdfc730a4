package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/go-github/v62/github"
)

// unprovenRetryAfter is the hint given when GitHub's answers do not add up
// to the file they name: a proxy or mirror is misbehaving, which is rarely
// over within seconds.
const unprovenRetryAfter = time.Minute

// blobClaim is what a contents answer says the file is. The SHA is git's
// object id of the exact bytes, so content that hashes to it is the stored
// file; the size, when given, is a cross-check that costs nothing.
type blobClaim struct {
	sha  string
	size *int // nil when the answer left it out
}

// check reports how content differs from the claim, or nil when it is the
// claimed blob.
func (c blobClaim) check(content []byte) error {
	if c.size != nil && *c.size != len(content) {
		return fmt.Errorf("got %d bytes, the answer says %d", len(content), *c.size)
	}
	if got := gitBlobSHA(content); got != c.sha {
		return fmt.Errorf("got blob SHA %s, the answer says %s", got, c.sha)
	}
	return nil
}

func (c blobClaim) sizeText() string {
	if c.size == nil {
		return "missing"
	}
	return strconv.Itoa(*c.size)
}

// fileContent returns the file's exact bytes. A write builds on them, so an
// answer cut short would silently drop rows: the inline content is used only
// when it hashes to the SHA GitHub names (and matches the size, when given).
// Otherwise, or when there is none (files over 1 MB, Gitea above its blob
// limit), the raw blob is fetched by that SHA and held to the same test.
// When that fails too, nothing is used: KindUnavailable, and the caller keeps
// what it had.
func (s *GitHubStore) fileContent(ctx context.Context, t target, meta *github.RepositoryContent) ([]byte, error) {
	op := "github: read " + s.path
	claim := blobClaim{sha: meta.GetSHA(), size: meta.Size}
	if claim.sha == "" {
		return nil, &Error{Kind: KindUnavailable, Op: op, Err: errors.New("the answer names no blob SHA, so its content cannot be checked"), RetryAfter: unprovenRetryAfter}
	}
	inline, err := inlineContent(meta)
	if err == nil {
		if err = claim.check(inline); err == nil {
			return inline, nil
		}
	}
	if meta.GetEncoding() == "base64" {
		// The answer claimed to carry the file and did not: worth knowing.
		s.logMismatch("github: inline content is not the file GitHub names; fetching the raw blob", claim, inline, err)
	}
	raw, err := s.rawBlob(ctx, t, claim.sha)
	if err != nil {
		return nil, err
	}
	if err := claim.check(raw); err != nil {
		s.logMismatch("github: refusing the places file: neither the answer nor the raw blob is the file GitHub names; keeping the last good copy, writing nothing", claim, raw, err)
		return nil, &Error{Kind: KindUnavailable, Op: op, Err: fmt.Errorf("content is not the stored file (%w); nothing was used", err), RetryAfter: unprovenRetryAfter}
	}
	return raw, nil
}

// inlineContent decodes the base64 content of a contents answer; an error
// when it carries none (encoding "none", null content) or cannot be decoded.
func inlineContent(meta *github.RepositoryContent) ([]byte, error) {
	if meta.GetEncoding() != "base64" || meta.Content == nil { // not GetContent(), which refuses "none"
		return nil, fmt.Errorf("no inline content (encoding %q)", meta.GetEncoding())
	}
	content, err := base64.StdEncoding.DecodeString(*meta.Content) // skips GitHub's line breaks
	if err != nil {
		return nil, fmt.Errorf("decode base64 content: %w", err)
	}
	return content, nil
}

// rawBlob fetches a blob's bytes by SHA. The blob API is content-addressed,
// so unlike the contents URL it cannot answer with a newer version.
func (s *GitHubStore) rawBlob(ctx context.Context, t target, sha string) ([]byte, error) {
	u := fmt.Sprintf("repos/%s/%s/git/blobs/%s", url.PathEscape(t.owner), url.PathEscape(t.repo), url.PathEscape(sha))
	var buf bytes.Buffer
	_, err := s.call(ctx, "github: read "+s.path+" (raw blob)", true, func(ctx context.Context) (*github.Response, error) {
		req, err := s.client.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/vnd.github.raw")
		buf.Reset()
		return s.client.Do(ctx, req, &buf)
	})
	if err != nil {
		return nil, err
	}
	// The snapshot keeps the content for as long as it is served: a copy
	// of the file's size, not the buffer grown by doubling (8 MB for a
	// 5.5 MB file at 100,000 places, which the collector counts).
	return bytes.Clone(buf.Bytes()), nil
}

func (s *GitHubStore) logMismatch(msg string, claim blobClaim, got []byte, why error) {
	s.logger.Warn(msg, "store", s.String(),
		"reported_sha", claim.sha, "computed_sha", gitBlobSHA(got),
		"reported_size", claim.sizeText(), "size", len(got), "why", why)
}
