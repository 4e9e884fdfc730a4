package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	// jsontext is the tokenizer of encoding/json/v2 (GOEXPERIMENT=jsonv2
	// in Go 1.25 and 1.26; swap the import path when it graduates). It
	// refuses repeated keys by default, which encoding/json cannot, and
	// reads tokens about 30 times faster than json.Decoder.Token.
	"github.com/go-json-experiment/json/jsontext"
)

// jsonShape is what checkJSON saw of a document's structure, enough to
// tell the JSON sources apart without decoding them.
type jsonShape struct {
	top byte // '{' or '[' (or another token kind for a lone value)
	// keys are the names of the top-level object's members, or of the
	// first element of a top-level array.
	keys map[string]bool
}

func (s jsonShape) has(names ...string) bool {
	for _, name := range names {
		if s.keys[name] {
			return true
		}
	}
	return false
}

// checkJSON reads a whole JSON document once, before any decoding, and
// refuses what encoding/json would take silently: a key repeated in one
// object (issue 19: the second "features" would win), more than one value,
// and nesting deeper than maxJSONDepth. Invalid UTF-8 is let through, as
// encoding/json reads it (as U+FFFD).
func checkJSON(format string, data []byte) (jsonShape, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowInvalidUTF8(true))
	shape := jsonShape{keys: map[string]bool{}}
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			return shape, nil
		}
		if err != nil {
			return shape, jsonSyntaxError(format, data, err)
		}
		depth := dec.StackDepth()
		if depth > maxJSONDepth {
			line, column := lineColumn(data, dec.InputOffset())
			return shape, errorAt(KindRefused, format, line, column, fmt.Errorf("values nested more than %d deep", maxJSONDepth))
		}
		if _, values := dec.StackIndex(0); values > 1 {
			line, column := lineColumn(data, dec.InputOffset())
			return shape, errorAt(KindMalformed, format, line, column, errors.New("more than one JSON value in the file"))
		}
		if shape.top == 0 {
			shape.top = byte(tok.Kind())
		}
		if tok.Kind() == '"' && shape.isKeyWorthKeeping(dec, depth) {
			shape.keys[tok.String()] = true
		}
	}
}

// isKeyWorthKeeping reports a member name of the top-level object, or of
// the first element of a top-level array.
func (s jsonShape) isKeyWorthKeeping(dec *jsontext.Decoder, depth int) bool {
	kind, length := dec.StackIndex(depth)
	if kind != '{' || length%2 != 1 { // a name is the odd-numbered token of an object
		return false
	}
	if depth == 1 {
		return true
	}
	_, elements := dec.StackIndex(1)
	return depth == 2 && s.top == '[' && elements == 1
}

// jsonSyntaxError words a jsontext error for a person, with the line and
// column it happened at.
func jsonSyntaxError(format string, data []byte, err error) *Error {
	var syntax *jsontext.SyntacticError
	if !errors.As(err, &syntax) {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			line, column := lineColumn(data, int64(len(data)))
			return errorAt(KindMalformed, format, line, column, errFileEndsEarly)
		}
		return newError(KindMalformed, format, err)
	}
	line, column := lineColumn(data, syntax.ByteOffset)
	switch {
	case errors.Is(syntax.Err, jsontext.ErrDuplicateName):
		return errorAt(KindMalformed, format, line, column, fmt.Errorf("the key %q appears twice in one object (at %s): a file must say each thing once", syntax.JSONPointer.LastToken(), syntax.JSONPointer))
	case errors.Is(syntax.Err, io.ErrUnexpectedEOF):
		return errorAt(KindMalformed, format, line, column, errFileEndsEarly)
	}
	return errorAt(KindMalformed, format, line, column, syntax.Err)
}

var errFileEndsEarly = errors.New("the file ends too soon: it may have been cut off while downloading")

// unmarshalJSON decodes a document checkJSON accepted into v.
func unmarshalJSON(format string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return jsonError(format, data, err)
	}
	return nil
}
