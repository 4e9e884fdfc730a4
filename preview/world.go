package preview

import (
	"image"
	"image/draw"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/image/vector"

	"github.com/whib/whib/geo"
)

// codeSet normalises the visited codes for lookup.
func codeSet(codes []string) map[string]bool {
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[strings.ToUpper(strings.TrimSpace(c))] = true
	}
	return set
}

// painter rasterises onto the map's part of the image only, and into a
// coverage mask that blend then applies: vector's direct RGBA path does
// four divisions for every pixel of its area on every Draw, even where
// nothing was drawn, while its mask path is SIMD and blend skips the empty
// pixels (most of them, for the visited countries and the borders).
type painter struct {
	img    *image.RGBA
	z      *vector.Rasterizer
	mask   *image.Alpha
	bounds image.Rectangle // of the map, in image pixels, with a pixel to spare
}

func newPainter(img *image.RGBA) *painter {
	b := image.Rect(int(math.Floor(offX))-1, int(math.Floor(offY))-1,
		int(math.Ceil(offX+mapW))+1, int(math.Ceil(offY+mapH))+1).Intersect(img.Bounds())
	return &painter{
		img:    img,
		z:      vector.NewRasterizer(b.Dx(), b.Dy()),
		mask:   image.NewAlpha(image.Rect(0, 0, b.Dx(), b.Dy())),
		bounds: b,
	}
}

func (p *painter) moveTo(x, y float64) {
	p.z.MoveTo(float32(x)-float32(p.bounds.Min.X), float32(y)-float32(p.bounds.Min.Y))
}

func (p *painter) lineTo(x, y float64) {
	p.z.LineTo(float32(x)-float32(p.bounds.Min.X), float32(y)-float32(p.bounds.Min.Y))
}

// paint draws what was added since the last paint in colour.
func (p *painter) paint(colour uint32) {
	p.z.DrawOp = draw.Src // the mask is overwritten, not accumulated
	p.z.Draw(p.mask, p.mask.Bounds(), image.Opaque, image.Point{})
	blend(p.img, p.mask, p.bounds.Min, rgb(colour))
	p.z.Reset(p.bounds.Dx(), p.bounds.Dy())
}

// drawWorld fills land, then visited land, then strokes all borders. Each
// is one path and one Draw: the rasteriser's cost is mostly the pass over
// its area, so batching beats a Draw per country.
func drawWorld(img *image.RGBA, world []geo.Outline, visited map[string]bool) {
	p := newPainter(img)
	var plain, shaded []orb.Polygon
	for _, c := range world {
		if c.Code != "" && visited[c.Code] {
			shaded = append(shaded, c.Polygons...)
		} else {
			plain = append(plain, c.Polygons...)
		}
	}
	fillPolygons(p, plain, landColour)
	fillPolygons(p, shaded, visitedColour)
	for _, c := range world {
		for _, poly := range c.Polygons {
			for _, r := range poly {
				strokeRing(p, r)
			}
		}
	}
	p.paint(borderColour)
}

func fillPolygons(p *painter, polys []orb.Polygon, colour uint32) {
	if len(polys) == 0 {
		return
	}
	for _, poly := range polys {
		if offMap(poly.Bound()) {
			continue
		}
		for i, r := range poly {
			addRing(p, r, i == 0)
		}
	}
	p.paint(colour)
}

// offMap reports whether a polygon lies wholly outside the drawn latitudes
// (Antarctica): clamped, it would be a line along the map's bottom edge.
func offMap(b orb.Bound) bool {
	return b.Max.Lat() < minLat || b.Min.Lat() > maxLat
}

