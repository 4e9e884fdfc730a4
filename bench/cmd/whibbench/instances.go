package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/whib/whib/store/githubtest"
)

// instancesRun is the several-instances check: N whib processes on one
// repository take adds at the same time; afterwards the file must hold
// every acknowledged place exactly once, and every instance must list every
// place within one refresh interval of the add.
type instancesRun struct {
	Instances int
	Places    int
	Refresh   time.Duration
	Sent      int
	Created   int
	Refused   map[string]int // non-201 answers by status or error
	Check     writeCheck
	// GitHubCalls counts every call while the adds ran, the instances'
	// background refreshes included.
	GitHubCalls  int
	CallsPerAdd  float64
	CallsByRoute map[string]int
	AddP50       time.Duration
	AddMax       time.Duration
	// Worst is the longest time from an add's 201 until an instance
	// listed the place; Unseen counts (instance, place) pairs never seen.
	Worst  time.Duration
	Unseen int
	// Allowed is the bound for Worst: one refresh interval, plus the
	// refresh's own GitHub call, plus the resolution of the list reads.
	Allowed time.Duration
}

// pollEvery is how often each instance's list is read; it is the
// resolution of Worst.
const pollEvery = 100 * time.Millisecond

func (r instancesRun) Visible() bool {
	return r.Unseen == 0 && r.Worst <= r.Allowed
}

func (r instancesRun) Pass() bool { return r.Check.OK && r.Visible() && r.Created > 0 }

type sentAdd struct {
	name    string
	sentAt  time.Time
	ackedAt time.Time // the 201 arrived: the commit is on the branch
	latency time.Duration
	created bool
	refused string
}

