package builder

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestAppManifestAndIcons: the manifest names the archive (title, description from
// _config.yml) and PNG icons of 192 and 512 pixels and a maskable one, which the build
// writes: decodable, of their size, the rounded ones clear in the corners, the maskable
// one full bleed.
func TestAppManifestAndIcons(t *testing.T) {
	site := t.TempDir()
	posts := filepath.Join(site, "_posts")
	out := filepath.Join(site, "_site")
	writeFiles(t, site, map[string]string{"_config.yml": "title: 茶舍 · Tea House\ndescription: Notes from a tea counter.\n"})
	writeFiles(t, posts, map[string]string{"2020-01-01-a.md": postText("A")})
	v := fakeViewer("1")
	v["manifest.webmanifest"] = v["index.html"] // its contents are replaced
	if _, err := Build(Options{Posts: posts, Out: out, Site: v}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, "manifest.webmanifest"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Name        string `json:"name"`
		ShortName   string `json:"short_name"`
		Description string `json:"description"`
		Display     string `json:"display"`
		StartURL    string `json:"start_url"`
		Icons       []struct{ Src, Sizes, Type, Purpose string }
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "茶舍 · Tea House" || m.ShortName != "茶舍" || m.Description != "Notes from a tea counter." || m.Display != "standalone" || m.StartURL == "" {
		t.Errorf("manifest: %s", data)
	}
	want := map[string]string{"icon-192.png": "192x192 any", "icon-512.png": "512x512 any", "icon-maskable-512.png": "512x512 maskable"}
	for _, ic := range m.Icons {
		if ic.Type != "image/png" {
			continue
		}
		if want[ic.Src] != ic.Sizes+" "+ic.Purpose {
			t.Errorf("icon %+v, want %q", ic, want[ic.Src])
		}
		delete(want, ic.Src)
	}
	if len(want) > 0 {
		t.Errorf("manifest lacks %v", want)
	}
	for _, ic := range appIcons {
		f, err := os.Open(filepath.Join(out, ic.name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		_ = f.Close()
		if err != nil {
			t.Fatalf("%s: %v", ic.name, err)
		}
		if b := img.Bounds(); b.Dx() != ic.size || b.Dy() != ic.size {
			t.Errorf("%s is %v, want %d px", ic.name, b, ic.size)
		}
		_, _, _, corner := img.At(0, 0).RGBA()
		_, _, _, middle := img.At(ic.size/2-ic.size/8, ic.size/2).RGBA()
		if ic.rounded != (corner == 0) || middle != 0xffff {
			t.Errorf("%s: corner alpha %d, middle %d (rounded %v)", ic.name, corner, middle, ic.rounded)
		}
	}
}
