package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/handlers"
)

// config is everything whib reads from its environment, read once at start
// and checked so that a wrong setting names the variable to fix.
type config struct {
	Port    string
	BaseURL string
	Dev     bool

	PlacesFile      string
	GitHubToken     string
	GitHubRepo      string
	GitHubPath      string
	GitHubBranch    string
	GitHubAPIURL    string
	RefreshInterval time.Duration

	TileURL         string
	TileAttribution string

	Issuer                string
	ClientID              string
	ClientSecret          string
	Audience              string
	SessionSecret         string
	SessionSecretPrevious string
	WritePermission       string
	Editors               []string
	MachineClients        []string
	CORSOrigins           []string
	SessionIdleTimeout    time.Duration
	SessionMaxAge         time.Duration

	WritesPerMinute int
	LoginsPerMinute int

	LogLevel   slog.Level
	LogJSON    bool
	TrustProxy bool
	// MaxConnections caps the connections held open at once.
	MaxConnections int
}

func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	flags := flag.NewFlagSet("whib", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dev := flags.Bool("dev", false, "also run a local sign-in provider so the signed-in flow works without an Auth0 tenant (loopback only)")
	if err := flags.Parse(args); err != nil {
		return config{}, err
	}
	env := func(name, fallback string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return fallback
	}
	c := config{
		Port:                  env("PORT", "8080"),
		Dev:                   *dev,
		PlacesFile:            env("PLACES_FILE", "data/places.csv"),
		GitHubToken:           env("GITHUB_TOKEN", ""),
		GitHubRepo:            env("GITHUB_REPO", ""),
		GitHubPath:            env("GITHUB_PATH", "places.csv"),
		GitHubBranch:          env("GITHUB_BRANCH", ""),
		GitHubAPIURL:          env("GITHUB_API_URL", "https://api.github.com/"),
		TileURL:               env("TILE_URL", ""),
		TileAttribution:       env("TILE_ATTRIBUTION", ""),
		ClientID:              env("AUTH0_CLIENT_ID", ""),
		ClientSecret:          env("AUTH0_CLIENT_SECRET", ""),
		Audience:              env("AUTH0_AUDIENCE", env("API_AUDIENCE", "")),
		SessionSecret:         env("SESSION_SECRET", ""),
		SessionSecretPrevious: env("SESSION_SECRET_PREVIOUS", ""),
		WritePermission:       env("WRITE_PERMISSION", "write:places"),
		Editors:               splitList(env("EDITORS", "")),
		MachineClients:        splitList(env("MACHINE_CLIENTS", "")),
		CORSOrigins:           splitList(env("CORS_ORIGINS", "")),
		LogJSON:               env("LOG_FORMAT", "text") == "json",
	}
	var problems []error

	// Heroku's router appends the client address to X-Forwarded-For, so on
	// a dyno the header is trusted unless TRUST_PROXY says otherwise.
	trustProxy, err := parseSwitch(env("TRUST_PROXY", strconv.FormatBool(env("DYNO", "") != "")))
	if err != nil {
		problems = append(problems, fmt.Errorf("TRUST_PROXY: %v", err))
	}
	c.TrustProxy = trustProxy

	c.MaxConnections, err = positiveInt(env("MAX_CONNECTIONS", strconv.Itoa(handlers.DefaultMaxConnections(memoryLimit(getenv)))))
	if err != nil {
		problems = append(problems, fmt.Errorf("MAX_CONNECTIONS: %v", err))
	}

	if _, err := net.LookupPort("tcp", c.Port); err != nil {
		problems = append(problems, fmt.Errorf("PORT: %q is not a port number", c.Port))
	}
	c.BaseURL = strings.TrimSuffix(env("BASE_URL", "http://localhost:"+c.Port), "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		problems = append(problems, fmt.Errorf("BASE_URL: %q must be the site's address, like https://whib.example.com", c.BaseURL))
	}

	interval, err := time.ParseDuration(env("REFRESH_INTERVAL", "30s"))
	switch {
	case err != nil:
		problems = append(problems, fmt.Errorf("REFRESH_INTERVAL: %v (use a duration such as 30s or 5m)", err))
	case interval < 5*time.Second:
		problems = append(problems, errors.New("REFRESH_INTERVAL: must be at least 5s so the GitHub rate limit lasts"))
	}
	c.RefreshInterval = interval

	if c.GitHubRepo != "" {
		if strings.Count(c.GitHubRepo, "/") > 1 || strings.HasPrefix(c.GitHubRepo, "/") || strings.HasSuffix(c.GitHubRepo, "/") {
			problems = append(problems, fmt.Errorf("GITHUB_REPO: %q must be owner/name or a repository name", c.GitHubRepo))
		}
		if !strings.Contains(c.GitHubRepo, "/") && c.GitHubToken == "" {
			problems = append(problems, errors.New("GITHUB_REPO: a bare repository name is looked up under the token's user, so GITHUB_TOKEN must be set too"))
		}
		if u, err := url.Parse(c.GitHubAPIURL); err != nil || u.Scheme == "" || u.Host == "" {
			problems = append(problems, fmt.Errorf("GITHUB_API_URL: %q is not a URL", c.GitHubAPIURL))
		}
	}

	problems = append(problems, c.loadSessionTimes(env)...)

	c.Issuer = issuerFrom(env("OIDC_ISSUER", ""), env("AUTH0_DOMAIN", env("DOMAIN", "")))

	for _, origin := range c.CORSOrigins {
		if u, err := url.Parse(origin); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			problems = append(problems, fmt.Errorf("CORS_ORIGINS: %q is not an origin like https://app.example.com", origin))
		}
	}

	c.WritesPerMinute, err = positiveInt(env("WRITE_RATE_LIMIT", "30"))
	if err != nil {
		problems = append(problems, fmt.Errorf("WRITE_RATE_LIMIT: %v", err))
	}
	c.LoginsPerMinute, err = positiveInt(env("LOGIN_RATE_LIMIT", "20"))
	if err != nil {
		problems = append(problems, fmt.Errorf("LOGIN_RATE_LIMIT: %v", err))
	}

	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		problems = append(problems, fmt.Errorf("LOG_LEVEL: %v", err))
	}
	if c.Dev {
		if err := c.checkDev(); err != nil {
			problems = append(problems, err)
		}
	}
	return c, errors.Join(problems...)
}

