package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Status says how fresh the snapshot served by Live is.
type Status struct {
	LoadedAt time.Time // last successful load (zero: never)
	LastErr  error     // last refresh error (nil when last refresh succeeded)
	Stale    bool      // last refresh failed
}

// Live is the places as whib serves them: the current snapshot, kept in
// memory so page views never wait on the backend, and every write operation
// (add, import, edit, delete, undo), written once over any Backend. A
// failed refresh keeps the last good snapshot and marks it stale.
type Live struct {
	store  Backend
	logger *slog.Logger

	loads   singleflight.Group
	loading sync.WaitGroup // loads in flight, whoever still waits for them
	adding  sync.Mutex
	mu      sync.RWMutex
	snap    Snapshot
	ok      bool
	status  Status
	started uint64 // tickets handed out to loads and adds
	applied uint64 // ticket of the snapshot being served

	watching sync.Mutex // held while watchers are called, one snapshot at a time
	watchers []func(Snapshot)
	notified uint64 // ticket of the snapshot the watchers were last given
}

// NewLive serves the places stored in s; nothing is loaded until Refresh
// or Run.
func NewLive(s Backend, logger *slog.Logger) *Live {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Live{store: s, logger: logger}
}

// Current returns the snapshot being served; ok is false until the first
// successful load.
func (l *Live) Current() (Snapshot, Status, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.snap, l.status, l.ok
}

// Refresh loads now. On error the last good snapshot stays in place, the
// status turns stale and the error is returned. Failures are logged when the
// state changes (healthy → failing, or a different kind of failure), not on
// every tick, so an outage does not flood the log.
//
// Concurrent callers (the background loop, /ping, the first visitors) share
// one load rather than each costing GitHub requests.
// The shared load does not end when one caller gives up (a /ping client
// hanging up must not fail everyone's refresh); it is bounded by
// refreshTimeout instead.
func (l *Live) Refresh(ctx context.Context) (Snapshot, error) {
	shared := context.WithoutCancel(ctx)
	ch := l.loads.DoChan("refresh", func() (any, error) {
		l.loading.Add(1)
		defer l.loading.Done()
		ctx, cancel := context.WithTimeout(shared, refreshTimeout)
		defer cancel()
		return l.refresh(ctx)
	})
	select {
	case res := <-ch:
		return res.Val.(Snapshot), res.Err
	case <-ctx.Done():
		snap, _, _ := l.Current()
		return snap, ctx.Err()
	}
}

// refreshTimeout bounds one load, retries included.
const refreshTimeout = 60 * time.Second

func (l *Live) refresh(ctx context.Context) (Snapshot, error) {
	ticket := l.ticket()
	snap, err := l.store.Load(ctx)
	snap, err = l.serveLoaded(ticket, snap, err)
	if err == nil {
		l.notify()
	}
	return snap, err
}

// serveLoaded serves a load's snapshot, or keeps the last good one and
// marks it stale when the load failed.
func (l *Live) serveLoaded(ticket uint64, snap Snapshot, err error) (Snapshot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		if !l.status.Stale || KindOf(err) != KindOf(l.status.LastErr) {
			l.logger.Warn("places refresh failed; serving the last good snapshot",
				"store", l.store.String(), "kind", KindOf(err).String(), "err", err, "loaded_at", l.status.LoadedAt)
		}
		l.status.LastErr = err
		l.status.Stale = true
		return l.snap, err
	}
	if l.status.Stale {
		l.logger.Info("places refresh recovered", "store", l.store.String(), "places", len(snap.Places))
	}
	l.status.LastErr = nil
	l.status.Stale = false
	l.status.LoadedAt = snap.LoadedAt
	l.apply(ticket, snap)
	return l.snap, nil
}

