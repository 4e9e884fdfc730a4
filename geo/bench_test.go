package geo

import (
	"bufio"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// searchQueries mimics typing: names of random cities cut at a random
// length of at least two letters, with and without their accents.
func searchQueries(ix *Index, n int) []string {
	rng := rand.New(rand.NewPCG(3, 4))
	qs := make([]string, n)
	for i := range qs {
		c := ix.gazetteer.cities[rng.IntN(len(ix.gazetteer.cities))]
		name := c.name
		if rng.IntN(2) == 0 {
			name = c.folded
		}
		runes := []rune(name)
		qs[i] = string(runes[:2+rng.IntN(max(len(runes)-1, 1))])
	}
	return qs
}

func BenchmarkSearch(b *testing.B) {
	ix := testIndex(b)
	qs := searchQueries(ix, 10_000)
	latencies := make([]time.Duration, 0, 100_000)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		ix.Search(qs[i%len(qs)], 10)
		latencies = append(latencies, time.Since(start))
	}
	slices.Sort(latencies)
	at := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds())
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds()), "max-µs")
}

// Places near cities, but not on them, so no lookup is a repeat.
func BenchmarkCountries100k(b *testing.B) {
	ix := testIndex(b)
	rng := rand.New(rand.NewPCG(5, 6))
	points := make([]Point, 100_000)
	for i := range points {
		c := ix.gazetteer.cities[rng.IntN(len(ix.gazetteer.cities))]
		points[i] = Point{float64(c.lat)/1e5 + rng.Float64()*0.02 - 0.01, float64(c.lon)/1e5 + rng.Float64()*0.02 - 0.01}
	}
	for b.Loop() {
		ix.Countries(points)
	}
}

// BenchmarkLoad measures a fresh load (not the shared one) and what it
// keeps: heap in use after a GC, and the growth of resident memory.
func BenchmarkLoad(b *testing.B) {
	var heap, rss float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rssBefore := residentMB()
		ix, err := load()
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / 1e6
		rss = residentMB() - rssBefore
		runtime.KeepAlive(ix)
	}
	b.ReportMetric(heap, "heap-MB")
	b.ReportMetric(rss, "rss-MB")
}

// residentMB reads VmRSS on Linux; elsewhere it is 0 and so is the metric.
func residentMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1e3
		}
	}
	return 0
}
