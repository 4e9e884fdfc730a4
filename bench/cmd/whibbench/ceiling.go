package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// The ceiling is the fastest a Go server can answer GET / on this machine:
// a minimal net/http server that sends the very response whib sent (status,
// headers, body bytes, gzip-compressed when whib compressed it). It runs as
// its own process, like whib, so both get the same runtime and the same
// share of the two cores.

const ceilingCommand = "ceiling"

// ceilingResponse is what the ceiling serves, stored as files in a
// directory so the child process can read it.
type ceilingResponse struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"-"`
}

func (c ceilingResponse) save(dir string) error {
	meta, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "response.json"), meta, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "body"), c.Body, 0o600)
}

func loadCeilingResponse(dir string) (ceilingResponse, error) {
	var c ceilingResponse
	meta, err := os.ReadFile(filepath.Join(dir, "response.json"))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(meta, &c); err != nil {
		return c, err
	}
	c.Body, err = os.ReadFile(filepath.Join(dir, "body"))
	return c, err
}

// serveCeiling is the child process: whibbench ceiling -addr A -dir D.
func serveCeiling(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet(ceilingCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	dir := fs.String("dir", "", "directory with response.json and body")
	if err := fs.Parse(args); err != nil {
		return err
	}
	resp, err := loadCeilingResponse(*dir)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr: *addr,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			h := w.Header()
			for k, v := range resp.Header {
				h[k] = v
			}
			w.WriteHeader(resp.Status)
			_, _ = w.Write(resp.Body)
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(slog.NewTextHandler(stderr, nil), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// startCeiling starts the ceiling child serving resp and waits until it
// answers.
func startCeiling(ctx context.Context, self, dir string, resp ceilingResponse) (*child, string, error) {
	if err := resp.save(dir); err != nil {
		return nil, "", err
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := "127.0.0.1:" + port
	env := []string{}
	for _, name := range []string{"TMPDIR", "GOGC", "GOMAXPROCS", "GODEBUG"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	c, err := startChild(ctx, "ceiling", filepath.Join(dir, "ceiling.log"), env, nil, self, ceilingCommand, "-addr", addr, "-dir", dir)
	if err != nil {
		return nil, "", err
	}
	url := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	if _, err := waitFor(ctx, c, 10*time.Second, 2*time.Millisecond, func() bool {
		return getStatus(ctx, client, url+"/") == resp.Status
	}); err != nil {
		c.stop()
		return nil, "", fmt.Errorf("ceiling server: %w\n%s", err, c.logTail())
	}
	return c, url, nil
}

// fetchedPage is one response exactly as it came over the wire.
type fetchedPage struct {
	ceilingResponse
	HTML []byte // the body decoded (equal to Body when not compressed)
}

// fetchPage GETs url the way the load generator will (same Accept-Encoding)
// and keeps the raw bytes: the transport's transparent decompression is off.
func fetchPage(ctx context.Context, url string, acceptGzip bool) (fetchedPage, error) {
	client := &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{DisableCompression: true},
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fetchedPage{}, err
	}
	if acceptGzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := client.Do(req)
	if err != nil {
		return fetchedPage{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fetchedPage{}, err
	}
	p := fetchedPage{ceilingResponse: ceilingResponse{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body}, HTML: body}
	p.Header.Del("Date") // net/http adds a fresh one
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return p, fmt.Errorf("%s: gzip: %w", url, err)
		}
		if p.HTML, err = io.ReadAll(zr); err != nil {
			return p, fmt.Errorf("%s: gzip: %w", url, err)
		}
	}
	if resp.StatusCode != http.StatusOK {
		return p, fmt.Errorf("%s: status %d", url, resp.StatusCode)
	}
	return p, nil
}
