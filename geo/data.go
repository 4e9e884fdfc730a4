package geo

import (
	"context"
	"sync"
)

// Data is geo for one app: the index, loaded once and in the background
// because it takes about a second of CPU, and the world layer. The app's
// composition root makes one and hands it to whoever needs it; "not loaded
// yet" is a state of the value (Ready), so nothing waits for the load and
// nothing reads a process-wide variable.
type Data struct {
	start sync.Once
	done  chan struct{} // closed when index and err are final
	index *Index
	err   error

	world func() *World
}

// NewData returns geo's data, not loaded yet. It is cheap: the work
// starts with the first Load, the world layer is read on first use.
func NewData() *Data {
	return &Data{done: make(chan struct{}), world: sync.OnceValue(mustReadWorld)}
}

// Load loads the index on first call and returns it. ctx bounds only this
// caller's wait: the load runs to its end for the next caller, so a start
// in the background (`go d.Load(ctx)`) and a request that gives up early
// share one load.
func (d *Data) Load(ctx context.Context) (*Index, error) {
	d.start.Do(func() {
		go func() {
			d.index, d.err = load()
			close(d.done)
		}()
	})
	select {
	case <-d.done:
		return d.index, d.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Ready returns the index without waiting: ok is false until a Load has
// finished successfully. Handlers answer "not ready yet" with it instead
// of blocking.
func (d *Data) Ready() (ix *Index, ok bool) {
	select {
	case <-d.done:
		return d.index, d.err == nil
	default:
		return nil, false
	}
}

// World is the annotated world layer, read on first use; it does not need
// the index, so it is there before the load finishes.
func (d *Data) World() *World { return d.world() }
