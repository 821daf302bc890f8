package builder

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"folio/internal/bundle"
)

// The installable app: the web app manifest carries the archive's own title and
// description, and the build draws the PNG icons browsers want (Chromium installs only
// with a 192 and a 512 pixel icon; iOS takes apple-touch-icon.png), the same open book as
// icon.svg, with the standard library's image/png.

// App colours: the icon's green, and the page backgrounds of the light and dark themes
// (index.html carries both as theme-color with a media query; a manifest has one).
var (
	iconGreen = color.NRGBA{0x1d, 0x6a, 0x5b, 0xff}
	pageLight = color.NRGBA{0xf7, 0xf4, 0xee, 0xff}
	pageShade = color.NRGBA{0xe4, 0xdc, 0xcd, 0xff}
)

// appIcon is one icon the build writes at the site root.
type appIcon struct {
	name     string
	size     int
	maskable bool // full bleed, the drawing inside the central safe zone
	rounded  bool // corners cut round, as icon.svg
}

var appIcons = []appIcon{
	{"icon-192.png", 192, false, true},
	{"icon-512.png", 512, false, true},
	{"icon-maskable-512.png", 512, true, false},
	{"apple-touch-icon.png", 180, false, false}, // iOS rounds it itself
}

// webManifest returns manifest.webmanifest for the archive.
func webManifest(m *bundle.Manifest, description string) ([]byte, error) {
	if description == "" {
		description = fmt.Sprintf("%s: %d posts, to read and search online or offline.", m.Title, m.Posts)
	}
	// The short name is the title's first part ("柳溪茶与码 · Willow Creek…" → "柳溪茶与码"),
	// at most 12 characters, as launchers show it under the icon.
	short := m.Title
	for _, sep := range []string{" · ", " | ", " - ", " — ", "：", ": "} {
		if i := strings.Index(short, sep); i > 0 {
			short = short[:i]
		}
	}
	if utf8.RuneCountInString(short) > 12 {
		short = string([]rune(short)[:12])
	}
	type icon struct {
		Src     string `json:"src"`
		Sizes   string `json:"sizes"`
		Type    string `json:"type"`
		Purpose string `json:"purpose"`
	}
	icons := []icon{{"icon.svg", "any", "image/svg+xml", "any"}}
	for _, ic := range appIcons {
		if ic.name == "apple-touch-icon.png" {
			continue
		}
		purpose := "any"
		if ic.maskable {
			purpose = "maskable"
		}
		icons = append(icons, icon{ic.name, fmt.Sprintf("%dx%d", ic.size, ic.size), "image/png", purpose})
	}
	return json.MarshalIndent(map[string]any{
		"name":             m.Title,
		"short_name":       short,
		"description":      description,
		"id":               "./",
		"start_url":        "./",
		"scope":            "./",
		"display":          "standalone",
		"background_color": hexColor(pageLight),
		"theme_color":      hexColor(iconGreen),
		"icons":            icons,
	}, "", "  ")
}

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// iconPNGs draws the icons once per process (they never change).
var iconPNGs = sync.OnceValues(func() (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, ic := range appIcons {
		var buf bytes.Buffer
		if err := png.Encode(&buf, drawIcon(ic)); err != nil {
			return nil, fmt.Errorf("icon %s: %w", ic.name, err)
		}
		files[ic.name] = buf.Bytes()
	}
	return files, nil
})

// writeAppIcons writes the PNG icons into the site root (before the manifest that names them).
func writeAppIcons(out string) error {
	files, err := iconPNGs()
	if err != nil {
		return err
	}
	for _, ic := range appIcons {
		if err := writeIfChanged(filepath.Join(out, ic.name), files[ic.name]); err != nil {
			return err
		}
	}
	return nil
}

// drawIcon draws the open book of icon.svg (a 512-unit square) at ic.size pixels, each
// pixel the average of 4×4 samples so that edges are smooth.
func drawIcon(ic appIcon) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, ic.size, ic.size))
	scale := 512 / float64(ic.size)
	// A maskable icon may be cut to a circle of 80% of its width: the book shrinks to fit.
	zoom, shift := 1.0, 0.0
	if ic.maskable {
		zoom, shift = 0.72, 256*(1-0.72)
	}
	const n = 4
	for y := 0; y < ic.size; y++ {
		for x := 0; x < ic.size; x++ {
			var r, g, b, a float64
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					u := (float64(x) + (float64(sx)+0.5)/n) * scale
					v := (float64(y) + (float64(sy)+0.5)/n) * scale
					c, ok := iconAt(u, v, (u-shift)/zoom, (v-shift)/zoom, ic.rounded)
					if !ok {
						continue
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a++
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(255 * a / (n * n))})
		}
	}
	return img
}

// iconAt returns the colour at (u, v) of the background and at (bu, bv) of the book, in
// icon.svg's units; ok is false outside a rounded icon's corners.
func iconAt(u, v, bu, bv float64, rounded bool) (color.NRGBA, bool) {
	if rounded && !inRoundedSquare(u, v, 512, 112) {
		return color.NRGBA{}, false
	}
	// Each page is bounded by the spine (x = 256), an outer edge (x = 116 or 396), a top
	// that dips toward the spine and a bottom that dips the same (icon.svg's curves, as
	// straight lines).
	left := bu < 256
	dx := math.Abs(bu - 256) // 0 at the spine, 140 at the outer edge
	if dx > 140 || bu == 256 {
		return iconGreen, true
	}
	top := 150 - 30*dx/140 // 150 at the spine, 120 at the edge
	bottom := 386 - 30*dx/140
	if bv < top || bv > bottom {
		return iconGreen, true
	}
	// Lines of text on the pages (three on the left, two on the right), toward the spine.
	if dx > 24 && dx < 104 {
		lines := 3
		if !left {
			lines = 2
		}
		for i := range lines {
			ly := 178 + 44*float64(i) + 18*(104-dx)/80 + (top - 150) // follows the page's slope
			if math.Abs(bv-ly) < 6 {
				return mix(pageLight, iconGreen, 0.5), true
			}
		}
	}
	if left {
		return pageLight, true
	}
	return pageShade, true
}

func inRoundedSquare(u, v, size, r float64) bool {
	if u < 0 || v < 0 || u > size || v > size {
		return false
	}
	cx := math.Max(r, math.Min(size-r, u))
	cy := math.Max(r, math.Min(size-r, v))
	return (u-cx)*(u-cx)+(v-cy)*(v-cy) <= r*r
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.NRGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 0xff}
}
