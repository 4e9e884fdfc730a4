package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
)

// call runs one GitHub API call with its own timeout and turns a failure into
// a *Error. Idempotent calls (retry) are repeated up to readRetries times
// after a 5xx or timeout, with jittered backoff. A 304 is not a failure.
func (s *GitHubStore) call(ctx context.Context, op string, retry bool, fn func(context.Context) (*github.Response, error)) (*github.Response, error) {
	for attempt := 0; ; attempt++ {
		callCtx, cancel := context.WithTimeout(ctx, s.callTimeout)
		resp, err := fn(callCtx)
		cancel() // Do has read the body by now
		if err == nil {
			return resp, nil
		}
		if resp != nil && resp.StatusCode == http.StatusNotModified {
			return resp, nil
		}
		e := classifyGitHubError(op, resp, err)
		if !retry || e.Kind != KindUnavailable || attempt >= readRetries || ctx.Err() != nil {
			return resp, e
		}
		s.logger.Debug("github call failed, retrying", "op", op, "attempt", attempt+1, "err", err)
		if sleepCtx(ctx, s.backoff(attempt)) != nil {
			return resp, e
		}
	}
}

// classifyGitHubError maps a go-github error to a kind a caller can act on.
func classifyGitHubError(op string, resp *github.Response, err error) *Error {
	var already *Error
	if errors.As(err, &already) {
		return already
	}
	var rateErr *github.RateLimitError
	if errors.As(err, &rateErr) {
		return &Error{Kind: KindRateLimited, Op: op, Err: err, RetryAfter: untilAtLeast(rateErr.Rate.Reset.Time, time.Second)}
	}
	var abuseErr *github.AbuseRateLimitError
	if errors.As(err, &abuseErr) {
		wait := time.Minute // GitHub's advice when it does not say
		if abuseErr.RetryAfter != nil && *abuseErr.RetryAfter > 0 {
			wait = *abuseErr.RetryAfter
		}
		return &Error{Kind: KindRateLimited, Op: op, Err: err, RetryAfter: wait}
	}
	var respErr *github.ErrorResponse
	if errors.As(err, &respErr) && respErr.Response != nil {
		return classifyStatus(op, respErr.Response, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindUnavailable, Op: op, Err: fmt.Errorf("GitHub did not answer in time: %w", err)}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Kind: KindUnavailable, Op: op, Err: err}
	}
	var netErr net.Error
	var urlErr *url.Error
	if errors.As(err, &netErr) || errors.As(err, &urlErr) {
		return &Error{Kind: KindUnavailable, Op: op, Err: err} // refused, reset, DNS, TLS, client timeout
	}
	return &Error{Kind: KindInternal, Op: op, Err: err} // e.g. a response we could not decode
}

func classifyStatus(op string, resp *http.Response, err error) *Error {
	status := resp.StatusCode
	switch {
	case status == http.StatusUnauthorized:
		return &Error{Kind: KindUnauthorized, Op: op, Err: fmt.Errorf("GitHub rejected the token: %w", err)}
	case status == http.StatusForbidden || status == http.StatusTooManyRequests:
		if wait, limited := rateLimitWait(resp.Header); limited || status == http.StatusTooManyRequests {
			if wait <= 0 {
				wait = time.Minute
			}
			return &Error{Kind: KindRateLimited, Op: op, Err: err, RetryAfter: wait}
		}
		// A 403 without rate-limit headers: the token may not write here.
		return &Error{Kind: KindUnauthorized, Op: op, Err: fmt.Errorf("GitHub refused access with this token: %w", err)}
	case status == http.StatusNotFound:
		return &Error{Kind: KindNotFound, Op: op, Err: err}
	case status == http.StatusConflict && resp.Request != nil && resp.Request.Method == http.MethodGet:
		// A read answers 409 for an empty repository ("Git Repository is
		// empty"): there is no file yet, nobody is competing.
		return &Error{Kind: KindNotFound, Op: op, Err: err}
	case status == http.StatusConflict:
		return &Error{Kind: KindBusy, Op: op, Err: err}
	case status >= 500:
		wait, _ := rateLimitWait(resp.Header)
		return &Error{Kind: KindUnavailable, Op: op, Err: err, RetryAfter: wait}
	}
	return &Error{Kind: KindInternal, Op: op, Err: err}
}

// rateLimitWait reads Retry-After (seconds or an HTTP date) or, when the
// remaining quota is 0, X-RateLimit-Reset (Unix seconds). limited reports
// whether the headers say this is a rate limit.
func rateLimitWait(h http.Header) (wait time.Duration, limited bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.Atoi(v); err == nil {
			return time.Duration(secs) * time.Second, true
		}
		if at, err := http.ParseTime(v); err == nil {
			return untilAtLeast(at, time.Second), true
		}
		return time.Minute, true
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if secs, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return untilAtLeast(time.Unix(secs, 0), time.Second), true
		}
		return time.Minute, true
	}
	return 0, false
}

func untilAtLeast(t time.Time, floor time.Duration) time.Duration {
	return max(time.Until(t), floor)
}

// jitteredBackoff waits about 100ms, 200ms, 400ms … (capped at 2s), each
// between half and the whole of that, so competing writers drift apart.
func jitteredBackoff(attempt int) time.Duration {
	d := 100 * time.Millisecond << min(attempt, 5)
	d = min(d, 2*time.Second)
	return d/2 + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isShaMismatch recognises GitHub's 422 answers to a PUT whose sha is missing
// or stale ("\"sha\" wasn't supplied", "... does not match ...") and to a ref
// update that is not a fast-forward: both mean someone else wrote first.
func isShaMismatch(err error) bool {
	var respErr *github.ErrorResponse
	if !errors.As(err, &respErr) || respErr.Response == nil || respErr.Response.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	msg := strings.ToLower(respErr.Message)
	return strings.Contains(msg, "sha") || strings.Contains(msg, "fast forward") || strings.Contains(msg, "fast-forward")
}
