package formats

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/encoding/htmlindex"
)

// xmlReader hands out the tokens of an XML upload one by one and refuses
// what could make a parser do more than read: any directive (DOCTYPE and
// the ENTITY declarations that live inside it), nesting deeper than
// maxXMLDepth. encoding/xml never fetches external entities and expands
// only the five predefined ones when Entity is nil, so refusing DOCTYPE is
// belt and braces; it also tells the person plainly why.
type xmlReader struct {
	format  string
	decoder *xml.Decoder
	depth   int
	sawRoot bool
}

func newXMLReader(format string, data []byte) *xmlReader {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = nil
	d.CharsetReader = charsetReader
	return &xmlReader{format: format, decoder: d}
}

// charsetReader lets older GPS software's ISO-8859-1 or windows-1252 files
// in; encoding/xml alone reads only UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unknown character encoding %q", label)
	}
	return enc.NewDecoder().Reader(input), nil
}

// next returns the next token, io.EOF after a complete document, or an
// *Error that says where the document went wrong.
func (x *xmlReader) next() (xml.Token, error) {
	tok, err := x.decoder.Token()
	if err == io.EOF {
		if !x.sawRoot {
			return nil, x.errorHere(KindMalformed, errors.New("no XML element found"))
		}
		return nil, io.EOF
	}
	if err != nil {
		return nil, x.errorHere(KindMalformed, err)
	}
	switch t := tok.(type) {
	case xml.Directive:
		return nil, x.errorHere(KindRefused, fmt.Errorf("DOCTYPE and entity declarations are not accepted (<!%s>)", firstWord(t)))
	case xml.StartElement:
		x.depth++
		x.sawRoot = true
		if x.depth > maxXMLDepth {
			return nil, x.errorHere(KindRefused, fmt.Errorf("elements nested more than %d deep", maxXMLDepth))
		}
	case xml.EndElement:
		x.depth--
	}
	return tok, nil
}

// root reads up to the first element and returns it, so the caller can
// tell a GPX from a KML, and each from an XML file of another kind.
func (x *xmlReader) root() (xml.StartElement, error) {
	for {
		tok, err := x.next()
		if err != nil {
			return xml.StartElement{}, err
		}
		if start, ok := tok.(xml.StartElement); ok {
			return start, nil
		}
	}
}

func (x *xmlReader) errorHere(kind Kind, err error) *Error {
	line, column := x.decoder.InputPos()
	var syntax *xml.SyntaxError
	if errors.As(err, &syntax) {
		err = errors.New(syntax.Msg) // its own "line N" would repeat ours
	}
	return errorAt(kind, x.format, line, column, err)
}

func firstWord(d xml.Directive) string {
	word, _, _ := bytes.Cut(bytes.TrimSpace(d), []byte(" "))
	if len(word) > 20 {
		word = word[:20]
	}
	return string(word)
}

// textCollector gathers the character data of one element, whether plain
// or CDATA, split over however many tokens.
type textCollector struct {
	depth int // depth of the element being read; 0 when none
	buf   []byte
}

func (c *textCollector) start(depth int) { c.depth, c.buf = depth, c.buf[:0] }

func (c *textCollector) add(tok xml.Token, depth int) {
	if data, ok := tok.(xml.CharData); ok && c.depth != 0 && depth == c.depth {
		c.buf = append(c.buf, data...)
	}
}

// end returns the text when the element being collected closes at depth.
func (c *textCollector) end(depth int) (string, bool) {
	if c.depth == 0 || depth != c.depth-1 {
		return "", false
	}
	c.depth = 0
	return string(c.buf), true
}
