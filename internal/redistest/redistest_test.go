package redistest

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// ping speaks just enough RESP to ask the server whether it is there.
func ping(addr string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimSpace(line), err
}

func TestServerAnswersStopsAndComesBackOnTheSameAddress(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.URL(), "redis://127.0.0.1:") {
		t.Fatalf("URL = %q, want a loopback redis:// URL", s.URL())
	}
	if got, err := ping(s.Addr()); err != nil || got != "+PONG" {
		t.Fatalf("PING = %q, %v; want +PONG", got, err)
	}
	s.Stop()
	if _, err := ping(s.Addr()); err == nil {
		t.Fatal("the stopped server still answers")
	}
	s.Restart()
	if got, err := ping(s.Addr()); err != nil || got != "+PONG" {
		t.Fatalf("after Restart, PING = %q, %v; want +PONG", got, err)
	}
}

// fatalRecorder stands in for a test to see what Start says when it fails.
type fatalRecorder struct {
	testing.TB
	message string
}

type fatalled struct{}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.message = fmt.Sprintf(format, args...)
	panic(fatalled{})
}

func TestMissingRedisServerFailsAndSaysHowToInstallIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	rec := &fatalRecorder{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(fatalled); !ok {
					panic(r)
				}
			}
		}()
		Start(rec)
	}()
	if !strings.Contains(rec.message, "apt-get install redis-server") {
		t.Fatalf("Start without redis-server said %q; want a failure naming the package to install", rec.message)
	}
}

func TestTLSServerWithPasswordSpeaksOnlyTLS(t *testing.T) {
	s := StartWith(t, Options{TLS: true, Password: "s3cret"})
	if want := "rediss://:s3cret@" + s.Addr() + "/0"; s.URL() != want {
		t.Fatalf("URL = %q, want %q", s.URL(), want)
	}
	conn, err := tls.Dial("tcp", s.Addr(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("TLS handshake with the server: %v", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.HasPrefix(line, "-NOAUTH") {
		t.Fatalf("PING without the password answered %q, want -NOAUTH", line)
	}
	if _, err := ping(s.Addr()); err == nil {
		t.Fatal("the TLS server answered a plain-text PING")
	}
}
