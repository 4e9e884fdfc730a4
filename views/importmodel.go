package views

import (
	"strconv"
	"strings"

	"github.com/whib/whib/formats"
)

// ImportModel is the model of ImportReport: the preview of an import (a
// dry run), or what it did. The tables hold one page of each kind of row;
// the counts are in Report.
type ImportModel struct {
	Report formats.Report
	// Source is what the file is, in the preview's first words: "Google
	// Timeline: 214 visits at 61 places, 2019–2024".
	Source     string
	New, Near  []ImportRow
	Duplicates []ImportRow
	Invalid    []ImportInvalid
	Page       int // from 1
	Pages      int
	FirstRow   int // the first row of this page, counting every kind, from 1
	// The preview's questions: which OsmAnd groups, Timeline's home and
	// work, how a spreadsheet's columns read.
	Groups      []ImportGroup
	HomeAndWork ImportHomeAndWork
	Columns     *ImportColumns
	// Kept are the choices made for rows that are not on this page, sent
	// again with the next request.
	Kept []ImportField
	// NamesLoading: rows need a point and the gazetteer has not loaded yet.
	NamesLoading bool
	DryRun       bool
	Committed    bool
	// After a commit: the places added, for the list, the new totals,
	// and the Undo of the import for the status line.
	Added []CountryPlace
	Total int
	Geo   Geo
	Undo  Undo
}

// ImportRow is a row of the preview: where it is in the file and the
// place it makes.
type ImportRow struct {
	Row                 int
	File                string // the archive entry, "" for a single file
	Name                string
	Latitude, Longitude float64
	Visited, Note       string
	// From is the gazetteer's place the point was taken from ("Graz,
	// Austria"), "" when the file gave the point.
	From string
	// NameField is the form field that names the row's place, when the
	// file gave it no name (the first row of the place has it; NamedAt
	// says which row that is on the others). NearestTown: the name is the
	// gazetteer's town nearest the point, a proposal.
	NameField, NamedAt string
	NearestTown        bool
}

// ImportInvalid is a row that is not a valid place, with what would fix it.
type ImportInvalid struct {
	formats.Invalid
	// NameField is the form field that names the row's place, "" unless
	// the row lacks only its name and is its place's first row (NamedAt
	// says which row that is on the others); Typed is what was typed there.
	NameField, NamedAt, Typed string
	// PointField is the form field of the choice among Candidates, ""
	// unless there are several.
	PointField string
	Candidates []ImportCandidate
	// From is the gazetteer's place the row's point was taken from, as in
	// ImportRow.
	From string
}

// ImportCandidate is one of the gazetteer's places a row may be.
type ImportCandidate struct {
	Label               string // "Lisbon, Portugal"
	Latitude, Longitude float64
}

// ImportGroup is an OsmAnd group to import or leave out.
type ImportGroup struct {
	Name   string // "" is the waypoints without a group
	Places int
	Chosen bool
}

// ImportHomeAndWork asks whether to import the places Google marked as
// home or work; Shown when the file has any.
type ImportHomeAndWork struct {
	Shown, Chosen bool
	Visits        int // left out
}

// ImportColumns is the column picker: how a spreadsheet was read, with a
// sample, and which column holds what.
type ImportColumns struct {
	// Question says why whib asks; "" when the columns were told and the
	// picker is only offered (collapsed).
	Question     string
	Delimiter    string
	Encoding     string
	DecimalComma bool
	FirstRow     []string
	Sample       [][]string
	Header       bool
	DateOrder    string // "", "DMY" or "MDY"
	Fields       []ImportColumnField
}

// ImportColumnField is one question of the picker.
type ImportColumnField struct {
	Name   string // the form field
	Label  string
	Chosen int // 1-based column, 0 for none
}

// ImportField is a form field sent again as it came.
type ImportField struct {
	Name, Value string
}

// importSummary says what an import did or would do.
func importSummary(m ImportModel) string {
	r := m.Report
	var s string
	switch {
	case m.Committed:
		s = "Imported " + plural(r.Added, "place", "places") + "."
	case m.DryRun && r.Added == 0:
		s = "No new places to import."
	case m.DryRun:
		s = plural(r.Added, "new place", "new places") + " to import."
	default:
		s = "Nothing was imported."
		if len(r.Invalid) == 0 && r.Added == 0 {
			s = "Nothing new to import."
		}
	}
	var notes []string
	if r.Duplicates > 0 {
		notes = append(notes, plural(r.Duplicates, "is", "are")+" already on the map")
	}
	if r.Near > 0 {
		notes = append(notes, plural(r.Near, "is", "are")+" near a place of the same name")
	}
	if len(r.Invalid) > 0 {
		notes = append(notes, plural(len(r.Invalid), "row is", "rows are")+" not valid")
	}
	if len(notes) > 0 {
		s += " " + strings.Join(notes, "; ") + "."
	}
	if skipped := skippedSentence(r.Skipped); skipped != "" {
		s += " " + skipped
	}
	return s
}

