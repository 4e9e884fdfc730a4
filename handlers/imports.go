package handlers

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"

	"github.com/a-h/templ"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/formats"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// importOverhead is what a multipart upload adds around the file: the
// boundary and part headers.
const importOverhead = 64 << 10

// importPlaces is POST /places/import: a GPX, KML, KMZ, GeoJSON or CSV file
// as the body (or as the multipart field "file" from a browser), checked
// row by row like single adds and written as one commit. Its failures are
// told in the import panel (importError).
func (a *app) importPlaces(w http.ResponseWriter, r *http.Request) error {
	res, err := a.runImport(w, r)
	if err != nil {
		return &importError{err: err, result: res}
	}
	return a.answerImport(w, r, res)
}

// runImport reads the file and writes what is new in it, unless asked for a
// dry run. A file with invalid rows is refused with its result, unless the
// client said to skip them.
func (a *app) runImport(w http.ResponseWriter, r *http.Request) (*importResult, error) {
	q := r.URL.Query()
	dryRun, err1 := queryBool(q.Get("dry_run"), "dry_run")
	skipInvalid, err2 := queryBool(q.Get("skip_invalid"), "skip_invalid")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	if err := boundBody(w, r, formats.MaxImportBytes+importOverhead); err != nil {
		return nil, uploadError(err)
	}
	imp, filename, err := decodeUpload(r)
	if err != nil {
		return nil, err
	}
	snap, _, err := a.snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	plan := formats.ClassifyVisits(imp, snap.Index())
	res := &importResult{report: plan.Report, plan: plan, dryRun: dryRun, snap: snap}
	switch {
	case len(res.report.Invalid) > 0 && !skipInvalid:
		return res, refuse(http.StatusUnprocessableEntity, "invalid_rows", invalidRowsDescription(len(res.report.Invalid)))
	case dryRun || len(plan.Add) == 0:
		return res, nil
	}
	res.dryRun = false
	written, err := a.deps.Places.AddMany(r.Context(), plan.Add, importSummary(len(plan.Add), filename), author(r))
	if err != nil {
		return nil, err
	}
	res.report.Added = 0
	if written.Changed {
		res.committed = true
		res.report.Added = len(written.Change.After)
		res.report.Change = "/changes/" + written.Change.ID
		res.added, res.snap, res.change = written.Change.After, written.Snapshot, written.Change
		a.log.Info("places imported", "request_id", requestIDFrom(r.Context()), "places", res.report.Added,
			"by", auth.FromContext(r.Context()).Who.String(), "version", written.Snapshot.Version)
	}
	return res, nil
}

// importResult is what an import answer shows.
type importResult struct {
	report    formats.Report
	plan      formats.Plan
	dryRun    bool
	committed bool // the places were written (201)
	snap      store.Snapshot
	added     []store.Place // as stored, after a commit
	change    store.Change  // the commit's change, which an Undo takes back
}

func (a *app) answerImport(w http.ResponseWriter, r *http.Request, res *importResult) error {
	status := http.StatusOK
	if res.committed {
		status = http.StatusCreated
	}
	switch shapeOf(r) {
	case shapeJSON:
		return writeJSON(w, status, res.report)
	case shapeHTMX:
		m := res.model()
		if m.Committed {
			var changed placesChanged
			changed, m.Added = a.changedPlaces(res.snap, []string{}, res.added)
			w.Header().Set("HX-Trigger", triggerJSON(placesChangedEvent, changed))
			m.Total, m.Geo = len(res.snap.Places), a.geoView(res.snap)
			m.Undo = undoOf(res.change, false)
		}
		return a.render(w, r, status, views.ImportReport(m))
	}
	http.Redirect(w, r, "/#places", http.StatusSeeOther)
	return nil
}

func (res *importResult) model() views.ImportModel {
	return views.ImportModel{Report: res.report, New: res.plan.Add, Near: res.plan.Near, DryRun: res.dryRun, Committed: res.committed}
}

// importError is an import refused before anything was written. The
// import panel says why (htmx): the report of the rows when they were the
// reason, else the problem; API clients get that report with the problem
// (problemFor).
type importError struct {
	err    error
	result *importResult // nil when the file itself could not be read
}

