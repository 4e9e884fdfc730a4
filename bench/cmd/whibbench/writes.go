package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// addTargeter POSTs a distinct place per request, each with its own
// writer's token.
func addTargeter(appURL, prefix string, id *identity) vegeta.Targeter {
	var mu sync.Mutex
	k := 0
	return func(t *vegeta.Target) error {
		mu.Lock()
		k++
		n := k
		mu.Unlock()
		body, err := json.Marshal(newBenchPlace(prefix, n))
		if err != nil {
			return err
		}
		t.Method = http.MethodPost
		t.URL = appURL + "/places"
		t.Body = body
		t.Header = http.Header{
			"Authorization": {"Bearer " + id.writerToken()},
			"Content-Type":  {"application/json"},
			"Accept":        {"application/json"},
		}
		return nil
	}
}

// addedNames collects the names whib reports as stored (201 Created).
type addedNames struct {
	mu    sync.Mutex
	names []string
	bad   int // 201 with a body that is not the stored place
}

func (a *addedNames) record(res *vegeta.Result) {
	if res.Code != http.StatusCreated {
		return
	}
	var stored struct {
		Name string `json:"name"`
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := json.Unmarshal(res.Body, &stored); err != nil || stored.Name == "" {
		a.bad++
		return
	}
	a.names = append(a.names, stored.Name)
}

func (a *addedNames) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.names...)
}

// writeCheck compares the repository's file after the adds with what the
// clients were told: the original rows are untouched (the file before is a
// prefix of the file after: adds only append), every 201 is a row exactly
// once, and nothing else was added or lost.
type writeCheck struct {
	OK      bool
	Summary string
}

func checkWrites(file, original []byte, created []string) writeCheck {
	counts, rows, duplicates, err := csvNames(file)
	if err != nil {
		return writeCheck{Summary: "FAIL: the stored file is not valid CSV: " + err.Error()}
	}
	_, before, _, err := csvNames(original)
	if err != nil {
		return writeCheck{Summary: "FAIL: the original file is not valid CSV: " + err.Error()}
	}
	kept := bytes.HasPrefix(file, original)
	var missing, doubled int
	for _, name := range created {
		switch counts[name] {
		case 0:
			missing++
		case 1:
		default:
			doubled++
		}
	}
	want := before + len(created)
	ok := kept && rows == want && missing == 0 && doubled == 0 && duplicates == 0
	verdict := "OK"
	if !ok {
		verdict = "FAIL"
	}
	return writeCheck{OK: ok, Summary: fmt.Sprintf("%s: %d rows = %d + %d created; original rows kept byte for byte: %t; lost %d, doubled %d, duplicate rows %d",
		verdict, rows, before, len(created), kept, missing, doubled, duplicates)}
}

// addRun is the outcome of the add phase at one size.
type addRun struct {
	Stats        *loadStats
	Created      int
	GitHubCalls  int
	CallsPerAdd  float64
	CallsByRoute map[string]int
	Check        writeCheck
}

// measureAdds sends o.Adds authenticated POST /places (bounded by
// o.AddDuration), counts the fake GitHub's calls, and checks the stored
// file against the 201 answers.
func measureAdds(ctx context.Context, o options, a *app, gh githubFake, id *identity) addRun {
	run := addRun{Stats: newLoadStats()}
	var names addedNames
	original := gh.File(placesPath)
	calls0, routes0 := gh.Calls(), gh.CallsByRoute()
	attack(ctx, attackSpec{
		Name:     "add",
		Targeter: addTargeter(a.URL, fmt.Sprintf("Bench %d", time.Now().UnixNano()%1_000_000), id),
		Workers:  o.AddWorkers,
		Duration: o.AddDuration,
		MaxHits:  uint64(o.Adds),
		KeepBody: true,
	}, names.record, run.Stats)
	created := names.list()
	run.Created = len(created)
	run.GitHubCalls = gh.Calls() - calls0
	run.CallsByRoute = diffRoutes(routes0, gh.CallsByRoute())
	if run.Created > 0 {
		run.CallsPerAdd = float64(run.GitHubCalls) / float64(run.Created)
	}
	run.Check = checkWrites(gh.File(placesPath), original, created)
	if names.bad > 0 {
		run.Check.OK = false
		run.Check.Summary += fmt.Sprintf("; %d answers 201 without the stored place", names.bad)
	}
	return run
}

func diffRoutes(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}
