package formats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

var utf8BOM = []byte("\xEF\xBB\xBF")

// csvColumns says which fields of a record hold the name and coordinates.
type csvColumns struct{ name, latitude, longitude int }

// decodeCSV reads whib's own places.csv and any CSV whose header names a
// name column (name, title) and coordinate columns (latitude, lat or y;
// longitude, lng, lon, long or x), in any order and case. Spreadsheets in
// countries with a decimal comma save with ";", so the delimiter is the
// one of , ; or TAB that makes the header make sense.
func decodeCSV(data []byte) (Import, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	delimiter, columns, ok := detectCSVHeader(string(firstLine))
	if !ok {
		return Import{}, errorAt(KindMalformed, "CSV", 1, 1, errors.New("the first line must name the columns: name, latitude, longitude"))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter
	r.FieldsPerRecord = -1 // a short row is the report's business, not a reason to refuse the file
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return Import{}, csvError(err)
	}
	return readCSVRows(r, columns)
}

func readCSVRows(r *csv.Reader, columns csvColumns) (Import, error) {
	var imp Import
	for spreadsheetRow := 2; ; spreadsheetRow++ {
		record, err := r.Read()
		if err == io.EOF {
			return imp, nil
		}
		if err != nil {
			return Import{}, csvError(err)
		}
		row := Row{
			Index:     spreadsheetRow,
			Name:      unescapeFormula(field(record, columns.name)),
			Latitude:  field(record, columns.latitude),
			Longitude: field(record, columns.longitude),
		}
		if err := imp.addRow("CSV", row); err != nil {
			return Import{}, err
		}
	}
}

func field(record []string, i int) string {
	if i < len(record) {
		return record[i]
	}
	return ""
}

// detectCSVHeader tries each delimiter on the header line and keeps the
// first that names all three columns.
func detectCSVHeader(line string) (rune, csvColumns, bool) {
	line = strings.TrimSuffix(line, "\r")
	for _, delimiter := range []rune{',', ';', '\t'} {
		r := csv.NewReader(strings.NewReader(line))
		r.Comma = delimiter
		header, err := r.Read()
		if err != nil {
			continue
		}
		if columns, ok := findCSVColumns(header); ok {
			return delimiter, columns, true
		}
	}
	return 0, csvColumns{}, false
}

func findCSVColumns(header []string) (csvColumns, bool) {
	columns := csvColumns{name: -1, latitude: -1, longitude: -1}
	for i, title := range header {
		switch strings.ToLower(strings.TrimSpace(title)) {
		case "name", "title":
			setOnce(&columns.name, i)
		case "latitude", "lat", "y": // GIS tools (QGIS, GDAL) write X,Y
			setOnce(&columns.latitude, i)
		case "longitude", "lng", "lon", "long", "x":
			setOnce(&columns.longitude, i)
		}
	}
	ok := columns.name >= 0 && columns.latitude >= 0 && columns.longitude >= 0
	return columns, ok
}

// setOnce keeps the leftmost matching column, so "name,title" reads name.
func setOnce(column *int, i int) {
	if *column < 0 {
		*column = i
	}
}

func csvError(err error) *Error {
	var parse *csv.ParseError
	if errors.As(err, &parse) {
		return errorAt(KindMalformed, "CSV", parse.Line, parse.Column, parse.Err)
	}
	return newError(KindMalformed, "CSV", err)
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