// Add appends p unless a place that is the same visit (SameAs) is stored.
// It never rewrites, reorders or drops existing rows, and it does not
// overwrite a concurrent writer's change. The snapshot it answers with is
// served right away, so the person who added a place sees it on the next
// page view.
func (l *Live) Add(ctx context.Context, p Place, by Author) (AddResult, error) {
	if err := checkBuilt("add", p); err != nil {
		return AddResult{}, err
	}
	m, snap, err := l.writeWithColumns(ctx, "add", planAdd(p, by), by)
	if err != nil {
		return AddResult{}, err
	}
	res := AddResult{Snapshot: snap, Place: m.place, Added: !m.noop, Visits: m.visits}
	if !m.noop {
		res.Change = m.change
	}
	return res, nil
}

// AddMany appends the places that are not stored yet as one change (an
// import); summary is its first line ("Import 240 places from My
// Places.kml").
func (l *Live) AddMany(ctx context.Context, places []Place, summary string, by Author) (ChangeResult, error) {
	for _, p := range places {
		if err := checkBuilt("import", p); err != nil {
			return ChangeResult{}, err
		}
	}
	return l.change(ctx, "import", planAddMany(places, summary, by), by)
}

// Edit changes the target place; fields not set keep their bytes. Every
// other row stays byte-identical and in its place. An id the place had
// before an edit is refused with its current id (KindConflict), a deleted
// place with the change that deleted it (KindGone).
func (l *Live) Edit(ctx context.Context, t Target, e Edit, by Author) (ChangeResult, error) {
	res, err := l.change(ctx, "edit", planEdit(t, e, by), by)
	return res, l.explainUnknown(ctx, t.ID, err)
}

// Delete removes the target place, as Edit changes it.
func (l *Live) Delete(ctx context.Context, t Target, by Author) (ChangeResult, error) {
	res, err := l.change(ctx, "delete", planDelete(t, by), by)
	return res, l.explainUnknown(ctx, t.ID, err)
}

// explainUnknown turns "no place has this id" into what became of the
// place, when the history tells: edited since (KindConflict with its
// current id) or deleted (KindGone).
func (l *Live) explainUnknown(ctx context.Context, id string, err error) error {
	if KindOf(err) != KindUnknownID {
		return err
	}
	r, rerr := l.Resolve(ctx, id)
	switch {
	case rerr == nil && r.Moved:
		return &Error{Kind: KindConflict, Op: "find place " + id, Current: r.Place.ID, Place: r.Place.Name, Change: r.By.ID,
			Err: fmt.Errorf("this place was changed since (%s); its id is now %s", r.By.Summary, r.Place.ID)}
	case KindOf(rerr) == KindGone:
		return rerr
	}
	return err
}

// Undo applies the inverse of a change in the history as a new change, at
// most once: a change the history shows undone already is refused
// (KindConflict naming that undo), on every instance and after restarts,
// since the history is the record. Undoing an undo (a redo) is a change
// like any other, undone at most once too.
func (l *Live) Undo(ctx context.Context, changeID string, by Author) (ChangeResult, error) {
	for range maxUndoAttempts {
		// The checks hold for this version of the file; the write lands
		// only on it, so an undo that another instance makes meanwhile is
		// seen on the next round rather than applied twice.
		snap, err := l.store.Load(ctx)
		if err != nil {
			return ChangeResult{}, err
		}
		c, err := l.store.Change(ctx, changeID)
		if err != nil {
			return ChangeResult{}, err
		}
		undo, err := l.store.undoneBy(ctx, c)
		if err != nil {
			return ChangeResult{}, err
		}
		if undo.ID != "" {
			return ChangeResult{}, alreadyUndone(c, undo)
		}
		res, err := l.change(ctx, "undo", planUndo(c, by, snap.Version), by)
		if !errors.Is(err, errBaseMoved) {
			return res, err
		}
	}
	return ChangeResult{}, &Error{Kind: KindBusy, Op: "undo " + changeID, Err: errors.New("the places file kept changing while undoing")}
}

// maxUndoAttempts bounds the rounds of an undo whose file kept changing.
const maxUndoAttempts = 5

func alreadyUndone(c, undo Change) error {
	when := ""
	if !undo.At.IsZero() {
		when = " on " + undo.At.UTC().Format("2 Jan 2006 at 15:04 UTC")
	}
	return &Error{Kind: KindConflict, Op: "undo " + c.ID, Change: undo.ID,
		Err: fmt.Errorf("this change was undone already by change %s%s; undo that change to bring it back", undo.ID, when)}
}

