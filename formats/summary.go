package formats

import (
	"fmt"
	"strconv"

	"github.com/whib/whib/store"
)

// Summary is what a preview says of an import before its table:
// "Google Timeline: 214 visits at 61 places, 2019–2024".
type Summary struct {
	Source string `json:"source"`
	Visits int    `json:"visits"` // rows
	// Places counts the different places: rows sharing a name and a point
	// are visits to one.
	Places    int `json:"places"`
	FirstYear int `json:"first_year,omitempty"` // of the visits with a date; 0 when none has one
	LastYear  int `json:"last_year,omitempty"`
}

// Summary counts the import's visits, places and years.
func (imp Import) Summary() Summary {
	s := Summary{Source: imp.Source, Visits: len(imp.Rows)}
	places := map[[3]string]bool{}
	for _, row := range imp.Rows {
		places[[3]string{row.Name, row.Latitude, row.Longitude}] = true
		visited, err := store.ParseVisited(row.Visited)
		if err != nil || visited.IsZero() {
			continue
		}
		if first := visited.Year(); s.FirstYear == 0 || first < s.FirstYear {
			s.FirstYear = first
		}
		s.LastYear = max(s.LastYear, visited.End().Year())
	}
	s.Places = len(places)
	return s
}

// String is the summary in a sentence's words.
func (s Summary) String() string {
	text := s.Source + ": "
	switch {
	case s.Visits == 0:
		return text + "no places"
	case s.Visits == s.Places:
		text += count(s.Places, "place", "places")
	default:
		text += count(s.Visits, "visit", "visits") + " at " + count(s.Places, "place", "places")
	}
	switch {
	case s.FirstYear == 0:
	case s.FirstYear == s.LastYear:
		text += ", " + strconv.Itoa(s.FirstYear)
	default:
		text += fmt.Sprintf(", %d–%d", s.FirstYear, s.LastYear)
	}
	return text
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
