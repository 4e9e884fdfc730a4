package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// buildApp compiles whib once per run; every size and instance runs the
// same binary, so build time never counts as start time.
func buildApp(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "whib")
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build the app: %w\n%s", err, out.String())
	}
	return bin, nil
}

// freePort asks the kernel for a free loopback port. The port is released
// before the app binds it; nothing else on a benchmark machine races for it.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

// child is a subprocess the benchmark started. It is stopped with SIGTERM
// (SIGKILL after a grace period) by stop, and killed by the kernel if the
// benchmark itself dies (see setParentDeathSignal).
type child struct {
	name    string
	cmd     *exec.Cmd
	cancel  context.CancelFunc
	started time.Time
	exited  chan struct{}
	waitErr error
	logPath string

	stopOnce sync.Once
}

func startChild(ctx context.Context, name, logPath string, env []string, stdout io.Writer, bin string, args ...string) (*child, error) {
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	setParentDeathSignal(cmd)
	logFile, err := os.Create(logPath)
	if err != nil {
		cancel()
		return nil, err
	}
	cmd.Stderr = logFile
	cmd.Stdout = logFile
	if stdout != nil {
		cmd.Stdout = stdout
	}
	c := &child{name: name, cmd: cmd, cancel: cancel, exited: make(chan struct{}), logPath: logPath}
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		cancel()
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		c.waitErr = cmd.Wait()
		logFile.Close()
		close(c.exited)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop ends the process and waits for it (bounded by cmd.WaitDelay).
func (c *child) stop() {
	c.stopOnce.Do(func() {
		c.cancel()
		<-c.exited
	})
}

// logTail is the end of the process's output, for error messages.
func (c *child) logTail() string {
	b, err := os.ReadFile(c.logPath)
	if err != nil {
		return ""
	}
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}

// app is a running whib process.
type app struct {
	*child
	URL string
	// Healthy is the time from exec until /healthz answered 200.
	Healthy time.Duration
	// FirstPage is the time from exec until GET / answered 200 (the places
	// are loaded from the fake GitHub by then).
	FirstPage time.Duration
}

type appSettings struct {
	bin             string
	logDir          string
	name            string
	githubURL       string
	githubToken     string
	repo            string
	refreshInterval time.Duration
	identity        *identity
	extraEnv        []string
}

func (s appSettings) env(port string) []string {
	env := []string{
		"PORT=" + port,
		"BASE_URL=http://127.0.0.1:" + port,
		"GITHUB_REPO=" + s.repo,
		"GITHUB_TOKEN=" + s.githubToken,
		"GITHUB_API_URL=" + s.githubURL,
		"REFRESH_INTERVAL=" + s.refreshInterval.String(),
		// LOG_LEVEL is left at its default (info), as deployed.
		// A loopback port nothing listens on: the map asks for no tile
		// from the internet, and a refused connection fails fast.
		"TILE_URL=http://127.0.0.1:1/{z}/{x}/{y}.png",
	}
	if s.identity != nil {
		env = append(env, s.identity.appEnv()...)
	}
	// Only what Go itself may want: the app gets no credentials or
	// settings from the environment of whoever runs the benchmark.
	for _, name := range []string{"TMPDIR", "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return append(env, s.extraEnv...)
}

// startApp runs whib and waits until it is healthy and has served the map
// once, timing both from exec.
func startApp(ctx context.Context, s appSettings) (*app, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	c, err := startChild(ctx, s.name, filepath.Join(s.logDir, s.name+".log"), s.env(port), nil, s.bin)
	if err != nil {
		return nil, err
	}
	a := &app{child: c, URL: "http://127.0.0.1:" + port}
	fail := func(err error) (*app, error) {
		a.stop()
		return nil, fmt.Errorf("%s: %w\n--- app output ---\n%s", s.name, err, a.logTail())
	}
	client := &http.Client{Timeout: 2 * time.Second}
	if a.Healthy, err = waitFor(ctx, c, 15*time.Second, 2*time.Millisecond, func() bool {
		return getStatus(ctx, client, a.URL+"/healthz") == http.StatusOK
	}); err != nil {
		return fail(fmt.Errorf("/healthz: %w", err))
	}
	// GET / waits for the first load of the places; one request at a time
	// so the app sees a single visitor.
	pageClient := &http.Client{Timeout: 60 * time.Second}
	if a.FirstPage, err = waitFor(ctx, c, 90*time.Second, 5*time.Millisecond, func() bool {
		return getStatus(ctx, pageClient, a.URL+"/") == http.StatusOK
	}); err != nil {
		return fail(fmt.Errorf("first GET /: %w", err))
	}
	return a, nil
}

// waitFor polls ok until it holds, the process exits, or the deadline
// passes, and returns the time since the process was started. Polling is
// how one waits on another process's readiness.
func waitFor(ctx context.Context, c *child, limit, every time.Duration, ok func() bool) (time.Duration, error) {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if ok() {
			return time.Since(c.started), nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-c.exited:
			return 0, fmt.Errorf("the process exited: %v", c.waitErr)
		case <-deadline.C:
			return 0, fmt.Errorf("not ready after %s", limit)
		case <-tick.C:
		}
	}
}

func getStatus(ctx context.Context, client *http.Client, url string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// memory is the resident memory of a process, from /proc.
type memory struct {
	RSS, Peak int64 // bytes: VmRSS and VmHWM
}

func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return memory{}, err
	}
	var m memory
	for line := range bytes.Lines(b) {
		field, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		var kb int64
		if _, err := fmt.Sscanf(string(bytes.TrimSpace(value)), "%d kB", &kb); err != nil {
			continue
		}
		switch string(field) {
		case "VmRSS":
			m.RSS = kb << 10
		case "VmHWM":
			m.Peak = kb << 10
		}
	}
	if m.RSS == 0 {
		return m, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
	}
	return m, nil
}
