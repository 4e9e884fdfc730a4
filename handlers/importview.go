package handlers

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/whib/whib/formats"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// previewPageSize is how many rows one page of the preview shows. A page
// of a 10,000-place file sends the file again; the import itself is one
// request and one commit whatever the page.
const previewPageSize = 100

// model is the import panel's view of the result: the source and its
// summary, the questions the file raises, one page of its rows.
func (res *importResult) model() views.ImportModel {
	m := views.ImportModel{
		Report: res.report, Source: res.imp.Summary().String(),
		DryRun: res.dryRun, Committed: res.committed, NamesLoading: res.namesLoading,
		Groups: groupsModel(res.imp.Groups, res.choices.groups),
		HomeAndWork: views.ImportHomeAndWork{
			Shown:  res.imp.Skipped.HomeAndWork > 0 || res.choices.homeAndWork,
			Chosen: res.choices.homeAndWork, Visits: res.imp.Skipped.HomeAndWork,
		},
	}
	if res.imp.Spreadsheet != nil {
		c := columnsModel(*res.imp.Spreadsheet, "")
		m.Columns = &c
	}
	res.page(&m)
	m.Kept = res.kept(m)
	return m
}

// page fills in one page of the rows, taken in the order the preview shows
// them: invalid first (they need the person), then new, near, and the
// duplicates.
func (res *importResult) page(m *views.ImportModel) {
	plan := res.plan
	total := len(res.report.Invalid) + len(plan.Add) + len(plan.Near) + len(plan.DuplicateRows)
	m.Pages = max(1, (total+previewPageSize-1)/previewPageSize)
	m.Page = min(res.choices.page, m.Pages)
	if res.committed {
		m.Page = 1
	}
	start := (m.Page - 1) * previewPageSize
	m.FirstRow = start + 1
	w := pageWindow{from: start, to: start + previewPageSize}

	rows := map[rowKey]formats.Row{}
	for _, row := range res.imp.Rows {
		rows[keyOf(row)] = row
	}
	lo, hi := w.next(len(res.report.Invalid))
	for _, inv := range res.report.Invalid[lo:hi] {
		m.Invalid = append(m.Invalid, res.invalidModel(inv, rows[rowKey{row: inv.Row, file: inv.File}]))
	}
	lo, hi = w.next(len(plan.Add))
	for i := lo; i < hi; i++ {
		m.New = append(m.New, res.placeRow(plan.AddRows[i], plan.Add[i]))
	}
	lo, hi = w.next(len(plan.Near))
	for i := lo; i < hi; i++ {
		m.Near = append(m.Near, res.placeRow(plan.NearRows[i], plan.Near[i]))
	}
	lo, hi = w.next(len(plan.DuplicateRows))
	for _, row := range plan.DuplicateRows[lo:hi] {
		m.Duplicates = append(m.Duplicates, duplicateRow(row))
	}
}

// pageWindow hands out, list after list, the part of each that falls on
// one page of all of them.
type pageWindow struct{ from, to int }

func (w *pageWindow) next(n int) (lo, hi int) {
	lo, hi = min(max(w.from, 0), n), min(max(w.to, 0), n)
	w.from, w.to = w.from-n, w.to-n
	return lo, hi
}

func (res *importResult) placeRow(row formats.Row, p store.Place) views.ImportRow {
	r := views.ImportRow{
		Row: row.Index, File: row.File, Name: p.Name, Latitude: p.Latitude.Float(), Longitude: p.Longitude.Float(),
		Visited: p.Visited.String(), Note: p.Note, NearestTown: nameFromGazetteer(row),
	}
	if c, ok := pointFromGazetteer(row); ok {
		r.From = res.candidateLabel(c)
	}
	r.NameField, r.NamedAt = res.nameField(keyOf(row))
	return r
}

// nameField is the field that names a row's place, on its first row;
// the place's other rows say where it is named.
func (res *importResult) nameField(key rowKey) (field, namedAt string) {
	if !res.naming.renamable[key] {
		return "", ""
	}
	first := res.naming.first[key]
	if first != key {
		return "", importRowNumber(first)
	}
	return key.field("name"), ""
}

func importRowNumber(k rowKey) string {
	if k.file == "" {
		return strconv.Itoa(k.row)
	}
	return k.file + ", " + strconv.Itoa(k.row)
}

// pointFromGazetteer is the candidate a row's point was taken from, when
// it was (proposed as the one match, or chosen among several).
func pointFromGazetteer(row formats.Row) (formats.Candidate, bool) {
	if !row.Proposed || len(row.Candidates) != 1 {
		return formats.Candidate{}, false
	}
	c := row.Candidates[0]
	return c, row.Latitude == strconv.FormatFloat(c.Latitude, 'f', -1, 64) && row.Longitude == strconv.FormatFloat(c.Longitude, 'f', -1, 64)
}

