package auth

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

const (
	sessionCookieName = "whib_session"
	loginCookieName   = "whib_login"
	// hostPrefix pins a Secure cookie to this exact host and path "/" so a
	// sibling subdomain cannot plant one (browsers enforce it).
	hostPrefix = "__Host-"
	// maxCookieBytes keeps a Set-Cookie value well inside browsers' 4 KB limit.
	maxCookieBytes = 3800
)

var errCookieTooLarge = errors.New("auth: cookie would exceed 4 KB")

// cookieKind is one signed and encrypted cookie (the session, or the short
// login state), backed by a gorilla/sessions CookieStore whose codecs hold
// the current and, during a secret rotation, the previous key pair.
type cookieKind struct {
	name  string
	store *sessions.CookieStore
}

func newCookieKind(name, purpose string, lifetime time.Duration, secure bool, secrets ...string) (*cookieKind, error) {
	keys, err := cookieKeys(purpose, secrets...)
	if err != nil {
		return nil, err
	}
	store := sessions.NewCookieStore(keys...)
	store.MaxAge(int(lifetime / time.Second))
	for _, codec := range store.Codecs {
		if sc, ok := codec.(*securecookie.SecureCookie); ok {
			// write and read enforce the size limits themselves, so that
			// startSession can fall back to fewer permissions.
			sc.MaxLength(0)
		}
	}
	// gorilla's defaults (SameSite=None, Secure always, not HttpOnly) do not
	// fit: Lax still sends the cookie on the provider's top-level redirect
	// back to /callback, but not on cross-site POSTs.
	store.Options.Path = "/"
	store.Options.HttpOnly = true
	store.Options.SameSite = http.SameSiteLaxMode
	store.Options.Secure = secure
	if secure {
		name = hostPrefix + name
	}
	return &cookieKind{name: name, store: store}, nil
}

// read decodes the cookie. ok is false when it is absent, tampered with,
// made with an unknown secret, or older than the store's MaxAge.
// sent reports whether r carries this cookie at all, valid or not.
func (c *cookieKind) sent(r *http.Request) bool {
	_, err := r.Cookie(c.name)
	return err == nil
}

func (c *cookieKind) read(r *http.Request) (values map[any]any, ok bool) {
	if cookie, err := r.Cookie(c.name); err != nil || len(cookie.Value) > maxCookieBytes {
		return nil, false
	}
	s, err := c.store.New(r, c.name)
	if err != nil || s.IsNew {
		return nil, false
	}
	return s.Values, true
}

// write replaces the cookie with exactly values: nothing from an earlier
// cookie survives, which is what prevents session fixation. maxAge > 0
// shortens the browser's lifetime of the cookie (a re-issued session ends
// when it was always going to); 0 keeps the store's.
func (c *cookieKind) write(w http.ResponseWriter, values map[any]any, maxAge time.Duration) error {
	encoded, err := securecookie.EncodeMulti(c.name, values, c.store.Codecs...)
	if err != nil {
		return err
	}
	if len(c.name)+len(encoded) > maxCookieBytes {
		return errCookieTooLarge
	}
	opts := *c.store.Options
	if secs := int(maxAge / time.Second); secs > 0 && secs < opts.MaxAge {
		opts.MaxAge = secs
	}
	http.SetCookie(w, sessions.NewCookie(c.name, encoded, &opts))
	return nil
}

// setIn reports whether h already sets this cookie, so a response never
// carries two Set-Cookie lines for it.
func (c *cookieKind) setIn(h http.Header) bool {
	for _, line := range h.Values("Set-Cookie") {
		if strings.HasPrefix(line, c.name+"=") {
			return true
		}
	}
	return false
}

func (c *cookieKind) clear(w http.ResponseWriter) {
	opts := *c.store.Options
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(c.name, "", &opts))
}