// skippedSentence says what the file held that is not a place.
func skippedSentence(k formats.Skipped) string {
	var parts []string
	for _, s := range []struct {
		n         int
		one, many string
	}{
		{k.Tracks, "track, route or shape", "tracks, routes or shapes"},
		{k.Activities, "journey between places", "journeys between places"},
		{k.Paths, "recorded path", "recorded paths"},
		{k.Signals, "raw location record", "raw location records"},
		{k.Points, "track point", "track points"},
		{k.HomeAndWork, "visit at home or work", "visits at home or work"},
		{k.OtherGroups, "place in a group left out", "places in groups left out"},
		{k.Files, "file without places", "files without places"},
	} {
		if s.n > 0 {
			parts = append(parts, plural(s.n, s.one, s.many))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	verb := " were"
	if len(parts) == 1 && strings.HasPrefix(parts[0], "1 ") {
		verb = " was"
	}
	return "Not imported: " + joinAnd(parts) + verb + " skipped."
}

func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// importRowNumber says where a row is: "12", or "checkins2.json, 12".
func importRowNumber(row int, file string) string {
	if file == "" {
		return strconv.Itoa(row)
	}
	return file + ", " + strconv.Itoa(row)
}

// importPoint is a row's point as the page writes coordinates.
func importPoint(lat, lon float64) string {
	return hemisphere(lat, "N", "S") + ", " + hemisphere(lon, "E", "W")
}

// importVisited writes a date range with a spaced dash, as people read it
// (the dates have hyphens of their own).
func importVisited(edtf string) string { return strings.ReplaceAll(edtf, "/", " – ") }

// invalidRead is what was read of an invalid row: the spreadsheet line,
// or its name, point and date.
func invalidRead(inv formats.Invalid) string {
	if inv.Read != "" {
		return inv.Read
	}
	var parts []string
	if inv.Name != "" {
		parts = append(parts, strconv.Quote(inv.Name))
	} else {
		parts = append(parts, "no name")
	}
	switch {
	case inv.NeedsPoint:
		parts = append(parts, "no coordinates")
	default:
		parts = append(parts, inv.Latitude+", "+inv.Longitude)
	}
	if inv.Visited != "" {
		parts = append(parts, inv.Visited)
	}
	return strings.Join(parts, " · ")
}

// pageRows is "Rows 101–200 of 2,140".
func pageRows(m ImportModel, shown int) string {
	total := m.Report.Added + m.Report.Near + m.Report.Duplicates + len(m.Report.Invalid)
	return "Rows " + strconv.Itoa(m.FirstRow) + "–" + strconv.Itoa(m.FirstRow+shown-1) + " of " + strconv.Itoa(total)
}

// columnLetter is a spreadsheet's name of a 1-based column: A, B, … Z, AA.
func columnLetter(column int) string {
	var b []byte
	for column > 0 {
		column--
		b = append([]byte{byte('A' + column%26)}, b...)
		column /= 26
	}
	return string(b)
}

// columnOption is a column as the picker lists it: "B: Country".
func columnOption(c ImportColumns, column int) string {
	label := columnLetter(column)
	if title := strings.TrimSpace(cellOf(c.FirstRow, column)); title != "" {
		label += ": " + title
	}
	return label
}

// cellOf is a cell of the sample as the picker shows it, cut short: a
// row number and a few words are enough to tell a column.
func cellOf(record []string, column int) string {
	const shown = 40
	if column < 1 || column > len(record) {
		return ""
	}
	cell := []rune(strings.ToValidUTF8(record[column-1], "\uFFFD"))
	if len(cell) > shown {
		return string(cell[:shown]) + "…"
	}
	return string(cell)
}

func columnCount(c ImportColumns) int {
	n := len(c.FirstRow)
	for _, r := range c.Sample {
		n = max(n, len(r))
	}
	return n
}

// delimiterName says how the columns are separated.
func delimiterName(d string) string {
	switch d {
	case ";":
		return "semicolons"
	case "\t":
		return "tabs"
	}
	return "commas"
}

// sheetReading is how a spreadsheet was read, in one line.
func sheetReading(c ImportColumns) string {
	s := "Columns separated by " + delimiterName(c.Delimiter)
	if c.DecimalComma {
		s += ", decimal commas"
	}
	if c.Encoding != "" && c.Encoding != "UTF-8" {
		s += ", text in " + c.Encoding
	}
	return s + "."
}

func homeAndWorkLabel(h ImportHomeAndWork) string {
	s := "Include the places Google marked as home or work"
	if h.Visits > 0 {
		s += " (" + plural(h.Visits, "visit", "visits") + ")"
	}
	return s
}

func groupLabel(g ImportGroup) string {
	name := g.Name
	if name == "" {
		name = "Without a group"
	}
	return name + " (" + plural(g.Places, "place", "places") + ")"
}

func hasFixes(rows []ImportInvalid) bool {
	for _, r := range rows {
		if r.NameField != "" || r.PointField != "" {
			return true
		}
	}
	return false
}

// thousands writes 10000 as "10,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// whichPlace asks which of the gazetteer's places a row is.
func whichPlace(inv ImportInvalid) string {
	if inv.Name == "" {
		return "Which place is it?"
	}
	return "Which " + inv.Name + " is it?"
}

// invalidReason is why a row is not a place, in the words of the fix the
// preview offers for it.
func invalidReason(inv ImportInvalid) string {
	switch {
	case inv.NameField != "":
		return "The file gives this place no name: name it here, or leave it out."
	case inv.NamedAt != "":
		return "The file gives this place no name: name it at row " + inv.NamedAt + ", its first visit."
	}
	return inv.Reason
}

func newCaption(m ImportModel) string {
	if m.Committed {
		return "Imported"
	}
	return "To import"
}

// importRowNoteText says where a row's point or name came from, when not from
// the file.
func importRowNoteText(p ImportRow) string {
	switch {
	case p.From != "":
		return "point of " + p.From + ", from the gazetteer"
	case p.NearestTown && p.NameField != "":
		return "the nearest town, from the gazetteer: rename it if you like"
	case p.NearestTown && p.NamedAt != "":
		return "the nearest town, from the gazetteer: rename it at row " + p.NamedAt
	case p.NearestTown:
		return "the nearest town, from the gazetteer"
	case p.NamedAt != "":
		return "named at row " + p.NamedAt
	}
	return ""
}
