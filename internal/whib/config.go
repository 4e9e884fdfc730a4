package whib

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/handlers"
	"github.com/whib/whib/privacy"
	"github.com/whib/whib/shared"
)

// Defaults that other parts of the module (tools, benchmarks) must agree
// with. The rest live only in LoadConfig.
const (
	// DefaultWritePermission is WRITE_PERMISSION when it is unset.
	DefaultWritePermission = "write:places"
	// DefaultMemoryLimit is the soft memory limit when GOMEMLIMIT is unset.
	DefaultMemoryLimit = 100 << 20
	// DefaultMapTitle is MAP_TITLE when it is unset.
	DefaultMapTitle = "Where I have been"
)

// minSessionTime keeps sessions usable: the cookie is re-issued at most
// once a minute, so a shorter idle timeout would end sessions in use.
const minSessionTime = 5 * time.Minute

// Config is every setting of whib, fully specified: LoadConfig fills it
// from the environment with the defaults, and Build passes it on without
// choosing anything itself. Tools and tests start from LoadConfig too, so
// they run with the defaults a deployment gets. The parts' settings are
// the parts' own Config types, held as they are: nothing is copied field by
// field on the way.
type Config struct {
	Port string

	// Where the places are kept: a local file, or a GitHub repository when
	// GitHubRepo is set.
	PlacesFile      string
	GitHubToken     string
	GitHubRepo      string
	GitHubPath      string
	GitHubBranch    string
	GitHubAPIURL    string
	RefreshInterval time.Duration
	// GitHubTimeout only stops a stuck connection from hanging a goroutine;
	// the store gives each call its own, shorter deadline.
	GitHubTimeout time.Duration

	// Handlers are the route table's settings: tiles, the base URL, what the
	// page shows, cross-origin callers, rate limits.
	Handlers handlers.Config
	// Auth are the sign-in settings. Its HTTPClient and Logger are not
	// settings but dependencies: Build makes them (the client with
	// AuthTimeout). BASE_URL is both parts' BaseURL; Build refuses a Config
	// whose parts disagree on it.
	Auth auth.Config
	// AuthTimeout bounds each call to the identity provider.
	AuthTimeout time.Duration
	// DiscoveryWait bounds how long Build waits for the first discovery; a
	// provider that does not answer is retried in the background.
	DiscoveryWait time.Duration

	// Shared is how instances side by side share change notifications,
	// ended sessions and rate limits: Redis (REDIS_URL), or nothing (this
	// instance's memory). Its Logger is not a setting: Build passes its own.
	Shared shared.Config

	LogLevel slog.Level
	LogJSON  bool
	// MaxConnections caps the connections held open at once; live-update
	// streams count against it (Handlers.MaxStreams, liveStreams).
	MaxConnections int
}

// BaseURL is the site's public address (BASE_URL).
func (c Config) BaseURL() string { return c.Handlers.BaseURL }

