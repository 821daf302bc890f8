package format

import (
	"bytes"
	"reflect"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	m := &Meta{Docs: 4, Categories: []string{"market", "茶"}, Tags: []string{"A股"},
		Profiles:   []Profile{{Cats: []uint32{0, 1}, Tags: []uint32{0}, BodyClass: 7}, {Cats: []uint32{}, Tags: []uint32{}, BodyClass: 2}},
		DocProfile: []uint32{1, 0, 0, 1}, Days: []int32{-3, 18000, 18000, 17999}, TitleClass: 4}
	data := EncodeMeta(m)
	got, err := DecodeMeta(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("got %+v\nwant %+v", got, m)
	}
	if !bytes.Equal(EncodeMeta(got), data) {
		t.Error("re-encoding differs")
	}
}
