package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"

	"github.com/whib/whib/formats"
)

// importOverhead is what a multipart upload may add around the file: the
// boundary, the part headers and the preview's choices (columns, groups,
// names typed for rows without one).
const importOverhead = 256 << 10

// upload is what POST /places/import was sent: the file, and the choices
// made in the preview, from the query (API clients) and the form's other
// fields (the page), which are only ever used for this one request.
type upload struct {
	data      []byte
	mediaType string
	filename  string // as the browser named it, "" for a body upload
	choices   url.Values
}

// readUpload reads the file: the body itself with its media type, or the
// multipart field "file" a browser sends, with the form's other fields.
func readUpload(r *http.Request) (upload, error) {
	media, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		media = ""
	}
	up := upload{choices: r.URL.Query(), mediaType: media}
	if media != "multipart/form-data" {
		up.data, err = readFile(r.Body)
		return up, err
	}
	if params["boundary"] == "" {
		return up, refuse(http.StatusBadRequest, "malformed_body", "The multipart upload has no boundary.")
	}
	if err := up.readParts(multipart.NewReader(r.Body, params["boundary"])); err != nil {
		return up, err
	}
	if up.data == nil {
		return up, refuse(http.StatusBadRequest, "no_file", `Send the file in the form field "file".`)
	}
	return up, nil
}

// readParts keeps the part named "file" as the file, refusing a second
// one, and every other field as a choice, within importOverhead.
func (up *upload) readParts(mr *multipart.Reader) error {
	budget := int64(importOverhead)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return readError(err)
		}
		switch {
		case part.FormName() == "file" && up.data != nil:
			// Which of two files a person meant cannot be guessed.
			return refuse(http.StatusBadRequest, "more_than_one_file",
				`The upload holds more than one file in the form field "file"; send one file at a time. Nothing was imported.`)
		case part.FormName() == "file":
			up.mediaType, up.filename = part.Header.Get("Content-Type"), partFilename(part)
			if up.data, err = readFile(part); err != nil {
				return err
			}
		case part.FormName() != "":
			value, err := io.ReadAll(io.LimitReader(part, budget+1))
			if budget -= int64(len(value)); err != nil || budget < 0 {
				return refuse(http.StatusRequestEntityTooLarge, "fields_too_large",
					fmt.Sprintf("The form's fields besides the file are larger than %d KB.", importOverhead>>10))
			}
			up.choices.Add(part.FormName(), string(value))
		}
	}
}

func partFilename(part *multipart.Part) string {
	name := path.Base(part.FileName())
	if name == "." || name == "/" {
		return ""
	}
	return name
}

// readFile reads at most one byte past formats.MaxImportBytes, so that
// formats refuses a file that is too large with its own words.
func readFile(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, formats.MaxImportBytes+1))
	if err != nil {
		return nil, readError(err)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// decode reads the file with the person's choices.
func (up upload) decode(opts formats.DecodeOptions) (formats.Import, error) {
	imp, err := formats.DecodeWith(bytes.NewReader(up.data), up.mediaType, up.filename, opts)
	return imp, uploadError(err)
}

// uploadError turns a body that ran past the limit into a 413.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &formats.Error{Kind: formats.KindTooLarge, Err: fmt.Errorf("the file is larger than %d MB", formats.MaxImportBytes>>20)}
	}
	return err
}

// readError is a failure to read the request: too large, or broken.
func readError(err error) error {
	if err = uploadError(err); formats.KindOf(err) == formats.KindTooLarge {
		return err
	}
	return bodyError(err, "The upload could not be read.")
}
