package formats

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// role is what a spreadsheet column (or a KML ExtendedData field) holds.
type role int

const (
	roleNone      role = iota
	roleName           // name, title: the place's name
	rolePlace          // city, place, location: the name when there is no name column, else what to look up
	roleLatitude       // lat, latitude, Breite
	roleLongitude      // lon, lng, long, longitude, Länge
	rolePoint          // both in one cell ("41.15, -8.62"), or a map URL
	roleVisited        // date, visited, when
	roleNote           // note, comment, description
	roleCountry        // country, Land, pays: helps the gazetteer
)

// titleRoles are column titles people use, in the languages whib's
// travellers write spreadsheets in, after titleKey (lower case, no
// accents, punctuation as spaces): "Visited on" is "visited on", "Länge"
// is "lange".
var titleRoles = map[role][]string{
	roleName: {"name", "title", "naam", "nom", "nombre", "nome", "bezeichnung", "titel", "titre", "titolo", "titulo",
		"place name", "placename", "location name", "venue", "sight", "attraction"},
	rolePlace: {"place", "location", "city", "town", "village", "ort", "ortsname", "stadt", "lieu", "ville", "lugar", "ciudad",
		"cidade", "luogo", "citta", "localita", "plaats", "stad", "localidade", "localidad", "destination", "destino", "reiseziel"},
	roleLatitude: {"lat", "latitude", "y", "breite", "breitengrad", "latitud", "latitudine", "breedtegraad", "breedte", "szerokosc"},
	roleLongitude: {"lon", "lng", "long", "longitude", "x", "lange", "laenge", "langengrad", "laengengrad", "longitud",
		"longitudine", "lengtegraad", "lengte", "dlugosc"},
	rolePoint: {"coordinates", "coordinate", "coords", "coord", "koordinaten", "koordinate", "coordonnees", "coordenadas",
		"coordinaten", "gps", "gps coordinates", "latlng", "lat lng", "lat lon", "latlon", "lat long", "position",
		"url", "link", "google maps url", "maps url", "google maps", "google maps link", "map", "map link", "karte"},
	roleVisited: {"visited", "visited on", "date visited", "visit date", "date of visit", "date", "dates", "when", "time", "timestamp",
		"year", "trip date", "travel date", "datum", "besucht", "besucht am", "wann", "reisedatum", "jahr",
		"date de visite", "visite", "visite le", "quand", "annee", "fecha", "visitado", "cuando", "ano", "data", "visitato",
		"quando", "anno", "bezocht", "bezocht op", "wanneer", "jaar",
		"whib visited"}, // whib's GPX extension, as GDAL names it when it writes a GPX again
	roleNote: {"note", "notes", "comment", "comments", "description", "desc", "remarks", "remark", "memo",
		"notiz", "notizen", "bemerkung", "bemerkungen", "kommentar", "beschreibung", "anmerkung", "anmerkungen",
		"commentaire", "commentaires", "remarque", "remarques", "nota", "notas", "comentario", "comentarios",
		"descripcion", "descricao", "commento", "commenti", "descrizione", "opmerking", "opmerkingen", "notitie",
		"notities", "beschrijving"},
	roleCountry: {"country", "country code", "countrycode", "country region", "cc", "land", "pays", "pais", "paese",
		"nazione", "staat"},
}

var roleOfKey = func() map[string]role {
	m := map[string]role{}
	for r, titles := range titleRoles {
		for _, t := range titles {
			m[t] = r
		}
	}
	return m
}()

// coordinateWords are words that name a coordinate inside a longer title
// ("GPS Latitude", "Latitude (WGS84)") and mean nothing else.
var coordinateWords = map[string]role{
	"latitude": roleLatitude, "breitengrad": roleLatitude, "latitud": roleLatitude, "latitudine": roleLatitude,
	"longitude": roleLongitude, "langengrad": roleLongitude, "longitud": roleLongitude, "longitudine": roleLongitude,
}

