package preview

import (
	"fmt"
	"image"
	"image/draw"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fonts are the Go fonts, parsed once: parsing is the costly part, while a
// Face is cheap and not safe for concurrent use, so each Render makes its
// own.
var fonts = sync.OnceValues(func() (*[2]*opentype.Font, error) {
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("preview: bold font: %w", err)
	}
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("preview: regular font: %w", err)
	}
	return &[2]*opentype.Font{bold, regular}, nil
})

// Type sizes in pixels (the faces use 72 dpi). A caption too long for the
// band shrinks down to minCaptionSize and is then cut short with an ellipsis.
const (
	captionSize    = 44
	minCaptionSize = 22
	siteSize       = 26
	bandPad        = 32 // left and right of the text
	accentHeight   = 4  // the teal rule along the top of the band
)

// drawBand paints the caption band: the caption on the left, in bold, and
// the map's title on the right, both centred on the band's middle. A title
// longer than half the band is cut short.
func drawBand(img *image.RGBA, title, caption string) error {
	f, err := fonts()
	if err != nil {
		return err
	}
	band := image.Rect(0, Height-bandHeight, Width, Height)
	draw.Draw(img, band, image.NewUniform(rgb(bandColour)), image.Point{}, draw.Src)
	rule := image.Rect(0, band.Min.Y, Width, band.Min.Y+accentHeight)
	draw.Draw(img, rule, image.NewUniform(rgb(accentColour)), image.Point{}, draw.Src)

	site, err := newFace(f[1], siteSize)
	if err != nil {
		return err
	}
	defer site.Close()
	title = shorten(site, title, Width/2-bandPad)
	siteW := font.MeasureString(site, title).Ceil()
	drawText(img, site, title, Width-bandPad-siteW, siteColour)

	room := Width - 3*bandPad - siteW // a pad's gap between the two texts
	face, text, err := fitCaption(f[0], caption, room)
	if err != nil {
		return err
	}
	defer face.Close()
	drawText(img, face, text, bandPad, captionColour)
	return nil
}

func newFace(f *opentype.Font, size float64) (font.Face, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("preview: font face: %w", err)
	}
	return face, nil
}

// fitCaption picks the largest size at which the caption fits in room
// pixels, and at the smallest size shortens it until it does.
func fitCaption(f *opentype.Font, caption string, room int) (font.Face, string, error) {
	for size := captionSize; ; size -= 2 {
		face, err := newFace(f, float64(size))
		if err != nil {
			return nil, "", err
		}
		if font.MeasureString(face, caption).Ceil() <= room {
			return face, caption, nil
		}
		if size <= minCaptionSize {
			return face, shorten(face, caption, room), nil
		}
		face.Close()
	}
}

// shorten cuts runes off the end of s, adding an ellipsis, until it fits.
func shorten(face font.Face, s string, room int) string {
	if font.MeasureString(face, s).Ceil() <= room {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		t := string(r) + "…"
		if font.MeasureString(face, t).Ceil() <= room {
			return t
		}
	}
	return ""
}

// drawText draws s with its left edge at x, its cap height centred in the
// band below the rule.
func drawText(img *image.RGBA, face font.Face, s string, x int, colour uint32) {
	m := face.Metrics()
	middle := Height - (bandHeight-accentHeight)/2
	baseline := fixed.I(middle) + m.CapHeight/2
	d := font.Drawer{Dst: img, Src: image.NewUniform(rgb(colour)), Face: face, Dot: fixed.Point26_6{X: fixed.I(x), Y: baseline}}
	d.DrawString(s)
}
