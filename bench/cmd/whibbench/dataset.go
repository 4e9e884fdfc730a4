package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/whib/whib/store/githubtest"
)

// sample is the places file of a size, and how many rows (visits) it has:
// n places, with -visits n*6/5 visits. The map shows n markers either way.
func sample(o options, n int) ([]byte, int) {
	if !o.Visits {
		return githubtest.SampleCSV(n), n
	}
	content := githubtest.SampleVisitsCSV(n, time.Now())
	_, rows, _, err := csvNames(content)
	if err != nil {
		panic(err) // a sample of our own: only a broken build gets here
	}
	return content, rows
}

// benchPlace is the k-th place a benchmark writer adds: a distinct name
// (tagged with the run's prefix) and plausible coordinates.
type benchPlace struct {
	Name      string  `json:"name"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

func newBenchPlace(prefix string, k int) benchPlace {
	return benchPlace{
		Name:      fmt.Sprintf("%s %d", prefix, k),
		Latitude:  float64(k%1600)/20 - 40,
		Longitude: float64(k%3400)/10 - 170,
	}
}

// csvNames reads a places.csv and returns how often each name occurs, the
// number of rows (without the header), and how many rows repeat an
// earlier row whole (a place visited twice is two rows with one name, and
// no duplicate).
func csvNames(content []byte) (map[string]int, int, int, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1 // three fields, or five with dates and notes (-visits)
	records, err := r.ReadAll()
	if err != nil {
		return nil, 0, 0, err
	}
	if len(records) == 0 {
		return nil, 0, 0, fmt.Errorf("empty file")
	}
	counts := make(map[string]int, len(records))
	seen := make(map[string]bool, len(records))
	duplicates := 0
	for _, rec := range records[1:] {
		counts[rec[0]]++
		row := strings.Join(rec, "\x00")
		if seen[row] {
			duplicates++
		}
		seen[row] = true
	}
	return counts, len(records) - 1, duplicates, nil
}
