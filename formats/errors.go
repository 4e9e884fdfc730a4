package formats

import (
	"errors"
	"fmt"
)

// Kind says why an upload was not read, so a handler can pick a status
// without matching messages.
type Kind int

const (
	KindMalformed       Kind = iota + 1 // not valid for its format (400)
	KindRefused                         // valid but dangerous: DOCTYPE, unsafe zip path, too deep (400)
	KindTooLarge                        // over MaxImportBytes, before or after unzipping (413)
	KindTooMany                         // over MaxImportPlaces places (422)
	KindUnsupportedType                 // a file that is not one Decode reads, whatever it claims (415)
	// KindNeedsColumns is a spreadsheet whose columns could not all be
	// told from its header: Error.Spreadsheet has what the preview needs
	// to ask the person (DecodeOptions.Columns takes the answer).
	KindNeedsColumns
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case KindMalformed:
		return "malformed"
	case KindRefused:
		return "refused"
	case KindTooLarge:
		return "too large"
	case KindTooMany:
		return "too many places"
	case KindUnsupportedType:
		return "unsupported type"
	case KindNeedsColumns:
		return "columns not recognised"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the error Decode returns for anything wrong with the upload
// itself. Line and Column (1-based) say where, when known, so the person can
// find the spot in an editor.
type Error struct {
	Kind   Kind
	Format string // "GPX", "KML", "KMZ", "GeoJSON", "JSON", "CSV", "ZIP", with the archive entry after a zip's; "" when the file is none of them
	Line   int    // 0 when the position is unknown
	Column int
	Err    error
	// Spreadsheet is set for KindNeedsColumns: the sheet as read so far,
	// for a column picker.
	Spreadsheet *Spreadsheet
}

func (e *Error) Error() string {
	msg := e.Kind.String()
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Line > 0 {
		msg = fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, msg)
	}
	if e.Format != "" {
		msg = e.Format + ": " + msg
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf reports the kind of err, or 0 when err is not (and does not wrap)
// an *Error, such as a failure to read the request body.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func newError(kind Kind, format string, err error) *Error {
	return &Error{Kind: kind, Format: format, Err: err}
}

func errorAt(kind Kind, format string, line, column int, err error) *Error {
	return &Error{Kind: kind, Format: format, Line: line, Column: column, Err: err}
}

// tooMany is the error for one place over MaxImportPlaces; stopping at the
// first one keeps a huge file from being read to the end.
func tooMany(format string) *Error {
	return newError(KindTooMany, format, fmt.Errorf("more than %d places", MaxImportPlaces))
}

// lineColumn turns a byte offset into a 1-based line and column (in bytes)
// for errors that only know the offset, such as encoding/json's.
func lineColumn(data []byte, offset int64) (line, column int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, column = 1, 1
	for _, b := range data[:offset] {
		if b == '\n' {
			line, column = line+1, 1
		} else {
			column++
		}
	}
	return line, column
}
