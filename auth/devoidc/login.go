package devoidc

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	loginPath     = "/login"
	loggedOutPath = "/logged-out"
	maxNameLength = 100
)

// loginPage is the development provider's whole UI. html/template escapes the
// name a person typed wherever it is echoed back.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — whib development provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.75rem 0}input[type=text]{width:100%;font-size:1rem;padding:.4rem}button{font-size:1rem;padding:.4rem 1rem}.error{color:#a00}</style>
</head>
<body>
<main>
<h1>Sign in</h1>
<p>This is the built-in development identity provider: there are no passwords. Type any name.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="` + loginPath + `">
<input type="hidden" name="authRequestID" value="{{.ID}}">
<label for="name">Your name</label>
<input type="text" id="name" name="name" value="{{.Name}}" maxlength="100" required autofocus autocomplete="name">
<label><input type="checkbox" name="may_add" value="yes"{{if .MayAdd}} checked{{end}}> May add places</label>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`))

type loginForm struct {
	ID, Name, Error string
	MayAdd          bool
}

// loginHandler shows the form (GET) and completes the pending auth request
// (POST), then sends the browser back through op's authorize callback, which
// redirects to the client with the code.
type loginHandler struct {
	storage     *storage
	callbackURL string // issuer + "/authorize/callback"
	logger      *slog.Logger
}

func (h *loginHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.render(w, http.StatusOK, loginForm{ID: r.URL.Query().Get("authRequestID"), MayAdd: true})
	case http.MethodPost:
		h.submit(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (h *loginHandler) submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "cannot read the form", http.StatusBadRequest)
		return
	}
	form := loginForm{
		ID:     r.PostForm.Get("authRequestID"),
		Name:   strings.TrimSpace(r.PostForm.Get("name")),
		MayAdd: r.PostForm.Get("may_add") != "",
	}
	if msg := checkName(form.Name); msg != "" {
		form.Error = msg
		h.render(w, http.StatusUnprocessableEntity, form)
		return
	}
	slug := slugify(form.Name)
	p := person{
		subject: "devoidc|" + slug,
		name:    form.Name,
		email:   slug + "@example.test",
		mayAdd:  form.MayAdd,
	}
	if err := h.storage.completeLogin(form.ID, p); err != nil {
		form.Error = "This sign-in request is unknown or has expired. Go back to the app and sign in again."
		h.render(w, http.StatusBadRequest, form)
		return
	}
	h.logger.Info("devoidc: signed in", "subject", p.subject, "may_add_places", p.mayAdd)
	http.Redirect(w, r, h.callbackURL+"?id="+url.QueryEscape(form.ID), http.StatusSeeOther)
}

func (h *loginHandler) render(w http.ResponseWriter, status int, form loginForm) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := loginPage.Execute(w, form); err != nil {
		h.logger.Error("devoidc: render login page", "err", err)
	}
}

func checkName(name string) string {
	switch {
	case name == "":
		return "Please type a name."
	case utf8.RuneCountInString(name) > maxNameLength:
		return "Please use at most 100 characters."
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "The name may not contain control characters."
	}
	return ""
}

// slugify turns a name into the local part of the derived e-mail address and
// the subject: lower-case letters and digits joined by single dashes.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "someone"
	}
	return b.String()
}

func loggedOut(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("You are signed out of the development provider.\n"))
}
