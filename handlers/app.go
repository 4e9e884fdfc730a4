package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/events"
	"github.com/whib/whib/geo"
	"github.com/whib/whib/shared"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

const (
	// changesPerMinute bounds GET /changes per client: a page not seen yet
	// costs GitHub reads.
	changesPerMinute = 60

	// maxPlaceBody bounds POST /places: a place is a few short fields and a
	// note of at most 1,000 characters (12 KB at worst, escaped).
	maxPlaceBody = 16 << 10

	// What a client over its rate is told.
	tooManyRequests = "Too many requests from you in a short time. Wait a moment and try again."
	tooManyWrites   = "Too many requests from you in a short time. Wait a moment and try again; nothing was saved."
)

// app holds what the handlers share. It is built once by Routes.
type app struct {
	log         *slog.Logger
	deps        Deps
	cfg         Config
	now         func() time.Time
	publicViews publicViews // the public part of the current snapshot (privacy.go)
	pages       *pageCache
	data        *dataCache
	// headers are every answer's security headers (secureHeaders).
	headers  http.Header
	embedCSP string // the Content-Security-Policy, framable by EmbedOrigins (GET /embed)
	// onLoopback: BASE_URL is this machine, where `go run . -dev` can
	// show the signed-in flow.
	onLoopback   bool
	writeLimiter limit
	loginLimiter limit
	pingLimiter  limit
	pingReloads  *sharedReload
	// Countries and search (countries.go, search.go).
	countries     countryCache
	visitStats    statsCache // visitstats.go
	worldData     worldLayer
	regionsData   regionLayer
	searchLimiter limit
	// The change log reads GitHub for pages it has not seen: bounded per
	// client like search.
	changesLimiter limit
	// live streams the public changes (GET /events, live.go); nil when
	// live updates are off.
	live *events.Broadcaster[store.Snapshot]
}

// Check reports the settings Routes cannot work without. The handlers
// choose no defaults: the caller (internal/whib) passes every value.
func (c Config) Check() error {
	var problems []error
	for _, f := range []struct {
		name string
		ok   bool
	}{
		{"Title", c.Title != ""},
		{"TileURL", c.TileURL != ""},
		{"BaseURL", c.BaseURL != ""},
		{"InlineMarkerLimit", c.InlineMarkerLimit > 0},
		{"ClusterThreshold", c.ClusterThreshold > 0},
		{"ListPageSize", c.ListPageSize > 0},
		{"WritesPerMinute", c.WritesPerMinute > 0},
		{"LoginsPerMinute", c.LoginsPerMinute > 0},
	} {
		if !f.ok {
			problems = append(problems, fmt.Errorf("handlers: Config.%s is not set", f.name))
		}
	}
	return errors.Join(problems...)
}

func newApp(d Deps) *app {
	cfg := d.Config
	if err := cfg.Check(); err != nil {
		// A programming error, like a duplicate route: Build checks first.
		panic(err)
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	logger := d.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if d.Geo == nil {
		d.Geo = geo.NewData()
	}
	if d.Limits == nil {
		d.Limits = shared.NewMemory(shared.Config{Now: now})
	}
	budget := func(name string, perMinute int, tooMany string) limit {
		return limit{Limiter: d.Limits.Limiter(name, perMinute), tooMany: tooMany}
	}
	a := &app{
		log:          logger,
		deps:         d,
		cfg:          cfg,
		now:          now,
		pages:        newPageCache(),
		data:         newDataCache(),
		headers:      secureHeaderValues(contentSecurityPolicy(cfg.TileURL, d.Auth.Issuer()), strings.HasPrefix(cfg.BaseURL, "https://")),
		embedCSP:     embedPolicy(contentSecurityPolicy(cfg.TileURL, d.Auth.Issuer()), cfg.EmbedOrigins),
		writeLimiter: budget("writes", cfg.WritesPerMinute, tooManyWrites),
		loginLimiter: budget("logins", cfg.LoginsPerMinute, tooManyRequests),
		// /ping costs a backend read, so it is bounded like a write, in a
		// bucket of its own so that pings never use up a writer's adds.
		pingLimiter:    budget("pings", cfg.WritesPerMinute, tooManyRequests),
		pingReloads:    &sharedReload{every: pingReloadInterval},
		searchLimiter:  budget("search", searchPerMinute, "Too many searches from you in a short time. Wait a moment and try again."),
		changesLimiter: budget("changes", changesPerMinute, tooManyRequests),
		onLoopback:     isLoopbackURL(cfg.BaseURL),
	}
	a.live = a.startLive()
	return a
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && auth.IsLoopbackHost(u.Hostname())
}

func (a *app) viewAssets() views.Assets {
	return views.Assets{Prefix: a.deps.Assets.Prefix()}
}

// contentSecurityPolicy allows scripts and styles from this site only; the
// page has no inline script (marker data is a JSON block, which is never
// executed). Map tiles come from the tile server's origin.
func contentSecurityPolicy(tileURL, issuer string) string {
	img := "'self' data:"
	if origin := originOf(strings.ReplaceAll(tileURL, "{s}.", "")); origin != "" {
		img += " " + origin
		if strings.Contains(tileURL, "{s}.") {
			if u, err := url.Parse(strings.ReplaceAll(tileURL, "{s}.", "")); err == nil {
				img += " " + u.Scheme + "://*." + u.Host
			}
		}
	}
	formAction := "'self'"
	if origin := originOf(issuer); origin != "" {
		formAction += " " + origin
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src " + img,
		"connect-src 'self'",
		"font-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action " + formAction,
		"frame-ancestors 'none'",
	}, "; ")
}

// embedPolicy is csp with the frame-ancestors GET /embed allows.
func embedPolicy(csp string, origins []string) string {
	ancestors := "'none'"
	if len(origins) > 0 {
		ancestors = strings.Join(origins, " ")
	}
	return strings.Replace(csp, "frame-ancestors 'none'", "frame-ancestors "+ancestors, 1)
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" || strings.ContainsAny(u.Host, "{}") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
