package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func asError(err error, target **Error) bool { return errors.As(err, target) }

func TestKindOfAndRetryAfterSeeThroughWrapping(t *testing.T) {
	inner := &Error{Kind: KindRateLimited, Op: "github: read places.csv", RetryAfter: 42 * time.Second, Err: errors.New("API rate limit exceeded")}
	err := fmt.Errorf("refresh: %w", wrapErr("github: add", KindInternal, inner))
	if KindOf(err) != KindRateLimited {
		t.Errorf("KindOf = %v, want rate limited", KindOf(err))
	}
	if RetryAfter(err) != 42*time.Second {
		t.Errorf("RetryAfter = %v, want 42s", RetryAfter(err))
	}
	if KindOf(errors.New("plain")) != KindInternal || RetryAfter(errors.New("plain")) != 0 {
		t.Error("a plain error must be internal with no retry hint")
	}
	if got := err.Error(); got != "refresh: github: add: github: read places.csv: API rate limit exceeded" {
		t.Errorf("message = %q", got)
	}
}

func TestUnknownOutcomeIsItsOwnKind(t *testing.T) {
	err := &Error{Kind: KindUnknownOutcome, Op: "github: update places.csv", Err: errors.New("the write may have landed: timeout")}
	if KindUnknownOutcome.String() != "unknown outcome" || KindOf(fmt.Errorf("add: %w", err)) != KindUnknownOutcome {
		t.Errorf("String = %q, KindOf = %v", KindUnknownOutcome.String(), KindOf(err))
	}
}
