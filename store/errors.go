package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind says what went wrong in terms a caller can act on; handlers map each
// kind to an HTTP status in one place.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid       // bad input (422)
	KindNotFound      // file/repo missing
	// KindBusy: other writers kept changing the file and compare-and-swap
	// gave up after its retries; nothing was written (503, try again).
	KindBusy
	KindUnauthorized // GitHub rejected our token (401) or refused access (403 without rate limit)
	KindRateLimited  // GitHub 403/429 rate limit (RetryAfter set)
	KindUnavailable  // upstream down / timeout / 5xx; nothing was written
	// KindUnknownOutcome: a write got no clear answer (timeout, dropped
	// connection, 5xx) and a re-check could not tell whether it landed. It
	// may have been saved; adding the same place again is safe, because a
	// duplicate is recognised and not written twice.
	KindUnknownOutcome
	// KindUnknownID: no place (or change) has this id, or no longer: a
	// place's id changes when it is edited (404).
	KindUnknownID
	// KindConflict: the change would clash with the file as it is now: an
	// edit that makes a place the same as another, or an undo of a change
	// whose places have changed since (409). Place names the place.
	KindConflict
	// KindUnreadable: the stored file cannot be read as a places file (an
	// outside edit broke it); nothing is written until it is mended, and
	// the map keeps its last good version (503). The message names the
	// line.
	KindUnreadable
	// KindPreconditionFailed: the place is no longer as the client saw it
	// (its If-Match does not match): nothing was written (412).
	KindPreconditionFailed
	// KindPreconditionRequired: the place has an identical twin, so an id
	// alone could name the other one after a retry; the client must send
	// If-Match (428).
	KindPreconditionRequired
	// KindGone: the place was deleted; Change names the change that did it
	// (410).
	KindGone
	// KindHistoryBusy: the history's share of GitHub calls is used up for
	// now; reading older pages waits (RetryAfter), writes do not (503).
	KindHistoryBusy
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case KindInternal:
		return "internal"
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not found"
	case KindBusy:
		return "busy"
	case KindUnauthorized:
		return "unauthorized"
	case KindRateLimited:
		return "rate limited"
	case KindUnavailable:
		return "unavailable"
	case KindUnknownOutcome:
		return "unknown outcome"
	case KindUnknownID:
		return "unknown id"
	case KindConflict:
		return "conflict"
	case KindUnreadable:
		return "unreadable"
	case KindPreconditionFailed:
		return "precondition failed"
	case KindPreconditionRequired:
		return "precondition required"
	case KindGone:
		return "gone"
	case KindHistoryBusy:
		return "history busy"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the only error type the store returns, so callers can decide with
// KindOf instead of matching messages.
type Error struct {
	Kind       Kind
	Op         string            // "github: update places.csv"
	Err        error             // cause, may be nil
	Fields     map[string]string // KindInvalid only: field name → message for a person
	RetryAfter time.Duration     // KindRateLimited/KindUnavailable/KindUnknownOutcome when known
	Place      string            // KindConflict: the name of the place it clashes on
	// Change names the change behind the error: the undo that already
	// undid a change (KindConflict), the delete of a place (KindGone).
	Change string
	// Current is the id a place has now, when the id asked for is one it
	// had before an edit (KindConflict).
	Current string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	switch {
	case len(e.Fields) > 0:
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(e.Fields[k])
		}
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(e.Kind.String())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf reports the kind of err; KindInternal when err is not (or does not
// wrap) a *Error. KindOf(nil) is KindInternal too; check err != nil first.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// RetryAfter reports how long the caller should wait before trying again;
// zero when unknown.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// wrapErr gives err an operation name while keeping the kind of an inner
// *Error, so a GitHub rate limit stays a rate limit when it surfaces from Add.
func wrapErr(op string, kind Kind, err error) *Error {
	var inner *Error
	if errors.As(err, &inner) {
		return &Error{Kind: inner.Kind, Op: op, Err: err, RetryAfter: inner.RetryAfter, Fields: inner.Fields, Place: inner.Place, Change: inner.Change, Current: inner.Current}
	}
	return &Error{Kind: kind, Op: op, Err: err}
}

// unreadable is the error for a stored file that does not parse: err names
// the line; the message says that nothing is written until it is mended.
func unreadable(op string, err error) *Error {
	return &Error{Kind: KindUnreadable, Op: op,
		Err: fmt.Errorf("not a valid places file, so nothing is written to it until it is mended: %w", err)}
}
