// Package formats reads and writes the files people move places around in:
// GPX, KML and KMZ, GeoJSON (including Google Takeout's Saved Places) and
// CSV. It knows nothing about HTTP or storage.
//
// Export: EncodeGPX and EncodeKML write places to an io.Writer; MediaType*
// and Filename* are what a download answers with.
//
// Import: Decode turns an upload into candidate rows (names and coordinates
// as written, with where each came from) and a count of what was skipped.
// Classify then runs every row through store.NewPlace and sorts it into new,
// duplicate, near or invalid, which gives the places to add and the Report.
//
// Limits and XML safety are enforced here and nowhere else: at most
// MaxImportBytes of input (and of KML inside a KMZ), MaxImportPlaces places,
// MaxKMZEntries zip entries, no zip entry outside the archive, and no XML
// with a DOCTYPE or any other directive, so no entity is ever declared,
// expanded or fetched. Every failure is an *Error whose Kind the caller maps
// to a status.
package formats