// History and Change read the backend's history; it is not kept here.
func (l *Live) History(ctx context.Context, page int) (HistoryPage, error) {
	return l.store.History(ctx, page)
}

func (l *Live) Change(ctx context.Context, id string) (Change, error) {
	return l.store.Change(ctx, id)
}

func (l *Live) change(ctx context.Context, op string, plan planFunc, by Author) (ChangeResult, error) {
	m, snap, err := l.writeWithColumns(ctx, op, plan, by)
	if err != nil {
		return ChangeResult{}, err
	}
	return changeResult(m, snap), nil
}

// writeWithColumns is write, giving the file its visited and note columns
// first (a change of its own, "Add columns visited and note") when the
// change is the first to store a date or a note.
func (l *Live) writeWithColumns(ctx context.Context, op string, plan planFunc, by Author) (mutation, Snapshot, error) {
	m, snap, err := l.write(ctx, op, plan)
	if !errors.Is(err, errNeedsColumns) {
		return m, snap, err
	}
	if _, _, err := l.write(ctx, "add columns to", planAddColumns(by)); err != nil {
		return mutation{}, Snapshot{}, err
	}
	return l.write(ctx, op, plan)
}

// write runs one write and serves the snapshot it answers with.
//
// Writes run one at a time: both backends write one at a time anyway, and
// taking the ticket under the same lock keeps two writes that finish close
// together from serving the older one's snapshot last.
func (l *Live) write(ctx context.Context, op string, plan planFunc) (mutation, Snapshot, error) {
	l.adding.Lock()
	defer l.adding.Unlock()
	m, snap, err := l.store.write(ctx, op, plan)
	if err != nil {
		return m, snap, err
	}
	// The ticket is taken after the write: any load that started before it
	// may predate the write and must not replace this snapshot.
	ticket := l.ticket()
	l.mu.Lock()
	if l.apply(ticket, snap) {
		// The backend just answered with its current state: fresh again.
		l.status = Status{LoadedAt: snap.LoadedAt}
	}
	l.mu.Unlock()
	l.notify()
	return m, snap, nil
}

// Watch has fn called with each snapshot Live starts serving, after a
// write or a load (a load that found the same version too, so that what
// depends on the clock, such as a publishing delay, is looked at again).
// Calls come one at a time, outside Live's lock (fn may call Current), and
// never bring an older snapshot after a newer one. fn should return
// quickly: the write or load that served the snapshot waits for it.
func (l *Live) Watch(fn func(Snapshot)) {
	l.watching.Lock()
	defer l.watching.Unlock()
	l.watchers = append(l.watchers, fn)
}

// notify gives the watchers the snapshot being served, unless they have
// had it or a newer one already.
func (l *Live) notify() {
	l.watching.Lock()
	defer l.watching.Unlock()
	l.mu.RLock()
	snap, ticket := l.snap, l.applied
	l.mu.RUnlock()
	if ticket <= l.notified {
		return
	}
	l.notified = ticket
	for _, fn := range l.watchers {
		fn(snap)
	}
}

// Wait returns once no load is in flight any more, or when ctx is done: a
// shutting-down process stops touching the store before it exits.
func (l *Live) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		l.loading.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run refreshes every interval until ctx is done. It does not load first:
// call Refresh at startup to decide what to do when that fails.
func (l *Live) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			_, _ = l.Refresh(ctx) // failures are kept in Status and logged by Refresh
		}
	}
}

func (l *Live) ticket() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.started++
	return l.started
}

// apply serves snap unless a newer operation has already been applied: a slow
// load that started before an add finished must not bring back older data.
// It reports whether snap is now served. Callers hold l.mu.
func (l *Live) apply(ticket uint64, snap Snapshot) bool {
	if ticket < l.applied {
		return false
	}
	l.applied = ticket
	l.snap = snap
	l.ok = true
	return true
}
