package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/store/githubtest"
)

// startRun runs whib as `go run .` would, with the given environment, and
// returns its base URL once it listens. The server stops with the test.
func startRun(t *testing.T, env map[string]string, args ...string) (string, <-chan error, context.CancelFunc) {
	t.Helper()
	base, _, stopped, cancel := launch(t, env, args...)
	return base, stopped, cancel
}

// launch is startRun that also returns what whib printed before it
// listened (-dev's instructions).
func launch(t *testing.T, env map[string]string, args ...string) (string, string, <-chan error, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, logs := io.Pipe()
	getenv := func(k string) string { return env[k] }
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, getenv, logs, io.Discard)
		logs.Close()
	}()
	type started struct{ base, printed string }
	addr := make(chan started, 1)
	go func() {
		listening := regexp.MustCompile(`address=(http://\S+)`)
		scanner := bufio.NewScanner(out)
		var printed strings.Builder
		for scanner.Scan() {
			if m := listening.FindStringSubmatch(scanner.Text()); m != nil {
				select {
				case addr <- started{m[1], printed.String()}:
				default:
				}
			}
			printed.WriteString(scanner.Text() + "\n")
		}
	}()
	stopped := make(chan error, 1)
	t.Cleanup(func() {
		cancel()
		<-stopped
	})
	go func() {
		err := <-done
		stopped <- err
		close(stopped)
	}()
	select {
	case s := <-addr:
		return s.base, s.printed, stopped, cancel
	case err := <-stopped:
		t.Fatalf("run stopped before listening: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not start listening within 10s")
	}
	return "", "", nil, nil
}

func TestRunServesTheTalksPlacesWithNoConfiguration(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data", "places.csv")
	base, _, _ := startRun(t, map[string]string{"PORT": "0", "PLACES_FILE": file})

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz = %d, want 200", resp.StatusCode)
	}

	resp, err = http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", resp.StatusCode)
	}
	for _, name := range []string{"Graz", "Taipei", "São Paulo", "Ribeirão Preto", "Florianópolis", "Salvador", "Maceió", "Belo Horizonte", "Brasília"} {
		if !strings.Contains(string(body), name) {
			t.Errorf("the map page does not list %s", name)
		}
	}
}

func TestRunStopsCleanlyWhenAskedTo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "places.csv")
	_, done, cancel := startRun(t, map[string]string{"PORT": "0", "PLACES_FILE": file})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after a clean shutdown, want nil", err)
		}
	case <-time.After(shutdownGrace):
		t.Fatal("run did not stop within the shutdown grace period")
	}
}

// SIGTERM ends the live-update streams at once, so that shutdown does not
// wait on them (they never end by themselves) and browsers reconnect to
// another instance; run still returns nil.
func TestSIGTERMEndsTheLiveStreamsCleanly(t *testing.T) {
	file := filepath.Join(t.TempDir(), "places.csv")
	base, done, cancel := startRun(t, map[string]string{"PORT": "0", "PLACES_FILE": file})
	var streams []*apptest.Stream
	for range 3 {
		streams = append(streams, apptest.OpenStream(t, base, "", nil))
	}
	stopping := time.Now()
	cancel()
	for _, s := range streams {
		s.Ended()
	}
	if err := <-done; err != nil {
		t.Fatalf("run returned %v with streams open, want nil", err)
	}
	if took := time.Since(stopping); took > shutdownGrace/2 {
		t.Errorf("shutting down with 3 open streams took %v", took)
	}
}

func TestConfigErrorsNameTheVariableToFix(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"PORT": "eighty"}, nil, "PORT"},
		{map[string]string{"BASE_URL": "example.com"}, nil, "BASE_URL"},
		{map[string]string{"REFRESH_INTERVAL": "soon"}, nil, "REFRESH_INTERVAL"},
		{map[string]string{"REFRESH_INTERVAL": "1s"}, nil, "REFRESH_INTERVAL"},
		{map[string]string{"GITHUB_REPO": "places-repo"}, nil, "GITHUB_TOKEN"},
		{map[string]string{"CORS_ORIGINS": "not an origin"}, nil, "CORS_ORIGINS"},
		{map[string]string{"EMBED_ORIGINS": "https://blog.example.com; script-src *"}, nil, "EMBED_ORIGINS"},
		{map[string]string{"BASE_URL": "http://203.0.113.7:8080"}, []string{"-dev"}, "loopback"},
		{map[string]string{"AUTH0_DOMAIN": "example.eu.auth0.com"}, []string{"-dev"}, "-dev"},
		{map[string]string{"TRUST_PROXY": "maybe"}, nil, "TRUST_PROXY"},
		{map[string]string{"HIDDEN_AREAS": "47.07,15.44,2"}, nil, "HIDDEN_AREAS"},
		{map[string]string{"HIDDEN_AREAS": "47.07,15.44,2km; home"}, nil, "HIDDEN_AREAS"},
		{map[string]string{"PUBLISH_DELAY": "two weeks"}, nil, "PUBLISH_DELAY"},
		{map[string]string{"PUBLIC_HISTORY": "maybe"}, nil, "PUBLIC_HISTORY"},
		{map[string]string{"MAX_CONNECTIONS": "0"}, nil, "MAX_CONNECTIONS"},
	}
	for _, c := range cases {
		_, err := loadConfig(c.args, func(k string) string { return c.env[k] }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("loadConfig(%v, %v) = %v, want an error naming %s", c.args, c.env, err, c.want)
		}
	}
}