// minSessionTime keeps sessions usable: the cookie is re-issued at most
// once a minute, so a shorter idle timeout would end sessions in use.
const minSessionTime = 5 * time.Minute

// loadSessionTimes reads SESSION_IDLE_TIMEOUT and SESSION_MAX_AGE.
func (c *config) loadSessionTimes(env func(name, fallback string) string) []error {
	var problems []error
	for _, s := range []struct {
		name, fallback string
		into           *time.Duration
	}{
		{"SESSION_IDLE_TIMEOUT", "2h", &c.SessionIdleTimeout},
		{"SESSION_MAX_AGE", "12h", &c.SessionMaxAge},
	} {
		d, err := time.ParseDuration(env(s.name, s.fallback))
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("%s: %v (use a duration such as 2h or 90m)", s.name, err))
		case d < minSessionTime:
			problems = append(problems, fmt.Errorf("%s: must be at least %v", s.name, minSessionTime))
		}
		*s.into = d
	}
	if len(problems) == 0 && c.SessionIdleTimeout > c.SessionMaxAge {
		problems = append(problems, fmt.Errorf("SESSION_IDLE_TIMEOUT: %v is longer than SESSION_MAX_AGE (%v), which always ends a session first", c.SessionIdleTimeout, c.SessionMaxAge))
	}
	return problems
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

// checkDev keeps -dev, which signs anyone in, off the open network.
func (c config) checkDev() error {
	u, err := url.Parse(c.BaseURL)
	if err != nil || !auth.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("-dev: BASE_URL %q is not a loopback address; -dev signs anyone in and only runs on this machine", c.BaseURL)
	}
	if c.Issuer != "" {
		return errors.New("-dev: AUTH0_DOMAIN or OIDC_ISSUER is set; -dev brings its own provider, so unset them")
	}
	return nil
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
