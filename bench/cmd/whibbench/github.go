package main

import (
	"time"

	"github.com/whib/whib/store/githubtest"
)

// The repository every app of a run reads and writes, in the fake GitHub.
const (
	benchOwner       = "bench"
	benchRepo        = "places"
	benchBranch      = "main"
	benchGitHubToken = "bench-github-token"
	placesPath       = "places.csv"
)

// githubFake is what the benchmark reads from the fake GitHub: its call
// counters and the stored file.
type githubFake interface {
	Calls() int
	CallsByRoute() map[string]int
	File(path string) []byte
}

// startFake serves a repository holding places.csv, answering each API
// call after latency, as the real API takes about 150 ms.
func startFake(csv []byte, latency time.Duration) *githubtest.Server {
	return githubtest.Start(
		githubtest.WithToken(benchGitHubToken),
		githubtest.WithRepo(benchOwner, benchRepo, benchBranch),
		githubtest.WithFile(placesPath, csv),
		githubtest.WithLatency(latency),
	)
}
