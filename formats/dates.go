package formats

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/whib/whib/store"
)

// How a visit's date is read (issue 20): whatever a file writes becomes EDTF
// level 0, the notation of places.csv's visited column, at the precision the
// file knows: 2019, 2019-07, 2019-07-14, or an interval of two.
//
//   - EDTF values (2019, 2019-07, 2019-07-14, a/b) are kept as they are.
//   - A date and time (xs:dateTime, RFC 3339, "2019-07-14 10:32:00") becomes
//     the date of the day the traveller lived it. With a UTC offset other
//     than zero the date is the one written. Without an offset the time is
//     local, and the date is again the one written. In UTC ("Z", "+00:00")
//     or as a Unix time, the date is the one at the place: UTC plus the
//     place's longitude / 15 hours, rounded (mean solar time, which is the
//     civil date at every hour of the day but near midnight in the few
//     countries whose zone is far from their longitude). A UTC time of
//     exactly midnight is a date that some tool wrote as a date-time (GDAL,
//     spreadsheets): its date is the one written.
//   - Unix times are seconds, or milliseconds from 10¹¹ up (what Google and
//     Swarm write).
//   - Spreadsheet dates: 14.07.2019, 07.2019, 2019/07/14, and 14/07/2019 or
//     07/14/2019 read day first or month first as dateOrder says.
//
// whib's GPX export (see GPXNamespaceWhib) writes a visit that is not a
// single day, which xs:dateTime cannot hold, as <time> at the first instant
// of the visit and the exact value in <whib:visited>, which import prefers.

// dateContext is what reading a date needs besides the text.
type dateContext struct {
	longitude    float64
	hasLongitude bool
	monthFirst   bool // 07/14/2019 rather than 14/07/2019
}

// dateAt is the context for a row at the given longitude (as written).
func dateAt(longitude string) dateContext {
	lon, err := strconv.ParseFloat(strings.TrimSpace(longitude), 64)
	if err != nil || math.IsNaN(lon) || math.Abs(lon) > 180 {
		return dateContext{}
	}
	return dateContext{longitude: lon, hasLongitude: true}
}

// normaliseVisited reads s into EDTF level 0. It returns "" and true for
// an empty s, and s trimmed and false for text it cannot read.
func normaliseVisited(s string, ctx dateContext) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if v, ok := readInterval(s, ctx); ok {
		return v, true
	}
	if v, ok := readOneDate(s, ctx); ok {
		return v, true
	}
	return s, false
}

// isEDTF reports whether s is in the notation of the visited column, as
// the store reads it (store.ParseVisited): what normaliseVisited keeps
// unchanged.
func isEDTF(s string) bool {
	v, err := store.ParseVisited(s)
	return err == nil && s != "" && v.String() == s
}

// readInterval reads "start/end" where both halves are dates on their own
// (so 2019/07/14 is a date, not an interval). An end before its start is
// refused; an interval of one day is that day.
func readInterval(s string, ctx dateContext) (string, bool) {
	start, end, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(end, "/") {
		return "", false
	}
	a, okA := readOneDate(start, ctx)
	b, okB := readOneDate(end, ctx)
	if !okA || !okB || strings.Contains(a, "/") || strings.Contains(b, "/") {
		return "", false
	}
	return joinSpan(a, b)
}

// joinSpan makes an interval of two dates: one date when they are equal,
// false when the end starts before the start (the store's rule).
func joinSpan(start, end string) (string, bool) {
	switch {
	case end == "" || start == end:
		return start, start != ""
	case start == "":
		return end, true
	}
	return start + "/" + end, isEDTF(start + "/" + end)
}

func readOneDate(s string, ctx dateContext) (string, bool) {
	s = strings.TrimSpace(s)
	if v, ok := readPlainDate(s); ok {
		return v, true
	}
	if v, ok := readDateTime(s, ctx); ok {
		return v, true
	}
	if t, ok := unixTime(s); ok {
		day := dateOfInstant(t, ctx)
		return day, day != ""
	}
	return readLocalDate(s, ctx)
}

// readPlainDate reads YYYY, YYYY-MM, YYYY-MM-DD and the basic YYYYMMDD.
func readPlainDate(s string) (string, bool) {
	switch {
	case len(s) == 4 && allDigits(s):
		return s, true
	case len(s) == 7 && s[4] == '-':
		return s, isYearMonth(s[:4], s[5:])
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		return s, isDay(s[:4], s[5:7], s[8:])
	case len(s) == 8 && allDigits(s) && isDay(s[:4], s[4:6], s[6:]):
		return s[:4] + "-" + s[4:6] + "-" + s[6:], true
	}
	return "", false
}

func isYearMonth(year, month string) bool {
	if len(year) != 4 || len(month) != 2 || !allDigits(year) || !allDigits(month) {
		return false
	}
	m, _ := strconv.Atoi(month)
	return m >= 1 && m <= 12
}

func isDay(year, month, day string) bool {
	if !isYearMonth(year, month) || len(day) != 2 || !allDigits(day) {
		return false
	}
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return d >= 1 && t.Day() == d
}

