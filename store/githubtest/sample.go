package githubtest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// SampleCSV returns a valid places file with n distinct places, always the
// same ones (SampleCSV(n) starts with the rows of SampleCSV(m) for m < n):
// "Sample place 000001" … with coordinates spread over the globe
// written with full float64 precision (about 60 bytes a row, so 20,000
// places make a file over 1 MB).
func SampleCSV(n int) []byte {
	rng := rand.New(rand.NewPCG(20210701, 1))
	var buf bytes.Buffer
	buf.Grow(24 + 60*n)
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"name", "latitude", "longitude"})
	for i := 1; i <= n; i++ {
		lat := rng.Float64()*179 - 89.5
		lon := rng.Float64()*359 - 179.5
		_ = w.Write([]string{
			fmt.Sprintf("Sample place %06d", i),
			strconv.FormatFloat(lat, 'f', -1, 64),
			strconv.FormatFloat(lon, 'f', -1, 64),
		})
	}
	w.Flush()
	return buf.Bytes()
}

// SampleVisitsCSV returns a valid places file of n places with dates and
// notes (issue 20), always the same: "Sample place 000001" … as in
// SampleCSV, each visited on a date between 1990 and today written at
// every precision the notation has (a day, a month, a year, a stay), one
// place in five visited a second time (with a note saying so), one visit
// in fifty a plan for the next two years, and a note on about every other
// first visit (one in ten with a web address). That is n*6/5 rows of about
// 100 bytes, no two alike.
func SampleVisitsCSV(n int, now time.Time) []byte {
	rng := rand.New(rand.NewPCG(20240301, 2))
	var buf bytes.Buffer
	buf.Grow(48 + 132*n)
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"name", "latitude", "longitude", "visited", "note"})
	var again [][3]string
	for i := 1; i <= n; i++ {
		place := [3]string{
			fmt.Sprintf("Sample place %06d", i),
			strconv.FormatFloat(rng.Float64()*179-89.5, 'f', -1, 64),
			strconv.FormatFloat(rng.Float64()*359-179.5, 'f', -1, 64),
		}
		_ = w.Write(append(place[:], sampleVisit(rng, now), sampleNote(rng, i)))
		if i%5 == 0 {
			again = append(again, place)
		}
		if len(again) > 0 && i%7 == 0 { // the second visits come later in the file
			_ = w.Write(append(again[0][:], sampleVisit(rng, now), fmt.Sprintf("Again, visit %d", i)))
			again = again[1:]
		}
	}
	for i, place := range again {
		_ = w.Write(append(place[:], sampleVisit(rng, now), fmt.Sprintf("Again, last visit %d", i)))
	}
	w.Flush()
	return buf.Bytes()
}

// sampleVisit is a date in the visited notation: a day, a month, a year or
// a stay of a few days since 1990, or now and then a plan.
func sampleVisit(rng *rand.Rand, now time.Time) string {
	first := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	day := first.AddDate(0, 0, rng.IntN(int(now.Sub(first).Hours()/24)))
	if rng.IntN(50) == 0 {
		day = now.AddDate(0, 1+rng.IntN(23), 0)
	}
	switch k := rng.IntN(10); {
	case k < 4:
		return day.Format(time.DateOnly)
	case k < 7:
		return day.Format("2006-01")
	case k < 9:
		return day.Format("2006")
	}
	return day.Format(time.DateOnly) + "/" + day.AddDate(0, 0, 1+rng.IntN(14)).Format(time.DateOnly)
}

func sampleNote(rng *rand.Rand, i int) string {
	switch rng.IntN(10) {
	case 0:
		return fmt.Sprintf("Talk %d, slides at https://example.org/talks/%d", i, i)
	case 1, 2, 3, 4:
		return fmt.Sprintf("Visit %d: the old town, a museum and dinner by the river with friends.", i)
	}
	return ""
}