func (e *importError) Error() string { return e.err.Error() }
func (e *importError) Unwrap() error { return e.err }

func (e *importError) fragment(p problem) templ.Component {
	if e.result != nil {
		return views.ImportReport(e.result.model())
	}
	return views.ImportProblem(withRequestID(p))
}

func invalidRowsDescription(n int) string {
	rows := fmt.Sprintf("%d rows are not valid places", n)
	if n == 1 {
		rows = "1 row is not a valid place"
	}
	return rows + ", so nothing was imported; see invalid. Fix them, or import the rest with ?skip_invalid=true."
}

func importSummary(n int, filename string) string {
	s := "Import " + strconv.Itoa(n) + " places"
	if n == 1 {
		s = "Import 1 place"
	}
	if filename != "" {
		s += " from " + filename
	}
	return s
}

// decodeUpload reads the file: the body itself with its media type, or the
// multipart field "file" a browser sends, once.
func decodeUpload(r *http.Request) (formats.Import, string, error) {
	media, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		media = ""
	}
	if media != "multipart/form-data" {
		imp, err := formats.Decode(r.Body, media, "")
		return imp, "", uploadError(err)
	}
	if params["boundary"] == "" {
		return formats.Import{}, "", refuse(http.StatusBadRequest, "malformed_body", "The multipart upload has no boundary.")
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return formats.Import{}, "", refuse(http.StatusBadRequest, "no_file", `Send the file in the form field "file".`)
		}
		if err != nil {
			return formats.Import{}, "", uploadError(bodyError(err, "The upload could not be read."))
		}
		if part.FormName() != "file" {
			continue
		}
		filename := path.Base(part.FileName())
		if filename == "." || filename == "/" {
			filename = ""
		}
		imp, err := formats.Decode(part, part.Header.Get("Content-Type"), filename)
		if err != nil {
			return formats.Import{}, "", uploadError(err)
		}
		return imp, oneLineName(filename), noOtherFile(mr)
	}
}

// noOtherFile reads the rest of an upload whose file was read, refusing a
// second "file" part: which of two files a person meant cannot be guessed.
func noOtherFile(mr *multipart.Reader) error {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return uploadError(bodyError(err, "The upload could not be read."))
		}
		if part.FormName() == "file" {
			return refuse(http.StatusBadRequest, "more_than_one_file",
				`The upload holds more than one file in the form field "file"; send one file at a time. Nothing was imported.`)
		}
	}
}

// uploadError turns a body that ran past the limit into a 413.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &formats.Error{Kind: formats.KindTooLarge, Err: fmt.Errorf("the file is larger than %d MB", formats.MaxImportBytes>>20)}
	}
	return err
}

// oneLineName keeps a file name fit for a commit message's first line.
func oneLineName(name string) string {
	const maxRunes = 80
	runes := []rune(name)
	for i, r := range runes {
		if r < ' ' || r == 0x7f {
			runes[i] = ' '
		}
	}
	if len(runes) > maxRunes {
		runes = append(runes[:maxRunes], '…')
	}
	return string(runes)
}

func queryBool(raw, name string) (bool, error) {
	switch raw {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, refuse(http.StatusBadRequest, "invalid_query", name+" must be true or false.")
}

// formatsProblem maps an upload the formats package could not read.
func formatsProblem(e *formats.Error) problem {
	msg := sentence(e.Error())
	switch e.Kind {
	case formats.KindTooLarge:
		return problem{Status: http.StatusRequestEntityTooLarge, Code: "file_too_large", Description: msg + " Nothing was imported."}
	case formats.KindTooMany:
		return problem{Status: http.StatusUnprocessableEntity, Code: "too_many_places", Description: msg + " Nothing was imported."}
	case formats.KindUnsupportedType:
		return problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Description: msg + " Send GPX, KML, KMZ, GeoJSON or CSV."}
	}
	return problem{Status: http.StatusBadRequest, Code: "unreadable_file", Description: msg + " Nothing was imported."}
}
