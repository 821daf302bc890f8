package main

import (
	"reflect"
	"testing"
)

func TestCompare(t *testing.T) {
	old := []File{
		{Name: "folio.json", Size: 100, Br: 40},
		{Name: "p/aa.json", Size: 1000, Br: 300},
		{Name: "p/bb.json", Size: 2000, Br: 500},
		{Name: "s/cc.bin", Size: 50}, // no copy: sent as it is
	}
	cur := []File{
		{Name: "folio.json", Size: 101, Br: 41}, // fixed name, new bytes: new
		{Name: "p/aa.json", Size: 1000, Br: 300},
		{Name: "p/dd.json", Size: 3000, Br: 700},
		{Name: "s/cc.bin", Size: 50},
		{Name: "s/ee.bin", Size: 60},
	}
	d := Compare(old, cur)
	want := Diff{
		Before:     Tally{Files: 4, Bytes: 3150, Sent: 890},
		After:      Tally{Files: 5, Bytes: 4211, Sent: 1151},
		New:        Tally{Files: 3, Bytes: 3161, Sent: 801},
		Gone:       Tally{Files: 1, Bytes: 2000, Sent: 500},
		NewByKind:  map[string]*Tally{"folio.json": {1, 101, 41}, "p": {1, 3000, 700}, "s": {1, 60, 60}},
		GoneByKind: map[string]*Tally{"p": {1, 2000, 500}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Compare:\n got %+v\nwant %+v", d, want)
	}
	if got := Kinds(d.NewByKind, d.GoneByKind); !reflect.DeepEqual(got, []string{"folio.json", "p", "s"}) {
		t.Errorf("Kinds = %v", got)
	}
}

func TestCompareSame(t *testing.T) {
	l := []File{{Name: "p/aa.json", Size: 10, Br: 5}, {Name: "folio.json", Size: 3}}
	d := Compare(l, l)
	if d.New.Files != 0 || d.Gone.Files != 0 || d.After != d.Before {
		t.Errorf("Compare of a listing with itself: %+v", d)
	}
}