func TestTrustProxyFollowsHerokuUnlessSet(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"DYNO": "web.1"}, true},
		{map[string]string{"DYNO": "web.1", "TRUST_PROXY": "off"}, false},
		{map[string]string{"TRUST_PROXY": "true"}, true},
	}
	for _, c := range cases {
		cfg, err := loadConfig(nil, func(k string) string { return c.env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Handlers.TrustProxy != c.want {
			t.Errorf("env %v: TrustProxy = %v, want %v", c.env, cfg.Handlers.TrustProxy, c.want)
		}
	}
}

func TestConnectionCapIsSizedFromTheMemoryLimit(t *testing.T) {
	cfg, err := loadConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// 100 MiB default limit, a quarter of it at 64 KiB a connection; live
	// streams may hold all but a quarter (at least 64) of them.
	if cfg.MaxConnections != 400 || cfg.Handlers.MaxStreams != 300 {
		t.Errorf("MaxConnections = %d, MaxStreams = %d with the default memory limit, want 400 and 300", cfg.MaxConnections, cfg.Handlers.MaxStreams)
	}
	for conns, streams := range map[string]int{"1000": 750, "3000": 2250, "100": 36, "64": 0} {
		cfg, _ = loadConfig(nil, func(k string) string { return map[string]string{"MAX_CONNECTIONS": conns}[k] }, io.Discard)
		if cfg.MaxConnections != atoi(t, conns) || cfg.Handlers.MaxStreams != streams {
			t.Errorf("MAX_CONNECTIONS=%s gives %d connections and %d streams, want %d streams", conns, cfg.MaxConnections, cfg.Handlers.MaxStreams, streams)
		}
	}
}

func TestConfigAcceptsTheTalksVariableNames(t *testing.T) {
	env := map[string]string{"DOMAIN": "jesstemporal.us.auth0.com", "API_AUDIENCE": "https://whib/api"}
	cfg, err := loadConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Auth.Issuer != "https://jesstemporal.us.auth0.com/" {
		t.Errorf("issuer from DOMAIN = %q, want https://jesstemporal.us.auth0.com/ (Auth0's issuer ends in a slash)", cfg.Auth.Issuer)
	}
	if cfg.Auth.Audience != "https://whib/api" {
		t.Errorf("audience from API_AUDIENCE = %q", cfg.Auth.Audience)
	}
}

// TestSIGTERMDuringAWriteFinishesTheWrite stops whib while a place is being
// committed: the write completes and is answered, new connections are
// refused, and run returns well within Heroku's 30 s.
func TestSIGTERMDuringAWriteFinishesTheWrite(t *testing.T) {
	gh := githubtest.New(t, githubtest.WithToken("gh-token"), githubtest.WithRepo("traveller", "places", "main"),
		githubtest.WithFile("places.csv", []byte("name,latitude,longitude\nGraz,47.07,15.44\n")),
		githubtest.WithLatency(300*time.Millisecond))
	// A proxy in front of the fake tells the test when the commit starts.
	writeStarted := make(chan struct{}, 1)
	target, _ := url.Parse(gh.URL)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut || r.Method == http.MethodPost {
			select {
			case writeStarted <- struct{}{}:
			default:
			}
		}
		httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	idp, err := devoidc.Start(t.Context(), devoidc.Options{Addr: "127.0.0.1:0", Audience: "https://whib.test/api",
		WebClientID: "web", WebClientSecret: "web-secret", MachineClientID: "m", MachineClientSecret: "m-secret", Permission: "write:places"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	base, done, stop := startRun(t, map[string]string{
		"PORT": "0", "GITHUB_REPO": "traveller/places", "GITHUB_TOKEN": "gh-token", "GITHUB_API_URL": proxy.URL + "/",
		"OIDC_ISSUER": idp.Issuer(), "AUTH0_CLIENT_ID": "web", "AUTH0_CLIENT_SECRET": "web-secret",
		"AUTH0_AUDIENCE": "https://whib.test/api", "SESSION_SECRET": strings.Repeat("k", 40),
	})
	if resp, err := http.Get(base + "/places"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the first load failed: %v", err)
	}
	token := idp.SignToken(map[string]any{"iss": idp.Issuer(), "aud": []string{"https://whib.test/api"}, "sub": "m@clients",
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(), "permissions": []string{"write:places"}})

	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", base+"/places", strings.NewReader(`{"name":"Vienna","latitude":48.2082,"longitude":16.3738}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select {
	case <-writeStarted:
	case <-time.After(10 * time.Second):
		t.Fatal("the write never reached GitHub")
	}
	stopped := time.Now()
	stop() // what SIGTERM does through signal.NotifyContext

	if status := <-answered; status != http.StatusCreated {
		t.Fatalf("the write in flight was answered %d, want 201", status)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("a new request was served after SIGTERM")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run returned %v", err)
		}
	case <-time.After(shutdownGrace):
		t.Fatal("run did not return within 25 s of SIGTERM")
	}
	t.Logf("stopped %v after SIGTERM", time.Since(stopped).Round(time.Millisecond))
	if !strings.Contains(string(gh.File("places.csv")), "Vienna,48.2082,16.3738\n") {
		t.Errorf("the write was lost:\n%s", gh.File("places.csv"))
	}
}

// TestABadSessionSecretStopsTheStartBeforeListening: every setting is
// checked, sign-in's included, before the port is opened.
func TestABadSessionSecretStopsTheStartBeforeListening(t *testing.T) {
	var out strings.Builder
	err := run(t.Context(), nil, func(k string) string {
		return map[string]string{
			"PORT": "0", "PLACES_FILE": filepath.Join(t.TempDir(), "places.csv"),
			"OIDC_ISSUER": "https://tenant.example/", "AUTH0_CLIENT_ID": "web", "AUTH0_CLIENT_SECRET": "secret",
			"AUTH0_AUDIENCE": "https://whib/api", "SESSION_SECRET": "too-short",
		}[k]
	}, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SESSION_SECRET") {
		t.Fatalf("run = %v, want an error naming SESSION_SECRET", err)
	}
	if strings.Contains(out.String(), "whib is listening") {
		t.Errorf("whib listened before refusing its settings:\n%s", out.String())
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTheDevMachineCurlAddsAPlaceNotOnTheSample runs the commands
// `go run . -dev` prints, in a shell as a reader pastes them: they add a
// place, and one that is nowhere near the sample's, so the map visibly
// gains a pin.
func TestTheDevMachineCurlAddsAPlaceNotOnTheSample(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatalf("this test runs the printed curl commands: %v", err)
	}
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(free.Addr().(*net.TCPAddr).Port)
	free.Close()
	base, printed, _, _ := launch(t, map[string]string{"PORT": port, "PLACES_FILE": filepath.Join(t.TempDir(), "places.csv")}, "-dev")
	sample := placesAt(t, base)

	from := strings.Index(printed, "TOKEN=$(")
	to := strings.Index(printed[max(from, 0):], "/places\n")
	if from < 0 || to < 0 {
		t.Fatalf("-dev printed no token and add commands:\n%s", printed)
	}
	script := printed[from:from+to+len("/places")] + ` -s -o /dev/stderr -w '%{http_code}'`
	var answer strings.Builder
	cmd := exec.CommandContext(t.Context(), "bash", "-c", script)
	cmd.Stderr = &answer
	status, err := cmd.Output()
	if err != nil || string(status) != "201" {
		t.Fatalf("the printed commands answered %q (%v): %s\n%s", status, err, answer.String(), script)
	}
	after := placesAt(t, base)
	if len(after) != len(sample)+1 {
		t.Fatalf("the map has %d places after the printed add, want %d", len(after), len(sample)+1)
	}
	added := after[len(after)-1]
	for _, p := range sample {
		if d := geo.DistanceMeters(p.Latitude, p.Longitude, added.Latitude, added.Longitude); d < 100_000 {
			t.Errorf("the printed curl adds %s, %.0f km from the sample's %s: a visitor sees no new pin", added.Name, d/1000, p.Name)
		}
	}
}

type listedPlace struct {
	Name      string  `json:"name"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

func placesAt(t *testing.T, base string) []listedPlace {
	t.Helper()
	resp, err := http.Get(base + "/places")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var places []listedPlace
	if err := json.NewDecoder(resp.Body).Decode(&places); err != nil {
		t.Fatalf("GET /places: %v", err)
	}
	return places
}
