package githubtest

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// ContentFault is a way a contents-API answer for a file can be wrong while
// still looking like a valid answer: what a proxy that cuts bodies short, a
// Gitea above its blob limit or a buggy mirror sends. The file itself is
// never changed; only what the client is told about it.
type ContentFault int

const (
	// TruncatedContent sends the first 2/3 of the file as base64 (cut at a
	// byte boundary, so it still decodes) with the right sha and size.
	TruncatedContent ContentFault = iota + 1
	// NullContent sends "content": null and "encoding": null with the right
	// size, as Gitea does for files above its blob limit.
	NullContent
	// NoneEncoding sends "encoding": "none" and "content": "" with the right
	// size, as GitHub does above 1 MB, whatever the file's size.
	NoneEncoding
	// MissingSize leaves "size" out and sends no content ("encoding": "none").
	MissingSize
	// WrongSize cuts both the content and "size" to 2/3 of the file, so the
	// answer is consistent in itself and only the sha exposes it.
	WrongSize
)

func (f ContentFault) String() string {
	switch f {
	case TruncatedContent:
		return "truncated content"
	case NullContent:
		return "null content"
	case NoneEncoding:
		return `"encoding": "none"`
	case MissingSize:
		return "missing size"
	case WrongSize:
		return "wrong size"
	}
	return "honest"
}

// ContentFaults lists every fault mode, for tables and random sequences.
var ContentFaults = []ContentFault{TruncatedContent, NullContent, NoneEncoding, MissingSize, WrongSize}

// FaultNextContents makes the next n contents-API answers that carry a file
// (JSON, not raw) wrong in the way f says.
func (s *Server) FaultNextContents(n int, f ContentFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contentFaultN, s.contentFault = n, f
}

// TruncateNextRaw cuts the next n answers that carry a file's raw bytes
// (contents or blob API with the raw media type, or a blob as JSON) to 2/3,
// so a client's second way of reading the file is broken too.
func (s *Server) TruncateNextRaw(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.truncateRawN = n
}

// SlowWriteNext holds the next n writes (PUT contents, PATCH a ref) for d
// before applying and answering them. A client that gives up earlier does
// not stop the write: it lands anyway, as on GitHub, where a timed-out
// request may still commit.
func (s *Server) SlowWriteNext(n int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slowWriteN, s.slowWrite = n, d
}

// applyContentFault rewrites meta (a contents-API answer for content) when a
// fault is pending. Callers hold s.mu.
func (s *Server) applyContentFault(meta map[string]any, content []byte) {
	if s.contentFaultN <= 0 {
		return
	}
	s.contentFaultN--
	short := content[:len(content)*2/3]
	switch s.contentFault {
	case TruncatedContent:
		meta["content"], meta["encoding"] = wrappedBase64(short), "base64"
	case NullContent:
		meta["content"], meta["encoding"] = nil, nil
	case NoneEncoding:
		meta["content"], meta["encoding"] = "", "none"
	case MissingSize:
		delete(meta, "size")
		meta["content"], meta["encoding"] = "", "none"
	case WrongSize:
		meta["content"], meta["encoding"], meta["size"] = wrappedBase64(short), "base64", len(short)
	}
}

// rawContent returns what a raw answer carries: content, or its first 2/3
// when a truncation is pending. Callers hold s.mu.
func (s *Server) rawContent(content []byte) []byte {
	if s.truncateRawN <= 0 {
		return content
	}
	s.truncateRawN--
	return content[:len(content)*2/3]
}

// holdSlowWrite delays a write when SlowWriteNext asked for it. The body is
// read first, so the write can still be applied after the client has hung
// up. It runs before any lock is taken: reads go on meanwhile.
func (s *Server) holdSlowWrite(r *http.Request) {
	if r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return
	}
	s.mu.Lock()
	d := time.Duration(0)
	if s.slowWriteN > 0 {
		s.slowWriteN--
		d = s.slowWrite
	}
	s.mu.Unlock()
	if d <= 0 {
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	time.Sleep(d) // simulated slow backend, not synchronisation
}
