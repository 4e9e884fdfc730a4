package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// machine is where the numbers were measured.
type machine struct {
	CPUs     int
	CPUModel string
	MemTotal string
	Kernel   string
	Go       string
	Chromium string
	Revision string // git commit of the measured tree, "+changes" when it has uncommitted changes
}

func describeMachine(ctx context.Context, root string) machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel = procField(b, "model name")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(procField(b, "MemTotal"), "%d kB", &kb); err == nil {
			m.MemTotal = fmt.Sprintf("%.1f GB", float64(kb)*1000/1e9)
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out := commandOutput(ctx, "go", "version"); out != "" {
		m.Go = out
	}
	if rev := commandOutput(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD"); rev != "" {
		m.Revision = rev
		if commandOutput(ctx, "git", "-C", root, "status", "--porcelain") != "" {
			m.Revision += "+changes"
		}
	}
	return m
}

func procField(b []byte, name string) string {
	for line := range bytes.Lines(b) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && string(bytes.TrimSpace(k)) == name {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}

func commandOutput(ctx context.Context, name string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// report is the run's output: one table and notes.
type report struct {
	Options      options
	Args         []string
	Machine      machine
	Started      time.Time
	Finished     time.Time
	Sizes        []sizeRun
	Instances    *instancesRun
	InstancesErr error
	// Live updates (live.go): one instance, and several sharing Redis.
	FanOut, LiveInstances       *liveRun
	FanOutErr, LiveInstancesErr error
}

// Targets from the issue.
const (
	targetRatio      = 0.90 // issue 24; it was 0.70
	targetCallsAdd   = 2.0
	targetRSS        = 150_000_000 // 150 MB, decimal: the stricter reading
	targetHealthy    = 300 * time.Millisecond
	targetLargeSize  = 100_000
	targetSmallHTML  = 100_000 // bytes on the wire: "the page's HTML stays small"
	targetCallsViews = 0.0
)

func (r report) write(w io.Writer) {
	if r.Options.Browser {
		r.Machine.Chromium = commandOutput(context.Background(), r.Options.Chromium, "--version")
	}
	fmt.Fprintf(w, "## whib benchmark — %s\n\n", r.Started.UTC().Format("2006-01-02 15:04 MST"))
	r.writeTable(w)
	fmt.Fprintln(w)
	r.writeTargets(w)
	fmt.Fprintln(w)
	r.writeNotes(w)
}

func (r report) writeTable(w io.Writer) {
	header := []string{
		"Places", "Page HTML (wire / raw)", "GET / req/s", "Ceiling req/s", "App ÷ ceiling",
		"GET / p50 / p99", "Ceiling p50 / p99", "GitHub calls per view",
		"Adds/s", "Add p50 / p99", "GitHub calls per add", "Stored rows",
		"RSS after views / peak", "healthz 200 after", "First page after", "Markers ready (cold / warm)",
	}
	rows := [][]string{header}
	for _, s := range r.Sizes {
		row := []string{thousands(s.Places)}
		if s.Err != nil && s.Page.Body == nil {
			row = append(row, "failed: see notes")
			rows = append(rows, pad(row, len(header)))
			continue
		}
		row = append(row, bytesSize(len(s.Page.Body))+" / "+bytesSize(len(s.Page.HTML)))
		if p := s.Pages; p != nil {
			row = append(row,
				thousands(int(p.MedianApp()+0.5)),
				thousands(int(p.MedianCeiling()+0.5)),
				fmt.Sprintf("%.0f %%", p.Ratio()*100),
				ms(p.App.P50())+" / "+ms(p.App.P99()),
				ms(p.Ceiling.P50())+" / "+ms(p.Ceiling.P99()),
				fmt.Sprintf("%.3f", s.CallsPerView),
			)
		} else {
			row = append(row, "–", "–", "–", "–", "–", "–")
		}
		if a := s.Adds; a != nil {
			row = append(row,
				fmt.Sprintf("%.1f", a.Stats.RPS()),
				ms(a.Stats.P50())+" / "+ms(a.Stats.P99()),
				fmt.Sprintf("%.2f (%d / %d)", a.CallsPerAdd, a.GitHubCalls, a.Created),
				okWord(a.Check.OK),
			)
		} else {
			row = append(row, "–", "–", "–", "–")
		}
		row = append(row,
			megabytes(s.MemAfterViews.RSS)+" / "+megabytes(s.MemEnd.Peak),
			ms(s.Healthy),
			ms(s.FirstPage),
		)
		switch {
		case s.Browser != nil && s.BrowserErr == nil:
			row = append(row, ms(s.Browser.Cold.ready())+" / "+ms(s.Browser.Warm.ready()))
		case s.BrowserErr != nil:
			row = append(row, "failed: see notes")
		default:
			row = append(row, "–")
		}
		rows = append(rows, row)
	}
	writeMarkdownTable(w, rows)
}

func (r report) writeTargets(w io.Writer) {
	fmt.Fprintln(w, "### Targets")
	fmt.Fprintln(w)
	verdict := func(ok bool, format string, args ...any) {
		word := "met"
		if !ok {
			word = "**MISSED**"
		}
		fmt.Fprintf(w, "- %s — %s\n", fmt.Sprintf(format, args...), word)
	}
	for _, s := range r.Sizes {
		if s.Pages != nil {
			verdict(s.Pages.Ratio() >= targetRatio, "GET / at %s places: %.0f %% of the ceiling (target ≥ %.0f %%)",
				thousands(s.Places), s.Pages.Ratio()*100, targetRatio*100)
			verdict(s.CallsPerView <= targetCallsViews, "GitHub calls per page view at %s places: %.3f (target 0)",
				thousands(s.Places), s.CallsPerView)
		}
		if s.Adds != nil && s.Adds.Created > 0 {
			verdict(s.Adds.CallsPerAdd <= targetCallsAdd && s.Adds.Check.OK, "uncontended add at %s places: %.2f GitHub calls, stored rows %s (target ≤ 2, no lost or doubled row)",
				thousands(s.Places), s.Adds.CallsPerAdd, okWord(s.Adds.Check.OK))
		}
		if s.Places < targetLargeSize || s.Err != nil && s.Page.Body == nil {
			continue
		}
		m := s.Markers
		cacheable := strings.Contains(m.URL, "v=") && strings.Contains(m.CacheControl, "max-age") && m.Encoding == "gzip"
		verdict(!m.Inline && cacheable && len(s.Page.Body) <= targetSmallHTML,
			"%s places: page HTML %s on the wire; markers from %s (%s, %s, Cache-Control: %s)",
			thousands(s.Places), bytesSize(len(s.Page.Body)), orDash(m.URL), orDash(m.Encoding), bytesSize(m.WireBytes), orDash(m.CacheControl))
		peak := max(s.MemEnd.Peak, s.MemAfterViews.Peak)
		verdict(peak > 0 && peak < targetRSS, "%s places: peak resident memory %s (target < %s)",
			thousands(s.Places), megabytes(peak), megabytes(targetRSS))
		verdict(s.Healthy > 0 && s.Healthy <= targetHealthy, "%s places: healthz 200 %s after start (target ≤ %s)",
			thousands(s.Places), ms(s.Healthy), ms(targetHealthy))
	}
	if in := r.Instances; in != nil {
		refused := ""
		if n := in.Sent - in.Created; n > 0 {
			refused = fmt.Sprintf(", %d refused (%s: the client was told, nothing stored)", n, routes(in.Refused))
		}
		verdict(in.Pass(), "%d instances on one repository: %d of %d concurrent adds answered 201%s; stored rows %s (none lost or doubled); "+
			"every instance listed every place %s after its 201 at worst (refresh interval %s; allowed %s = interval + the refresh's GitHub call + %s list-read resolution)",
			in.Instances, in.Created, in.Sent, refused, okWord(in.Check.OK), ms(in.Worst), in.Refresh, ms(in.Allowed), pollEvery)
	}
	for _, l := range []*liveRun{r.FanOut, r.LiveInstances} {
		if l != nil {
			verdict(l.Pass(), "%s: a write reached every stream, p99 %s after it was sent (target ≤ 1 s), %d deliveries missed",
				l.title(), ms(l.quantile(0.99)), l.Missed)
		}
	}
}

// title is "2,000 streams on one instance" or "300 streams over 3
// instances sharing Redis".
func (r liveRun) title() string {
	if r.Instances == 1 {
		return thousands(r.Streams) + " streams on one instance"
	}
	return fmt.Sprintf("%s streams over %d instances sharing Redis", thousands(r.Streams), r.Instances)
}

func (r report) writeNotes(w io.Writer) {
	fmt.Fprintln(w, "### Notes")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- Command: `%s` (took %s)\n", strings.Join(append([]string{"bench/run.sh"}, userArgs(r.Args)...), " "), r.Finished.Sub(r.Started).Round(time.Second))
	fmt.Fprintf(w, "- Machine: %d CPUs, %s, %s memory, Linux %s, %s", r.Machine.CPUs, orDash(r.Machine.CPUModel),
		orDash(r.Machine.MemTotal), orDash(r.Machine.Kernel), r.Machine.Go)
	if r.Machine.Chromium != "" {
		fmt.Fprintf(w, ", %s", r.Machine.Chromium)
	}
	fmt.Fprintln(w)
	if r.Machine.Revision != "" {
		fmt.Fprintf(w, "- Measured tree: git %s\n", r.Machine.Revision)
	}
	if len(r.Sizes) > 0 {
		r.writeMethodNotes(w)
	}
	for _, s := range r.Sizes {
		r.writeSizeNotes(w, s)
	}
	r.writeInstanceNotes(w)
	r.writeLiveNotes(w)
}

func (r report) writeMethodNotes(w io.Writer) {
	o := r.Options
	rate := "as fast as they go"
	if o.Rate > 0 {
		rate = fmt.Sprintf("%d/s", o.Rate)
	}
	generator, percentiles := "vegeta", "p50 and p99 are over all requests"
	if o.Load == "wrk" {
		generator, percentiles = fmt.Sprintf("wrk (%d thread)", o.WrkThreads), "p50 and p99 are medians of the rounds' (wrk --latency)"
	}
	fmt.Fprintf(w, "- GET /: %s, %d connections, %s, Accept-Encoding gzip=%t; %s warm-up per target, then %d alternating rounds (ceiling, app) of %s each. "+
		"The ceiling is a minimal net/http server in its own process sending whib's response (status, headers, body bytes). Client and servers share the machine's cores. "+
		"Requests/s and app ÷ ceiling are medians over the rounds (one round disturbed by another process does not decide them); %s.\n",
		generator, o.Workers, rate, o.Gzip, o.Warmup, o.Rounds, o.Duration, percentiles)
	fmt.Fprintf(w, "- Fake GitHub latency %s per call. Apps run with REFRESH_INTERVAL=%s in the per-size runs, so no background refresh falls into a measurement.\n",
		o.Latency, sizeRefresh)
	fmt.Fprintf(w, "- Adds: up to %d authenticated POST /places (JSON, bearer token) per size, %d at a time, each a distinct place from a distinct machine client "+
		"(whib limits writes per client); GitHub calls per add = fake GitHub calls during the adds ÷ 201 answers. "+
		"Stored rows: the repository's file holds the original rows plus exactly one row per 201.\n", o.Adds, o.AddWorkers)
	if len(o.AppEnv) > 0 {
		fmt.Fprintf(w, "- Extra app environment: `%s`.\n", strings.Join(o.AppEnv, " "))
	}
	if o.Browser {
		fmt.Fprintf(w, "- Markers ready: headless Chromium, 1280×800, time from navigation start until the page dispatched `whib:markers-ready`: "+
			"cold cache in a new tab, then warm cache in another new tab; median of %d fresh profiles per size. Map tiles point at a closed loopback port.\n", o.BrowserRuns)
	}
	fmt.Fprintln(w, "- Memory: VmRSS after the GET / rounds; peak is VmHWM at the end (after the adds). kB and MB are decimal (10^3, 10^6 bytes).")
}

func (r report) writeSizeNotes(w io.Writer, s sizeRun) {
	fmt.Fprintf(w, "- %s places:", thousands(s.Places))
	var parts []string
	if s.Err != nil {
		parts = append(parts, "error: "+oneLine(s.Err.Error()))
	}
	if s.Page.Body != nil {
		parts = append(parts, "page "+s.Page.Header.Get("Content-Encoding")+" "+bytesSize(len(s.Page.Body))+" ("+bytesSize(len(s.Page.HTML))+" HTML)")
		if s.Markers.Inline {
			parts = append(parts, "markers embedded in the page")
		} else if s.Markers.URL != "" {
			parts = append(parts, fmt.Sprintf("markers from `%s`: %s %s (%s JSON), Cache-Control `%s`",
				s.Markers.URL, orDash(s.Markers.Encoding), bytesSize(s.Markers.WireBytes), bytesSize(s.Markers.RawBytes), s.Markers.CacheControl))
		}
	}
	if s.StartCalls != nil {
		parts = append(parts, fmt.Sprintf("GitHub calls until the first page (%s): %s", ms(s.FirstPage), routes(s.StartCalls)))
	}
	if s.MemLoaded.RSS > 0 {
		parts = append(parts, fmt.Sprintf("RSS after the first load and the marker data %s, after the page views %s, at the end %s, peak %s",
			megabytes(s.MemLoaded.RSS), megabytes(s.MemAfterViews.RSS), megabytes(s.MemEnd.RSS), megabytes(s.MemEnd.Peak)))
	}
	if p := s.Pages; p != nil {
		parts = append(parts, fmt.Sprintf("GET / app %d requests (%s), ceiling %d requests (%s), app ÷ ceiling per round %s; GitHub calls during page views: %d",
			p.App.Requests, p.App.codes(), p.Ceiling.Requests, p.Ceiling.codes(), percents(p.RoundRatios), s.ViewCalls))
		if cpu := p.CPURatio(); cpu > 0 {
			parts = append(parts, fmt.Sprintf("CPU time per request (median of the rounds, from /proc): app %s, ceiling %s, ceiling ÷ app %.0f %%",
				micros(medianDuration(p.AppCPU)), micros(medianDuration(p.CeilingCPU)), cpu*100))
		}
		parts = append(parts, errorList("app errors", p.App.Errors)...)
		parts = append(parts, errorList("ceiling errors", p.Ceiling.Errors)...)
	}
	if a := s.Adds; a != nil {
		parts = append(parts, fmt.Sprintf("adds: %d sent (%s), GitHub calls by route %s; %s",
			a.Stats.Requests, a.Stats.codes(), routes(a.CallsByRoute), a.Check.Summary))
		parts = append(parts, errorList("add errors", a.Stats.Errors)...)
	}
	if b := s.Browser; b != nil && s.BrowserErr == nil {
		parts = append(parts, fmt.Sprintf("browser: cold DOMContentLoaded %s, markers ready %s (HTML %s, marker data %s transferred); warm DOMContentLoaded %s, markers ready %s (marker data %s transferred)",
			ms(msDuration(b.Cold.DOMContentLoaded)), ms(b.Cold.ready()), bytesSize(int(b.Cold.HTMLTransfer)), bytesSize(int(b.Cold.MarkersTransfer)),
			ms(msDuration(b.Warm.DOMContentLoaded)), ms(b.Warm.ready()), bytesSize(int(b.Warm.MarkersTransfer))))
	}
	if s.BrowserErr != nil {
		parts = append(parts, "browser error: "+oneLine(s.BrowserErr.Error()))
	}
	fmt.Fprintf(w, " %s.\n", strings.Join(parts, "; "))
}

func (r report) writeLiveNotes(w io.Writer) {
	for _, l := range []struct {
		run *liveRun
		err error
	}{{r.FanOut, r.FanOutErr}, {r.LiveInstances, r.LiveInstancesErr}} {
		if l.err != nil {
			fmt.Fprintf(w, "- Live updates: error: %s.\n", oneLine(l.err.Error()))
		}
		if run := l.run; run != nil && len(run.Latencies) > 0 {
			settings := ""
			if run.Instances == 1 {
				settings = fmt.Sprintf(" (MAX_CONNECTIONS=%d %s)", liveConnections(run.Streams), strings.Join(liveMemoryLimit(r.Options, run.Streams), " "))
			}
			fmt.Fprintf(w, "- Live updates, %s%s: %d writes (POST /places to the first instance, one at a time, each once the previous one reached every stream), "+
				"%d deliveries; from sending the write until a stream read the change event: p50 %s, p99 %s, max %s (the write's own answer: p50 %s, the fake GitHub's %s per call included); "+
				"%d missed. RSS of the first instance %s before opening its %s streams, %s with them open and idle: %.1f kB per idle stream.\n",
				run.title(), settings, run.Writes, len(run.Latencies), ms(run.quantile(0.5)), ms(run.quantile(0.99)), ms(run.quantile(1)),
				ms(run.WriteP50), r.Options.Latency, run.Missed, megabytes(run.RSSBefore), thousands(run.Streams/run.Instances),
				megabytes(run.RSSAfter), run.PerStream()/1000)
		}
	}
}

func (r report) writeInstanceNotes(w io.Writer) {
	if r.InstancesErr != nil {
		fmt.Fprintf(w, "- Several instances: error: %s.\n", oneLine(r.InstancesErr.Error()))
	}
	if in := r.Instances; in != nil && in.Sent > 0 {
		fmt.Fprintf(w, "- Several instances: %d apps on one repository of %s places, REFRESH_INTERVAL=%s; %d adds sent at once (%d per instance), %d answered 201",
			in.Instances, thousands(in.Places), in.Refresh, in.Sent, in.Sent/in.Instances, in.Created)
		if len(in.Refused) > 0 {
			fmt.Fprintf(w, ", refused: %s", routes(in.Refused))
		}
		fmt.Fprintf(w, "; add latency p50 %s, max %s; GitHub calls while adding %d (%.2f per add, background refreshes included; by route %s); %s; "+
			"worst time from an add's 201 until an instance listed the place: %s (lists read every %s), %d place×instance pairs never seen.\n",
			ms(in.AddP50), ms(in.AddMax), in.GitHubCalls, in.CallsPerAdd, routes(in.CallsByRoute), in.Check.Summary,
			ms(in.Worst), pollEvery, in.Unseen)
	}
}

func percents(ratios []float64) string {
	parts := make([]string, len(ratios))
	for i, r := range ratios {
		parts[i] = fmt.Sprintf("%.0f %%", r*100)
	}
	return strings.Join(parts, ", ")
}

func errorList(label string, errs map[string]int) []string {
	if len(errs) == 0 {
		return nil
	}
	var parts []string
	for _, e := range slices.Sorted(maps.Keys(errs)) {
		parts = append(parts, fmt.Sprintf("%s×%d", oneLine(e), errs[e]))
		if len(parts) == 5 {
			break
		}
	}
	return []string{label + ": " + strings.Join(parts, ", ")}
}

func routes(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("`%s`×%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func writeMarkdownTable(w io.Writer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], len([]rune(cell)))
		}
	}
	line := func(row []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, cell := range row {
			b.WriteString(" ")
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", widths[i]-len([]rune(cell))))
			b.WriteString(" |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(rows[0])
	sep := make([]string, len(widths))
	for i, wd := range widths {
		sep[i] = strings.Repeat("-", wd)
	}
	line(sep)
	for _, row := range rows[1:] {
		line(row)
	}
}

func pad(row []string, n int) []string {
	for len(row) < n {
		row = append(row, "")
	}
	return row
}

func okWord(ok bool) string {
	if ok {
		return "OK"
	}
	return "FAIL"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "–"
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 100:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

func msDuration(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func bytesSize(n int) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

func megabytes(n int64) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// percentile of durations (q in 0…1); 1 is the maximum.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q * float64(len(s)-1))
	return s[i]
}

// userArgs drops the flags bench/run.sh adds itself (-root, -app), so the
// reported command is the one a person typed.
func userArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		if name == "root" || name == "app" {
			i++ // the value follows
			continue
		}
		if strings.HasPrefix(name, "root=") || strings.HasPrefix(name, "app=") {
			continue
		}
		out = append(out, a)
	}
	return out
}

func micros(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}
