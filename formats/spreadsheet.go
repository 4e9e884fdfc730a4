package formats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/whib/whib/geo"
)

var utf8BOM = []byte("\xEF\xBB\xBF")

// delimiters are the ones spreadsheets save with: "," in most of the
// English-speaking world, ";" where the decimal separator is a comma, TAB
// for "Unicode text" and copies from a sheet.
var delimiters = []rune{',', ';', '\t'}

// sheet is a spreadsheet as read, before its rows become places.
type sheet struct {
	info    Spreadsheet
	records [][]string
	columns Columns
}

// decodeSpreadsheet reads whib's own places.csv and spreadsheets as people
// keep them: any of the delimiters, a byte-order mark, UTF-16 or the
// Windows-1252 of older Excel, decimal commas (41,1579), and column titles
// in several languages (see titleRoles). When the columns cannot be told it
// returns KindNeedsColumns with what a column picker needs. Rows with a name
// and no coordinates are kept, with Lookup set, for the gazetteer.
func decodeSpreadsheet(data []byte, hint string, opts DecodeOptions) (Import, error) {
	text, encoding := spreadsheetText(data)
	delimiter := chooseDelimiter(text)
	records, err := readRecords(text, delimiter)
	if err != nil || len(records) == 0 {
		return Import{}, notASpreadsheet(hint, err)
	}
	s := &sheet{records: records, info: Spreadsheet{Delimiter: string(delimiter), Encoding: encoding, FirstRow: records[0]}}
	s.info.Sample = records[1:min(len(records), 1+maxSampleRows)]
	s.columns, s.info.Missing = s.chooseColumns(opts.Columns)
	s.info.Columns = s.columns
	if len(s.info.Missing) > 0 {
		if isOtherFormat(hint) {
			return Import{}, notWhatItClaims(KindUnsupportedType, hint, looksLike(data))
		}
		return Import{}, s.needsColumns()
	}
	return s.rows()
}

// spreadsheetText returns the file as UTF-8, and the encoding it was in.
func spreadsheetText(data []byte) ([]byte, string) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		return data[len(utf8BOM):], "UTF-8"
	case hasUTF16BOM(data):
		text, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err == nil {
			return text, "UTF-16"
		}
	case utf8.Valid(data):
		return data, "UTF-8"
	}
	text, _ := charmap.Windows1252.NewDecoder().Bytes(data)
	return text, "Windows-1252"
}

