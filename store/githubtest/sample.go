package githubtest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
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
