package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"github.com/julienschmidt/httprouter"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/formats"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// importPlaces is POST /places/import: a file as the body (or as the
// multipart field "file" from a browser, with the preview's answers as the
// form's other fields: importChoices), recognised by its content, checked
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
	if err := boundBody(w, r, formats.MaxImportBytes+importOverhead); err != nil {
		return nil, uploadError(err)
	}
	up, err := readUpload(r)
	if err != nil {
		return nil, err
	}
	choices, err := parseChoices(up.choices)
	if err != nil {
		return nil, err
	}
	res, err := a.planImport(r.Context(), up, choices)
	if err != nil {
		return nil, err
	}
	plan := res.plan
	switch {
	case len(res.report.Invalid) > 0 && !choices.skipInvalid:
		return res, refuse(http.StatusUnprocessableEntity, "invalid_rows", invalidRowsDescription(len(res.report.Invalid)))
	case choices.dryRun || len(plan.Add) == 0:
		return res, nil
	}
	res.dryRun = false
	written, err := a.deps.Places.AddMany(r.Context(), plan.Add, importSummary(len(plan.Add), oneLineName(up.filename)), author(r))
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

// planImport reads the file with the person's choices, gives its rows the
// names and points chosen for them, and sorts them against the map. It
// writes nothing.
func (a *app) planImport(ctx context.Context, up upload, choices importChoices) (*importResult, error) {
	var geocoder formats.Geocoder
	towns, ready := a.importGazetteer()
	if ready {
		geocoder = towns
	}
	imp, err := up.decode(choices.decodeOptions(geocoder))
	if err != nil {
		return nil, err
	}
	names := namingOf(imp.Rows)
	choices.apply(&imp, names)
	snap, _, err := a.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	plan := formats.ClassifyVisits(imp, snap.Index())
	return &importResult{
		imp: imp, report: plan.Report, plan: plan, choices: choices, naming: names, dryRun: choices.dryRun, snap: snap,
		gazetteer: towns, namesLoading: !ready && slices.ContainsFunc(imp.Rows, formats.Row.NeedsPoint),
	}, nil
}

// importGazetteer is the gazetteer for rows without a point, when it has
// loaded; an import never waits for it (the preview says it is loading).
func (a *app) importGazetteer() (*gazetteer, bool) {
	ix, ok := a.deps.Geo.Ready()
	if !ok {
		return newGazetteer(nil), false
	}
	return newGazetteer(ix), true
}

// importResult is what an import answer shows.
type importResult struct {
	imp     formats.Import // as read, with the person's choices applied
	report  formats.Report
	plan    formats.Plan
	choices importChoices
	naming  naming // the rows a person may name, by place
	dryRun  bool
	// gazetteer is the one the rows were matched with; namesLoading says
	// rows needed it before it had loaded.
	gazetteer    *gazetteer
	namesLoading bool
	committed    bool // the places were written (201)
	snap         store.Snapshot
	added        []store.Place // as stored, after a commit
	change       store.Change  // the commit's change, which an Undo takes back
}

// importAnswer is the JSON answer: the report, and which source the file
// is with its summary ("Google Timeline: 214 visits at 61 places,
// 2019–2024").
type importAnswer struct {
	formats.Report
	Source  string `json:"source"`
	Summary string `json:"summary"`
}

func (a *app) answerImport(w http.ResponseWriter, r *http.Request, res *importResult) error {
	status := http.StatusOK
	if res.committed {
		status = http.StatusCreated
	}
	switch shapeOf(r) {
	case shapeJSON:
		return writeJSON(w, status, importAnswer{Report: res.report, Source: res.imp.Source, Summary: res.imp.Summary().String()})
	case shapeHTMX:
		m := res.model()
		if m.Committed {
			var changed placesChanged
			changed, m.Added = a.changedPlaces(res.snap, []string{}, res.added)
			w.Header().Set("HX-Trigger", triggerJSON(placesChangedEvent, changed))
			m.Total, m.Geo = placeCount(res.snap), a.geoView(res.snap)
			m.Undo = undoOf(res.change, false)
		}
		return a.render(w, r, status, views.ImportReport(m))
	}
	http.Redirect(w, r, "/#places", http.StatusSeeOther)
	return nil
}

// importError is an import refused before anything was written. The
// import panel says why (htmx): the report of the rows when they were the
// reason, the column picker when a spreadsheet's columns could not be
// told, else the problem; API clients get that report with the problem
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
	var unread *formats.Error
	if errors.As(e.err, &unread) && unread.Kind == formats.KindNeedsColumns && unread.Spreadsheet != nil {
		return views.ImportNeedsColumns(columnsModel(*unread.Spreadsheet, p.Description))
	}
	return views.ImportProblem(withRequestID(p))
}

// importOrEdit is POST /places/:id: the import when the id is "import",
// whose failures, those of the write checks before it too, are told in
// the import panel (a person whose session ended, or who sent too many
// files, reads why next to the file); else the edit.
func importOrEdit(importing, editing endpoint) endpoint {
	return func(w http.ResponseWriter, r *http.Request) error {
		if httprouter.ParamsFromContext(r.Context()).ByName("id") != "import" {
			return editing(w, r)
		}
		err := importing(w, r)
		var told *importError
		if err != nil && !errors.As(err, &told) {
			return &importError{err: err}
		}
		return err
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
			Description: msg + " Send GPX, KML, KMZ, GeoJSON or CSV, or the JSON or ZIP file an app exports."}
	case formats.KindNeedsColumns:
		// The file is fine; whib needs to be told which column is which
		// (the column picker, or the column_… query parameters).
		if e.Err != nil {
			msg = sentence(e.Err.Error())
		}
		p := problem{Status: http.StatusUnprocessableEntity, Code: "choose_columns", Description: msg}
		if e.Spreadsheet != nil {
			sheet := pickerSheet(*e.Spreadsheet)
			p.Spreadsheet = &sheet
		}
		return p
	}
	return problem{Status: http.StatusBadRequest, Code: "unreadable_file", Description: msg + " Nothing was imported."}
}
