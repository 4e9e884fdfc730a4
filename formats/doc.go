// Package formats reads and writes the files people move places around in:
// GPX, KML and KMZ, GeoJSON, CSV, and the exports of the apps travellers
// keep their past in (Google Saved Places and Timeline, Foursquare Swarm,
// Polarsteps, Organic Maps and CoMaps, OsmAnd). It knows nothing about
// HTTP or storage.
//
// Export: EncodeGPX and EncodeKML write places to an io.Writer, each
// visit's date and note with it (GPX <time>, <desc> and whib:visited; KML
// TimeStamp or TimeSpan, description and ExtendedData); MediaType* and
// Filename* are what a download answers with. gpxTime and kmlTime say how
// a visit's date goes into each (see GPXNamespaceWhib). GDAL reads the
// dates back from both, and from the GeoJSON the handlers write.
//
// Import: Decode (or DecodeWith, with the choices a person made in the
// preview) recognises a file by its content, the media type and name being
// hints, and turns it into an Import: its Source ("Google Timeline"), the
// candidate rows (names, coordinates, dates and notes as written, with where
// each came from), what was skipped, and for a spreadsheet how it was read.
// Import.Summary is the preview's first line ("Google Timeline: 214 visits
// at 61 places, 2019–2024"). Classify then runs every row through
// store.Input.Place and sorts it into new, duplicate, near or invalid, which
// gives the places to add and the Report; ClassifyVisits does the same with
// each row a visit, its date and note in the place.
//
// A visit is a row: a place visited twice is two rows with the same name
// and point and different Visited, the shape of places.csv. Sources that
// record visits (Timeline, Swarm, Polarsteps) group them into places first
// (see visits.go), so every row of one place carries the same name and
// point digits.
//
// The preview's questions go back through DecodeOptions: which spreadsheet
// columns hold what (a *Error of KindNeedsColumns carries the Spreadsheet a
// column picker needs), which OsmAnd groups to import, whether Timeline's
// home and work are wanted, and a Geocoder (the offline gazetteer, adapted
// by the caller) for rows that have a name and no point.
//
// Limits and safety are enforced here and nowhere else: at most
// MaxImportBytes of input (and unzipped from an archive, across its
// files), MaxImportPlaces rows, MaxKMZEntries zip entries, no zip entry
// outside the archive, no XML with a DOCTYPE or any other directive (so no
// entity is ever declared, expanded or fetched), no JSON with a key
// repeated in one object, a second value, or nesting past maxJSONDepth.
// Every failure is an *Error whose Kind the caller maps to a status, in
// words a traveller understands ("this file is not a KML file (it looks
// like a Word document)").
package formats