// readDateTime reads a date followed by T or a space and a time of day,
// with or without a zone. Only the hours and minutes must be numbers:
// seconds and fractions are not needed to tell the day.
func readDateTime(s string, ctx dateContext) (string, bool) {
	if len(s) < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return "", false
	}
	date, ok := readPlainDate(s[:10])
	if !ok || len(date) != 10 {
		return "", false
	}
	clock, zone := splitZone(s[11:])
	hour, minute, second, ok := readClock(clock)
	if !ok {
		return "", false
	}
	offset, ok := zoneOffset(zone)
	switch {
	case !ok:
		return "", false
	case zone == "" || offset != 0:
		return date, true // local time, or another zone: the date as written
	case hour == 0 && minute == 0 && second == 0:
		return date, true // a date some tool wrote as midnight UTC
	}
	t, _ := time.Parse("2006-01-02 15:04:05", date+" "+clock[:5]+":00")
	day := dateOfInstant(t, ctx)
	return day, day != ""
}

// splitZone cuts "10:32:00.5+02:00" into the clock and "+02:00" (or "Z").
func splitZone(s string) (clock, zone string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "Zz+-"); i >= 0 {
		return strings.TrimSpace(s[:i]), s[i:]
	}
	// GDAL writes "2019/07/14 10:00:00+00", others " UTC" or " GMT".
	for _, utc := range []string{" UTC", " GMT"} {
		if rest, ok := strings.CutSuffix(s, utc); ok {
			return rest, "Z"
		}
	}
	return s, ""
}

func readClock(clock string) (hour, minute int, second float64, ok bool) {
	if len(clock) < 5 || clock[2] != ':' || !allDigits(clock[:2]) || !allDigits(clock[3:5]) {
		return 0, 0, 0, false
	}
	hour, _ = strconv.Atoi(clock[:2])
	minute, _ = strconv.Atoi(clock[3:5])
	if rest := clock[5:]; rest != "" {
		s, err := strconv.ParseFloat(strings.TrimPrefix(rest, ":"), 64)
		if !strings.HasPrefix(rest, ":") || err != nil || s < 0 || s >= 61 {
			return 0, 0, 0, false
		}
		second = s
	}
	return hour, minute, second, hour <= 23 && minute <= 59
}

// zoneOffset reads "Z", "+02:00", "+0200", "+02" into minutes.
func zoneOffset(zone string) (int, bool) {
	switch zone {
	case "":
		return 0, true
	case "Z", "z":
		return 0, true
	}
	sign := 1
	if zone[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(zone[1:], ":", "")
	if (len(digits) != 2 && len(digits) != 4) || !allDigits(digits) {
		return 0, false
	}
	hours, _ := strconv.Atoi(digits[:2])
	minutes := 0
	if len(digits) == 4 {
		minutes, _ = strconv.Atoi(digits[2:])
	}
	return sign * (hours*60 + minutes), hours <= 18 && minutes < 60
}

// unixTime reads a Unix time in seconds, or in milliseconds from 10¹¹ on;
// a fraction of a second is allowed. Nine digits at least, so a year or
// a basic date is never taken for one.
func unixTime(s string) (time.Time, bool) {
	whole, _, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if len(whole) < 9 || len(whole) > 16 || !allDigits(whole) {
		return time.Time{}, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, false
	}
	if math.Abs(v) >= 1e11 {
		v /= 1000
	}
	sec, frac := math.Modf(v)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// dateOfInstant is the date at the place of an instant known in UTC (see
// the package comment on dates), or "" when it is outside the years EDTF
// level 0 writes (0000 to 9999).
func dateOfInstant(t time.Time, ctx dateContext) string {
	if ctx.hasLongitude {
		t = t.Add(time.Duration(math.Round(ctx.longitude/15)) * time.Hour)
	}
	return dayOf(t)
}

// dateWithOffset is the local date of an instant whose UTC offset the file
// gives in minutes (Swarm's timeZoneOffset).
func dateWithOffset(t time.Time, offsetMinutes int) string {
	return dayOf(t.Add(time.Duration(offsetMinutes) * time.Minute))
}

func dayOf(t time.Time) string {
	t = t.UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return ""
	}
	return t.Format("2006-01-02")
}

// readLocalDate reads the ways spreadsheets write a day: 14.07.2019,
// 07.2019, 2019/07/14, 14/07/2019 (or 07/14/2019), 07/2019, with one-digit
// days and months allowed. A time after a space is ignored.
func readLocalDate(s string, ctx dateContext) (string, bool) {
	s, _, _ = strings.Cut(s, " ")
	sep := "."
	if strings.Contains(s, "/") {
		sep = "/"
	}
	parts := strings.Split(strings.TrimSuffix(s, sep), sep)
	for _, p := range parts {
		if !allDigits(p) || len(p) > 4 {
			return "", false
		}
	}
	switch {
	case len(parts) == 2 && len(parts[1]) == 4:
		return checked(parts[1] + "-" + pad2(parts[0]))
	case len(parts) != 3:
		return "", false
	case len(parts[0]) == 4:
		return checked(parts[0] + "-" + pad2(parts[1]) + "-" + pad2(parts[2]))
	case len(parts[2]) != 4:
		return "", false
	case sep == "/" && ctx.monthFirst:
		return checked(parts[2] + "-" + pad2(parts[0]) + "-" + pad2(parts[1]))
	}
	return checked(parts[2] + "-" + pad2(parts[1]) + "-" + pad2(parts[0]))
}

func checked(date string) (string, bool) {
	v, ok := readPlainDate(date)
	return v, ok && len(v) == len(date)
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// readInstant reads a moment: a Unix time, RFC 3339, or a date and time
// without a zone, which is taken as UTC (Swarm's export writes createdAt
// as "2019-07-14 10:32:00.000000" in UTC beside the check-in's offset).
func readInstant(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, ok := unixTime(s); ok {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
