package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ChangeKind says what a change in the history did.
type ChangeKind string

const (
	ChangeAdd    ChangeKind = "add"
	ChangeEdit   ChangeKind = "edit"
	ChangeDelete ChangeKind = "delete"
	ChangeUndo   ChangeKind = "undo"
	// ChangeColumns gives the file the visited and note columns (its
	// header line only), when a date or a note is first saved.
	ChangeColumns ChangeKind = "columns"
	// ChangeOutside is a change whib did not make: a hand edit on GitHub
	// or in the local file.
	ChangeOutside ChangeKind = "outside"
)

// Change is one entry of the history of the places file.
type Change struct {
	ID      string // GitHub: the commit SHA; file: the journal entry's id
	Kind    ChangeKind
	At      time.Time
	By      string // a person's name or a machine's client id; "" when unknown
	Summary string // "Rename Taipei to Taipei 101"
	Before  []Place
	After   []Place
	// BeforeCount and AfterCount are how many rows the change removed and
	// added; a page of the history lists at most a few of them in Before
	// and After, the change itself lists them all.
	BeforeCount, AfterCount int
	URL                     string // the commit on GitHub, when there is one
	Undoes                  string // kind undo: the id of the change it undid
	// UndoneBy is the id of the later change that undid this one, when
	// the history shows one; a change is undone at most once.
	UndoneBy string
	// CanUndo is false for changes whose rows could not be read (a file
	// that did not parse on either side) and for the file's creation.
	CanUndo bool

	diff rowDiff
}

// HistoryPage is one page of the history, newest first.
type HistoryPage struct {
	Changes []Change
	Next    int // the next page's number; 0 on the last page
}

// Edit is a change to a place: nil fields stay exactly as stored; an empty
// Visited or Note takes the date or note away.
type Edit struct {
	Name, Latitude, Longitude *string
	Visited, Note             *string
}

// ChangeResult is what an edit, delete, undo or import did.
type ChangeResult struct {
	Snapshot Snapshot
	Place    Place  // edit: the place as now stored; delete: the place removed
	Change   Change // the change written; its ID is "" when nothing was written
	Changed  bool   // false: nothing to do (an edit to what is already stored)
}

// capRows is c listing at most n of the rows it removed and of those it
// added (a page of the history; an import can add 10,000).
func capRows(c Change, n int) Change {
	c.Before = c.Before[:min(n, len(c.Before)):min(n, len(c.Before))]
	c.After = c.After[:min(n, len(c.After)):min(n, len(c.After))]
	return c
}

// Texts in the history that whib did not write (commit messages, authors)
// follow the place-name rules and are capped: an outside commit's message
// can hold anything.
const (
	maxSummaryRunes = 200
	maxAuthorRunes  = 100
)

