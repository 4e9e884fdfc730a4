package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/whib/whib/formats"
)

// importChoices are the answers to the preview's questions, sent again
// with the file each time (the page's form, or an API client's query):
// whib remembers none of them past the request.
//
//	dry_run, skip_invalid  true|false
//	page                   the preview's page, from 1
//	home_and_work          true: keep Timeline's home and work
//	choose_groups, group   true, then each OsmAnd group to import ("" = none)
//	column_name, …         spreadsheet columns, 1-based, 0 for none (columnFields)
//	header, date_order     the first row names the columns; DMY|MDY
//	name:ROW:FILE          a name for a row that has none
//	point:ROW:FILE         the gazetteer's candidate chosen for a row, from 1
type importChoices struct {
	dryRun, skipInvalid bool
	page                int
	homeAndWork         bool
	groups              []string // nil: every group
	columns             *formats.Columns
	names               map[rowKey]string
	points              map[rowKey]int
}

// rowKey finds a row of the file again on the next request: its number
// and, in an archive, its file.
type rowKey struct {
	row  int
	file string
}

func keyOf(row formats.Row) rowKey { return rowKey{row: row.Index, file: row.File} }

// field is the form field of this row for a kind of choice ("name", "point").
func (k rowKey) field(kind string) string {
	return kind + ":" + strconv.Itoa(k.row) + ":" + k.file
}

// columnField is one question of the column picker.
type columnField struct {
	name  string // the form field
	label string
	set   func(*formats.Columns, int)
	get   func(formats.Columns) int
}

// columnFields are the column picker's questions, in the order it asks.
var columnFields = []columnField{
	{"column_name", "Name", func(c *formats.Columns, v int) { c.Name = v }, func(c formats.Columns) int { return c.Name }},
	{"column_latitude", "Latitude", func(c *formats.Columns, v int) { c.Latitude = v }, func(c formats.Columns) int { return c.Latitude }},
	{"column_longitude", "Longitude", func(c *formats.Columns, v int) { c.Longitude = v }, func(c formats.Columns) int { return c.Longitude }},
	{"column_point", "Both coordinates, or a map link", func(c *formats.Columns, v int) { c.Point = v }, func(c formats.Columns) int { return c.Point }},
	{"column_place", "City or place to look up", func(c *formats.Columns, v int) { c.Place = v }, func(c formats.Columns) int { return c.Place }},
	{"column_country", "Country", func(c *formats.Columns, v int) { c.Country = v }, func(c formats.Columns) int { return c.Country }},
	{"column_visited", "Date visited", func(c *formats.Columns, v int) { c.Visited = v }, func(c formats.Columns) int { return c.Visited }},
	{"column_note", "Note", func(c *formats.Columns, v int) { c.Note = v }, func(c formats.Columns) int { return c.Note }},
}

// maxColumn bounds a column number: no spreadsheet people keep is wider.
const maxColumn = 1000

func parseChoices(v url.Values) (importChoices, error) {
	var c importChoices
	var errs []error
	var err error
	c.dryRun, err = queryBool(v.Get("dry_run"), "dry_run")
	errs = append(errs, err)
	c.skipInvalid, err = queryBool(v.Get("skip_invalid"), "skip_invalid")
	errs = append(errs, err)
	c.homeAndWork, err = queryBool(v.Get("home_and_work"), "home_and_work")
	errs = append(errs, err)
	c.page, err = numberChoice(v.Get("page"), "page", 1, formats.MaxImportPlaces)
	errs = append(errs, err)
	if chosen, err := queryBool(v.Get("choose_groups"), "choose_groups"); err != nil || chosen {
		c.groups = append([]string{}, v["group"]...)
		errs = append(errs, err)
	}
	c.columns, err = parseColumns(v)
	errs = append(errs, err, c.parseRowChoices(v))
	if err := errors.Join(errs...); err != nil {
		return importChoices{}, err
	}
	c.page = max(c.page, 1)
	return c, nil
}

// parseColumns reads the column picker's answer, nil when none was sent.
func parseColumns(v url.Values) (*formats.Columns, error) {
	sent := v.Has("header") || v.Has("date_order")
	var c formats.Columns
	var errs []error
	for _, f := range columnFields {
		sent = sent || v.Has(f.name)
		n, err := numberChoice(v.Get(f.name), f.name, 0, maxColumn)
		f.set(&c, n)
		errs = append(errs, err)
	}
	if !sent {
		return nil, nil
	}
	var err error
	c.Header, err = queryBool(v.Get("header"), "header")
	errs = append(errs, err)
	switch c.DateOrder = v.Get("date_order"); c.DateOrder {
	case "", "DMY", "MDY":
	default:
		errs = append(errs, refuse(http.StatusBadRequest, "invalid_query", "date_order must be DMY, MDY or empty."))
	}
	return &c, errors.Join(errs...)
}

