package preview

import (
	"image"
	"image/color"
	"math"
)

// Dot size in pixels: large enough to see on a phone's small card, small
// enough that a city's places do not cover its country.
const (
	dotRadius  = 4.0
	ringRadius = 5.5 // the outline is the part of this disk outside the dot
)

// tap is one pixel of a stamp: its offset from the centre and its coverage.
type tap struct {
	dx, dy int
	alpha  uint8
}

// diskStamp is an antialiased disk centred on a pixel's centre, coverage
// found by 4×4 supersampling. Stamping precomputed taps straight into the
// RGBA is far cheaper than a vector path per dot when there are 100,000.
func diskStamp(radius float64) []tap {
	const n = 4
	reach := int(math.Ceil(radius))
	var taps []tap
	for dy := -reach; dy <= reach; dy++ {
		for dx := -reach; dx <= reach; dx++ {
			inside := 0
			for sy := range n {
				for sx := range n {
					x := float64(dx) + (float64(sx)+0.5)/n - 0.5
					y := float64(dy) + (float64(sy)+0.5)/n - 0.5
					if x*x+y*y <= radius*radius {
						inside++
					}
				}
			}
			if inside > 0 {
				taps = append(taps, tap{dx, dy, uint8(inside * 255 / (n * n))})
			}
		}
	}
	return taps
}

// drawDots draws every outline first and every dot on top, so a cluster of
// places reads as one orange patch with a single white edge rather than a
// pile of rings. Each layer is first gathered as a coverage mask, taking
// the highest coverage where dots overlap, and then blended once: a byte
// compare per stamped pixel instead of a blend, and overlapping
// antialiased edges do not darken.
func drawDots(img *image.RGBA, points []Point) {
	centres := dotCentres(points)
	if len(centres) == 0 {
		return
	}
	mask := image.NewAlpha(image.Rect(0, 0, Width, Height))
	for _, layer := range []struct {
		radius float64
		colour uint32
	}{{ringRadius, dotRing}, {dotRadius, dotColour}} {
		clear(mask.Pix)
		taps := diskStamp(layer.radius)
		for _, c := range centres {
			stamp(mask.Pix, c, taps)
		}
		blend(img, mask, image.Point{}, rgb(layer.colour))
	}
}

// dotCentres projects the points to pixels, once per pixel: many places in
// one town land on the same pixel, and a dot drawn twice looks the same.
func dotCentres(points []Point) []image.Point {
	seen := make([]uint64, (Width*Height+63)/64)
	var centres []image.Point
	for _, p := range points {
		if !finite(p.Latitude) || !finite(p.Longitude) {
			continue
		}
		x, y := project(p.Longitude, p.Latitude)
		px, py := int(x), int(y)
		i := py*Width + px
		if seen[i/64]&(1<<(i%64)) != 0 {
			continue
		}
		seen[i/64] |= 1 << (i % 64)
		centres = append(centres, image.Point{px, py})
	}
	return centres
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// stamp raises mask to the stamp's coverage around c, clipped to the
// image.
func stamp(mask []uint8, c image.Point, taps []tap) {
	for _, t := range taps {
		x, y := c.X+t.dx, c.Y+t.dy
		if uint(x) >= Width || uint(y) >= Height {
			continue
		}
		if m := &mask[y*Width+x]; t.alpha > *m {
			*m = t.alpha
		}
	}
}

// blend paints colour over the image through mask, whose origin is put at
// the image's point at.
func blend(img *image.RGBA, mask *image.Alpha, at image.Point, colour color.RGBA) {
	src := [3]uint32{uint32(colour.R), uint32(colour.G), uint32(colour.B)}
	w, h := mask.Rect.Dx(), mask.Rect.Dy()
	for y := range h {
		row := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		pix := img.Pix[img.PixOffset(at.X, at.Y+y):]
		for x, a := range row {
			if a == 0 {
				continue
			}
			px := pix[4*x : 4*x+3 : 4*x+3]
			if a == 0xff {
				px[0], px[1], px[2] = colour.R, colour.G, colour.B
				continue
			}
			a := uint32(a)
			for k := range px {
				px[k] = uint8((uint32(px[k])*(255-a) + src[k]*a + 127) / 255)
			}
		}
	}
}