// cleanText is s as one line without control or bidi characters, at most
// n characters.
func cleanText(s string, n int) string {
	s = oneLine(strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// markUndone sets UndoneBy on the changes that a change among them undid,
// and takes away their Undo: a change is undone at most once.
func markUndone(changes []Change) []Change {
	undoneBy := map[string]string{}
	for _, c := range changes {
		if c.Kind == ChangeUndo && c.Undoes != "" {
			undoneBy[c.Undoes] = c.ID
		}
	}
	return markUndoneFrom(undoneBy, changes)
}

// markUndoneFrom is markUndone with the undos given as undone id → undo id.
func markUndoneFrom(undoneBy map[string]string, changes []Change) []Change {
	for i := range changes {
		if by, ok := undoneBy[changes[i].ID]; ok {
			changes[i].UndoneBy = by
			changes[i].CanUndo = false
		}
	}
	return changes
}

// findUndo is the change among changes that undid the change id; its ID is
// "" when none did.
func findUndo(changes []Change, id string) Change {
	for _, c := range changes {
		if c.Kind == ChangeUndo && c.Undoes == id {
			return c
		}
	}
	return Change{}
}

// historyPageSize is how many changes one page of the history shows.
const historyPageSize = 20

// mutation is what one write does to the file.
type mutation struct {
	content []byte
	places  []Place // nil: decoded from content after the write
	change  Change
	place   Place // the place the caller asked about
	noop    bool  // nothing to write; place is the answer
	visits  int   // an add: the place's other visits stored already
	// landed reports whether a file read after a write with no clear
	// answer shows the write; nil: the file is exactly content.
	landed func(fresh Snapshot) (Place, bool)
}

// base is the file a mutation is planned on. Rows are parsed on demand:
// an add only appends and never needs them.
type base struct {
	content []byte
	places  []Place
	rows    *fileRows
	shared  *sharedIndex // the stored state's index, when it has one
	version string       // the stored state's Snapshot.Version
}

// errNeedsColumns: the change stores a date or a note in a file with the
// talk's three columns. The header gains the columns first, in a change
// of its own (planAddColumns), and the change is planned again.
var errNeedsColumns = &Error{Kind: KindInternal, Op: "plan", Err: errors.New("the file has no visited and note columns yet")}

// columnsFor is errNeedsColumns when a place needs columns the file lacks.
func (b *base) columnsFor(places ...Place) error {
	if fileColumns(b.content) != 3 {
		return nil // the long header, or an empty file that gets it
	}
	for _, p := range places {
		if p.hasVisit() {
			return errNeedsColumns
		}
	}
	return nil
}

// planAddColumns gives a file with the talk's three columns the visited and
// note columns: the header line changes, every row keeps its bytes.
func planAddColumns(by Author) planFunc {
	return func(b *base) (mutation, error) {
		if fileColumns(b.content) != 3 {
			return mutation{noop: true}, nil
		}
		d := rowDiff{Header: []string{csvHeader, csvHeaderVisits}}
		return mutation{
			content: replaceHeader(b.content, csvHeaderVisits),
			places:  b.places,
			change:  newChange(ChangeColumns, "Add columns visited and note", by, d),
		}, nil
	}
}

// replaceHeader is content with its header line (after any BOM) replaced.
func replaceHeader(content []byte, header string) []byte {
	bom := 0
	if bytes.HasPrefix(content, utf8BOM) {
		bom = len(utf8BOM)
	}
	end := bytes.IndexAny(content[bom:], "\r\n")
	if end < 0 {
		end = len(content) - bom
	}
	out := make([]byte, 0, len(content)+len(header))
	out = append(out, content[:bom]...)
	out = append(out, header...)
	return append(out, content[bom+end:]...)
}

// baseOf is the base for planning on snap.
func baseOf(snap Snapshot) *base {
	return &base{content: snap.Content, places: snap.Places, shared: snap.index, version: snap.Version}
}

// index is the place index of the file the plan reads.
func (b *base) index() *Index {
	return Snapshot{Places: b.places, index: b.shared}.Index()
}

func (b *base) parsed() (*fileRows, error) {
	if b.rows == nil {
		rows, err := parseRows(b.content)
		if err != nil {
			return nil, unreadable("read rows", err)
		}
		b.rows = rows
	}
	return b.rows, nil
}

// planFunc works a mutation out from the file as it is now. Backends run
// it again on the re-read file after a conflict.
type planFunc func(b *base) (mutation, error)

func planAdd(p Place, by Author) planFunc {
	return func(b *base) (mutation, error) {
		if existing, ok := b.index().Same(p); ok {
			return mutation{noop: true, place: existing}, nil
		}
		content := appendCSV(b.content, p)
		places := withPlace(b.places, p)
		added := places[len(places)-1]
		if err := b.columnsFor(p); err != nil {
			return mutation{}, err
		}
		visits := len(b.index().Visits(p))
		// No anchor: undoing an add finds its rows, it never puts rows back.
		d := rowDiff{At: len(b.places), After: []string{encodeRow(p)}}
		return mutation{
			content: content, places: places, place: added, visits: visits,
			change: newChange(ChangeAdd, "Add "+oneLine(p.Name), by, d),
			landed: func(fresh Snapshot) (Place, bool) { return fresh.Index().Same(p) },
		}, nil
	}
}

// changeResult is the answer for a write. The places the change added are
// taken from the new file by their position, so they carry their IDs as
// stored (occurrence numbers included); an edit answers with its one.
func changeResult(m mutation, snap Snapshot) ChangeResult {
	res := ChangeResult{Snapshot: snap, Place: m.place, Change: m.change, Changed: !m.noop}
	if m.noop {
		return res
	}
	if at, n := m.change.diff.At, len(m.change.diff.After); at+n <= len(snap.Places) {
		res.Change.After = snap.Places[at : at+n]
	}
	if m.change.Kind == ChangeEdit && len(res.Change.After) == 1 {
		res.Place = res.Change.After[0]
	}
	return res
}

// planAddMany appends the places that are not on the map yet (an import):
// one change, one commit, however many places. Places already stored by
// the time it runs (a conflict re-plans on the new file) are left out.
func planAddMany(places []Place, summary string, by Author) planFunc {
	return func(b *base) (mutation, error) {
		stored := b.index()
		taken := NewIndex(nil) // a row repeated further down is taken once
		fresh := make([]Place, 0, len(places))
		for _, p := range places {
			if _, ok := stored.Same(p); ok {
				continue
			}
			if _, ok := taken.Same(p); ok {
				continue
			}
			taken.Add(p)
			fresh = append(fresh, p)
		}
		if len(fresh) == 0 {
			return mutation{noop: true}, nil
		}
		if err := b.columnsFor(fresh...); err != nil {
			return mutation{}, err
		}
		d := rowDiff{At: len(b.places)}
		for _, p := range fresh {
			d.After = append(d.After, encodeRow(p))
		}
		return mutation{content: appendCSVRows(b.content, fresh), change: newChange(ChangeAdd, summary, by, d)}, nil
	}
}

// Target names the place a change is for: its id, and what the client saw
// of it (RFC 9110 conditional requests).
type Target struct {
	ID string
	// IfMatch holds the entity tags the client sent in If-Match; nil when
	// it sent none. "*" matches any current place.
	IfMatch []string
}

// row finds the target's row in the file and checks what the client saw
// of it: a place with an identical twin needs If-Match, since a retried
// request could otherwise name the twin (rows are numbered by position).
func (b *base) row(t Target) (*fileRows, int, error) {
	rows, err := b.parsed()
	if err != nil {
		return nil, 0, err
	}
	i := rows.index(t.ID)
	if i < 0 {
		if t.IfMatch != nil && !slices.Contains(t.IfMatch, "*") {
			return nil, 0, notAsSeen(t.ID)
		}
		return nil, 0, unknownPlace(t.ID)
	}
	tag := placeETag(t.ID, rows.twins(t.ID))
	switch {
	case t.IfMatch == nil && rows.twins(t.ID) > 1:
		return nil, 0, &Error{Kind: KindPreconditionRequired, Op: "find place " + t.ID,
			Err: errors.New("this place has an identical twin; send If-Match with its ETag")}
	case t.IfMatch != nil && !slices.Contains(t.IfMatch, "*") && !slices.Contains(t.IfMatch, tag):
		return nil, 0, notAsSeen(t.ID)
	}
	return rows, i, nil
}

func notAsSeen(id string) error {
	return &Error{Kind: KindPreconditionFailed, Op: "find place " + id,
		Err: errors.New("the place is no longer as the client saw it")}
}

func planEdit(t Target, e Edit, by Author) planFunc {
	return func(b *base) (mutation, error) {
		rows, i, err := b.row(t)
		if err != nil {
			return mutation{}, err
		}
		old := rows.places[i]
		edited, err := applyEdit(old, e)
		if err != nil {
			return mutation{}, err
		}
		if err := b.columnsFor(edited); err != nil {
			return mutation{}, err
		}
		row := editRow(rows.row(i), old, edited)
		if row == rows.row(i) {
			return mutation{noop: true, place: old}, nil
		}
		if q, ok := b.index().sameExcept(edited, old.ID); ok {
			return mutation{}, &Error{Kind: KindConflict, Op: "edit", Place: q.Name,
				Err: fmt.Errorf("%s is already on the map at the same spot", q.Name)}
		}
		d := rowDiff{At: i, Before: []string{rows.row(i)}, After: []string{row}, Anchor: anchorOf(rows, i)}
		return mutation{
			content: rows.splice(i, 1, d.After),
			place:   edited,
			change:  rows.change(ChangeEdit, editSummary(old, edited), by, d),
		}, nil
	}
}

// applyEdit validates the sent fields with the rules for adding a place and
// keeps the others exactly as stored.
func applyEdit(old Place, e Edit) (Place, error) {
	if e.Name == nil && e.Latitude == nil && e.Longitude == nil && e.Visited == nil && e.Note == nil {
		return Place{}, &Error{Kind: KindInvalid, Op: "edit", Fields: map[string]string{"name": "Send a name, latitude, longitude, visited or note to change."}}
	}
	in := Input{Name: "x", Latitude: "0", Longitude: "0"} // stand-ins for fields not sent
	for _, f := range []struct{ sent, into *string }{
		{e.Name, &in.Name}, {e.Latitude, &in.Latitude}, {e.Longitude, &in.Longitude}, {e.Visited, &in.Visited}, {e.Note, &in.Note},
	} {
		if f.sent != nil {
			*f.into = *f.sent
		}
	}
	checked, err := in.Place()
	if err != nil {
		return Place{}, err
	}
	edited := old
	edited.ID = ""
	if e.Name != nil {
		edited.Name = checked.Name
	}
	if e.Latitude != nil {
		edited.Latitude = checked.Latitude
	}
	if e.Longitude != nil {
		edited.Longitude = checked.Longitude
	}
	if e.Visited != nil {
		edited.Visited = checked.Visited
	}
	if e.Note != nil {
		edited.Note = checked.Note
	}
	return edited, nil
}

func editSummary(old, edited Place) string {
	name := oneLine(old.Name)
	var parts []string
	if old.Name != edited.Name {
		parts = append(parts, "rename "+name+" to "+oneLine(edited.Name))
		name = "it"
	}
	if old.Latitude.String() != edited.Latitude.String() || old.Longitude.String() != edited.Longitude.String() {
		parts = append(parts, "move "+name+" to "+edited.Latitude.String()+", "+edited.Longitude.String())
		name = "it"
	}
	switch {
	case old.Visited != edited.Visited && edited.Visited.IsZero():
		parts = append(parts, "take the date of "+name+" away")
	case old.Visited != edited.Visited:
		parts = append(parts, "date "+name+" "+edited.Visited.String())
	}
	if old.Note != edited.Note {
		parts = append(parts, "change the note of "+oneLine(old.Name))
	}
	s := strings.Join(parts, " and ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func planDelete(t Target, by Author) planFunc {
	return func(b *base) (mutation, error) {
		rows, i, err := b.row(t)
		if err != nil {
			return mutation{}, err
		}
		old := rows.places[i]
		d := rowDiff{At: i, Before: []string{rows.row(i)}, Anchor: anchorOf(rows, i)}
		return mutation{
			content: rows.splice(i, 1, nil),
			place:   old,
			change:  rows.change(ChangeDelete, "Delete "+oneLine(old.Name), by, d),
		}, nil
	}
}

// planUndo applies the inverse of c as a new change, on the file at
// version only: the caller checked at that version that no change has
// undone c yet, and a file that moved since may hold such an undo.
func planUndo(c Change, by Author, version string) planFunc {
	return func(b *base) (mutation, error) {
		if !c.CanUndo {
			return mutation{}, &Error{Kind: KindConflict, Op: "undo", Err: errors.New("this change cannot be undone")}
		}
		if b.version != version {
			return mutation{}, errBaseMoved
		}
		if len(c.diff.Header) == 2 {
			if len(c.diff.Before)+len(c.diff.After) > 0 {
				return mutation{}, &Error{Kind: KindConflict, Op: "undo", Err: errors.New("this change altered the header and rows at once, so it cannot be undone here")}
			}
			return undoHeader(b, c, by)
		}
		rows, err := b.parsed()
		if err != nil {
			return mutation{}, err
		}
		at, n, back, err := c.diff.inverse(rows)
		if err != nil {
			return mutation{}, err
		}
		if back, err = restorable(b.index(), back, n); err != nil {
			return mutation{}, err
		}
		if n == 0 && len(back) == 0 {
			return mutation{noop: true}, nil // every row it brings back is there already
		}
		d := rowDiff{At: at, After: back, Anchor: anchorOf(rows, at)}
		for k := at; k < at+n; k++ {
			d.Before = append(d.Before, rows.row(k))
		}
		ch := rows.change(ChangeUndo, "Undo: "+c.Summary, by, d)
		ch.Undoes = c.ID
		return mutation{content: rows.splice(at, n, back), change: ch}, nil
	}
}

// undoHeader undoes a change of the header (the visited and note columns
// added, or that undone): the header goes back while no row uses the
// columns it would take away.
func undoHeader(b *base, c Change, by Author) (mutation, error) {
	from, to := c.diff.Header[1], c.diff.Header[0]
	if headerOf(fileColumns(b.content)) != from {
		return mutation{}, &Error{Kind: KindConflict, Op: "undo", Err: errors.New("the file's header has changed since")}
	}
	content := replaceHeader(b.content, to)
	if _, err := decodeCSV(content); err != nil {
		// A row uses the columns (or has empty fields in them) now.
		return mutation{}, &Error{Kind: KindConflict, Op: "undo",
			Err: errors.New("places have dates or notes now, so the visited and note columns cannot be taken away")}
	}
	ch := newChange(ChangeUndo, "Undo: "+c.Summary, by, rowDiff{Header: []string{from, to}})
	ch.Undoes = c.ID
	return mutation{content: content, places: b.places, change: ch}, nil
}

// errBaseMoved: the file changed between the checks an undo made and its
// write; the undo starts over from the checks.
var errBaseMoved = &Error{Kind: KindBusy, Op: "undo", Err: errors.New("the places file changed while undoing; try again")}

// restorable is the rows an undo brings back, by the add rule: a row that
// is the same as a stored place is not stored twice. An undo that only
// brings rows back leaves those out; one that also replaces rows (an edit)
// clashes instead, as the edit itself would.
func restorable(stored *Index, back []string, replaced int) ([]string, error) {
	out := back[:0:0]
	for _, r := range back {
		p, err := placeFromRow(r)
		if err == nil {
			if q, same := stored.Same(p); same {
				if replaced > 0 {
					return nil, &Error{Kind: KindConflict, Op: "undo", Place: q.Name,
						Err: fmt.Errorf("%s is already on the map at the same spot, so this change cannot be undone", q.Name)}
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func anchorOf(rows *fileRows, i int) string {
	if i == 0 {
		return ""
	}
	return rows.row(i - 1)
}

func unknownPlace(id string) error {
	return &Error{Kind: KindUnknownID, Op: "find place " + id,
		Err: errors.New("no place has this id: it was deleted or changed since (an edit gives a place a new id)")}
}

func unknownChange(id string) error {
	return &Error{Kind: KindUnknownID, Op: "find change " + id, Err: errors.New("no change in the history has this id")}
}

func newChange(kind ChangeKind, summary string, by Author, d rowDiff) Change {
	c := Change{Kind: kind, Summary: summary, By: authorName(by), CanUndo: true, diff: d}
	c.Before, c.After = d.places()
	c.BeforeCount, c.AfterCount = len(d.Before), len(d.After)
	return c
}

// change is newChange for a diff of these rows, whose removed places keep
// the IDs they had in the file.
func (f *fileRows) change(kind ChangeKind, summary string, by Author, d rowDiff) Change {
	c := newChange(kind, summary, by, d)
	c.Before = f.places[d.At : d.At+len(d.Before)]
	return c
}

func authorName(by Author) string {
	if who := oneLine(by.Name); who != "" {
		return who
	}
	return oneLine(by.Email)
}

// places reads the rows of d back into places.
func (d rowDiff) places() (before, after []Place) { return d.placesUpTo(-1) }

// placesUpTo is places reading at most limit rows a side (all when limit
// is negative).
func (d rowDiff) placesUpTo(limit int) (before, after []Place) {
	read := func(rows []string) []Place {
		if limit >= 0 {
			rows = rows[:min(limit, len(rows))]
		}
		out := make([]Place, 0, len(rows))
		for _, r := range rows {
			if p, err := placeFromRow(r); err == nil {
				out = append(out, p)
			}
		}
		return out
	}
	return read(d.Before), read(d.After)
}

// Commit messages say what changed in words and end in trailers that let
// the history tell whib's own changes, and who asked for them, from the
// others:
//
//	Rename Taipei to Taipei 101
//
//	Changed-by: Jess
//	Whib-Change: edit
//
// The author is a trailer rather than the commit's author: the commit is
// made with whib's token, and an e-mail address we cannot verify should not
// be presented as a git identity.
const (
	trailerBy     = "Changed-by"
	trailerKind   = "Whib-Change"
	trailerUndoes = "Whib-Undoes"
)

func (c Change) message() string {
	var b strings.Builder
	b.WriteString(c.Summary)
	b.WriteString("\n\n")
	if c.By != "" {
		b.WriteString(trailerBy + ": " + c.By + "\n")
	}
	b.WriteString(trailerKind + ": " + string(c.Kind))
	if c.Undoes != "" {
		b.WriteString("\n" + trailerUndoes + ": " + c.Undoes)
	}
	return b.String()
}

// parseMessage reads what message says of its change. Messages without
// whib's trailers are outside changes, except adds made by earlier
// versions of whib ("Added by Jess via whib").
func parseMessage(message string) (summary string, kind ChangeKind, by, undoes string) {
	summary, _, _ = strings.Cut(message, "\n")
	summary = strings.TrimSpace(summary)
	kind = ChangeOutside
	sc := bufio.NewScanner(strings.NewReader(message))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		key, value, ok := strings.Cut(line, ": ")
		switch {
		case ok && key == trailerBy:
			by = value
		case ok && key == trailerKind:
			switch k := ChangeKind(value); k {
			case ChangeAdd, ChangeEdit, ChangeDelete, ChangeUndo, ChangeColumns:
				kind = k
			}
		case ok && key == trailerUndoes:
			undoes = value
		case strings.HasPrefix(line, "Added by ") && strings.HasSuffix(line, " via whib"):
			kind = ChangeAdd
			by = strings.TrimSuffix(strings.TrimPrefix(line, "Added by "), " via whib")
		}
	}
	return summary, kind, by, undoes
}
