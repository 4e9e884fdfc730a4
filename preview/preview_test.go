package preview

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/whib/whib/geo"
)

// testTitle is MAP_TITLE's default.
const testTitle = "Where I have been"

// world is the real world layer, as handlers pass it.
func world() []geo.Outline { return geo.NewData().World().Outlines() }

// render renders the real world layer and decodes the result, failing the
// test on any error or on a wrong size.
func render(t testing.TB, points []Point, visited []string, caption string) image.Image {
	t.Helper()
	out, err := Render(world(), points, visited, testTitle, caption)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("output is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
		t.Fatalf("image is %dx%d, want 1200x630", b.Dx(), b.Dy())
	}
	return img
}

// at is the colour of the pixel at a longitude and latitude.
func at(img image.Image, lat, lon float64) color.RGBA {
	x, y := project(lon, lat)
	return color.RGBAModel.Convert(img.At(int(x), int(y))).(color.RGBA)
}

func want(t *testing.T, what string, got color.RGBA, colour uint32) {
	t.Helper()
	if got != rgb(colour) {
		t.Errorf("%s is %v, want %v", what, got, rgb(colour))
	}
}

var graz = Point{Latitude: 47.07, Longitude: 15.44}

func TestDotAtPlace(t *testing.T) {
	img := render(t, []Point{graz}, []string{"AT"}, "1 place in 1 country")
	want(t, "the pixel at Graz", at(img, graz.Latitude, graz.Longitude), dotColour)
	// A dot is small: 8 px (about 250 km) west of Graz, inside Austria,
	// the country's shade shows.
	x, y := project(graz.Longitude, graz.Latitude)
	beside := color.RGBAModel.Convert(img.At(int(x)-8, int(y))).(color.RGBA)
	want(t, "the pixel 8 px west of Graz", beside, visitedColour)
}

func TestOceanAndLand(t *testing.T) {
	img := render(t, nil, nil, "")
	want(t, "the middle of the Pacific", at(img, 0, -150), oceanColour)
	want(t, "the middle of the Atlantic", at(img, 30, -40), oceanColour)
	want(t, "the middle of Brazil, not visited", at(img, -10, -53), landColour)
	want(t, "the Sahara, not visited", at(img, 23, 10), landColour)
}

func TestVisitedShading(t *testing.T) {
	img := render(t, nil, []string{"BR", "fr"}, "")
	want(t, "the middle of Brazil, visited", at(img, -10, -53), visitedColour)
	want(t, "the middle of France, visited as \"fr\"", at(img, 46.5, 2.5), visitedColour)
	want(t, "Argentina, not visited", at(img, -35, -65), landColour)
}

// Natural Earth joins Russia's and Fiji's pieces on either side of the
// antimeridian within one ring; drawn naively, the joining edges shade a
// band across the whole map.
func TestAntimeridianCountries(t *testing.T) {
	img := render(t, nil, []string{"RU", "FJ"}, "")
	want(t, "the Norwegian Sea, at Chukotka's latitude", at(img, 68, -5), oceanColour)
	want(t, "the Pacific off Peru, at Fiji's latitude", at(img, -16.3, -100), oceanColour)
	want(t, "the Atlantic, at Fiji's latitude", at(img, -16.5, -20), oceanColour)
	want(t, "Chukotka, west of the antimeridian", at(img, 66, -174), visitedColour)
	want(t, "Siberia", at(img, 62, 100), visitedColour)
}

func TestCaptionBand(t *testing.T) {
	img := render(t, []Point{graz}, nil, "11 places in 3 countries")
	text, bg := 0, 0
	for y := Height - bandHeight; y < Height; y++ {
		for x := 0; x < Width/2; x++ { // the caption's half, not the site name's
			switch color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) {
			case rgb(captionColour):
				text++
			case rgb(bandColour):
				bg++
			}
		}
	}
	// Bold 44 px text of 24 characters covers a few thousand pixels; the
	// band behind it most of the rest.
	if text < 1000 || bg < text {
		t.Errorf("caption band has %d text pixels and %d background pixels", text, bg)
	}
	if n := count(img, image.Rect(Width/2, Height-bandHeight, Width, Height), siteColour); n < 300 {
		t.Errorf("site name has %d pixels of its colour, want it drawn", n)
	}
}

func count(img image.Image, r image.Rectangle, colour uint32) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == rgb(colour) {
				n++
			}
		}
	}
	return n
}

