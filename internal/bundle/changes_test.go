package bundle

import (
	"fmt"
	"testing"
)

// TestWithChange checks the bounds of Manifest.Changes: newest first, at most MaxChanges
// builds and MaxChangeIDs IDs each.
func TestWithChange(t *testing.T) {
	var list []Change
	for i := range MaxChanges + 3 {
		ids := make([]string, MaxChangeIDs+i)
		for k := range ids {
			ids[k] = fmt.Sprint(k)
		}
		list = WithChange(list, Change{Since: fmt.Sprint("b", i), Added: len(ids), New: ids})
	}
	if len(list) != MaxChanges {
		t.Fatalf("%d changes kept, want %d", len(list), MaxChanges)
	}
	for k, c := range list {
		i := MaxChanges + 2 - k
		if c.Since != fmt.Sprint("b", i) || c.Added != MaxChangeIDs+i || len(c.New) != MaxChangeIDs || c.New[0] != "0" {
			t.Errorf("change %d: since %s, added %d, %d IDs from %s; want since b%d, added %d, %d IDs from 0", k, c.Since, c.Added, len(c.New), c.New[0], i, MaxChangeIDs+i, MaxChangeIDs)
		}
	}
}