// addRing adds a ring to the path, wound so that the outer ring and the
// holes have opposite signs: the rasteriser sums signed coverage, so a hole
// wound like its outer ring would be filled in. GeoJSON's winding rule
// (RFC 7946) is not followed by every source, so it is not assumed.
func addRing(p *painter, r orb.Ring, outer bool) {
	if len(r) < 3 {
		return
	}
	reverse := (r.Orientation() == orb.CCW) != outer
	for _, shift := range shifts(r) {
		for i := range r {
			pt := r[i]
			if reverse {
				pt = r[len(r)-1-i]
			}
			// project clamps to the map's edges, which for a filled
			// ring is the same as clipping it there.
			x, y := project(pt.Lon()+shift, pt.Lat())
			if i == 0 {
				p.moveTo(x, y)
			} else {
				p.lineTo(x, y)
			}
		}
		p.z.ClosePath()
	}
}

// shifts says where to draw a ring: where it is and, for a ring that
// runs past ±180° (geo unwraps those that cross the antimeridian, such as
// Russia's and Fiji's), again a world away for its other side.
func shifts(r orb.Ring) []float64 {
	b := r.Bound()
	s := []float64{0}
	if b.Max.Lon() > 180 {
		s = append(s, -360)
	}
	if b.Min.Lon() < -180 {
		s = append(s, 360)
	}
	return s
}

// borderWidth is in pixels: hairlines, as on the site's map.
const borderWidth = 0.9

// strokeRing adds each edge of a ring as a thin rectangle, clipped to the
// map's longitudes. Edges along the antimeridian (where Natural Earth cuts
// Russia and Fiji) or along the clamped top and bottom are not borders and
// are left out.
func strokeRing(p *painter, r orb.Ring) {
	for _, shift := range shifts(r) {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			a[0], b[0] = a[0]+shift, b[0]+shift
			a, b, ok := clipLon(a, b)
			if !ok || cutEdge(a, b) {
				continue
			}
			ax, ay := project(a.Lon(), a.Lat())
			bx, by := project(b.Lon(), b.Lat())
			strokeSegment(p, ax, ay, bx, by)
		}
	}
}

// clipLon clips the edge a→b to longitudes -180…180; ok is false when
// nothing is left.
func clipLon(a, b orb.Point) (orb.Point, orb.Point, bool) {
	for _, edge := range []float64{-180, 180} {
		outA, outB := beyond(a.Lon(), edge), beyond(b.Lon(), edge)
		switch {
		case outA && outB:
			return a, b, false
		case outA:
			a = crossing(a, b, edge)
		case outB:
			b = crossing(a, b, edge)
		}
	}
	return a, b, true
}

func beyond(lon, edge float64) bool {
	if edge < 0 {
		return lon < edge
	}
	return lon > edge
}

// crossing is the point where a→b meets the meridian lon.
func crossing(a, b orb.Point, lon float64) orb.Point {
	t := (lon - a.Lon()) / (b.Lon() - a.Lon())
	return orb.Point{lon, a.Lat() + t*(b.Lat()-a.Lat())}
}

func cutEdge(a, b orb.Point) bool {
	onMeridian := math.Abs(a.Lon()) >= 180 && math.Abs(b.Lon()) >= 180 && a.Lon() == b.Lon()
	below := a.Lat() <= minLat && b.Lat() <= minLat
	above := a.Lat() >= maxLat && b.Lat() >= maxLat
	return onMeridian || below || above
}

// strokeSegment adds the rectangle around a→b, extended by half the width
// at both ends so that consecutive edges overlap at the corners instead of
// leaving notches. Every rectangle is wound the same way (corners in the
// order left-forward, right-back), so overlaps add up instead of cancelling.
func strokeSegment(p *painter, ax, ay, bx, by float64) {
	dx, dy := bx-ax, by-ay
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	h := borderWidth / 2
	ux, uy := dx/l*h, dy/l*h // along the edge, half a width long
	nx, ny := -uy, ux        // across it
	ax, ay, bx, by = ax-ux, ay-uy, bx+ux, by+uy
	p.moveTo(ax+nx, ay+ny)
	p.lineTo(bx+nx, by+ny)
	p.lineTo(bx-nx, by-ny)
	p.lineTo(ax-nx, ay-ny)
	p.z.ClosePath()
}