func TestEmptyCaptionLeavesBandBlank(t *testing.T) {
	img := render(t, nil, nil, "")
	if n := count(img, image.Rect(0, Height-bandHeight, Width/2, Height), captionColour); n != 0 {
		t.Errorf("empty caption drew %d text pixels", n)
	}
}

func TestLongCaptionFits(t *testing.T) {
	long := "100000 places in 195 countries and a great many more words than fit on the card"
	img := render(t, nil, nil, long)
	// The caption must stop before the site name, which starts right of
	// the middle.
	if n := count(img, image.Rect(Width*3/4-40, Height-bandHeight, Width*3/4, Height), captionColour); n != 0 {
		t.Errorf("long caption runs into the site name (%d pixels)", n)
	}
}

func TestPointsOffTheMap(t *testing.T) {
	// Antarctica, past the antimeridian and not-a-number: clamped or
	// skipped, never a panic.
	nan := Point{Latitude: math.NaN(), Longitude: 10}
	img := render(t, []Point{{-77.8, 166.7}, {10, 190}, {95, -200}, nan}, nil, "")
	want(t, "McMurdo, clamped to the bottom edge", at(img, -77.8, 166.7), dotColour)
}

func TestAWorldWithoutPolygonsFails(t *testing.T) {
	for _, w := range [][]geo.Outline{nil, {}, {{Code: "AT"}}} {
		if _, err := Render(w, []Point{graz}, nil, testTitle, "x"); err == nil {
			t.Errorf("Render(%v) did not fail", w)
		}
	}
}

// A hole wound the same way as its outer ring (RFC 7946 says otherwise,
// not every source follows it) is still a hole.
func TestHoleWoundLikeItsRing(t *testing.T) {
	ring := orb.Ring{{-40, -40}, {40, -40}, {40, 40}, {-40, 40}, {-40, -40}}
	hole := orb.Ring{{-10, -10}, {10, -10}, {10, 10}, {-10, 10}, {-10, -10}}
	out, err := Render([]geo.Outline{{Code: "BR", Polygons: []orb.Polygon{{ring, hole}}}}, nil, []string{"br"}, testTitle, "")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want(t, "inside the ring, outside the hole", at(img, 25, 25), visitedColour)
	want(t, "inside the hole", at(img, 0, 0), oceanColour)
	want(t, "outside the polygon", at(img, 50, 50), oceanColour)
}

// Render shares only the parsed fonts; run with -race to check.
func TestConcurrentRender(t *testing.T) {
	w := world()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := Render(w, []Point{graz}, []string{"AT"}, testTitle, "1 place in 1 country"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func randomPoints(n int) []Point {
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = Point{Latitude: r.Float64()*140 - 60, Longitude: r.Float64()*360 - 180}
	}
	return pts
}

func TestManyPoints(t *testing.T) {
	pts := append(randomPoints(100_000), graz)
	img := render(t, pts, []string{"AT"}, "100001 places in 195 countries")
	want(t, "the pixel at Graz among 100,000 others", at(img, graz.Latitude, graz.Longitude), dotColour)
}

func BenchmarkRender(b *testing.B) {
	w := world()
	for _, n := range []int{10, 1_000, 100_000} {
		pts := randomPoints(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(w, pts, []string{"AT", "BR", "US"}, testTitle, "11 places in 3 countries"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTheCardNamesTheMap: the band carries the map's title (MAP_TITLE) on
// the right, and a long one is cut short before it reaches the caption.
func TestTheCardNamesTheMap(t *testing.T) {
	band := func(title string) image.Image {
		out, err := Render(world(), []Point{graz}, []string{"AT"}, title, "1 place in 1 country")
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		img, err := png.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	differs := func(a, b image.Image, x0, x1 int) bool {
		for y := 630 - 96; y < 630; y++ {
			for x := x0; x < x1; x++ {
				if a.At(x, y) != b.At(x, y) {
					return true
				}
			}
		}
		return false
	}
	mine, ada := band(testTitle), band("Ada's journeys")
	if !differs(mine, ada, 600, 1200) {
		t.Error("the band looks the same whatever the map's title")
	}
	long := band(strings.Repeat("A very long title for a map ", 10))
	if differs(mine, long, 0, 560) {
		t.Error("a long title ran into the caption's half of the band")
	}
}