// LoadConfig reads the environment through getenv, fills in the defaults
// and checks every value, so that a wrong setting names the variable to
// fix. All problems are reported at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	env := func(name, fallback string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return fallback
	}
	port := env("PORT", "8080")
	baseURL := strings.TrimSuffix(env("BASE_URL", "http://localhost:"+port), "/")
	c := Config{
		Port:          port,
		PlacesFile:    env("PLACES_FILE", "data/places.csv"),
		GitHubToken:   env("GITHUB_TOKEN", ""),
		GitHubRepo:    env("GITHUB_REPO", ""),
		GitHubPath:    env("GITHUB_PATH", "places.csv"),
		GitHubBranch:  env("GITHUB_BRANCH", ""),
		GitHubAPIURL:  env("GITHUB_API_URL", "https://api.github.com/"),
		GitHubTimeout: 60 * time.Second,
		Handlers: handlers.Config{
			Title:           env("MAP_TITLE", DefaultMapTitle),
			Description:     env("MAP_DESCRIPTION", ""),
			BaseURL:         baseURL,
			TileURL:         env("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
			TileAttribution: env("TILE_ATTRIBUTION", `&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`),
			// These shape the page; they are not read from the environment.
			InlineMarkerLimit: 2000,
			ClusterThreshold:  500,
			ListPageSize:      50, // about five phone screens (issue 25)
			CORSOrigins:       splitList(env("CORS_ORIGINS", "")),
			EmbedOrigins:      splitList(env("EMBED_ORIGINS", "*")),
		},
		Auth: auth.Config{
			BaseURL:               baseURL,
			Issuer:                issuerFrom(env("OIDC_ISSUER", ""), env("AUTH0_DOMAIN", env("DOMAIN", ""))),
			ClientID:              env("AUTH0_CLIENT_ID", ""),
			ClientSecret:          env("AUTH0_CLIENT_SECRET", ""),
			Audience:              env("AUTH0_AUDIENCE", env("API_AUDIENCE", "")),
			SessionSecret:         env("SESSION_SECRET", ""),
			SessionSecretPrevious: env("SESSION_SECRET_PREVIOUS", ""),
			WritePermission:       env("WRITE_PERMISSION", DefaultWritePermission),
			Editors:               splitList(env("EDITORS", "")),
			MachineClients:        splitList(env("MACHINE_CLIENTS", "")),
			// Sign-in limits that are not read from the environment. At
			// most one key-set download per 30 s, however many forged
			// tokens arrive.
			EndedSessionsLimit:     10_000,
			JWKSRefetchInterval:    30 * time.Second,
			DiscoveryRetryInterval: 15 * time.Second,
			NotConfiguredHint:      "Sign-in is not set up: set AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_AUDIENCE and SESSION_SECRET.",
		},
		AuthTimeout:   10 * time.Second,
		DiscoveryWait: 5 * time.Second,
		LogJSON:       env("LOG_FORMAT", "text") == "json",
	}
	problems := c.loadNumbers(env, getenv)
	c.Handlers.MaxStreams = liveStreams(c.MaxConnections)
	problems = append(problems, c.loadShared(env)...)
	problems = append(problems, c.loadDurations(env)...)
	problems = append(problems, c.loadPrivacy(env)...)
	problems = append(problems, c.check()...)
	return c, errors.Join(problems...)
}

// loadNumbers reads the switches, counts and the log level.
func (c *Config) loadNumbers(env func(name, fallback string) string, getenv func(string) string) []error {
	var problems []error
	var err error
	// Heroku's router appends the client address to X-Forwarded-For, so on
	// a dyno the header is trusted unless TRUST_PROXY says otherwise.
	if c.Handlers.TrustProxy, err = parseSwitch(env("TRUST_PROXY", strconv.FormatBool(env("DYNO", "") != ""))); err != nil {
		problems = append(problems, fmt.Errorf("TRUST_PROXY: %v", err))
	}
	for _, n := range []struct {
		name, fallback string
		into           *int
	}{
		{"MAX_CONNECTIONS", strconv.Itoa(defaultMaxConnections(memoryLimit(getenv))), &c.MaxConnections},
		{"WRITE_RATE_LIMIT", "30", &c.Handlers.WritesPerMinute},
		{"LOGIN_RATE_LIMIT", "20", &c.Handlers.LoginsPerMinute},
	} {
		if *n.into, err = positiveInt(env(n.name, n.fallback)); err != nil {
			problems = append(problems, fmt.Errorf("%s: %v", n.name, err))
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		problems = append(problems, fmt.Errorf("LOG_LEVEL: %v", err))
	}
	return problems
}

// loadShared reads REDIS_URL and REDIS_VERIFY_TLS. Heroku Key-Value
// Store's rediss:// URL leads to a self-signed certificate, which cannot be
// verified: on a dyno (DYNO is set) the certificate is not checked unless
// REDIS_VERIFY_TLS=true says so; everywhere else it is, unless
// REDIS_VERIFY_TLS=false. The connection is encrypted either way, and
// shared.OpenRedis warns when it does not check.
func (c *Config) loadShared(env func(name, fallback string) string) []error {
	c.Shared.RedisURL = env("REDIS_URL", "")
	verify, err := parseSwitch(env("REDIS_VERIFY_TLS", strconv.FormatBool(env("DYNO", "") == "")))
	if err != nil {
		return []error{fmt.Errorf("REDIS_VERIFY_TLS: %v", err)}
	}
	c.Shared.InsecureSkipVerify = !verify
	return nil
}

// loadPrivacy reads HIDDEN_AREAS, PUBLISH_DELAY and PUBLIC_HISTORY.
func (c *Config) loadPrivacy(env func(name, fallback string) string) []error {
	var problems []error
	var err error
	if c.Handlers.Privacy.Areas, err = privacy.ParseAreas(env("HIDDEN_AREAS", "")); err != nil {
		problems = append(problems, fmt.Errorf("HIDDEN_AREAS: %v (like 47.07,15.44,2km; 48.20,16.37,500m,town)", err))
	}
	if c.Handlers.Privacy.Delay, err = privacy.ParseDelay(env("PUBLISH_DELAY", "")); err != nil {
		problems = append(problems, fmt.Errorf("PUBLISH_DELAY: %v", err))
	}
	if c.Handlers.PublicHistory, err = parseSwitch(env("PUBLIC_HISTORY", "true")); err != nil {
		problems = append(problems, fmt.Errorf("PUBLIC_HISTORY: %v", err))
	}
	return problems
}

// loadDurations reads REFRESH_INTERVAL, SESSION_IDLE_TIMEOUT and SESSION_MAX_AGE.
func (c *Config) loadDurations(env func(name, fallback string) string) []error {
	var problems []error
	for _, s := range []struct {
		name, fallback, example string
		min                     time.Duration
		why                     string
		into                    *time.Duration
	}{
		{"REFRESH_INTERVAL", "30s", "30s or 5m", 5 * time.Second, " so the GitHub rate limit lasts", &c.RefreshInterval},
		{"SESSION_IDLE_TIMEOUT", "2h", "2h or 90m", minSessionTime, "", &c.Auth.SessionIdleTimeout},
		{"SESSION_MAX_AGE", "12h", "2h or 90m", minSessionTime, "", &c.Auth.SessionLifetime},
	} {
		d, err := time.ParseDuration(env(s.name, s.fallback))
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("%s: %v (use a duration such as %s)", s.name, err, s.example))
		case d < s.min:
			problems = append(problems, fmt.Errorf("%s: must be at least %v%s", s.name, s.min, s.why))
		}
		*s.into = d
	}
	if len(problems) == 0 && c.Auth.SessionIdleTimeout > c.Auth.SessionLifetime {
		problems = append(problems, fmt.Errorf("SESSION_IDLE_TIMEOUT: %v is longer than SESSION_MAX_AGE (%v), which always ends a session first", c.Auth.SessionIdleTimeout, c.Auth.SessionLifetime))
	}
	return problems
}