// duplicateRow is a row already on the map, as the file wrote it (it is
// valid, so its coordinates read).
func duplicateRow(row formats.Row) views.ImportRow {
	lat, _ := strconv.ParseFloat(row.Latitude, 64)
	lon, _ := strconv.ParseFloat(row.Longitude, 64)
	return views.ImportRow{Row: row.Index, File: row.File, Name: row.Name, Latitude: lat, Longitude: lon, Visited: row.Visited, Note: row.Note}
}

// invalidModel is an invalid row with what would fix it in the preview: a
// name, when the row lacks only that; a choice, when the gazetteer knows
// several places of its name.
func (res *importResult) invalidModel(inv formats.Invalid, row formats.Row) views.ImportInvalid {
	out := views.ImportInvalid{Invalid: inv}
	if c, ok := pointFromGazetteer(row); ok {
		out.From = res.candidateLabel(c)
	}
	key := rowKey{row: inv.Row, file: inv.File}
	if validWithAName(row) {
		out.NameField, out.NamedAt = res.nameField(key)
		out.Typed = res.choices.names[key]
	}
	if inv.NeedsPoint && len(inv.Candidates) > 1 {
		out.PointField = key.field("point")
		for _, c := range inv.Candidates {
			out.Candidates = append(out.Candidates, views.ImportCandidate{Label: res.candidateLabel(c), Latitude: c.Latitude, Longitude: c.Longitude})
		}
	}
	return out
}

// validWithAName: the row would be a valid place if it had a name.
func validWithAName(row formats.Row) bool {
	_, err := store.Input{Name: "a name", Latitude: row.Latitude, Longitude: row.Longitude, Visited: row.Visited, Note: row.Note}.Place()
	return err == nil
}

// candidateLabel says which place a candidate is: "Graz, Austria".
func (res *importResult) candidateLabel(c formats.Candidate) string {
	parts := []string{c.Name}
	if c.Region != "" && c.Region != c.Name {
		parts = append(parts, c.Region)
	}
	if c.Country != "" {
		parts = append(parts, res.gazetteer.countryName(c.Country))
	}
	return strings.Join(parts, ", ")
}

// kept are the names and candidates chosen for rows that have no field on
// this page, sent again as hidden fields so that no answer is lost.
func (res *importResult) kept(m views.ImportModel) []views.ImportField {
	onPage := map[string]bool{}
	for _, inv := range m.Invalid {
		onPage[inv.NameField], onPage[inv.PointField] = true, true
	}
	for _, r := range slices.Concat(m.New, m.Near) {
		onPage[r.NameField] = true
	}
	var kept []views.ImportField
	for key, name := range res.choices.names {
		if field := key.field("name"); !onPage[field] {
			kept = append(kept, views.ImportField{Name: field, Value: name})
		}
	}
	for key, n := range res.choices.points {
		if field := key.field("point"); !onPage[field] {
			kept = append(kept, views.ImportField{Name: field, Value: strconv.Itoa(n)})
		}
	}
	slices.SortFunc(kept, func(a, b views.ImportField) int { return cmp.Compare(a.Name, b.Name) })
	return kept
}

// groupsModel offers an OsmAnd file's groups, checked when chosen (all
// of them until the person chooses).
func groupsModel(groups []formats.Group, chosen []string) []views.ImportGroup {
	out := make([]views.ImportGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, views.ImportGroup{Name: g.Name, Places: g.Places, Chosen: chosen == nil || slices.Contains(chosen, g.Name)})
	}
	return out
}

// maxPickerColumns is how many columns the column picker shows and offers:
// a hostile file of a million empty columns must not make a million
// options, and no spreadsheet people keep is wider.
const maxPickerColumns = 100

// pickerSheet is the spreadsheet as a column picker (or an API client)
// gets it, cut to maxPickerColumns.
func pickerSheet(s formats.Spreadsheet) formats.Spreadsheet {
	cut := func(record []string) []string { return record[:min(len(record), maxPickerColumns)] }
	s.FirstRow = cut(s.FirstRow)
	sample := make([][]string, len(s.Sample))
	for i, record := range s.Sample {
		sample[i] = cut(record)
	}
	s.Sample = sample
	return s
}

// columnsModel is the column picker for a spreadsheet as formats read it;
// question says why it asks, "" when it only offers.
func columnsModel(s formats.Spreadsheet, question string) views.ImportColumns {
	s = pickerSheet(s)
	c := views.ImportColumns{
		Question: question, Delimiter: s.Delimiter, Encoding: s.Encoding, DecimalComma: s.DecimalComma,
		FirstRow: s.FirstRow, Sample: s.Sample, Header: s.Columns.Header, DateOrder: s.Columns.DateOrder,
	}
	for _, f := range columnFields {
		c.Fields = append(c.Fields, views.ImportColumnField{Name: f.name, Label: f.label, Chosen: f.get(s.Columns)})
	}
	return c
}
