package geo

import (
	"encoding/json"
	"strconv"
)

// RegionsGeoJSON is a FeatureCollection of the outlines of the regions
// with these ISO 3166-2 codes, in the order given (codes it does not know
// are left out), for shading the visited ones: properties code, name and
// country. The outlines are the simplified ones regions are looked up
// with (about 500 m), in thousandths of a degree.
func (ix *Index) RegionsGeoJSON(codes []string) []byte {
	buf := []byte(`{"type":"FeatureCollection","features":[`)
	n := 0
	for _, code := range codes {
		i, ok := ix.regions.byCode[code]
		if !ok {
			continue
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = appendRegionFeature(buf, &ix.regions.list[i])
		n++
	}
	return append(buf, "]}"...)
}

func appendRegionFeature(buf []byte, r *regionData) []byte {
	props, _ := json.Marshal(r.Region) // three strings: cannot fail
	buf = append(buf, `{"type":"Feature","properties":`...)
	buf = append(buf, props...)
	buf = append(buf, `,"geometry":{"type":"MultiPolygon","coordinates":[`...)
	for i, p := range r.polygons {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for j, r := range p {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			for k, pt := range r {
				if k > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, '[')
				buf = strconv.AppendFloat(buf, float64(pt[0]), 'f', -1, 32)
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, float64(pt[1]), 'f', -1, 32)
				buf = append(buf, ']')
			}
			buf = append(buf, ']')
		}
		buf = append(buf, ']')
	}
	return append(buf, "]}}"...)
}
