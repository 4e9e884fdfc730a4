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

	"github.com/whib/whib/geo/internal/fold"
)

// searchQueries mimics typing: names of random cities cut at a random
// length of at least two letters, with and without their accents.
func searchQueries(ix *Index, n int) []string {
	rng := rand.New(rand.NewPCG(3, 4))
	qs := make([]string, n)
	for i := range qs {
		c := &ix.gazetteer.cities[rng.IntN(len(ix.gazetteer.cities))]
		name := ix.gazetteer.nameOf(c)
		if rng.IntN(2) == 0 {
			name = fold.String(name)
		}
		runes := []rune(name)
		qs[i] = string(runes[:2+rng.IntN(max(len(runes)-1, 1))])
	}
	return qs
}

// BenchmarkSearch reports percentiles of the wall-clock time per query
// and, on Linux, of the CPU time (which a busy machine does not inflate).
func BenchmarkSearch(b *testing.B) {
	ix := testIndex(b)
	qs := searchQueries(ix, 10_000)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	wall := make([]time.Duration, 0, 100_000)
	cpu := make([]time.Duration, 0, 100_000)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		c0, ok := threadCPU()
		ix.Search(qs[i%len(qs)], 10)
		if c1, _ := threadCPU(); ok {
			cpu = append(cpu, c1-c0)
		}
		wall = append(wall, time.Since(start))
	}
	report := func(ds []time.Duration, unit string) {
		if len(ds) == 0 {
			return
		}
		slices.Sort(ds)
		at := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) }
		b.ReportMetric(at(0.50), "p50-"+unit)
		b.ReportMetric(at(0.99), "p99-"+unit)
	}
	report(wall, "µs")
	report(cpu, "cpu-µs")
	b.ReportMetric(float64(wall[len(wall)-1].Microseconds()), "max-µs")
}

// Places near cities, but not on them, so no lookup is a repeat.
func BenchmarkCountries100k(b *testing.B) {
	ix := testIndex(b)
	rng := rand.New(rand.NewPCG(5, 6))
	points := make([]Point, 100_000)
	for i := range points {
		c := ix.gazetteer.cities[rng.IntN(len(ix.gazetteer.cities))]
		points[i] = Point{Latitude: float64(c.lat)/1e5 + rng.Float64()*0.02 - 0.01, Longitude: float64(c.lon)/1e5 + rng.Float64()*0.02 - 0.01}
	}
	for b.Loop() {
		ix.Countries(points)
	}
}

// Countries and regions of 100,000 points: what a map of 100,000 places
// costs once per version of its places.
func BenchmarkLocate100k(b *testing.B) {
	ix := testIndex(b)
	rng := rand.New(rand.NewPCG(5, 6))
	points := make([]Point, 100_000)
	for i := range points {
		c := ix.gazetteer.cities[rng.IntN(len(ix.gazetteer.cities))]
		points[i] = Point{Latitude: float64(c.lat)/1e5 + rng.Float64()*0.02 - 0.01, Longitude: float64(c.lon)/1e5 + rng.Float64()*0.02 - 0.01}
	}
	for b.Loop() {
		ix.Locate(points)
	}
}

// BenchmarkLoad measures a fresh load (not the shared one) and what it
// keeps: heap in use after a GC, the growth of resident memory, and all it
// allocated on the way (garbage included).
func BenchmarkLoad(b *testing.B) {
	var heap, rss, alloc float64
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
		alloc = float64(after.TotalAlloc-before.TotalAlloc) / 1e6
		rss = residentMB() - rssBefore
		runtime.KeepAlive(ix)
	}
	b.ReportMetric(heap, "heap-MB")
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(alloc, "allocated-MB")
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