// parseRowChoices reads the names typed and the candidates chosen for
// single rows.
func (c *importChoices) parseRowChoices(v url.Values) error {
	c.names, c.points = map[rowKey]string{}, map[rowKey]int{}
	for field, values := range v {
		kind, rest, ok := strings.Cut(field, ":")
		if !ok || (kind != "name" && kind != "point") {
			continue
		}
		number, file, _ := strings.Cut(rest, ":")
		row, err := strconv.Atoi(number)
		if err != nil || row < 0 || len(values) == 0 {
			return refuse(http.StatusBadRequest, "invalid_query", "The field "+strconv.Quote(field)+" names no row of the file.")
		}
		key := rowKey{row: row, file: file}
		if kind == "name" {
			if name := strings.TrimSpace(values[0]); name != "" {
				c.names[key] = name
			}
			continue
		}
		n, err := numberChoice(values[0], field, 0, maxCandidates)
		if err != nil {
			return err
		}
		if n > 0 {
			c.points[key] = n
		}
	}
	return nil
}

// maxCandidates is the most the gazetteer offers for one row (formats).
const maxCandidates = 5

func numberChoice(raw, name string, lowest, highest int) (int, error) {
	if raw == "" {
		return lowest, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lowest || n > highest {
		return 0, refuse(http.StatusBadRequest, "invalid_query",
			name+" must be a whole number from "+strconv.Itoa(lowest)+" to "+strconv.Itoa(highest)+".")
	}
	return n, nil
}

// decodeOptions are the choices formats reads the file with.
func (c importChoices) decodeOptions(geocoder formats.Geocoder) formats.DecodeOptions {
	return formats.DecodeOptions{HomeAndWork: c.homeAndWork, Groups: c.groups, Columns: c.columns, Geocoder: geocoder}
}

// naming is how the rows a person may name are grouped into places: a
// name typed for a place's first row names every row of it, so a place
// visited five times is named once.
type naming struct {
	first     map[rowKey]rowKey // each renamable row's place's first row
	renamable map[rowKey]bool
}

// namingOf groups the renamable rows (no name, or the town the gazetteer
// proposed) by name and point, as the file read before any answer.
func namingOf(rows []formats.Row) naming {
	n := naming{first: map[rowKey]rowKey{}, renamable: map[rowKey]bool{}}
	firsts := map[[3]string]rowKey{}
	for _, row := range rows {
		if !renamable(row) {
			continue
		}
		key, place := keyOf(row), [3]string{row.Name, row.Latitude, row.Longitude}
		if _, seen := firsts[place]; !seen {
			firsts[place] = key
		}
		n.first[key], n.renamable[key] = firsts[place], true
	}
	return n
}

// renamable: the file gives the row no name, or only the town nearest its
// point that the gazetteer proposed.
func renamable(row formats.Row) bool {
	return strings.TrimSpace(row.Name) == "" || nameFromGazetteer(row)
}

// nameFromGazetteer: the row's name is the gazetteer's town nearest its
// point (formats.Namer), not the file's.
func nameFromGazetteer(row formats.Row) bool {
	_, pointFrom := pointFromGazetteer(row)
	return row.Proposed && len(row.Candidates) == 1 && !row.NeedsPoint() && row.Name == row.Candidates[0].Name && !pointFrom
}

// apply gives the rows what the person chose for them: the name typed for
// their place, and a candidate's point for a row without a point.
func (c importChoices) apply(imp *formats.Import, n naming) {
	for i := range imp.Rows {
		row := &imp.Rows[i]
		key := keyOf(*row)
		if name, ok := c.names[n.first[key]]; ok && n.renamable[key] {
			row.Name = name
		}
		if k, ok := c.points[key]; ok && row.NeedsPoint() && k <= len(row.Candidates) {
			chosen := row.Candidates[k-1]
			row.Latitude = strconv.FormatFloat(chosen.Latitude, 'f', -1, 64)
			row.Longitude = strconv.FormatFloat(chosen.Longitude, 'f', -1, 64)
			row.Candidates, row.Proposed = []formats.Candidate{chosen}, true
		}
	}
}