// roleOfTitle says what a column with this title holds.
func roleOfTitle(title string) role {
	key := titleKey(title)
	if r, ok := roleOfKey[key]; ok {
		return r
	}
	for _, word := range strings.Fields(key) {
		if r, ok := coordinateWords[word]; ok {
			return r
		}
	}
	return roleNone
}

// titleKey folds a title for the table: lower case, accents off, anything
// but letters and digits a single space ("Lat." is "lat", "Visited_on" is
// "visited on", "Längengrad (°)" is "langengrad").
func titleKey(title string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		default:
			space = true
		}
	}
	return b.String()
}

// Columns says which column of a spreadsheet holds what, as 1-based column
// numbers (as a spreadsheet's A, B, C are 1, 2, 3); 0 is "none". It is
// what the preview's column picker sends back in DecodeOptions.Columns,
// starting from Spreadsheet.Columns.
type Columns struct {
	Header    bool `json:"header"` // the first row names the columns (it is not a place)
	Name      int  `json:"name"`
	Place     int  `json:"place"` // a city or place to look up, when Name is something else (a hotel)
	Latitude  int  `json:"latitude"`
	Longitude int  `json:"longitude"`
	Point     int  `json:"point"` // both coordinates in one cell, or a map URL
	Visited   int  `json:"visited"`
	Note      int  `json:"note"`
	Country   int  `json:"country"`
	// DateOrder is how to read 03/04/2019: "DMY" or "MDY"; "" lets the
	// values decide (a 13 or more says which), or else the file's habits.
	DateOrder string `json:"date_order,omitempty"`
}

// Spreadsheet is how a CSV was read, for the preview to show and for its
// column picker when Decode could not tell the columns (KindNeedsColumns).
type Spreadsheet struct {
	Delimiter    string     `json:"delimiter"` // ",", ";" or "\t"
	Encoding     string     `json:"encoding"`  // "UTF-8", "UTF-16" or "Windows-1252"
	DecimalComma bool       `json:"decimal_comma"`
	DateOrder    string     `json:"date_order,omitempty"` // "DMY" or "MDY" when the dates had slashes
	FirstRow     []string   `json:"first_row"`            // the titles, or the first place when there are none
	Sample       [][]string `json:"sample"`               // the rows after it, up to maxSampleRows
	Columns      Columns    `json:"columns"`              // as recognised (or chosen)
	// Missing names what could not be told: "name", "coordinates",
	// "latitude" or "longitude".
	Missing []string `json:"missing,omitempty"`
}

const maxSampleRows = 5

// recognise reads the columns from the titles in the first row.
func recognise(titles []string) Columns {
	c := Columns{}
	for i, title := range titles {
		column := i + 1
		switch roleOfTitle(title) {
		case roleName:
			setOnce(&c.Name, column)
		case rolePlace:
			setOnce(&c.Place, column)
		case roleLatitude:
			setOnce(&c.Latitude, column)
		case roleLongitude:
			setOnce(&c.Longitude, column)
		case rolePoint:
			setOnce(&c.Point, column)
		case roleVisited:
			setOnce(&c.Visited, column)
		case roleNote:
			setOnce(&c.Note, column)
		case roleCountry:
			setOnce(&c.Country, column)
		}
	}
	if c.Name == 0 {
		c.Name, c.Place = c.Place, 0 // "City;Country;Lat;Lon": the city is the name
	}
	c.Header = c != Columns{}
	return c
}

// setOnce keeps the leftmost matching column, so "name,title" reads name.
func setOnce(column *int, i int) {
	if *column == 0 {
		*column = i
	}
}

// recognised counts the columns a header named, to choose the delimiter
// that makes the most sense of it.
func (c Columns) recognised() int {
	n := 0
	for _, column := range []int{c.Name, c.Place, c.Latitude, c.Longitude, c.Point, c.Visited, c.Note, c.Country} {
		if column > 0 {
			n++
		}
	}
	return n
}

func (c Columns) hasCoordinates() bool {
	return (c.Latitude > 0 && c.Longitude > 0) || c.Point > 0
}
