package handlers

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/whib/whib/assets"
	"github.com/whib/whib/auth"
	"github.com/whib/whib/formats"
	"github.com/whib/whib/store"
)

// problem is an error as the app tells it to a client: the status, a
// stable machine-readable code and a sentence a person can act on.
type problem struct {
	Status      int               `json:"-"`
	Code        string            `json:"code"`
	Description string            `json:"description"`
	Fields      map[string]string `json:"fields,omitempty"`
	RequestID   string            `json:"request_id,omitempty"`
	RetryAfter  time.Duration     `json:"-"`
	// Place names the place a 409 clashes on.
	Place string `json:"place,omitempty"`
	// Change names the change behind a 409 (the undo that already undid
	// it) or a 410 (the delete).
	Change string `json:"change,omitempty"`
	// Current is the id the place has now, for a 409 on an id it had
	// before an edit.
	Current string `json:"current,omitempty"`
	// Title heads the error page; "" picks one from the status.
	Title string `json:"-"`
	// authenticate is the WWW-Authenticate challenge for 401/403 (RFC 6750).
	authenticate string
	// Report is an import's account of its rows, when the import was
	// refused for them: API clients see which rows to fix.
	*formats.Report
	// Spreadsheet is how an import read a spreadsheet whose columns it
	// could not tell (choose_columns), for the client to choose them.
	Spreadsheet *formats.Spreadsheet `json:"spreadsheet,omitempty"`
}

// problemFor is the one place that maps a domain error to what the client
// is told. Unknown errors become a 500 whose details stay in the log.
func problemFor(err error) problem {
	// First the errors that wrap those of the other families and add to
	// what they say.
	var signIn signInError
	if errors.As(err, &signIn) {
		p := problemFor(signIn.err)
		p.Title = "Sign-in did not work"
		p.Description += " Go back to the map and log in again."
		return p
	}
	var refusedImport *importError
	if errors.As(err, &refusedImport) && refusedImport.result != nil {
		p := problemFor(refusedImport.err)
		p.Report = &refusedImport.result.report
		return p
	}
	var authErr *auth.Error
	if errors.As(err, &authErr) {
		return authProblem(authErr)
	}
	var storeErr *store.Error
	if errors.As(err, &storeErr) {
		return storeProblem(storeErr)
	}
	var formatsErr *formats.Error
	if errors.As(err, &formatsErr) {
		return formatsProblem(formatsErr)
	}
	switch {
	case errors.Is(err, assets.ErrNotFound):
		return problem{Status: http.StatusNotFound, Code: "not_found", Description: "There is no such file here. Reload the page to get the current ones."}
	case errors.Is(err, assets.ErrMethodNotAllowed):
		return problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Description: "Files are only served to GET and HEAD requests."}
	}
	var ref *refusal
	if errors.As(err, &ref) {
		return problem{Status: ref.status, Code: ref.code, Description: ref.description, authenticate: ref.challenge}
	}
	return problem{
		Status:      http.StatusInternalServerError,
		Code:        "internal_error",
		Description: "Something went wrong on our side; nothing was saved. Please try again.",
	}
}

func authProblem(e *auth.Error) problem {
	switch e.Kind {
	case auth.KindInvalidToken, auth.KindInvalidRequest:
		// RFC 6750: 401 for a bad token or another scheme, 400 for a
		// malformed header, each with its challenge.
		return problem{Status: e.Status(), Code: e.Code, Description: e.Description, authenticate: e.WWWAuthenticate("whib")}
	case auth.KindNotConfigured:
		return problem{Status: http.StatusServiceUnavailable, Code: "auth_not_configured", Description: e.Description}
	case auth.KindUnavailable:
		return problem{Status: http.StatusServiceUnavailable, Code: "auth_unavailable", Description: e.Description, RetryAfter: 30 * time.Second}
	case auth.KindLoginFailed:
		return problem{Status: http.StatusBadRequest, Code: "login_failed", Description: e.Description}
	}
	return problem{Status: http.StatusInternalServerError, Code: "internal_error", Description: "Sign-in failed unexpectedly. Please try again."}
}

