// Package store keeps the list of places: the Place value and its validation,
// the CSV codec, snapshots, and the file and GitHub backends. It knows nothing
// about HTTP.
//
// # File format
//
// The places file is CSV (RFC 4180, read and written with encoding/csv) in
// UTF-8 with exactly the header "name,latitude,longitude". A byte order mark
// is tolerated; CRLF files stay CRLF. Coordinates keep the digits they were
// written with, so a file read and encoded again is byte-identical.
// Duplicate rows load fine (the talk's file has one).
//
// Writes are append-only: adding a place appends one encoded row to the bytes
// as they are (completing a missing final newline first). Existing rows are
// never rewritten, reordered or dropped, whatever their quoting.
//
// Formula neutralisation: a name starting with = + - @ TAB or CR would run as
// a formula when the file is opened in a spreadsheet, so it is written with a
// leading apostrophe ("'=HYPERLINK(…)"), which spreadsheets show as text. On
// read one leading apostrophe before such a character is removed. A name that
// itself starts with apostrophes followed by such a character gets one more,
// so every name round-trips exactly.
//
// # Errors
//
// Every error is a *Error with a Kind (KindOf) that handlers map to a status;
// KindInvalid carries one message per field for the person who typed it.
package store