func runInstances(ctx context.Context, o options, s appSettings, id *identity) (instancesRun, error) {
	run := instancesRun{Instances: o.Instances, Places: o.InstanceSize, Refresh: o.InstanceRefresh, Refused: map[string]int{},
		Allowed: o.InstanceRefresh + o.Latency + pollEvery}
	csv := githubtest.SampleCSV(o.InstanceSize)
	gh := startFake(csv, o.Latency)
	defer gh.Close()

	s.githubURL = gh.URL
	s.refreshInterval = o.InstanceRefresh
	apps, err := startInstances(ctx, o.Instances, s)
	defer func() {
		for _, a := range apps {
			a.stop()
		}
	}()
	if err != nil {
		return run, err
	}

	prefix := fmt.Sprintf("Shared %d", time.Now().UnixNano()%1_000_000)
	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	seen := make([]*firstSeen, len(apps))
	var polling sync.WaitGroup
	for i, a := range apps {
		seen[i] = &firstSeen{at: map[string]time.Time{}}
		polling.Go(func() { seen[i].poll(pollCtx, a.URL, prefix) })
	}

	calls0, routes0 := gh.Calls(), gh.CallsByRoute()
	sent := sendAdds(ctx, apps, o.InstanceAdds, id, prefix)
	run.GitHubCalls = gh.Calls() - calls0
	run.CallsByRoute = diffRoutes(routes0, gh.CallsByRoute())
	created := run.tally(sent)
	run.Check = checkWrites(gh.File(placesPath), csv, created)

	// Wait, bounded, until every instance lists every acknowledged place.
	deadline := time.Now().Add(o.InstanceRefresh + 3*time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil && !allSeen(seen, created) {
		select {
		case <-ctx.Done():
		case <-time.After(pollEvery):
		}
	}
	stopPolling()
	polling.Wait()
	run.measureVisibility(sent, seen, created)
	return run, nil
}

// startInstances starts n copies of whib against the same repository; the
// ones started are returned even when a later one fails, to be stopped.
func startInstances(ctx context.Context, n int, s appSettings) ([]*app, error) {
	apps := make([]*app, 0, n)
	for i := range n {
		s.name = fmt.Sprintf("instance-%d", i+1)
		a, err := startApp(ctx, s)
		if err != nil {
			return apps, err
		}
		apps = append(apps, a)
	}
	return apps, nil
}

// sendAdds has every instance's writer add its places, all at once.
func sendAdds(ctx context.Context, apps []*app, adds int, id *identity, prefix string) [][]sentAdd {
	sent := make([][]sentAdd, len(apps))
	var writers sync.WaitGroup
	for i, a := range apps {
		writers.Go(func() {
			client := &http.Client{Timeout: 60 * time.Second}
			for k := range adds {
				if ctx.Err() != nil {
					return
				}
				sent[i] = append(sent[i], addOne(ctx, client, a.URL, id, newBenchPlace(prefix, (i+1)*1000+k)))
			}
		})
	}
	writers.Wait()
	return sent
}

// tally counts the adds sent, created and refused, and their latency; it
// returns the names of the places created.
func (run *instancesRun) tally(sent [][]sentAdd) []string {
	var created []string
	var latencies []time.Duration
	for _, adds := range sent {
		for _, add := range adds {
			run.Sent++
			latencies = append(latencies, add.latency)
			if add.created {
				created = append(created, add.name)
			} else {
				run.Refused[add.refused]++
			}
		}
	}
	run.Created = len(created)
	if run.Created > 0 {
		run.CallsPerAdd = float64(run.GitHubCalls) / float64(run.Created)
	}
	run.AddP50, run.AddMax = percentile(latencies, 0.5), percentile(latencies, 1)
	return created
}

// measureVisibility is the worst time from a place's 201 to its showing
// on every instance, and how many instances never showed one.
func (run *instancesRun) measureVisibility(sent [][]sentAdd, seen []*firstSeen, created []string) {
	ackedAt := map[string]time.Time{}
	for _, adds := range sent {
		for _, add := range adds {
			ackedAt[add.name] = add.ackedAt
		}
	}
	for _, fs := range seen {
		for _, name := range created {
			at, ok := fs.get(name)
			if !ok {
				run.Unseen++
				continue
			}
			run.Worst = max(run.Worst, at.Sub(ackedAt[name]))
		}
	}
}

func addOne(ctx context.Context, client *http.Client, appURL string, id *identity, p benchPlace) sentAdd {
	add := sentAdd{name: p.Name, sentAt: time.Now()}
	body, _ := json.Marshal(p)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, appURL+"/places", bytes.NewReader(body))
	if err != nil {
		add.refused = err.Error()
		return add
	}
	req.Header.Set("Authorization", "Bearer "+id.writerToken())
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	add.ackedAt = time.Now()
	add.latency = add.ackedAt.Sub(add.sentAt)
	if err != nil {
		add.refused = "error: " + err.Error()
		return add
	}
	defer resp.Body.Close()
	add.created = resp.StatusCode == http.StatusCreated
	if !add.created {
		// whib's error body names the reason, e.g. "busy" when the
		// compare-and-swap retries ran out.
		var problem struct {
			Code string `json:"code"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&problem)
		add.refused = strings.TrimSpace(resp.Status + " " + problem.Code)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return add
}

// firstSeen remembers when an instance first listed each place.
type firstSeen struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (f *firstSeen) get(name string) (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.at[name]
	return t, ok
}

// poll reads the instance's GET /places until ctx ends.
func (f *firstSeen) poll(ctx context.Context, appURL, prefix string) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		f.read(ctx, client, appURL, prefix)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (f *firstSeen) read(ctx context.Context, client *http.Client, appURL, prefix string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, appURL+"/places", nil)
	if err != nil {
		return
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	var places []struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&places); err != nil {
		return
	}
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range places {
		if strings.HasPrefix(p.Name, prefix) {
			if _, ok := f.at[p.Name]; !ok {
				f.at[p.Name] = now
			}
		}
	}
}

func allSeen(seen []*firstSeen, names []string) bool {
	for _, fs := range seen {
		for _, name := range names {
			if _, ok := fs.get(name); !ok {
				return false
			}
		}
	}
	return true
}
