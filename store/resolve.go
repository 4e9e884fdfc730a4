package store

import (
	"context"
	"fmt"
	"slices"
)

// Links to a place (/#place=<id>, a bookmarked edit page, a machine's
// stored id) name it by an id that an edit changes. The history says what
// became of an old id: Resolve follows it.

// Resolution is what became of a place id.
type Resolution struct {
	Place Place // the place as it is now
	Moved bool  // the id is one the place had before a change
	By    Change
}

// resolvePages bounds how far back Resolve reads the history: old links
// are followed within the last changes, and an unknown id costs a bounded
// walk rather than the whole history.
const resolvePages = 5

// Resolve finds the place with this id now: in the current snapshot, or by
// following the changes that edited it since. A deleted place is a
// KindGone error naming the change; an id the history does not know is
// KindUnknownID.
func (l *Live) Resolve(ctx context.Context, id string) (Resolution, error) {
	snap, _, _ := l.Current()
	if p, ok := snap.Place(id); ok {
		return Resolution{Place: p}, nil
	}
	var changes []Change // newest first
	for page := 1; page <= resolvePages; page++ {
		h, err := l.store.History(ctx, page)
		if err != nil {
			return Resolution{}, err
		}
		changes = append(changes, h.Changes...)
		if r, err, done := follow(snap, changes, id); done {
			return r, err
		}
		if h.Next == 0 {
			break
		}
	}
	return Resolution{}, unknownPlace(id)
}

// follow looks for the newest change in changes that took id away, and
// follows the place forward through the newer changes to its id now.
// done is false when the changes read so far do not tell.
func follow(snap Snapshot, changes []Change, id string) (r Resolution, err error, done bool) {
	i := slices.IndexFunc(changes, func(c Change) bool { return hasID(c.Before, id) })
	if i < 0 {
		return Resolution{}, nil, false
	}
	for hops := 0; i >= 0 && hops < len(changes); hops++ {
		c := changes[i]
		if len(c.Before) != 1 || len(c.After) != 1 {
			return Resolution{}, gone(c, id), true
		}
		next := c.After[0].ID
		if p, ok := snap.Place(next); ok {
			return Resolution{Place: p, Moved: true, By: c}, nil, true
		}
		// Edited again later: a newer change took the new id away.
		i = slices.IndexFunc(changes[:i], func(c Change) bool { return hasID(c.Before, next) })
	}
	return Resolution{}, unknownPlace(id), true
}

func hasID(places []Place, id string) bool {
	return slices.ContainsFunc(places, func(p Place) bool { return p.ID == id })
}

func gone(c Change, id string) error {
	name := id
	if i := slices.IndexFunc(c.Before, func(p Place) bool { return p.ID == id }); i >= 0 {
		name = oneLine(c.Before[i].Name)
	}
	return &Error{Kind: KindGone, Op: "find place " + id, Change: c.ID,
		Err: fmt.Errorf("%s was deleted by change %s (%s)", name, c.ID, c.Summary)}
}
