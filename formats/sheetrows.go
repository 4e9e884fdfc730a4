package formats

import (
	"strconv"
	"strings"

	"github.com/whib/whib/geo"
)

// rows turns the records after the header into rows. A record whose cells
// are all blank (spreadsheets save trailing ";;;;" lines) is no row.
func (s *sheet) rows() (Import, error) {
	imp := Import{Source: SourceSpreadsheet}
	ctx := dateContext{monthFirst: s.monthFirst()}
	first := 0
	if s.columns.Header {
		first = 1
	}
	for i, record := range s.records[first:] {
		if isBlankRecord(record) {
			continue
		}
		row := s.row(record, first+i+1, ctx)
		if err := imp.addRow("CSV", row); err != nil {
			return Import{}, err
		}
	}
	info := s.info
	imp.Spreadsheet = &info
	return imp, nil
}

// row reads one record; spreadsheetRow is its row in the sheet (the header
// is row 1).
func (s *sheet) row(record []string, spreadsheetRow int, ctx dateContext) Row {
	c := s.columns
	row := Row{
		Index: spreadsheetRow,
		Name:  unescapeFormula(cell(record, c.Name)),
		Note:  cell(record, c.Note),
		Read:  strings.Join(record, s.info.Delimiter),
	}
	row.Latitude, row.Longitude = s.point(record)
	at := dateAt(row.Longitude)
	ctx.longitude, ctx.hasLongitude = at.longitude, at.hasLongitude
	row.Visited, _ = normaliseVisited(cell(record, c.Visited), ctx)
	if row.NeedsPoint() {
		row.Lookup = lookupText(cell(record, c.Place), row.Name, cell(record, c.Country))
	}
	return row
}

// point reads the coordinates from their two columns, or from the one that
// holds both (or a map URL); what cannot be read is kept as written, for
// the report to show.
func (s *sheet) point(record []string) (latitude, longitude string) {
	c := s.columns
	if c.Latitude > 0 || c.Longitude > 0 {
		latitude, longitude = cell(record, c.Latitude), cell(record, c.Longitude)
		if v, ok := coordinateValue(latitude, 90); ok {
			latitude = v
			s.info.DecimalComma = s.info.DecimalComma || isDecimalComma(strings.TrimSpace(cell(record, c.Latitude)))
		}
		if v, ok := coordinateValue(longitude, 180); ok {
			longitude = v
		}
		if strings.TrimSpace(latitude+longitude) != "" || c.Point == 0 {
			return latitude, longitude
		}
	}
	if lat, lon, ok := geo.ParseCoordinates(cell(record, c.Point)); ok {
		return strconv.FormatFloat(lat, 'f', -1, 64), strconv.FormatFloat(lon, 'f', -1, 64)
	}
	return "", ""
}

// lookupText is what to ask the gazetteer for a row without a point: the
// place column, or else the name, with the country when there is one.
func lookupText(place, name, country string) string {
	text := strings.TrimSpace(place)
	if text == "" {
		text = strings.TrimSpace(name)
	}
	country = strings.TrimSpace(country)
	if text == "" || country == "" || strings.Contains(strings.ToLower(text), strings.ToLower(country)) {
		return text
	}
	return text + ", " + country
}

func isBlankRecord(record []string) bool {
	for _, v := range record {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// monthFirst decides how the sheet's slashed dates read: as the person
// chose; else as a day over 12 in one place or the other shows; else day
// first, as most of the world writes, unless the file is comma-separated
// with decimal points, as in the United States.
func (s *sheet) monthFirst() bool {
	switch s.columns.DateOrder {
	case "MDY":
		s.info.DateOrder = "MDY"
		return true
	case "DMY":
		s.info.DateOrder = "DMY"
		return false
	}
	dayFirst, monthFirst, slashed := s.slashedDateEvidence()
	if !slashed {
		return false
	}
	month := monthFirst && !dayFirst
	if !dayFirst && !monthFirst {
		month = s.info.Delimiter == "," && !s.hasDecimalCommas()
	}
	s.info.DateOrder = map[bool]string{true: "MDY", false: "DMY"}[month]
	return month
}

// slashedDateEvidence looks at the dates like 03/04/2019: whether any has
// a first number over 12 (so the day is first) or a second one.
func (s *sheet) slashedDateEvidence() (dayFirst, monthFirst, slashed bool) {
	if s.columns.Visited == 0 {
		return false, false, false
	}
	for _, record := range s.records {
		date, _, _ := strings.Cut(strings.TrimSpace(cell(record, s.columns.Visited)), " ")
		parts := strings.Split(date, "/")
		if len(parts) != 3 || len(parts[2]) != 4 || !allDigits(parts[0]) || !allDigits(parts[1]) {
			continue
		}
		slashed = true
		a, _ := strconv.Atoi(parts[0])
		b, _ := strconv.Atoi(parts[1])
		dayFirst = dayFirst || a > 12
		monthFirst = monthFirst || b > 12
	}
	return dayFirst, monthFirst, slashed
}

func (s *sheet) hasDecimalCommas() bool {
	for _, record := range s.records {
		if isDecimalComma(strings.TrimSpace(cell(record, s.columns.Latitude))) {
			return true
		}
	}
	return false
}

// unescapeFormula undoes store's formula neutralisation: a name written
// as "'=SUM(1)" so a spreadsheet shows it as text reads back as "=SUM(1)".
// Other CSV files rarely start a name with an apostrophe and a formula
// character, and when they do it means the same.
func unescapeFormula(name string) string {
	rest := strings.TrimLeft(name, "'")
	if len(name) > 1 && name[0] == '\'' && rest != "" && isFormulaStart(rest[0]) {
		return name[1:]
	}
	return name
}

func isFormulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
