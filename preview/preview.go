// Package preview draws the link-preview image served at GET /preview.png:
// a world map with the traveller's visited countries shaded, their places
// as dots and a caption such as "11 places in 3 countries". It is pure: it
// takes the world layer, the places and the caption and returns PNG bytes,
// so the caller decides how to cache it (per data version).
package preview

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"github.com/whib/whib/geo"
)

// Width and Height are the size of the image, the one Open Graph and
// Twitter cards show at full size (1.91:1).
const Width, Height = 1200, 630

// Point is a place in degrees.
type Point struct{ Latitude, Longitude float64 }

// Layout. The map leaves out Antarctica (south of minLat) and the empty
// Arctic: on a 1.91:1 card a full plate carrée wastes a fifth of the height
// on ice no traveller's dot is likely to be on. Points outside the range
// are clamped to the edge so that they still show.
const (
	bandHeight = 96 // the caption band at the bottom
	margin     = 16 // around the map, inside the area above the band
	minLat     = -60.0
	maxLat     = 84.0

	mapMaxW = Width - 2*margin
	mapMaxH = Height - bandHeight - 2*margin
	// scale is pixels per degree, the same on both axes (plate carrée).
	scale = min(float64(mapMaxW)/360, float64(mapMaxH)/(maxLat-minLat))
	mapW  = 360 * scale
	mapH  = (maxLat - minLat) * scale
	// offX, offY put the fitted map in the middle of the area.
	offX = margin + (mapMaxW-mapW)/2
	offY = margin + (mapMaxH-mapH)/2
)

// Colours as 0xRRGGBB, taken from the site's map and stylesheet so that
// the card looks like the page it links to. They are constants (see rgb)
// so that nothing in the package is mutable state.
const (
	oceanColour   = 0xdfe9ec
	landColour    = 0xf2efe6
	visitedColour = 0xa1bcbb // --accent at 35% over land
	borderColour  = 0x8a8f98
	dotColour     = 0xc2410c // --focus
	dotRing       = 0xffffff
	bandColour    = 0x1c2430 // --ink
	captionColour = 0xffffff
	siteColour    = 0xcfe0e6
	accentColour  = 0x0b5e6b // --accent
)

// rgb turns a 0xRRGGBB constant into an opaque colour.
func rgb(c uint32) color.RGBA {
	return color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff}
}

// Render draws a Width×Height PNG: the countries of the world layer (as
// geo's World.Outlines gives them) in plate carrée, the visited ones
// shaded, each point as a dot and, in a band at the bottom, the caption and
// the map's title (MAP_TITLE), so the card says whose map it is even when a
// chat app crops the page's title away. visited are ISO 3166-1 alpha-2 codes, in any case.
//
// Render fails only on a world without polygons: an empty ocean would
// hide a wrong argument until someone looked at a shared link. It is safe
// for concurrent use.
func Render(world []geo.Outline, points []Point, visited []string, title, caption string) ([]byte, error) {
	if !hasPolygons(world) {
		return nil, errors.New("preview: the world layer has no polygons")
	}
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(rgb(oceanColour)), image.Point{}, draw.Src)
	drawWorld(img, world, codeSet(visited))
	drawDots(img, points)
	if err := drawBand(img, title, caption); err != nil {
		return nil, err
	}
	return encode(img)
}

func hasPolygons(world []geo.Outline) bool {
	for _, c := range world {
		if len(c.Polygons) > 0 {
			return true
		}
	}
	return false
}

func encode(img *image.RGBA) ([]byte, error) {
	var buf bytes.Buffer
	// BestSpeed: the card is flat colour, which compresses well anyway, and
	// the default level costs several times the CPU for a few per cent.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("preview: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// project maps a longitude and latitude to image coordinates (pixels, y
// down). Out-of-range values are clamped: longitudes past ±180 onto the
// antimeridian, latitudes onto the map's top or bottom edge.
func project(lon, lat float64) (x, y float64) {
	lon = math.Max(-180, math.Min(180, lon))
	lat = math.Max(minLat, math.Min(maxLat, lat))
	return offX + (lon+180)*scale, offY + (maxLat-lat)*scale
}
