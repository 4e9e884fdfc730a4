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
// row by row like single adds and written as one commit.
func (a *app) importPlaces(w http.ResponseWriter, r *http.Request) {
	c := shapeOf(r)
	q := r.URL.Query()
	dryRun, err1 := queryBool(q.Get("dry_run"), "dry_run")
	skipInvalid, err2 := queryBool(q.Get("skip_invalid"), "skip_invalid")
	if err := errors.Join(err1, err2); err != nil {
		a.fail(w, r, c, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, formats.MaxImportBytes+importOverhead)
	imp, filename, err := decodeUpload(r)
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	snap, _, err := a.snapshot(r.Context())
	if err != nil {
		a.fail(w, r, c, err)
		return
	}
	plan := formats.Classify(imp, snap.Index())
	report := plan.Report
	var added []store.Place
	status := http.StatusOK
	switch {
	case len(report.Invalid) > 0 && !skipInvalid:
		status = http.StatusUnprocessableEntity
	case dryRun || len(plan.Add) == 0:
	default:
		res, err := a.deps.Places.AddMany(r.Context(), plan.Add, importSummary(len(plan.Add), filename), author(r))
		if err != nil {
			a.fail(w, r, c, err)
			return
		}
		if res.Changed {
			status = http.StatusCreated
			report.Added = len(res.Change.After)
			report.Change = "/changes/" + res.Change.ID
			added = res.Change.After
			a.log.Info("places imported", "request_id", requestIDFrom(r.Context()), "places", report.Added,
				"by", auth.FromContext(r.Context()).Who.String(), "version", res.Snapshot.Version)
			snap = res.Snapshot
		} else {
			report.Added = 0
		}
		dryRun = false
	}
	a.answerImport(w, r, c, status, importResult{report: report, plan: plan, dryRun: dryRun, snap: snap, added: added})
}

// importResult is what an import answer shows.
type importResult struct {
	report formats.Report
	plan   formats.Plan
	dryRun bool
	snap   store.Snapshot
	added  []store.Place // as stored, after a commit
}

func (a *app) answerImport(w http.ResponseWriter, r *http.Request, c shape, status int, res importResult) {
	switch c {
	case shapeJSON:
		if status == http.StatusUnprocessableEntity {
			writeJSON(w, status, struct {
				Code        string `json:"code"`
				Description string `json:"description"`
				formats.Report
			}{"invalid_rows", invalidRowsDescription(len(res.report.Invalid)), res.report})
			return
		}
		writeJSON(w, status, res.report)
	case shapeHTMX:
		m := views.ImportModel{Report: res.report, New: res.plan.Add, Near: res.plan.Near, DryRun: res.dryRun, Committed: status == http.StatusCreated}
		if m.Committed {
			var changed placesChanged
			changed, m.Added = a.changedPlaces([]string{}, res.added)
			w.Header().Set("HX-Trigger", triggerJSON(placesChangedEvent, changed))
			m.Total, m.Geo = len(res.snap.Places), a.geoView(res.snap)
		}
		a.renderFragment(w, r, status, views.ImportReport(m))
	default:
		if status == http.StatusUnprocessableEntity {
			a.fail(w, r, c, refuse(status, "invalid_rows", invalidRowsDescription(len(res.report.Invalid))))
			return
		}
		http.Redirect(w, r, "/#places", http.StatusSeeOther)
	}
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
// multipart field "file" a browser sends.
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
		return imp, oneLineName(filename), uploadError(err)
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
