package store

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/google/go-github/v62/github"
)

// treeChunk is how much of a file is escaped at a time; each chunk ends at
// a line's end, or else where a character begins, never inside one.
const treeChunk = 64 << 10

// createTree is Git.CreateTree for one file with its content inline, the
// request body written once into a buffer of its size. go-github would
// encode it through a copy of the content as a string, the entry's own
// JSON and two growing buffers: 30 MB of garbage for a 5 MB file, made
// while the old and the new versions of the places are both in memory,
// which is what set the peak of a process at 100,000 places.
func (s *GitHubStore) createTree(ctx context.Context, owner, repo, baseTree, path string, content []byte) (*github.Tree, *github.Response, error) {
	body, err := treeBody(baseTree, path, content)
	if err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest(http.MethodPost, "repos/"+owner+"/"+repo+"/git/trees", nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.Body, _ = req.GetBody()
	tree := new(github.Tree)
	resp, err := s.client.Do(ctx, req, tree)
	if err != nil {
		return nil, resp, err
	}
	return tree, resp, nil
}

// treeBody is the JSON of a tree on baseTree with the file at path holding
// content (valid UTF-8), escaped by encoding/json a chunk at a time.
func treeBody(baseTree, path string, content []byte) ([]byte, error) {
	head, err := json.Marshal(struct {
		Path     string `json:"path"`
		BaseTree string `json:"base_tree,omitempty"`
	}{path, baseTree})
	if err != nil {
		return nil, err
	}
	// {"path":…,"base_tree":…} becomes
	// {"tree":[{"path":…,"mode":…,"type":…,"content":"…"}],"base_tree":…}.
	fields := head[1 : len(head)-1]
	rest := []byte{}
	if i := bytes.Index(fields, []byte(`,"base_tree":`)); i >= 0 {
		fields, rest = fields[:i], fields[i:]
	}
	const open, entry, end = `{"tree":[{`, `,"mode":"100644","type":"blob","content":"`, `"}]`
	body := make([]byte, 0, len(open)+len(fields)+len(entry)+escapedLen(content)+len(end)+len(rest)+1)
	body = append(body, open...)
	body = append(body, fields...)
	body = append(body, entry...)
	var chunk bytes.Buffer
	enc := json.NewEncoder(&chunk)
	enc.SetEscapeHTML(false)
	for len(content) > 0 {
		n := chunkEnd(content)
		chunk.Reset()
		if err := enc.Encode(string(content[:n])); err != nil {
			return nil, err
		}
		escaped := bytes.TrimSuffix(chunk.Bytes(), []byte("\n"))
		body = append(body, escaped[1:len(escaped)-1]...) // without its quotes
		content = content[n:]
	}
	body = append(body, end...)
	body = append(body, rest...)
	return append(body, '}'), nil
}

// escapedLen is how long content is as a JSON string's inside, as
// encoding/json writes it without HTML escaping, so the body is made once.
func escapedLen(content []byte) int {
	n := len(content)
	for _, c := range content {
		switch {
		case c == '"', c == '\\', c == '\n', c == '\r', c == '\t', c == '\b', c == '\f':
			n++ // \" \\ \n …
		case c < 0x20:
			n += 5 // \u00XX
		}
	}
	// U+2028 and U+2029 (3 bytes each) are written \u2028 and \u2029.
	return n + 3*(bytes.Count(content, []byte("\u2028"))+bytes.Count(content, []byte("\u2029")))
}

// chunkEnd is where the first chunk of content ends.
func chunkEnd(content []byte) int {
	if len(content) <= treeChunk {
		return len(content)
	}
	if i := bytes.LastIndexByte(content[:treeChunk], '\n'); i >= 0 {
		return i + 1
	}
	n := treeChunk
	for n > 0 && !utf8.RuneStart(content[n]) {
		n--
	}
	return n
}
