// Package redistest runs a real redis-server for tests: Debian's package,
// on a free loopback port, in a temporary directory, with no persistence,
// stopped when the test ends. Tests never skip when it is missing: they
// fail and say how to install it.
package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// readyWait bounds how long redis-server may take to say it is ready; it
// usually takes a few milliseconds.
const readyWait = 10 * time.Second

// portTries is how often a start is retried when another process took the
// free port between choosing it and redis-server binding it.
const portTries = 5

// Server is one redis-server process. Stop and Start simulate Redis going
// away and coming back on the same address.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	opts Options

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// Options make the server look more like a hosted one.
type Options struct {
	// Password is required of clients (requirepass), as hosted Redis does.
	Password string
	// TLS serves only TLS, with a self-signed certificate for 127.0.0.1,
	// as Heroku Key-Value Store does: clients must skip verification.
	TLS bool
}

// Start runs redis-server for the rest of the test, or fails the test.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith runs redis-server with opts for the rest of the test, or
// fails the test.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed, and these tests need a real Redis: " +
			"install Debian's package (apt-get install redis-server), which the test setup (./test.sh) does")
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), opts: opts}
	if opts.TLS {
		if err := writeSelfSigned(s.dir); err != nil {
			t.Fatalf("redistest: self-signed certificate: %v", err)
		}
	}
	var lastErr error
	for range portTries {
		if s.port, err = freePort(); err != nil {
			t.Fatalf("redistest: no free loopback port: %v", err)
		}
		if lastErr = s.start(); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("redistest: redis-server did not start: %v", lastErr)
	return nil
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the server as REDIS_URL would name it, password included:
// redis:// or, with TLS, rediss://.
func (s *Server) URL() string {
	u := url.URL{Scheme: "redis", Host: s.Addr(), Path: "/0"}
	if s.opts.TLS {
		u.Scheme = "rediss"
	}
	if s.opts.Password != "" {
		u.User = url.UserPassword("", s.opts.Password)
	}
	return u.String()
}

// Stop ends the server (SIGKILL: as abrupt as a crash or a network cut)
// and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart starts the server again on the same port, empty, as a Redis
// that lost its memory would come back. It fails the test if it cannot.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: redis-server did not start again on %s: %v", s.Addr(), err)
	}
}

// start runs redis-server and returns once it accepts connections: it
// reads the server's log until "Ready to accept connections" rather than
// polling the port.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.bin, s.args()...)
	setParentDeathSignal(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	ready := make(chan struct{})
	logTail := &tail{}
	go func() {
		watchLog(out, logTail, ready)
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case <-ready:
		s.cmd, s.exited = cmd, exited
		return nil
	case <-exited:
		return fmt.Errorf("redis-server exited at start:\n%s", logTail)
	case <-time.After(readyWait):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("redis-server was not ready after %s:\n%s", readyWait, logTail)
	}
}

func (s *Server) args() []string {
	args := []string{
		"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--dir", s.dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "notice", "--logfile", "",
		"--databases", "1", "--protected-mode", "yes",
	}
	if s.opts.Password != "" {
		args = append(args, "--requirepass", s.opts.Password)
	}
	if s.opts.TLS {
		cert, key := filepath.Join(s.dir, certFile), filepath.Join(s.dir, keyFile)
		args = append(args, "--port", "0", "--tls-port", strconv.Itoa(s.port),
			"--tls-cert-file", cert, "--tls-key-file", key, "--tls-ca-cert-file", cert,
			"--tls-auth-clients", "no")
	}
	return args
}

// watchLog keeps the server's last log lines (for failure messages) and
// closes ready when the server says it accepts connections.
func watchLog(r io.Reader, logTail *tail, ready chan struct{}) {
	sc := bufio.NewScanner(r)
	signalled := false
	for sc.Scan() {
		line := sc.Text()
		logTail.add(line)
		if !signalled && strings.Contains(line, "Ready to accept connections") {
			close(ready)
			signalled = true
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("not a TCP address")
	}
	return addr.Port, nil
}

// tail keeps the last lines of a log.
type tail struct {
	mu    sync.Mutex
	lines []string
}

const tailLines = 20

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
