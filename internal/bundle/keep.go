package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ReadBack returns the bytes of a data file a former build wrote into the writer's folder,
// checked against its name (a content hash): a file missing or damaged in place is an
// error. A build that keeps a former build's file puts these bytes again (the file then
// belongs to this build too, and its compressed copies are checked).
func (w *Writer) ReadBack(name string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(w.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	base := name[strings.LastIndexByte(name, '/')+1:]
	hash, _, _ := strings.Cut(base, ".")
	sum := sha256.Sum256(data)
	if hash != hex.EncodeToString(sum[:8]) {
		return nil, &DataError{File: name, Err: fmt.Errorf("%w: its bytes do not match its name", ErrDamaged)}
	}
	return data, nil
}