// chooseDelimiter tries each delimiter on the first rows and keeps the one
// whose header names the most columns whib knows, then the one that splits
// the rows alike into the most columns.
func chooseDelimiter(text []byte) rune {
	best, bestScore := delimiters[0], -1
	for _, d := range delimiters {
		r := csvReader(text, d)
		var records [][]string
		for len(records) < 20 {
			record, err := r.Read()
			if err != nil {
				break
			}
			records = append(records, record)
		}
		if score := delimiterScore(records); score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// delimiterScore ranks what a delimiter makes of the first rows: titles
// whib knows first, then columns of numbers (a ";" sheet split at its
// decimal commas has none), then rows as wide as the first.
func delimiterScore(records [][]string) int {
	if len(records) == 0 {
		return 0
	}
	width := len(records[0])
	score := recognise(records[0]).recognised() * 1000
	if width > 1 {
		score += 100
		body := records[min(1, len(records)-1):]
		for column := 1; column <= width; column++ {
			if allCoordinates(body, column, 180) {
				score += 30
			}
		}
		for _, record := range records[1:] {
			if len(record) == width {
				score++
			}
		}
	}
	return score
}

func csvReader(text []byte, delimiter rune) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = delimiter
	r.FieldsPerRecord = -1 // a short row is the report's business, not a reason to refuse the file
	return r
}

func readRecords(text []byte, delimiter rune) ([][]string, error) {
	r := csvReader(text, delimiter)
	var records [][]string
	for {
		record, err := r.Read()
		if err == io.EOF {
			return records, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		if len(records) > MaxImportPlaces {
			return nil, tooMany("CSV")
		}
		records = append(records, record)
	}
}

func isOtherFormat(hint string) bool {
	return hint != "" && hint != "CSV"
}

func notASpreadsheet(hint string, err error) error {
	if err == nil {
		err = errorAt(KindMalformed, "CSV", 1, 1, errors.New("the file has no rows"))
	}
	if isOtherFormat(hint) && KindOf(err) == KindMalformed {
		return notWhatItClaims(KindUnsupportedType, hint, "plain text")
	}
	return err
}

func csvError(err error) *Error {
	var parse *csv.ParseError
	if errors.As(err, &parse) {
		return errorAt(KindMalformed, "CSV", parse.Line, parse.Column, parse.Err)
	}
	return newError(KindMalformed, "CSV", err)
}

// chooseColumns takes the person's choice, or the header's titles, or a
// guess from the values, and says what is still missing.
func (s *sheet) chooseColumns(chosen *Columns) (Columns, []string) {
	if chosen != nil {
		c := *chosen
		if c.Name == 0 && !c.hasCoordinates() {
			return c, []string{"name", "coordinates"}
		}
		return c, nil
	}
	c := recognise(s.records[0])
	if !c.Header {
		return s.guessColumns(), []string{"titles"}
	}
	var missing []string
	switch {
	case c.Point == 0 && c.Latitude > 0 && c.Longitude == 0:
		missing = append(missing, "longitude")
	case c.Point == 0 && c.Longitude > 0 && c.Latitude == 0:
		missing = append(missing, "latitude")
	}
	unclaimed := s.unclaimed(c)
	if c.Name == 0 && (!c.hasCoordinates() || s.holdsText(unclaimed)) {
		missing = append(missing, "name")
	}
	if !c.hasCoordinates() && c.Latitude+c.Longitude == 0 && s.coordinateColumns(unclaimed) >= 2 {
		missing = append(missing, "coordinates")
	}
	return c, missing
}

// unclaimed are the columns (1-based) no role was recognised for.
func (s *sheet) unclaimed(c Columns) []int {
	claimed := map[int]bool{c.Name: true, c.Place: true, c.Latitude: true, c.Longitude: true, c.Point: true, c.Visited: true, c.Note: true, c.Country: true}
	var out []int
	for i := range s.records[0] {
		if !claimed[i+1] {
			out = append(out, i+1)
		}
	}
	return out
}

// holdsText reports a column among these whose sample values are mostly
// words: a name whib could not tell by its title.
func (s *sheet) holdsText(columns []int) bool {
	for _, column := range columns {
		words, values := 0, 0
		for _, record := range s.info.Sample {
			v := strings.TrimSpace(cell(record, column))
			if v == "" {
				continue
			}
			values++
			if _, ok := coordinateValue(v, 180); !ok && strings.ContainsFunc(v, unicode.IsLetter) {
				words++
			}
		}
		if values > 0 && words*2 > values {
			return true
		}
	}
	return false
}

// coordinateColumns counts the columns among these whose sample values are
// all numbers that could be degrees.
func (s *sheet) coordinateColumns(columns []int) int {
	n := 0
	for _, column := range columns {
		numbers := 0
		for _, record := range s.info.Sample {
			if _, ok := coordinateValue(cell(record, column), 180); ok {
				numbers++
			}
		}
		if numbers > 0 && numbers == len(s.info.Sample) {
			n++
		}
	}
	return n
}

// guessColumns reads a sheet without titles whib knows by its values: the
// first column of numbers within ±90 is the latitude, the next within ±180
// the longitude, the first of words the name. The picker shows the guess.
func (s *sheet) guessColumns() Columns {
	rows := s.records[:min(len(s.records), 1+maxSampleRows)]
	var c Columns
	for column := 1; column <= len(s.records[0]); column++ {
		switch {
		case c.Latitude == 0 && allCoordinates(rows, column, 90):
			c.Latitude = column
		case c.Latitude > 0 && c.Longitude == 0 && allCoordinates(rows, column, 180):
			c.Longitude = column
		case c.Name == 0 && !allCoordinates(rows, column, 180):
			c.Name = column
		}
	}
	// A first row of words over columns of numbers is a header after all.
	c.Header = len(rows) > 1 && c.Latitude > 0 && !allCoordinates(rows[:1], c.Latitude, 90) && allCoordinates(rows[1:], c.Latitude, 90)
	return c
}

func allCoordinates(rows [][]string, column int, limit float64) bool {
	for _, record := range rows {
		if _, ok := coordinateValue(cell(record, column), limit); !ok {
			return false
		}
	}
	return len(rows) > 0
}

func (s *sheet) needsColumns() *Error {
	var reasons []string
	for _, m := range s.info.Missing {
		switch m {
		case "titles":
			reasons = append(reasons, "the first row names no column whib knows (name, place, city, latitude, longitude, date, note…)")
		case "name":
			reasons = append(reasons, "no column is named like the place's name (name, title, place, city, Ort, lieu…)")
		case "coordinates":
			reasons = append(reasons, "no columns are named like coordinates (latitude and longitude, lat and lon, Breite and Länge…)")
		default:
			reasons = append(reasons, "there is no "+m+" column to go with the other coordinate")
		}
	}
	e := errorAt(KindNeedsColumns, "CSV", 1, 1, fmt.Errorf("choose which columns hold what: %s", strings.Join(reasons, "; ")))
	info := s.info
	e.Spreadsheet = &info
	return e
}

func cell(record []string, column int) string {
	if column > 0 && column <= len(record) {
		return record[column-1]
	}
	return ""
}

// coordinateValue reads one coordinate as a spreadsheet holds it: digits
// as written, a decimal comma made a point, or degrees and minutes
// ("41°09'28"N") as their decimal.
func coordinateValue(s string, limit float64) (string, bool) {
	s = strings.TrimSpace(s)
	if isSignedDecimal(s) || isDecimalComma(s) {
		text := strings.Replace(s, ",", ".", 1)
		v, err := strconv.ParseFloat(text, 64)
		return text, err == nil && v >= -limit && v <= limit
	}
	parse := geo.ParseLatitude
	if limit > 90 {
		parse = geo.ParseLongitude
	}
	if v, ok := parse(s); ok && s != "" {
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return s, false
}

// isDecimalComma matches -?[0-9]+,[0-9]+ : one number, never a pair.
func isDecimalComma(s string) bool {
	whole, frac, ok := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+"), ",")
	return ok && allDigits(whole) && allDigits(frac)
}
