package handlers

import (
	"net/http"

	"github.com/whib/whib/views"
)

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	target, err := a.deps.Auth.StartLogin(w, r)
	if err != nil {
		a.fail(w, r, clientPage, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

func (a *app) callback(w http.ResponseWriter, r *http.Request) {
	returnTo, err := a.deps.Auth.FinishLogin(w, r)
	if err != nil {
		p := problemFor(err)
		a.renderOops(w, r, p.Status, views.Oops{
			Title:   "Sign-in did not work",
			Message: p.Description + " Go back to the map and log in again.",
		})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	target := a.deps.Auth.Logout(w, r)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}
