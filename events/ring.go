package events

// frame is one encoded event and its ID.
type frame struct {
	id    string
	bytes []byte
}

// ring keeps the most recent frames, oldest first from start.
type ring struct {
	frames []frame // fixed size: the backlog
	start  int     // index of the oldest
	n      int     // frames held
}

func (r *ring) add(f frame) {
	if r.n < len(r.frames) {
		r.frames[(r.start+r.n)%len(r.frames)] = f
		r.n++
		return
	}
	r.frames[r.start] = f
	r.start = (r.start + 1) % len(r.frames)
}

func (r *ring) at(i int) frame { return r.frames[(r.start+i)%len(r.frames)] }

func (r *ring) newest() (frame, bool) {
	if r.n == 0 {
		return frame{}, false
	}
	return r.at(r.n - 1), true
}

// after returns the frames that followed the one with id lastID. Without
// lastID there is nothing to catch up with; an id not held (too old, or
// from another instance) gets the newest frame, which tells the current
// state.
func (r *ring) after(lastID string) [][]byte {
	if lastID == "" || r.n == 0 {
		return nil
	}
	for i := r.n - 1; i >= 0; i-- {
		if r.at(i).id != lastID {
			continue
		}
		var out [][]byte
		for j := i + 1; j < r.n; j++ {
			out = append(out, r.at(j).bytes)
		}
		return out
	}
	newest, _ := r.newest()
	return [][]byte{newest.bytes}
}