func storeProblem(e *store.Error) problem {
	switch e.Kind {
	case store.KindInvalid:
		return problem{Status: http.StatusUnprocessableEntity, Code: "invalid_place", Description: "The place is not valid; see fields.", Fields: e.Fields}
	case store.KindBusy:
		return problem{
			Status: http.StatusServiceUnavailable, Code: "busy",
			Description: "The places file is being changed by someone else right now; nothing was saved. Please try again.",
			RetryAfter:  5 * time.Second,
		}
	case store.KindRateLimited:
		return problem{
			Status: http.StatusServiceUnavailable, Code: "rate_limited",
			Description: "GitHub's rate limit is used up for now; nothing was saved. Please try again later.",
			RetryAfter:  retryAfterOr(e.RetryAfter, time.Minute),
		}
	case store.KindUnavailable:
		return problem{
			Status: http.StatusServiceUnavailable, Code: "storage_unavailable",
			Description: "The places storage cannot be reached right now; nothing was saved. Please try again in a minute.",
			RetryAfter:  retryAfterOr(e.RetryAfter, 30*time.Second),
		}
	case store.KindUnknownOutcome:
		// Not "nothing was saved": the write may have landed. Adding again
		// is safe because a duplicate answers 200 "already on the map".
		return problem{
			Status: http.StatusServiceUnavailable, Code: "outcome_unknown",
			Description: "The places storage did not confirm the write in time, so it may have been saved; adding it again is safe. Please check the map or try again in a moment.",
			RetryAfter:  retryAfterOr(e.RetryAfter, 10*time.Second),
		}
	case store.KindUnauthorized:
		return problem{
			Status: http.StatusBadGateway, Code: "storage_refused",
			Description: "The places storage refused our credentials; nothing was saved. The site owner needs to check GITHUB_TOKEN.",
		}
	case store.KindUnknownID:
		return problem{
			Status: http.StatusNotFound, Code: "not_found",
			Description: "There is no such place or change, or no longer: it was deleted or edited since (an edit gives a place a new id). Reload to see the map as it is now.",
		}
	case store.KindConflict:
		description := "That change clashes with the map as it is now; nothing was saved."
		if e.Err != nil {
			description = sentence(errorText(e.Err)) + " Nothing was saved."
		}
		return problem{Status: http.StatusConflict, Code: "conflict", Description: description, Place: e.Place, Change: e.Change, Current: e.Current}
	case store.KindUnreadable:
		return problem{
			Status: http.StatusServiceUnavailable, Code: "storage_unreadable",
			Description: "The stored places file cannot be read (" + errorText(e.Err) + "), so nothing was saved; the map shows its last good version. The site owner needs to mend the file.",
			RetryAfter:  time.Minute,
		}
	case store.KindPreconditionFailed:
		return problem{
			Status: http.StatusPreconditionFailed, Code: "precondition_failed",
			Description: "The place is no longer as you saw it: it was changed since, so nothing was saved. Reload to see it as it is now.",
		}
	case store.KindPreconditionRequired:
		return problem{
			Status: 428, Code: "precondition_required",
			Description: "This place has an identical twin, so its id alone could name the other one: send If-Match with the ETag of GET /places/{id}. Nothing was saved.",
		}
	case store.KindHistoryBusy:
		return problem{
			Status: http.StatusServiceUnavailable, Code: "history_busy",
			Description: "The history has been read a lot lately, so older changes can be read again in a little while. The map and the newest changes are not affected.",
			RetryAfter:  retryAfterOr(e.RetryAfter, time.Minute),
		}
	case store.KindGone:
		return problem{Status: http.StatusGone, Code: "gone", Description: sentence(errorText(e.Err)), Change: e.Change}
	case store.KindNotFound:
		return problem{
			Status: http.StatusBadGateway, Code: "storage_not_found",
			Description: "The places file or repository was not found; nothing was saved. The site owner needs to check GITHUB_REPO and GITHUB_PATH.",
		}
	}
	return problem{Status: http.StatusInternalServerError, Code: "internal_error", Description: "Something went wrong on our side; nothing was saved. Please try again."}
}

// errorText is the innermost message of err: the one meant for people,
// without the operations wrapped around it.
func errorText(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		var e *store.Error
		if errors.As(next, &e) && e.Err == nil {
			return err.Error()
		}
		err = next
	}
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func retryAfterOr(d, fallback time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return fallback
}

// refusal is a request the handlers themselves turn down before the store
// sees it: wrong content type, oversized body, malformed JSON, no
// permission, too many requests, no such route.
type refusal struct {
	status      int
	code        string
	description string
	// challenge is the WWW-Authenticate value for 401/403 (RFC 6750).
	challenge string
}

func (e *refusal) Error() string { return e.description }

func refuse(status int, code, description string) error {
	return &refusal{status: status, code: code, description: description}
}

// signInError marks a failure of the sign-in callback, whose page says
// so and sends the person back to try again.
type signInError struct{ err error }

func (e signInError) Error() string { return "sign-in: " + e.err.Error() }
func (e signInError) Unwrap() error { return e.err }

func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	if d <= 0 {
		return
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
}
