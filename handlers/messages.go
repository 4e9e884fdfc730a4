package handlers

import (
	"strings"

	"github.com/whib/whib/store"
)

// The confirmations a person reads after a change ("Renamed to Lisboa.",
// "Deleted Graz.") are written for them; the history keeps the commit
// messages ("Rename Lisbon to Lisboa") as they are.

// editedMessage says what an edit of before made of it (after).
func editedMessage(before, after store.Place) string {
	var parts []string
	name := after.Name
	if before.Name != after.Name {
		parts = append(parts, "renamed to "+after.Name)
		name = "it"
	}
	if before.Latitude.String() != after.Latitude.String() || before.Longitude.String() != after.Longitude.String() {
		parts = append(parts, "moved "+name)
		name = "it"
	}
	switch {
	case before.Visited != after.Visited && after.Visited.IsZero():
		parts = append(parts, "took the date of "+name+" away")
	case before.Visited != after.Visited:
		parts = append(parts, "dated "+name+" "+after.Visited.String())
	}
	if before.Note != after.Note {
		parts = append(parts, "changed the note of "+after.Name)
	}
	if len(parts) == 0 {
		return "Saved " + after.Name + "."
	}
	s := strings.Join(parts, " and ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// undoneMessage says what an undo (c) brought back: the places it
// removed (c.Before) and restored (c.After).
func undoneMessage(c store.Change) string {
	switch {
	case c.BeforeCount == 0 && c.AfterCount == 1 && len(c.After) == 1:
		return "Brought " + c.After[0].Name + " back."
	case c.BeforeCount == 1 && c.AfterCount == 0 && len(c.Before) == 1:
		return "Took " + c.Before[0].Name + " off the map again."
	case c.BeforeCount == 1 && c.AfterCount == 1 && len(c.After) == 1:
		return c.After[0].Name + " is as it was."
	}
	return "Undone: the places are as they were."
}
