package memo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
)

// Stamp names what the memos' results depend on besides their inputs: the folio binary
// and the config file's bytes ("" for none). A memo of another stamp is not read.
func Stamp(configName string) (string, error) {
	exe, err := executableHash()
	if err != nil {
		return "", err
	}
	sum := sha256.New()
	sum.Write(exe)
	if configName != "" {
		cfg, err := os.ReadFile(configName)
		if err != nil {
			return "", fmt.Errorf("config file: %w", err)
		}
		sum.Write(cfg)
	}
	return hex.EncodeToString(sum.Sum(nil)[:16]), nil
}

var executableHash = sync.OnceValues(func() ([]byte, error) {
	name, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the folio binary: %w", err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read the folio binary: %w", err)
	}
	sum := sha256.Sum256(data)
	return sum[:], nil
})
