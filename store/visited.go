package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Visited is when a place was visited, at the precision the traveller knows
// it, in the notation of ISO 8601 / EDTF level 0: a year (2019), a month
// (2019-07), a day (2019-07-14), or an interval of two of them
// (2019-07-14/2019-07-18, 2018/2020). The zero Visited is "unknown". This
// file is the one place the notation is read; everything else asks a
// Visited.
type Visited struct {
	text       string // as written: the stored notation
	start, end day    // the first and last day it covers
}

// day is a calendar day as a comparable number (yyyymmdd).
type day int

func dayOf(y, m, d int) day { return day(y*10000 + m*100 + d) }

func (d day) time() time.Time {
	return time.Date(int(d)/10000, time.Month(int(d)/100%100), int(d)%100, 0, 0, 0, 0, time.UTC)
}

// ParseVisited reads the notation. The empty string is the zero Visited.
// Errors are written for the person who typed the value ("Month must be 01
// to 12.").
func ParseVisited(text string) (Visited, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return Visited{}, nil
	}
	from, to, interval := strings.Cut(s, "/")
	start, end, err := parseEDTFDate(from)
	if err != nil {
		return Visited{}, err
	}
	if interval {
		if strings.Contains(to, "/") {
			return Visited{}, errVisitedShape
		}
		var toStart day
		if toStart, end, err = parseEDTFDate(to); err != nil {
			return Visited{}, err
		}
		if toStart < start {
			return Visited{}, sentence(fmt.Sprintf("The end (%s) is before the start (%s).", to, from))
		}
	}
	return Visited{text: s, start: start, end: end}, nil
}

var errVisitedShape = sentence("Write a year (2019), a month (2019-07), a day (2019-07-14), or two of them joined by a slash (2019-07-14/2019-07-18).")

// sentence is an error whose text is written for a person, capitals and
// full stop included: it is shown beside the form field.
type sentence string

func (s sentence) Error() string { return string(s) }

// parseEDTFDate reads YYYY, YYYY-MM or YYYY-MM-DD and returns the first and
// last day it covers.
func parseEDTFDate(s string) (first, last day, err error) {
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return 0, 0, errVisitedShape
	}
	var n [3]int
	for i, p := range parts {
		if (i > 0 && len(p) != 2) || !allDigits(p) {
			return 0, 0, errVisitedShape
		}
		n[i], _ = strconv.Atoi(p) // all digits, at most four
	}
	year := n[0]
	if len(parts) == 1 {
		return dayOf(year, 1, 1), dayOf(year, 12, 31), nil
	}
	month := n[1]
	if month < 1 || month > 12 {
		return 0, 0, sentence(fmt.Sprintf("Month must be 01 to 12 (it is %s).", parts[1]))
	}
	days := daysIn(year, month)
	if len(parts) == 2 {
		return dayOf(year, month, 1), dayOf(year, month, days), nil
	}
	if d := n[2]; d < 1 || d > days {
		return 0, 0, sentence(fmt.Sprintf("Day must be 01 to %02d in %s %d (it is %s).", days, time.Month(month), year, parts[2]))
	}
	return dayOf(year, month, n[2]), dayOf(year, month, n[2]), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String is the notation as stored; "" when unknown.
func (v Visited) String() string { return v.text }

// IsZero reports an unknown date.
func (v Visited) IsZero() bool { return v.text == "" }

// Start and End are the first and last day the date covers (2019-07: July
// 1st and 31st), at midnight UTC; zero when unknown.
func (v Visited) Start() time.Time {
	if v.IsZero() {
		return time.Time{}
	}
	return v.start.time()
}

func (v Visited) End() time.Time {
	if v.IsZero() {
		return time.Time{}
	}
	return v.end.time()
}

// Year is the year the visit starts in; 0 when unknown.
func (v Visited) Year() int { return int(v.start) / 10000 }

// Overlaps reports whether the two share at least one day; an unknown date
// overlaps nothing.
func (v Visited) Overlaps(o Visited) bool {
	return !v.IsZero() && !o.IsZero() && v.start <= o.end && o.start <= v.end
}

// Planned reports a visit that starts after the day of now: a plan, not a
// place been to.
func (v Visited) Planned(now time.Time) bool {
	y, m, d := now.Date()
	return !v.IsZero() && v.start > dayOf(y, int(m), d)
}

// Before orders visits newest first: a later start first, unknown last.
func (v Visited) Before(o Visited) bool {
	if v.IsZero() != o.IsZero() {
		return !v.IsZero()
	}
	if v.start != o.start {
		return v.start > o.start
	}
	return v.end > o.end
}

// MarshalJSON writes the notation as a JSON string.
func (v Visited) MarshalJSON() ([]byte, error) { return json.Marshal(v.text) }

// UnmarshalJSON reads the notation, refusing what ParseVisited refuses.
func (v *Visited) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := ParseVisited(s)
	if err != nil {
		return err
	}
	*v = parsed
	return nil
}