// check is every check of a value's shape that no part makes itself. The
// GitHub repository, path and API URL are checked by the store and the
// sign-in settings by auth, both when Build makes them, before whib listens.
func (c Config) check() []error {
	var problems []error
	if _, err := net.LookupPort("tcp", c.Port); err != nil {
		problems = append(problems, fmt.Errorf("PORT: %q is not a port number", c.Port))
	}
	if u, err := url.Parse(c.BaseURL()); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		problems = append(problems, fmt.Errorf("BASE_URL: %q must be the site's address, like https://whib.example.com", c.BaseURL()))
	}
	if c.GitHubRepo != "" && !strings.Contains(c.GitHubRepo, "/") && c.GitHubToken == "" {
		problems = append(problems, errors.New("GITHUB_REPO: a bare repository name is looked up under the token's user, so GITHUB_TOKEN must be set too"))
	}
	for _, origin := range c.Handlers.CORSOrigins {
		if u, err := url.Parse(origin); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			problems = append(problems, fmt.Errorf("CORS_ORIGINS: %q is not an origin like https://app.example.com", origin))
		}
	}
	for _, origin := range c.Handlers.EmbedOrigins {
		u, err := url.Parse(origin)
		if origin != "*" && (err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || strings.ContainsAny(origin, " ;,'")) {
			problems = append(problems, fmt.Errorf("EMBED_ORIGINS: %q is not * or an origin like https://blog.example.com", origin))
		}
	}
	return problems
}

// memoryLimit is the soft memory limit whib runs under: GOMEMLIMIT as the
// runtime read it, or the default the command sets when it is unset.
func memoryLimit(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") == "" {
		return DefaultMemoryLimit
	}
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 {
		return limit
	}
	return DefaultMemoryLimit // GOMEMLIMIT=off: size connections as for the default
}

// issuerFrom prefers OIDC_ISSUER; an Auth0 domain becomes https://DOMAIN/
// — Auth0's issuer ends with a slash, and go-oidc compares it exactly.
func issuerFrom(oidcIssuer, auth0Domain string) string {
	if oidcIssuer != "" {
		return oidcIssuer
	}
	if auth0Domain == "" {
		return ""
	}
	domain := strings.TrimPrefix(strings.TrimPrefix(auth0Domain, "https://"), "http://")
	return "https://" + strings.TrimSuffix(domain, "/") + "/"
}

// parseSwitch reads an on/off setting.
func parseSwitch(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "on", "yes":
		return true, nil
	case "0", "false", "off", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q must be on or off (true/false)", s)
}

func positiveInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q must be a whole number from 1 up", s)
	}
	return n, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
