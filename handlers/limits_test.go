package handlers_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/internal/apptest"
)

// sendHeadersOnly writes a request's head announcing a body of length
// bytes with "Expect: 100-continue", as curl does for large bodies, and
// reads the first answer without sending a byte of the body.
func sendHeadersOnly(t *testing.T, app *apptest.Site, method, path string, header map[string]string, length int) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A deadline, not a wait: a server that waits for the body fails here.
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, strings.TrimPrefix(app.URL, "http://"))
	for k, v := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	fmt.Fprintf(&head, "Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", length)
	if _, err := conn.Write(head.Bytes()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: no answer before the body was sent: %v", method, path, err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	return resp, body.String()
}

// A body over the limit is refused from its Content-Length: the client
// that asked "Expect: 100-continue" reads its 413 instead of "100 Continue"
// followed by a reset while it is still sending.
func TestAnOversizedBodyIsRefusedBeforeItIsSent(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	graz := idOf(t, app, "Graz")
	before := app.GitHub.File("places.csv")
	const twoMB = 2 << 20
	for _, c := range []struct {
		method, path, contentType string
		length                    int
		code                      string
	}{
		{"POST", "/places", "application/json", twoMB, "body_too_large"},
		{"PATCH", "/places/" + graz, "application/json", twoMB, "body_too_large"},
		{"DELETE", "/places/" + graz, "application/json", twoMB, "body_too_large"},
		{"POST", "/changes/0123456789abcdef0123456789abcdef01234567/undo", "application/json", twoMB, "body_too_large"},
		{"POST", "/places/import", "text/csv", 6 << 20, "file_too_large"},
	} {
		header := map[string]string{"Authorization": "Bearer " + token, "Accept": "application/json", "Content-Type": c.contentType}
		resp, body := sendHeadersOnly(t, app, c.method, c.path, header, c.length)
		var problem struct{ Code, Description string }
		_ = json.Unmarshal([]byte(body), &problem)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || problem.Code != c.code || problem.Description == "" {
			t.Errorf("%s %s announcing %d bytes = %d %s, want 413 %s with a description", c.method, c.path, c.length, resp.StatusCode, body, c.code)
		}
	}

	// A browser's form gets the page that says so.
	resp, body := sendHeadersOnly(t, app, "POST", "/places", map[string]string{"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded", "Authorization": "Bearer " + token}, twoMB)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than 16 KB") {
		t.Errorf("a form post announcing 2 MB = %d, want 413 with a page saying why:\n%.500s", resp.StatusCode, body)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a refused body changed the file")
	}
}
