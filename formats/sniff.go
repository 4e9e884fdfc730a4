package formats

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

// content is what the first bytes of an upload say it is.
type content int

const (
	contentEmpty content = iota
	contentText          // a spreadsheet, if anything
	contentXML
	contentJSON
	contentZip
	contentOther // a known kind of file that holds no places: see otherKind
)

// sniff tells what an upload is by its content: the media type and the name
// a browser sends are often wrong (.kml sent as application/octet-stream, a
// Word document renamed .kml), so they only word the errors.
func sniff(data []byte) content {
	if otherKind(data) != "" {
		return contentOther
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return contentZip
	case hasUTF16BOM(data):
		return contentText // Excel's "Unicode text" is a tab-separated sheet
	case !looksLikeText(data):
		return contentOther
	}
	switch firstNonSpace(bytes.TrimPrefix(data, utf8BOM)) {
	case 0:
		return contentEmpty
	case '<':
		return contentXML
	case '{', '[':
		return contentJSON
	}
	return contentText
}

// signatures are the first bytes of files people pick by mistake.
var signatures = []struct {
	prefix, what string
}{
	{"%PDF", "a PDF document"},
	{"\x89PNG", "a PNG image"},
	{"\xFF\xD8\xFF", "a JPEG photo"},
	{"GIF8", "a GIF image"},
	{"{\\rtf", "an RTF document"},
	{"\x1F\x8B", "a compressed .gz file (unpack it first)"},
	{"7z\xBC\xAF", "a 7-Zip archive (unpack it first)"},
	{"Rar!", "a RAR archive (unpack it first)"},
	{"SQLite format 3\x00", "an SQLite database"},
}

// otherKind names a kind of file that holds no places, or says "".
func otherKind(data []byte) string {
	for _, s := range signatures {
		if s.what != "" && bytes.HasPrefix(data, []byte(s.prefix)) {
			return s.what
		}
	}
	if bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
		return oldOfficeKind(data)
	}
	if len(data) > 12 && string(data[4:8]) == "ftyp" {
		return "a photo or video (HEIC, MP4 or MOV)"
	}
	if len(data) > 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		return "a WebP image"
	}
	return ""
}

// oldOfficeKind tells the binary Office formats (.doc, .xls, .ppt) apart by
// the name of their main stream, written in UTF-16.
func oldOfficeKind(data []byte) string {
	utf16 := func(s string) []byte {
		var b []byte
		for _, c := range []byte(s) {
			b = append(b, c, 0)
		}
		return b
	}
	switch {
	case bytes.Contains(data, utf16("WordDocument")):
		return "a Word document"
	case bytes.Contains(data, utf16("Workbook")), bytes.Contains(data, utf16("Book")):
		return "an Excel workbook (save it as CSV to import it)"
	case bytes.Contains(data, utf16("PowerPoint")):
		return "a PowerPoint presentation"
	}
	return "a Microsoft Office document"
}

// looksLikeText reports whether the first kilobytes are text: no NUL, and
// hardly any control characters.
func looksLikeText(data []byte) bool {
	head := data[:min(len(data), 4096)]
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	controls := 0
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			controls++
		}
	}
	return controls*100 <= len(head)
}

func hasUTF16BOM(data []byte) bool {
	return bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF"))
}

// looksLike describes data for a sentence "it looks like …".
func looksLike(data []byte) string {
	if what := otherKind(data); what != "" {
		return what
	}
	switch sniff(data) {
	case contentEmpty:
		return "an empty file"
	case contentZip:
		return "a zip archive"
	case contentXML:
		return "an XML document"
	case contentJSON:
		return "a JSON document"
	case contentText:
		if !utf8.Valid(data[:min(len(data), 4096)]) {
			return "text in an older character set"
		}
		return "plain text"
	}
	return "a binary file of a kind whib does not know"
}

// notWhatItClaims is the error for a file that is something else than
// places: named after what it claimed to be, when it claimed anything.
func notWhatItClaims(kind Kind, hint, what string) *Error {
	if hint == "" {
		return newError(kind, "", fmt.Errorf("this file is %s, not a file of places", what))
	}
	return newError(kind, "", fmt.Errorf("this file is not %s file (it looks like %s)", article(hint), what))
}

func article(format string) string {
	switch format {
	case "":
		return "a"
	case "ZIP":
		return "a zip"
	}
	return "a " + format
}

// errNoPlaces is the error for a readable document of the right syntax
// that is none of the files whib reads.
var errNoPlaces = errors.New("this file holds no places whib can read: send GPX, KML, KMZ, GeoJSON, CSV, or an export from Google (Saved Places, Timeline), Swarm, Polarsteps, Organic Maps or OsmAnd")
