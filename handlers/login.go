package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/views"
)

// login starts sign-in, but only on BASE_URL's host: the login state
// cookie is set for the host the browser asked, and the provider returns
// to BASE_URL/callback, so a sign-in started at another name for this
// server (127.0.0.1 for localhost, the platform's host for a custom
// domain) would always fail there. Those are sent to BASE_URL's /login.
func (a *app) login(w http.ResponseWriter, r *http.Request) error {
	if canonical, ok := a.onOtherHost(r); ok {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, canonical, http.StatusFound)
		return nil
	}
	target, err := a.deps.Auth.StartLogin(w, r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// onOtherHost returns the request's URL on BASE_URL's host when the
// request came in under another host name.
func (a *app) onOtherHost(r *http.Request) (string, bool) {
	base, err := url.Parse(a.cfg.BaseURL)
	if err != nil || base.Host == "" || strings.EqualFold(base.Host, r.Host) {
		return "", false
	}
	to := url.URL{Scheme: base.Scheme, Host: base.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	return to.String(), true
}

func (a *app) callback(w http.ResponseWriter, r *http.Request) error {
	returnTo, err := a.deps.Auth.FinishLogin(w, r)
	if err != nil {
		return signInError{err}
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
	return nil
}

// logoutPage answers GET /logout with a button: logging out changes state,
// so it takes a POST, which passes the same cross-origin check as every
// other cookie-authenticated write. A link or image on another site
// therefore cannot sign anyone out.
func (a *app) logoutPage(w http.ResponseWriter, r *http.Request) error {
	return a.render(w, r, http.StatusOK, views.LogoutPage(views.Logout{
		Assets:   a.viewAssets(),
		Viewer:   a.viewer(r.Context(), auth.FromContext(r.Context())),
		ReturnTo: auth.SafeReturnTo(r.URL.Query().Get("return_to")),
	}))
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) error {
	target := a.deps.Auth.Logout(w, r)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}
