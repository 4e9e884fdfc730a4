package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
)

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

// csvNames reads a places.csv and returns how often each name occurs and
// the number of rows (without the header).
func csvNames(content []byte) (map[string]int, int, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = 3
	records, err := r.ReadAll()
	if err != nil {
		return nil, 0, err
	}
	if len(records) == 0 {
		return nil, 0, fmt.Errorf("empty file")
	}
	counts := make(map[string]int, len(records))
	for _, rec := range records[1:] {
		counts[rec[0]]++
	}
	return counts, len(records) - 1, nil
}
